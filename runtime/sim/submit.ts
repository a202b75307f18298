/**
 * Task creation at a kernel call: the call's views (region keys), scalar arguments and cycles;
 * the dispatch, ready and start policies for the submission index the task would get; the
 * resources it needs, checked in a fixed order (window and the scope rule, TensorMap entries,
 * DepList edges, heap bytes, ready-queue place) — the first one short stalls the orchestrator;
 * then the commit: a window slot, dependency edges from the TensorMap lookup and from `for`
 * iteration order, TensorMap entries, scope holding.
 *
 * `for` order in a workload (language §4.2): every task of iteration n depends on every task of
 * earlier iterations. Each iteration's tasks form a *group*; a group of one task is represented by
 * that task, a bigger one by a fence (graph.ts) the group's tasks feed. The next iteration's tasks
 * depend on that one node ("prev"); a nested `for` starts from its parent iteration's prev, so one
 * edge per task suffices. (Processes wait for their kernels, so their `for`s need none of this.)
 */
import type { Engine } from "./engine.js";
import { runError } from "./evaluate.js";
import { SimError } from "./errors.js";
import { TS, fenceTarget } from "./graph.js";
import type { TaskRecord } from "./log.js";
import { Ref, type Orch } from "./orchestrator.js";
import type { CallSite, Ins } from "./program.js";
import { BIG, narrow, narrowSmall, small, wide } from "./values.js";

export class Submitter {
  private keys = new Float64Array(16);
  private params = new Float64Array(16);
  private readonly paramsWide: bigint[] = [];

  constructor(private readonly e: Engine) {}

  /** A kernel call: evaluate, check resources (or stall), then submit. */
  call(o: Orch, ins: Ins): void {
    const e = this.e;
    const site = ins.site!;
    const granted = e.pools.consumeGrant(o);
    const targs = site.tensorArgs;
    if (this.keys.length < targs.length) this.keys = new Float64Array(targs.length * 2);
    const keys = this.keys;
    for (let i = 0; i < targs.length; i++) {
      const a = targs[i]!;
      keys[i] = e.eval.viewKey(o, a.index, a.bounds, a.strides, a.base, a.tensor, site.loc);
    }
    const cycles = this.cycles(o, site);
    const seq = e.nextSeq;
    if (seq >= e.machine.maxTasks) throw new SimError(`more than ${e.machine.maxTasks} tasks (the target's max_tasks)`, site.loc, o.who);
    const ctx = e.ctx;
    ctx.seq = seq;
    ctx.replica = o.replica;
    ctx.hasReplica = o.hasReplica;
    const k = this.dispatch(o, site, seq);
    const key = e.machine.readyEnforced ? this.policy(o, site, site.ready) : seq;
    const hold = e.machine.startEnforced ? this.policy(o, site, site.start) : 0;
    if (typeof hold !== "number") throw new SimError(`start policy \`${site.start.policy.name}\` gave a hold-off of ${hold} cycles, beyond what the simulator can count`, site.loc, o.who);
    if (!this.reserve(o, site, keys, k)) {
      e.pools.passOn(granted, o);
      return;
    }
    e.endStall(o);
    this.commit(o, site, keys, seq, k, key, hold, cycles);
    e.pools.passOn(granted, o);
  }

  /** The scheduler the dispatch policy picks (−1 when the target does not enforce dispatch). */
  private dispatch(o: Orch, site: CallSite, seq: number): number {
    const m = this.e.machine;
    if (!m.dispatchEnforced) return -1;
    const d = this.policy(o, site, site.dispatch);
    if (typeof d !== "number" || d >= m.schedulers) {
      const n = m.schedulers;
      throw new SimError(`dispatch policy \`${site.dispatch.policy.name}\` chose scheduler ${d} for task ${seq} (\`${site.kernelName}\`), but the target has ${n} scheduler${n === 1 ? "" : "s"} (0 … ${n - 1})`, site.loc, o.who);
    }
    if (m.coresOf[d]![site.executor]!.length === 0) {
      const kind = site.executor === 0 ? "AIC" : "AIV";
      throw new SimError(`task ${seq} (\`${site.kernelName}\`, ${kind}) was dispatched to scheduler ${d}, which owns no ${kind} core`, site.loc, o.who);
    }
    return d;
  }

