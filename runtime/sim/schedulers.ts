/**
 * The K AICPU schedulers. Each owns its cores and a ready queue per executor kind, ordered by the
 * ready policy's key (smallest first, ties by `task.seq`). A scheduler issues one task at a time
 * (`dispatch_cycles` each): the first eligible task, in key order, whose kind has a free core among
 * its own (language §10.19). A task assigned to scheduler k is issued only by k, onto k's cores.
 *
 * Timing of an issue at cycle t: the scheduler picks the task and reserves the core at t, is busy
 * until t + dispatch_cycles, and the task runs on the core from t + dispatch_cycles for its cycles.
 */
import { IntHeap } from "./heap.js";
import { TS, type Graph } from "./graph.js";
import type { MachineModel } from "./machine.js";

export interface SchedulerHost {
  readonly now: number;
  /** The task in `slot` was issued by scheduler k onto `core`; it finishes at `finish`. */
  issued(slot: number, k: number, core: number, finish: number): void;
  /** Wake scheduler k at `time`, when its current dispatch ends (it has work waiting). */
  busyUntil(k: number, time: number): void;
}

export class Schedulers {
  /** Eligible tasks by [k * 2 + kind]. */
  private readonly queues: IntHeap[] = [];
  /** Free cores by [k * 2 + kind], lowest id first. */
  private readonly free: IntHeap[] = [];
  private readonly busy: Float64Array;
  readonly tasks: Float64Array;
  readonly busyCycles: Float64Array;
  readonly coreTasks: Float64Array;
  readonly coreBusy: Float64Array;

  constructor(
    private readonly machine: MachineModel,
    private readonly graph: Graph,
    private readonly host: SchedulerHost,
  ) {
    const g = graph;
    const byKey = (a: number, b: number): boolean => {
      const ha = g.keyHi[a]!;
      const hb = g.keyHi[b]!;
      if (ha !== hb) return ha < hb;
      const la = g.keyLo[a]!;
      const lb = g.keyLo[b]!;
      if (la !== lb) return la < lb;
      return g.seq[a]! < g.seq[b]!;
    };
    const byId = (a: number, b: number): boolean => a < b;
    for (let k = 0; k < machine.schedulers; k++) {
      for (let kind = 0; kind < 2; kind++) {
        this.queues.push(new IntHeap(byKey));
        const h = new IntHeap(byId);
        for (const c of machine.coresOf[k]![kind]!) h.push(c);
        this.free.push(h);
      }
    }
    const k = machine.schedulers;
    this.busy = new Float64Array(k);
    this.tasks = new Float64Array(k);
    this.busyCycles = new Float64Array(k);
    this.coreTasks = new Float64Array(machine.cores.length);
    this.coreBusy = new Float64Array(machine.cores.length);
    this.isDirty = new Uint8Array(k);
    this.wakeAsked = new Uint8Array(k);
    this.dirty = new Int32Array(k);
  }

  /** Schedulers with something new to consider (a task, a free core, a free dispatcher). */
  private readonly dirty: Int32Array;
  private nDirty = 0;
  private readonly isDirty: Uint8Array;
  /** Whether scheduler k has a wake-up event pending for the end of its current dispatch. */
  private readonly wakeAsked: Uint8Array;

  /** Puts an eligible task in its scheduler's queue; the scheduler acts when the cycle settles. */
  enqueue(slot: number, kind: number): void {
    const k = this.graph.sched[slot]!;
    this.graph.state[slot] = TS.Queued;
    this.queues[k * 2 + kind]!.push(slot);
    this.touch(k);
  }

  /** Scheduler k should look for work once the current cycle's events are in. */
  touch(k: number): void {
    if (this.isDirty[k]) return;
    this.isDirty[k] = 1;
    this.dirty[this.nDirty++] = k;
  }

  get pending(): boolean {
    return this.nDirty > 0;
  }

  /**
   * Every touched scheduler issues what it can. Called when all events of the current cycle have
   * been handled, so tasks that became eligible together compete by their ready keys.
   */
  settle(): void {
    const n = this.nDirty;
    const d = this.dirty;
    // Insertion sort: a handful of schedulers, and no allocation.
    for (let i = 1; i < n; i++) {
      const x = d[i]!;
      let j = i - 1;
      while (j >= 0 && d[j]! > x) {
        d[j + 1] = d[j]!;
        j--;
      }
      d[j + 1] = x;
    }
    for (let i = 0; i < n; i++) {
      const k = d[i]!;
      this.isDirty[k] = 0;
      this.tryIssue(k);
    }
    this.nDirty = 0;
  }

  coreFreed(core: number): void {
    const c = this.machine.cores[core]!;
    this.free[c.scheduler * 2 + c.kind]!.push(core);
    this.touch(c.scheduler);
  }

  /**
   * Issues tasks while scheduler k is free and a queued task has a free core of its kind. A
   * scheduler still dispatching asks to be woken when it is free — only if it has work then, so
   * an idle pipeline of tasks costs no extra event per dispatch.
   */
  tryIssue(k: number): void {
    const now = this.host.now;
    const g = this.graph;
    const D = this.machine.dispatchCycles;
    for (;;) {
      const pick = this.pick(k);
      if (pick < 0) return;
      if (this.busy[k]! > now) {
        if (!this.wakeAsked[k]) {
          this.wakeAsked[k] = 1;
          this.host.busyUntil(k, this.busy[k]!);
        }
        return;
      }
      const slot = this.queues[pick]!.pop();
      const core = this.free[pick]!.pop();
      const start = now + D;
      const finish = start + g.cycles[slot]!;
      g.state[slot] = TS.Running;
      g.core[slot] = core;
      this.tasks[k]!++;
      this.busyCycles[k]! += D;
      this.coreTasks[core]!++;
      this.coreBusy[core]! += g.cycles[slot]!;
      this.host.issued(slot, k, core, finish);
      this.busy[k] = now + D;
    }
  }

  /** The wake-up scheduler k asked for (busyUntil) has come. */
  woken(k: number): void {
    this.wakeAsked[k] = 0;
    this.touch(k);
  }

  /** The queue (k * 2 + kind) whose head goes next, or −1: smallest key among kinds with a free core. */
  private pick(k: number): number {
    const a = k * 2;
    const b = a + 1;
    const qa = this.queues[a]!;
    const qb = this.queues[b]!;
    const okA = qa.size > 0 && this.free[a]!.size > 0;
    const okB = qb.size > 0 && this.free[b]!.size > 0;
    if (okA && okB) return this.before(qa.peek(), qb.peek()) ? a : b;
    return okA ? a : okB ? b : -1;
  }

  private before(x: number, y: number): boolean {
    const g = this.graph;
    if (g.keyHi[x] !== g.keyHi[y]) return g.keyHi[x]! < g.keyHi[y]!;
    if (g.keyLo[x] !== g.keyLo[y]) return g.keyLo[x]! < g.keyLo[y]!;
    return g.seq[x]! < g.seq[y]!;
  }
}
