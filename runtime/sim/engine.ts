/**
 * The discrete-event engine: one global clock in cycles, a heap of machine events (a submission
 * completing, a task finishing, a scheduler becoming free, a start hold-off ending, a channel
 * token being popped) and a heap of runnable orchestrators. A cycle settles in a fixed order: its
 * machine events, then the schedulers' issues (so tasks that became eligible together compete by
 * their ready keys), then one orchestrator step at a time (interleave.ts decides who when several
 * can), each followed by the events and issues it caused. Time advances only when nothing can
 * happen at the current cycle; when nothing can happen at all — even after every resource waiter
 * retried once — and some orchestrator has not ended, the run is deadlocked (deadlock.ts).
 *
 * A task's life (language §7.1): submitted by its orchestrator at t (submit.ts; the orchestrator
 * pays submit_cycles) → visible at t + submit_cycles, ready once its dependencies have finished →
 * eligible after its start hold-off → issued by its scheduler (schedulers.ts) → finished →
 * retired once no scope holds it, freeing its window place, heap bytes and TensorMap entries.
 */
import type { Manifest, Plan } from "../package/types.js";
import { Channel, ChannelOps } from "./channels.js";
import { TensorStore } from "./data.js";
import { SimError } from "./errors.js";
import { PlanEval } from "./evaluate.js";
import type { FastCtx } from "./fastcode.js";
import { TS, Graph } from "./graph.js";
import { TimeHeap } from "./heap.js";
import { Chooser, OrderReplay } from "./interleave.js";
import { ExecutionLog, type SegmentKind, type TaskRecord } from "./log.js";
import { machineModel, type MachineModel } from "./machine.js";
import { OS, Orch, maxForDepth, step } from "./orchestrator.js";
import { Pools, R_EMPTY, R_FULL, R_LOAD } from "./pools.js";
import { compileProgram, levelsUsed, type Ins, type ProgramSet } from "./program.js";
import { RegionSpace } from "./regions.js";
import { Schedulers, type SchedulerHost } from "./schedulers.js";
import { Submitter } from "./submit.js";
import { TensorMap } from "./tensormap.js";
import { STALL_REASONS, type SimOptions } from "./types.js";
import { SMALL_LIMIT, small } from "./values.js";

// Machine event types (low 3 bits of an event payload; the rest is the object's index).
const EV_SUBMIT = 0;
const EV_FINISH = 1;
const EV_SCHED = 2;
const EV_ELIGIBLE = 3;
const EV_POP = 4;

export class Engine implements SchedulerHost {
  readonly manifest: Manifest;
  readonly plan: Plan;
  readonly machine: MachineModel;
  readonly store: TensorStore;
  readonly regions: RegionSpace;
  readonly programs: ProgramSet;
  readonly graph: Graph;
  readonly tm: TensorMap;
  readonly schedulers: Schedulers;
  readonly pools: Pools;
  readonly orchs: Orch[] = [];
  readonly channels: Channel[];
  readonly ctx: FastCtx;
  readonly eval: PlanEval;
  readonly submit: Submitter;
  readonly chan: ChannelOps;
  readonly chooser: Chooser;
  /** An `order` interleaving being replayed (interleave.ts), until it is used up. */
  private readonly order: OrderReplay | null;
  readonly log: ExecutionLog | null;

  now = 0;
  private readonly events = new TimeHeap();
  private eventOrder = 0;
  private readonly ready = new TimeHeap();

  /** Submissions so far: the next task's `task.seq`. */
  nextSeq = 0;
  nextForExec = 0;
  /** Round-robin counter for targets that do not enforce dispatch. */
  private dealt = 0;
  /** Bumped whenever anything moves; the deadlock check compares it across a final retry. */
  private progress = 0;
  readonly stallCount = new Float64Array(STALL_REASONS.length);
  readonly stallCycles = new Float64Array(STALL_REASONS.length);
  /** Loads waiting for a writer to finish. */
  private readonly loadWaiters: Orch[] = [];
  /** Slot values as of the last `load` (the log records them with each task). */
  private slotView: readonly bigint[] | null = null;
  private readonly onProgress: ((done: number) => void) | undefined;