  /** The task's cycles, from the kernel's cost program over its scalar arguments. */
  private cycles(o: Orch, site: CallSite): number {
    const c = site.cycles;
    if (site.scalarArgs.length === 0 && site.constCycles >= 0) return site.constCycles;
    if (this.params.length < site.nParams) this.params = new Float64Array(site.nParams * 2);
    const P = this.params;
    const log = this.e.log !== null;
    let big = false;
    for (const a of site.scalarArgs) {
      const v = this.e.eval.value(o, a.code, site.loc);
      const n = typeof v === "number" ? narrowSmall(v, a.type) : BIG;
      P[a.param] = n;
      if (n === BIG) big = true;
      if (big || log) this.paramsWide[a.param] = narrow(typeof v === "number" ? BigInt(v) : v, a.type);
    }
    if (c.constant !== undefined) return this.checkCycles(o, site, c.constant);
    const v = big ? -1 : c.fast(P, o.frame, this.e.ctx);
    if (v >= 0) return v;
    if (!big) for (const a of site.scalarArgs) this.paramsWide[a.param] = wide(P[a.param]!, undefined);
    const vars = Array.from({ length: site.nParams }, (_, i) => this.paramsWide[i] ?? 0n);
    try {
      return this.checkCycles(o, site, c.run({ vars }));
    } catch (err) {
      throw runError(err, o, site.cyclesLoc ?? site.loc);
    }
  }

  private checkCycles(o: Orch, site: CallSite, b: bigint): number {
    if (b >= 1n << 63n) throw new SimError(`kernel \`${site.kernelName}\` costs ${BigInt.asIntN(64, b)} cycles here; a cost must not be negative`, site.loc, o.who);
    if (b >= 1n << 53n) throw new SimError(`kernel \`${site.kernelName}\` costs ${b} cycles here, beyond what the simulator can count (2^53)`, site.loc, o.who);
    return Number(b);
  }

  private policy(o: Orch, site: CallSite, p: CallSite["dispatch"]): number | bigint {
    if (p.constantSmall >= 0) return p.constantSmall;
    if (p.constant !== undefined) return p.constant;
    let v: number | bigint;
    try {
      v = p.eval(o.frame, o.big, this.e.ctx);
    } catch (err) {
      const e = runError(err, o, site.loc);
      if (site.namesMissing && e instanceof SimError) {
        throw new SimError(`${e.message} (this package's plan does not name its loop variables; rebuild it with a newer wspc)`, e.loc, e.who);
      }
      throw e;
    }
    if (typeof v === "number") return v;
    const n = small(v);
    return n === BIG ? v : n;
  }

  /**
   * Checks every resource the submission needs; stalls on the first that is short. The
   * TensorMap lookups leave the task's dependencies in `tm.deps` for the commit.
   */
  private reserve(o: Orch, site: CallSite, keys: Float64Array, k: number): boolean {
    const e = this.e;
    const g = e.graph;
    const m = e.machine;
    const pools = e.pools;
    const loc = site.loc;
    // The scope rule (language §4.6, runtime/package/scope-rule.ts): a scope full to its capacity
    // can never submit again, since only its own end would free a place.
    if (o.scopeDepth > 0 && o.heldCount >= m.scopeCapacity) {
      pools.stall(o, pools.window, 1, loc, true);
      return false;
    }
    if (g.inFlight >= m.window) {
      pools.stall(o, pools.window, 1, loc, false);
      return false;
    }
    const tm = e.tm;
    tm.begin();
    const targs = site.tensorArgs;
    for (let i = 0; i < targs.length; i++) {
      const a = targs[i]!;
      if (a.tracked) tm.lookup(a.tensor, a.index.length, keys[i]!, a.writes);
    }
    const needEntries = site.tracked - tm.removable;
    if (tm.live + needEntries > m.tensormap) {
      pools.tensormap.used = tm.live;
      pools.stall(o, pools.tensormap, needEntries, loc, needEntries > m.tensormap);
      return false;
    }
    const needEdges = tm.nDeps + this.forEdges(o, site);
    if (g.edges + needEdges > m.deplist) {
      pools.stall(o, pools.deplist, needEdges, loc, false);
      return false;
    }
    const bytes = site.heapBytes;
    if (bytes > 0 && pools.heap.used + bytes > m.heapBytes) {
      pools.stall(o, pools.heap, bytes, loc, bytes > m.heapBytes);
      return false;
    }
    if (k >= 0 && pools.ready[k]!.used >= m.readyQueue) {
      pools.stall(o, pools.ready[k]!, 1, loc, false);
      return false;
    }
    return true;
  }

