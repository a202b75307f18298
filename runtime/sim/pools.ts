/**
 * The bounded resources and who waits for them. Every bound is stall-only (the domain brief's
 * "multi-ring" flow control): a submission that finds a pool short stalls its orchestrator, which
 * queues on that pool; when the pool gets room it is granted to the first waiter (earliest stall,
 * ties by orchestrator number), one waiter at a time, so a release never wakes a crowd. A need no
 * release can meet (a scope holding as many tasks as it may, a single task needing more than the whole
 * pool) is *stuck*: it waits for nothing and shows up as a deadlock.
 */
import type { MachineModel } from "./machine.js";
import type { Orch } from "./orchestrator.js";
import { OS } from "./orchestrator.js";
import { STALL_REASONS, type ResourceName } from "./types.js";

export const R_WINDOW = STALL_REASONS.indexOf("TASK_RING_FULL");
export const R_TENSORMAP = STALL_REASONS.indexOf("TENSORMAP_POOL_FULL");
export const R_DEPLIST = STALL_REASONS.indexOf("DEPLIST_POOL_FULL");
export const R_HEAP = STALL_REASONS.indexOf("HEAP_ARENA_FULL");
export const R_READY = STALL_REASONS.indexOf("READY_QUEUE_FULL");
export const R_EMPTY = STALL_REASONS.indexOf("CHANNEL_EMPTY_WAIT");
export const R_FULL = STALL_REASONS.indexOf("CHANNEL_FULL_WAIT");
export const R_LOAD = STALL_REASONS.indexOf("LOAD_WAIT");

/** A bounded resource: its use, high-water mark, and the orchestrators waiting for it. */
export class Pool {
  used = 0;
  highWater = 0;
  readonly waiters: Orch[] = [];
  /** The waiter woken by the last release, until it retries (one grant at a time). */
  grantee: Orch | null = null;

  constructor(readonly name: ResourceName, readonly capacity: number, readonly reason: number, readonly index = -1) {}

  use(n: number): void {
    this.used += n;
    if (this.used > this.highWater) this.highWater = this.used;
  }
}

/** What the pools need from the engine. */
export interface PoolHost {
  readonly now: number;
  wake(o: Orch, t: number): void;
  beginStall(o: Orch, reason: number, loc: string | null, object: number, used: number, need: number, capacity: number): void;
}

export class Pools {
  /** The task window (the task ring). */
  readonly window: Pool;
  readonly tensormap: Pool;
  readonly deplist: Pool;
  readonly heap: Pool;
  /** One ready queue per scheduler. */
  readonly ready: Pool[];
  private readonly stuck: Orch[] = [];

  constructor(m: MachineModel, private readonly host: PoolHost) {
    this.window = new Pool("task_ring", m.window, R_WINDOW);
    this.tensormap = new Pool("tensormap", m.tensormap, R_TENSORMAP);
    this.deplist = new Pool("deplist", m.deplist, R_DEPLIST);
    this.heap = new Pool("heap_arena", m.heapBytes, R_HEAP);
    this.ready = Array.from({ length: m.schedulers }, (_, k) => new Pool("ready_queue", m.readyQueue, R_READY, k));
  }

  /** `o` cannot proceed for want of `need` of `pool`: queue it, or park it for good. */
  stall(o: Orch, pool: Pool, need: number, loc: string | null, permanent: boolean): void {
    this.host.beginStall(o, pool.reason, loc, pool.index, pool.used, need, pool.capacity);
    o.state = OS.Blocked;
    o.permanent = permanent;
    o.blockedOn = null;
    o.need = need;
    if (permanent) {
      this.stuck.push(o);
      return;
    }
    o.blockedOn = pool;
    const w = pool.waiters;
    let i = w.length;
    while (i > 0 && (w[i - 1]!.stallSince > o.stallSince || (w[i - 1]!.stallSince === o.stallSince && w[i - 1]!.id > o.id))) i--;
    w.splice(i, 0, o);
  }

  /** `pool` has more room: grant it to its first waiter if that one's need now fits. */
  released(pool: Pool): void {
    if (pool.grantee !== null || pool.waiters.length === 0) return;
    if (pool.used + pool.waiters[0]!.need > pool.capacity) return;
    const o = pool.waiters.shift()!;
    pool.grantee = o;
    o.grantedBy = pool;
    this.host.wake(o, this.host.now);
  }

  /** A woken waiter is about to retry: its grant is used up; returns the pool that granted it. */
  consumeGrant(o: Orch): Pool | null {
    const pool = o.grantedBy;
    if (pool) {
      pool.grantee = null;
      o.grantedBy = null;
    }
    o.blockedOn = null;
    return pool;
  }

  /** After a retry: if it did not end up waiting on the pool that granted it, the next waiter may go. */
  passOn(granted: Pool | null, o: Orch): void {
    if (granted && granted !== o.blockedOn) this.released(granted);
  }

  /** Quiescence: every orchestrator waiting on a resource gets one more try. */
  retryAll(): void {
    const all = this.stuck.splice(0);
    for (const p of [this.window, this.tensormap, this.deplist, this.heap, ...this.ready]) {
      all.push(...p.waiters.splice(0));
      p.grantee = null;
    }
    for (const o of all) {
      o.grantedBy = null;
      o.blockedOn = null;
      this.host.wake(o, this.host.now);
    }
  }
}