  constructor(manifest: Manifest, plan: Plan, options: SimOptions) {
    this.manifest = manifest;
    this.plan = plan;
    this.machine = machineModel(manifest);
    const symbols = symbolValues(manifest, options.symbols ?? new Map());
    this.store = new TensorStore(manifest, plan, symbols, options.inputs ?? new Map(), options.seed ?? 0);
    this.regions = new RegionSpace(this.store.dims, levelsUsed(manifest, plan));
    this.programs = compileProgram({ manifest, plan, regions: this.regions, dims: this.store.dims, symbols, pipeline: manifest.csp !== null });
    const m = this.machine;
    let tm: TensorMap | undefined;
    this.graph = new Graph(Math.min(m.window, 1024), (cap) => tm?.ensure(cap));
    tm = new TensorMap(this.graph, this.regions, this.programs.maxTracked);
    tm.ensure(this.graph.cap);
    this.tm = tm;
    this.schedulers = new Schedulers(m, this.graph, this);
    this.pools = new Pools(m, this);
    this.ctx = launchContext(manifest, symbols, options.slots ?? new Map());
    this.eval = new PlanEval(manifest, plan, this.store, this.ctx);
    this.submit = new Submitter(this);
    this.chan = new ChannelOps(this);
    this.chooser = new Chooser(options.interleave ?? { kind: "default" });
    this.log = options.verify || options.trace ? new ExecutionLog() : null;
    this.channels = (manifest.csp?.channels ?? []).map((c, i) => new Channel(i, c));
    this.createOrchestrators();
    const mode = options.interleave;
    this.order = mode?.kind === "order" ? new OrderReplay(this, mode.steps) : null;
    if (this.log) {
      this.log.symbols = [...symbols];
      for (const o of this.orchs) this.log.orchs.push({ who: o.who, replica: o.replica, hasReplica: o.hasReplica });
    }
    const report = options.progress;
    this.onProgress = report ? (done) => report(done) : undefined;
  }

  /** The workload's orchestrator, or one per process replica (their numbering is interleave.ts's). */
  private createOrchestrators(): void {
    const m = this.manifest;
    if (!m.csp) {
      this.addOrch(`workload ${m.subject.name}`, 0, 0, false);
      return;
    }
    m.csp.processes.forEach((p, i) => {
      for (let r = 0; r < p.replicas; r++) {
        const o = this.addOrch(p.replicas > 1 ? `process ${p.name}[${r}]` : `process ${p.name}`, i, r, p.replicas > 1);
        o.sendsTo = p.sends.map((id) => m.csp!.channels.findIndex((c) => c.id === id));
        for (const c of o.sendsTo) this.channels[c]!.liveSenders++;
      }
    });
    // A channel without senders is closed from the start.
    for (const c of this.channels) if (c.liveSenders === 0) this.chan.closeChannel(c);
  }

  private addOrch(who: string, body: number, replica: number, hasReplica: boolean): Orch {
    const program = this.programs.bodies[body]!;
    const o = new Orch(this.orchs.length, who, program, body, replica, hasReplica, maxForDepth(program));
    this.orchs.push(o);
    this.wake(o, 0);
    return o;
  }

  // ---- the main loop ----

  /** Runs to the end; returns whether every orchestrator ended (else: deadlock). */
  run(): boolean {
    if (this.order !== null) this.replayOrder(this.order);
    let lastProgress = -1;
    const scheds = this.schedulers;
    for (;;) {
      const te = this.events.peekTime();
      if (te === this.now) {
        this.event();
        continue;
      }
      if (scheds.pending) {
        scheds.settle();
        continue;
      }
      const to = this.ready.peekTime();
      if (to === this.now) {
        const o = this.pick();
        o.queued = false;
        // A channel wait is over once its orchestrator moves again (its operation completed).
        if (o.stallReason === R_EMPTY || o.stallReason === R_FULL) this.endStall(o);
        step(this, o);
        continue;
      }
      if (te === Infinity && to === Infinity) {
        if (this.orchs.every((o) => o.state === OS.Ended)) return true;
        // Quiescent: every resource waiter gets one more try before it is called a deadlock.
        if (this.progress === lastProgress) return false;
        lastProgress = this.progress;
        this.pools.retryAll();
        continue;
      }
      this.now = te < to ? te : to;
    }
  }