  /** Creates the task in a free window slot and wires it into the graph. */
  private commit(o: Orch, site: CallSite, keys: Float64Array, seq: number, k: number, key: number | bigint, hold: number, cycles: number): void {
    const e = this.e;
    const g = e.graph;
    const pools = e.pools;
    const s = g.allocSlot();
    e.tm.reclaim(s);
    e.nextSeq++;
    g.seq[s] = seq;
    g.site[s] = site.id;
    g.orch[s] = o.id;
    g.sched[s] = k;
    if (typeof key === "number") {
      g.keyHi[s] = Math.floor(key / 4294967296);
      g.keyLo[s] = key >>> 0;
    } else {
      g.keyHi[s] = Number(key >> 32n);
      g.keyLo[s] = Number(key & 0xffffffffn);
    }
    g.hold[s] = hold;
    g.cycles[s] = cycles;
    g.state[s] = TS.Submitting;
    g.succ[s] = -1;
    g.waiter[s] = -1;
    pools.window.use(1);
    if (k >= 0) pools.ready[k]!.use(1);
    g.heap[s] = site.heapBytes;
    if (site.heapBytes > 0) pools.heap.use(site.heapBytes);
    this.link(o, s, seq, site);
    // TensorMap entries (the lookups were done by reserve()).
    const targs = site.tensorArgs;
    let j = 0;
    for (let i = 0; i < targs.length; i++) {
      const a = targs[i]!;
      if (!a.tracked) continue;
      if (a.writes) e.tm.commitWrite(s, j, a.tensor, a.index.length, keys[i]!);
      else e.tm.commitRead(s, j, a.tensor, a.index.length, keys[i]!);
      j++;
    }
    pools.tensormap.used = e.tm.live;
    pools.tensormap.highWater = e.tm.highWater;
    e.ledger("tensormap", e.tm.live);
    // A scope holds the task until the outermost one ends.
    if (o.scopeDepth > 0) {
      g.scopeHeld[s] = 1;
      g.heldNext[s] = -1;
      if (o.heldTail >= 0) g.heldNext[o.heldTail] = s;
      else o.heldHead = s;
      o.heldTail = s;
      o.heldCount++;
    } else {
      g.scopeHeld[s] = 0;
    }
    if (e.log) this.record(o, s, site, keys, cycles);
    e.submitted(o, s);
  }

  /** Edges the `for` ordering of this submission adds (see link()). */
  private forEdges(o: Orch, site: CallSite): number {
    const D = site.forDepth;
    if (D === 0) return 0;
    const g = this.e.graph;
    let n = this.prevUnfinished(o, D - 1) ? 1 : 0;
    for (let d = 0; d < D; d++) {
      if (o.grpFence[d]! >= 0) n++;
      else if (o.grpKind[d] === Ref.Task) n += g.unfinished(o.grpA[d]!, o.grpB[d]!) ? 2 : 1;
    }
    return n;
  }

  /** Whether the iteration's predecessor (task or fence) is unfinished and not already a data dependency. */
  private prevUnfinished(o: Orch, d: number): boolean {
    const g = this.e.graph;
    const kind = o.prevKind[d];
    if (kind === Ref.Task) return g.unfinished(o.prevA[d]!, o.prevB[d]!) && g.mark[o.prevA[d]!] !== this.e.tm.stamp;
    if (kind === Ref.Fence) return g.fenceUnfinished(o.prevA[d]!, o.prevB[d]!);
    return false;
  }

