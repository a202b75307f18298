/**
 * The dependency graph of tasks in flight, as struct-of-arrays indexed by task slot: a slot is a
 * place in the task window, reused once its task retires, so memory follows the window, not the
 * task count. Besides tasks the graph has *fences*: one per iteration of a workload's `for` with
 * two or more tasks, finished when all those tasks have finished; the next iteration's tasks
 * depend on that one fence instead of on every task of the previous iteration (m + n edges
 * rather than m · n). Edges are the DepList pool: successor lists threaded through arrays.
 *
 * Node references: a task is (slot, seq) and a fence (id, generation), so a reference to a node
 * that has since finished and been recycled is recognised as finished.
 */

/** Task states in order of progress; Free slots hold no task. */
export const enum TS {
  Free = 0,
  /** Submission under way: the task exists, the submit cost has not elapsed. */
  Submitting = 1,
  /** Submitted, waiting for dependencies. */
  Waiting = 2,
  /** Ready, in its start hold-off. */
  Hold = 3,
  /** Eligible, in its scheduler's ready queue. */
  Queued = 4,
  Running = 5,
  /** Finished, not yet retired (a scope still holds it). */
  Finished = 6,
}

/** Edge targets: a task slot (≥ 0) or a fence (−1 − id). */
export function fenceTarget(f: number): number {
  return -1 - f;
}

export class Graph {
  cap = 0;
  seq = new Float64Array(0);
  site = new Int32Array(0);
  orch = new Int32Array(0);
  sched = new Int32Array(0);
  keyHi = new Uint32Array(0);
  keyLo = new Uint32Array(0);
  hold = new Float64Array(0);
  cycles = new Float64Array(0);
  pending = new Int32Array(0);
  succ = new Int32Array(0);
  state = new Uint8Array(0);
  scopeHeld = new Uint8Array(0);
  heap = new Float64Array(0);
  heldNext = new Int32Array(0);
  core = new Int32Array(0);
  /** Orchestrator waiting for this task to finish (a process after its kernel call), or −1. */
  waiter = new Int32Array(0);
  /** Dedupe stamp: the submission attempt that last counted this task as a dependency. */
  mark = new Float64Array(0);
  /** Record index of the task in the execution log (verify/trace), or −1. */
  logId = new Int32Array(0);

  private free = new Int32Array(0);
  private nFree = 0;
  /** Slots holding a task (submitted, not retired): the window's use. */
  inFlight = 0;

  // Fences.
  fPending = new Int32Array(0);
  fSucc = new Int32Array(0);
  fGen = new Float64Array(0);
  fClosed = new Uint8Array(0);
  private fFree: number[] = [];
  private fCap = 0;

  // Edges (the DepList pool).
  eTarget = new Int32Array(0);
  eNext = new Int32Array(0);
  private eFree = -1;
  private eCap = 0;
  /** Edges in use. */
  edges = 0;

  constructor(initialSlots: number, private readonly onGrow: (cap: number) => void) {
    this.growSlots(Math.max(1, initialSlots));
    this.growFences(16);
    this.growEdges(256);
  }

  /** A free slot for a new task, growing the table when none is free. */
  allocSlot(): number {
    if (this.nFree === 0) this.growSlots(this.cap * 2);
    this.inFlight++;
    return this.free[--this.nFree]!;
  }

  releaseSlot(s: number): void {
    this.state[s] = TS.Free;
    this.seq[s] = -1;
    this.inFlight--;
    this.free[this.nFree++] = s;
  }

  /** Whether (slot, seq) names a task that has not finished. */
  unfinished(slot: number, seq: number): boolean {
    const st = this.state[slot]!;
    return this.seq[slot] === seq && st !== TS.Free && st !== TS.Finished;
  }

  private growSlots(size: number): void {
    const old = this.cap;
    const f64 = (a: Float64Array) => copy(new Float64Array(size), a);
    const i32 = (a: Int32Array) => copy(new Int32Array(size), a);
    const u32 = (a: Uint32Array) => copy(new Uint32Array(size), a);
    const u8 = (a: Uint8Array) => copy(new Uint8Array(size), a);
    this.seq = f64(this.seq);
    this.site = i32(this.site);
    this.orch = i32(this.orch);
    this.sched = i32(this.sched);
    this.keyHi = u32(this.keyHi);
    this.keyLo = u32(this.keyLo);
    this.hold = f64(this.hold);
    this.cycles = f64(this.cycles);
    this.pending = i32(this.pending);
    this.succ = i32(this.succ);
    this.state = u8(this.state);
    this.scopeHeld = u8(this.scopeHeld);
    this.heap = f64(this.heap);
    this.heldNext = i32(this.heldNext);
    this.core = i32(this.core);
    this.waiter = i32(this.waiter);
    this.mark = f64(this.mark);
    this.logId = i32(this.logId);
    const free = new Int32Array(size);
    free.set(this.free.subarray(0, this.nFree));
    // Lower slots are handed out first (the stack pops from the top).
    for (let s = size - 1; s >= old; s--) {
      free[this.nFree++] = s;
      this.seq[s] = -1;
      this.succ[s] = -1;
      this.waiter[s] = -1;
      this.mark[s] = -1;
      this.logId[s] = -1;
    }
    this.free = free;
    this.cap = size;
    this.onGrow(size);
  }

  // ---- fences ----

  allocFence(): number {
    if (this.fFree.length === 0) this.growFences(this.fCap * 2);
    const f = this.fFree.pop()!;
    this.fPending[f] = 0;
    this.fSucc[f] = -1;
    this.fClosed[f] = 0;
    return f;
  }

  /** Frees a finished fence; its generation moves on so old references read as finished. */
  releaseFence(f: number): void {
    this.fGen[f] = this.fGen[f]! + 1;
    this.fFree.push(f);
  }

  /** Whether (fence, generation) names a fence that has not finished. */
  fenceUnfinished(f: number, gen: number): boolean {
    return this.fGen[f] === gen;
  }

  private growFences(size: number): void {
    const old = this.fCap;
    this.fPending = copy(new Int32Array(size), this.fPending);
    this.fSucc = copy(new Int32Array(size), this.fSucc);
    this.fGen = copy(new Float64Array(size), this.fGen);
    this.fClosed = copy(new Uint8Array(size), this.fClosed);
    for (let f = size - 1; f >= old; f--) this.fFree.push(f);
    this.fCap = size;
  }

  // ---- edges ----

  /** Adds an edge from a node's successor list head `head` to `target`; returns the new head. */
  addEdge(head: number, target: number): number {
    if (this.eFree < 0) this.growEdges(this.eCap * 2);
    const e = this.eFree;
    this.eFree = this.eNext[e]!;
    this.eTarget[e] = target;
    this.eNext[e] = head;
    this.edges++;
    return e;
  }

  freeEdge(e: number): void {
    this.eNext[e] = this.eFree;
    this.eFree = e;
    this.edges--;
  }

  private growEdges(size: number): void {
    const old = this.eCap;
    this.eTarget = copy(new Int32Array(size), this.eTarget);
    this.eNext = copy(new Int32Array(size), this.eNext);
    for (let e = size - 1; e >= old; e--) {
      this.eNext[e] = this.eFree;
      this.eFree = e;
    }
    this.eCap = size;
  }
}

function copy<T extends { set(a: ArrayLike<number>): void }>(into: T, from: ArrayLike<number>): T {
  into.set(from);
  return into;
}