  /**
   * `order` mode (interleave.ts): run()'s settling, except that only the orchestrator the order
   * names performs an action; the others are held before theirs. Returns when the order is used
   * up (run() then goes on in the default order); throws a SimError when it cannot be followed.
   */
  private replayOrder(r: OrderReplay): void {
    let lastProgress = -1;
    const scheds = this.schedulers;
    r.begin();
    while (!r.done) {
      const te = this.events.peekTime();
      const to = this.ready.peekTime();
      if (te === this.now) {
        this.event();
      } else if (scheds.pending) {
        scheds.settle();
      } else if (to === this.now) {
        const o = this.orchs[this.ready.pop()]!;
        o.queued = false;
        if (o.stallReason === R_EMPTY || o.stallReason === R_FULL) this.endStall(o);
        r.move(o);
      } else if (te === Infinity && to === Infinity) {
        // As in run(): resource waiters get one more try before the order is called stuck.
        if (this.progress === lastProgress) r.stuck();
        lastProgress = this.progress;
        this.pools.retryAll();
        continue;
      } else {
        this.now = te < to ? te : to;
        continue;
      }
      r.check();
    }
    r.release();
  }

  /** The orchestrator that moves next at the current cycle. */
  private pick(): Orch {
    const heap = this.ready;
    const first = heap.pop();
    if (heap.peekTime() !== this.now) return this.orchs[first]!;
    if (!this.chooser.needsAll) {
      this.chooser.recordDefault();
      return this.orchs[first]!;
    }
    const candidates = [first];
    while (heap.peekTime() === this.now) candidates.push(heap.pop());
    candidates.sort((a, b) => a - b);
    const pick = this.chooser.choose(candidates, this.now, (i) => this.orchs[i]!.who);
    for (const c of candidates) if (c !== pick) heap.push(this.now, c, c);
    return this.orchs[pick]!;
  }

  /** Makes `o` runnable at cycle `t`. */
  wake(o: Orch, t: number): void {
    o.state = OS.Runnable;
    o.wakeAt = t;
    if (!o.queued) {
      o.queued = true;
      this.ready.push(t, o.id, o.id);
    }
  }

  /** Something moved (a task, a token, a load, an end): the run is not deadlocked yet. */
  moved(): void {
    this.progress++;
  }

  private pushEvent(time: number, type: number, id: number): void {
    if (!(time < SMALL_LIMIT)) throw new SimError("the simulated time passed 2^53 cycles", null);
    this.events.push(time, this.eventOrder++, (id << 3) | type);
  }

  /** Channel `c`'s head token is popped at `at` (its arrival after the latency). */
  schedulePop(at: number, c: number): void {
    this.pushEvent(at, EV_POP, c);
  }

  private event(): void {
    const p = this.events.pop();
    const id = p >> 3;
    switch (p & 7) {
      case EV_SUBMIT: return this.visible(id);
      case EV_FINISH: return this.finished(id);
      case EV_SCHED: return this.schedulers.woken(id);
      case EV_ELIGIBLE: return this.eligible(id);
      case EV_POP: return this.chan.popHead(this.channels[id]!);
    }
  }

  // ---- task lifecycle ----