  /** Wires a new task into the graph: data dependencies, `for` order, and `for` iteration groups. */
  private link(o: Orch, s: number, seq: number, site: CallSite): void {
    const e = this.e;
    const g = e.graph;
    const tm = e.tm;
    let pending = 0;
    for (let i = 0; i < tm.nDeps; i++) {
      const d = tm.deps[i]!;
      g.succ[d] = g.addEdge(g.succ[d]!, s);
      pending++;
    }
    const D = site.forDepth;
    if (D > 0) {
      const p = D - 1;
      if (this.prevUnfinished(o, p)) {
        if (o.prevKind[p] === Ref.Task) {
          const d = o.prevA[p]!;
          g.succ[d] = g.addEdge(g.succ[d]!, s);
        } else {
          const f = o.prevA[p]!;
          g.fSucc[f] = g.addEdge(g.fSucc[f]!, s);
        }
        pending++;
      }
      for (let d = 0; d < D; d++) this.joinGroup(o, d, s, seq);
    }
    g.pending[s] = pending;
    const deplist = e.pools.deplist;
    deplist.used = g.edges;
    if (g.edges > deplist.highWater) deplist.highWater = g.edges;
    e.ledger("deplist", g.edges);
  }

  /** The task joins iteration group `d`: the first task stands alone; a second makes a fence. */
  private joinGroup(o: Orch, d: number, s: number, seq: number): void {
    const g = this.e.graph;
    let f = o.grpFence[d]!;
    if (f < 0) {
      if (o.grpKind[d] === Ref.None) {
        o.grpKind[d] = Ref.Task;
        o.grpA[d] = s;
        o.grpB[d] = seq;
        return;
      }
      f = g.allocFence();
      o.grpFence[d] = f;
      const first = o.grpA[d]!;
      if (g.unfinished(first, o.grpB[d]!)) {
        g.succ[first] = g.addEdge(g.succ[first]!, fenceTarget(f));
        g.fPending[f]!++;
      }
    }
    g.succ[s] = g.addEdge(g.succ[s]!, fenceTarget(f));
    g.fPending[f]!++;
  }

  /** An iteration of `for` frame `d` ends: its group becomes what the next iteration depends on. */
  closeGroup(o: Orch, d: number): void {
    const g = this.e.graph;
    const f = o.grpFence[d]!;
    if (f >= 0) {
      o.prevKind[d] = Ref.Fence;
      o.prevA[d] = f;
      o.prevB[d] = g.fGen[f]!;
      g.fClosed[f] = 1;
      if (g.fPending[f] === 0) this.e.fenceDone(f);
    } else if (o.grpKind[d] === Ref.Task) {
      o.prevKind[d] = Ref.Task;
      o.prevA[d] = o.grpA[d]!;
      o.prevB[d] = o.grpB[d]!;
    }
    o.grpKind[d] = Ref.None;
    o.grpFence[d] = -1;
  }

  private record(o: Orch, s: number, site: CallSite, keys: Float64Array, cycles: number): void {
    const e = this.e;
    const log = e.log!;
    const regions = site.tensorArgs.map((a, i) => ({ tensor: a.tensor, prefix: prefixOf(keys[i]! - a.base, a.bounds), reads: a.reads, writes: a.writes }));
    const fors: [number, number][] = [];
    for (let d = 0; d < site.forDepth; d++) fors.push([o.forExec[d]!, o.forIter[d]!]);
    const r: TaskRecord = {
      seq: e.graph.seq[s]!,
      orch: o.id,
      site: site.id,
      regions,
      attrs: site.attrs.map((a) => wide(o.frame[a.k]!, o.big[a.k])),
      scalars: site.scalarArgs.map((a) => this.paramsWide[a.param] ?? 0n),
      cycles,
      heapBytes: site.heapBytes,
      fors,
      scoped: o.scopeDepth > 0,
      slots: e.slotsSnapshot(),
      sched: e.graph.sched[s]!,
      submitAt: e.now,
      submitDone: -1,
      ready: -1,
      issue: -1,
      start: -1,
      finish: -1,
      retire: -1,
      core: -1,
      scopeEnd: -1,
    };
    e.graph.logId[s] = log.tasks.length;
    log.tasks.push(r);
  }
}

/** The index prefix of a region from its offset within its level. */
function prefixOf(offset: number, bounds: readonly number[]): number[] {
  const p: number[] = new Array<number>(bounds.length);
  let x = offset;
  for (let i = bounds.length - 1; i >= 0; i--) {
    p[i] = x % bounds[i]!;
    x = Math.floor(x / bounds[i]!);
  }
  return p;
}