  /**
   * Submit.ts committed task `s` for `o`: it becomes visible after the submit cost, which the
   * orchestrator pays; a process then waits for its kernel to finish (language §7.5).
   */
  submitted(o: Orch, s: number): void {
    const S = this.machine.submitCycles;
    this.progress++;
    this.pushEvent(this.now + S, EV_SUBMIT, s);
    o.tasks++;
    o.pc++;
    if (this.onProgress && this.nextSeq % 65536 === 0) this.onProgress(this.nextSeq);
    const ref = this.log ? this.graph.logId[s]! : -1;
    if (S > 0) this.segment(o, "submit", this.now, this.now + S, ref);
    if (this.manifest.csp) {
      o.segFrom = this.now + S;
      o.segRef = ref;
      o.state = OS.Kernel;
      this.graph.waiter[s] = o.id;
    } else {
      this.wake(o, this.now + S);
    }
  }

  private visible(s: number): void {
    if (this.log) this.rec(s).submitDone = this.now;
    const g = this.graph;
    if (g.pending[s] === 0) this.becomeReady(s);
    else g.state[s] = TS.Waiting;
  }

  private becomeReady(s: number): void {
    const g = this.graph;
    if (this.log) this.rec(s).ready = this.now;
    const hold = g.hold[s]!;
    if (hold > 0) {
      g.state[s] = TS.Hold;
      this.pushEvent(this.now + hold, EV_ELIGIBLE, s);
    } else {
      this.eligible(s);
    }
  }

  private eligible(s: number): void {
    const g = this.graph;
    if (!this.machine.dispatchEnforced) {
      // The target deals ready tasks round-robin to its schedulers (no per-task assignment).
      g.sched[s] = this.dealt++ % this.machine.schedulers;
      if (this.log) this.rec(s).sched = g.sched[s]!;
    }
    this.schedulers.enqueue(s, this.programs.sites[g.site[s]!]!.executor);
  }

  /** SchedulerHost: a task was issued. */
  issued(s: number, k: number, core: number, finish: number): void {
    this.pushEvent(finish, EV_FINISH, s);
    if (this.machine.dispatchEnforced) {
      const q = this.pools.ready[k]!;
      q.used--;
      this.pools.released(q);
    }
    if (this.log) {
      const r = this.rec(s);
      r.issue = this.now;
      r.start = finish - this.graph.cycles[s]!;
      r.core = core;
    }
  }

  /** SchedulerHost: scheduler k, busy dispatching, has work waiting: wake it at `time`. */
  busyUntil(k: number, time: number): void {
    this.pushEvent(time, EV_SCHED, k);
  }

  private finished(s: number): void {
    const g = this.graph;
    g.state[s] = TS.Finished;
    this.progress++;
    if (this.log) this.rec(s).finish = this.now;
    this.releaseSuccessors(g.succ[s]!);
    g.succ[s] = -1;
    this.schedulers.coreFreed(g.core[s]!);
    const w = g.waiter[s]!;
    if (w >= 0) {
      g.waiter[s] = -1;
      const o = this.orchs[w]!;
      this.segment(o, "kernel", o.segFrom, this.now, o.segRef);
      this.wake(o, this.now);
    }
    if (this.loadWaiters.length > 0) this.wakeLoads(s);
    if (g.scopeHeld[s] === 0) this.retire(s);
  }

  /** A node finished: its successors each lose a pending dependency; its edges return to the pool. */
  private releaseSuccessors(head: number): void {
    const g = this.graph;
    let e = head;
    let freed = 0;
    while (e >= 0) {
      const next = g.eNext[e]!;
      const t = g.eTarget[e]!;
      if (t >= 0) {
        if (--g.pending[t]! === 0 && g.state[t] === TS.Waiting) this.becomeReady(t);
      } else {
        const f = -1 - t;
        if (--g.fPending[f]! === 0 && g.fClosed[f]) this.fenceDone(f);
      }
      g.freeEdge(e);
      freed++;
      e = next;
    }
    if (freed > 0) {
      this.pools.deplist.used = g.edges;
      this.ledger("deplist", g.edges);
      this.pools.released(this.pools.deplist);
    }
  }

  /** A `for` iteration's fence: all its tasks finished (and the iteration ended). */
  fenceDone(f: number): void {
    const g = this.graph;
    const head = g.fSucc[f]!;
    g.fSucc[f] = -1;
    g.releaseFence(f);
    this.releaseSuccessors(head);
  }

  private retire(s: number): void {
    const g = this.graph;
    const pools = this.pools;
    if (this.log) this.rec(s).retire = this.now;
    this.tm.retire(s);
    const bytes = g.heap[s]!;
    g.releaseSlot(s);
    pools.window.used = g.inFlight;
    pools.tensormap.used = this.tm.live;
    this.ledger("tensormap", this.tm.live);
    pools.released(pools.window);
    pools.released(pools.tensormap);
    if (bytes > 0) {
      pools.heap.used -= bytes;
      pools.released(pools.heap);
    }
  }

  /** The outermost scope of `o` ended: its tasks may retire. */
  endScope(o: Orch): void {
    const g = this.graph;
    let s = o.heldHead;
    while (s >= 0) {
      const next = g.heldNext[s]!;
      g.scopeHeld[s] = 0;
      if (this.log) this.rec(s).scopeEnd = this.now;
      if (g.state[s] === TS.Finished) this.retire(s);
      s = next;
    }
    o.heldHead = o.heldTail = -1;
    o.heldCount = 0;
  }

  // ---- stalls ----

  /** `o` starts (or continues) a stall episode with `reason`. */
  beginStall(o: Orch, reason: number, loc: string | null, object: number, used: number, need: number, capacity: number): void {
    if (o.stallReason === reason) return; // the same episode goes on
    if (o.stallReason >= 0) this.endStall(o);
    o.stallReason = reason;
    o.stallSince = this.now;
    o.blockLoc = loc;
    o.blockObject = object;
    if (this.log) {
      o.stallRecord = this.log.stalls.length;
      this.log.stalls.push({ orch: o.id, reason: STALL_REASONS[reason]!, from: this.now, to: this.now, used, need, capacity, object, loc });
    }
  }

  /** The current stall episode of `o` ends now. */
  endStall(o: Orch): void {
    const r = o.stallReason;
    if (r < 0) return;
    const cycles = this.now - o.stallSince;
    this.stallCount[r]!++;
    this.stallCycles[r]! += cycles;
    o.stallCounts[r]!++;
    o.stallCycles[r]! += cycles;
    if (cycles > 0 && (o.longest === null || cycles > o.longest.cycles)) o.longest = { reason: r, cycles, loc: o.blockLoc, object: o.blockObject };
    if (this.log) {
      const rec = this.log.stalls[o.stallRecord]!;
      rec.to = this.now;
      this.segment(o, "stall", rec.from, this.now, o.stallRecord);
    }
    o.stallReason = -1;
    o.permanent = false;
  }

  // ---- load, end ----

  /** `load s <- T[…]`: waits for earlier writers of the view, then reads the element into the slot. */
  load(o: Orch, ins: Ins): void {
    const site = ins.load!;
    const key = this.eval.viewKey(o, site.index, site.bounds, site.strides, site.base, site.tensor, ins.loc);
    if (site.tracked) {
      this.tm.begin();
      this.tm.lookup(site.tensor, site.index.length, key, false);
      if (this.tm.nDeps > 0) {
        // Wait for one unfinished writer; look again when it finishes.
        const w = this.tm.deps[0]!;
        this.beginStall(o, R_LOAD, ins.loc, site.tensor, 0, 0, 0);
        o.state = OS.Blocked;
        o.waitSlot = w;
        o.waitSeq = this.graph.seq[w]!;
        this.loadWaiters.push(o);
        return;
      }
    }
    this.endStall(o);
    const cell = this.store.readCell(site.tensor, (key - site.base) * site.elementScale);
    const slot = ins.var;
    const value = this.manifest.slots.find((x) => x.index === slot)?.type === "bool" ? (cell !== 0n ? 1n : 0n) : cell;
    this.ctx.slotsWide[slot] = value;
    this.ctx.slots[slot] = small(value);
    this.slotView = null;
    this.progress++;
    if (this.log) {
      const prefix = site.index.map((c) => Number(this.eval.value(o, c, ins.loc)));
      this.log.loads.push({ orch: o.id, time: this.now, tensor: site.tensor, prefix, seqBefore: this.nextSeq, slot, value });
    }
    o.pc++;
    this.wake(o, this.now);
  }

  private wakeLoads(s: number): void {
    const seq = this.graph.seq[s]!;
    for (let i = this.loadWaiters.length - 1; i >= 0; i--) {
      const o = this.loadWaiters[i]!;
      if (o.waitSlot === s && o.waitSeq === seq) {
        this.loadWaiters.splice(i, 1);
        o.waitSlot = -1;
        this.wake(o, this.now);
      }
    }
  }

  /** An orchestrator reached the end of its body. */
  end(o: Orch): void {
    o.state = OS.Ended;
    o.endTime = this.now;
    this.progress++;
    this.log?.ends.set(o.id, this.now);
    this.chan.senderEnded(o);
  }

  // ---- log ----

  /** The slot values now, shared between tasks until a `load` changes one (log only). */
  slotsSnapshot(): readonly bigint[] {
    if (this.slotView === null) this.slotView = [...this.ctx.slotsWide];
    return this.slotView;
  }

  private rec(s: number): TaskRecord {
    return this.log!.tasks[this.graph.logId[s]!]!;
  }

  segment(o: Orch, kind: SegmentKind, from: number, to: number, ref: number): void {
    if (this.log && to > from) this.log.segments.push({ orch: o.id, kind, from, to, ref });
  }

  ledger(pool: "tensormap" | "deplist", used: number): void {
    if (this.log) this.log.ledger.push({ time: this.now, pool, used });
  }
}

/** The evaluation context at launch: symbol values, and slots from the host (others 0). */
function launchContext(manifest: Manifest, symbols: readonly bigint[], given: ReadonlyMap<string, bigint>): FastCtx {
  const slotsWide: bigint[] = new Array<bigint>(256).fill(0n);
  const slots = new Float64Array(256);
  for (const [name, v] of given) {
    const s = manifest.slots.find((x) => x.name === name || x.qualified_name === name || x.id === name);
    if (!s) throw new SimError(`--slot ${name}: the package has no slot \`${name}\` (slots: ${manifest.slots.map((x) => x.name).join(", ") || "none"})`, null);
    const cell = s.type === "bool" ? (v !== 0n ? 1n : 0n) : BigInt.asUintN(64, v);
    slotsWide[s.index] = cell;
    slots[s.index] = small(cell);
  }
  return { slots, slotsWide, syms: Float64Array.from(symbols, (v) => small(v)), symsWide: [...symbols], seq: 0, replica: 0, hasReplica: false };
}

/** Symbol values by manifest position, from names, qualified names or ids. */
function symbolValues(manifest: Manifest, given: ReadonlyMap<string, bigint>): bigint[] {
  for (const name of given.keys()) {
    if (!manifest.symbols.some((s) => s.name === name || s.qualified_name === name || s.id === name)) {
      const known = manifest.symbols.map((s) => s.name).join(", ") || "none";
      throw new SimError(`--symbol ${name}: the package has no symbol \`${name}\` (symbols: ${known})`, null);
    }
  }
  return manifest.symbols.map((s) => {
    const v = given.get(s.name) ?? given.get(s.qualified_name) ?? given.get(s.id);
    if (v === undefined) throw new SimError(`symbol \`${s.name}\` needs a value at launch: pass --symbol ${s.name}=VALUE`, null);
    if (s.type === "bool") return v !== 0n ? 1n : 0n;
    if (s.type === "i64" ? v < -(1n << 63n) || v >= 1n << 63n : v < 0n || v >= 1n << 64n) {
      throw new SimError(`symbol \`${s.name}\` = ${v} does not fit its type ${s.type}`, null);
    }
    return BigInt.asUintN(64, v);
  });
}
