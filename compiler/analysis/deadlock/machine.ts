/**
 * The abstract executor of a deadlock model (model.ts) and the search over its interleavings.
 *
 * Untimed semantics, agreeing with the reference runtime (runtime/sim): a task submission needs
 * a window place, and in the long run only tasks held by open scopes keep one (every other task
 * finishes and retires eventually: its dependencies are earlier tasks, and a process waits for its
 * own kernel), so a submission can proceed iff the scope-held tasks of all orchestrators leave a
 * place, and a submission inside a scope that already holds as many tasks as one scope may (the
 * scope rule, runtime/package/scope-rule.ts) never can. A send needs room (depth 0: a waiting receiver), a receive a token; `consume`
 * ends when its channel is closed and empty; a channel closes when all its senders have ended.
 *
 * Reduction: an action no other orchestrator can disable or conflict with is *safe* and runs at
 * once, without branching (a channel's only sender sending, its only receiver receiving, a scope
 * end, a `load`, a submission when the window can never fill). Only the rest — submissions while
 * scopes can fill the window, operations on channels with several senders or receivers — are
 * choices; a local data decision (a `when` on a slot, a loop of unknown count) is explored on its
 * own. States are memoized. Safe runs are accelerated: when the state at the start of a round
 * repeats up to loop positions, the rounds in between repeat too, so the loops jump ahead by
 * whole periods (exact for static trip counts).
 */
import type { Program } from "../../../runtime/bytecode.js";
import { Op, type Expr, type Ins, type Model } from "./model.js";

/** Actions one orchestrator performs per round before the next gets a turn (rounds are what repeats). */
const QUOTA = 64;
/** Rounds run before looking for a period. */
const WARMUP_ROUNDS = 16;
/** Snapshots kept for finding a period; beyond this the map starts over. */
const MAX_SNAPSHOTS = 4096;

export class State {
  pc: Int32Array;
  pos: Float64Array;
  end: Float64Array;
  gen: Float64Array;
  active: Uint8Array;
  vars: (bigint | null)[];
  depth: Int32Array;
  held: Float64Array;
  ended: Uint8Array;
  fill: Float64Array;
  closed: Uint8Array;
  live: Int32Array;
  queues: (bigint | null)[][];
  totalHeld = 0;
  /** Actions performed (including those skipped by acceleration). */
  actions = 0;
  error: string | null = null;

  constructor(m: Machine) {
    const n = m.model.orchs.length;
    this.pc = new Int32Array(n);
    this.pos = new Float64Array(m.loopCount);
    this.end = new Float64Array(m.loopCount);
    this.gen = new Float64Array(m.loopCount);
    this.active = new Uint8Array(m.loopCount);
    this.vars = new Array<bigint | null>(m.varCount).fill(null);
    this.depth = new Int32Array(n);
    this.held = new Float64Array(n);
    this.ended = new Uint8Array(n);
    const c = m.model.channels;
    this.fill = new Float64Array(c.length);
    this.closed = new Uint8Array(c.length);
    this.live = Int32Array.from(c, (x) => x.liveSenders);
    this.queues = c.map(() => []);
    c.forEach((x, i) => { if (x.liveSenders === 0) this.closed[i] = 1; });
  }

  clone(): State {
    const s = Object.create(State.prototype) as State;
    s.pc = this.pc.slice();
    s.pos = this.pos.slice();
    s.end = this.end.slice();
    s.gen = this.gen.slice();
    s.active = this.active.slice();
    s.vars = this.vars.slice();
    s.depth = this.depth.slice();
    s.held = this.held.slice();
    s.ended = this.ended.slice();
    s.fill = this.fill.slice();
    s.closed = this.closed.slice();
    s.live = this.live.slice();
    s.queues = this.queues.map((q) => q.slice());
    s.totalHeld = this.totalHeld;
    s.actions = this.actions;
    s.error = this.error;
    return s;
  }

  /** Everything but loop positions: equal keys at two round starts mean the rounds repeat. */
  periodKey(): string {
    return `${this.pc.join(",")}|${this.depth.join(",")}|${this.held.join(",")}|${this.ended.join("")}|${this.fill.join(",")}|${this.closed.join("")}|${this.live.join(",")}|${this.active.join("")}|${this.vars.join(",")}|${this.queues.map((q) => q.join(",")).join(";")}`;
  }

  /** The whole abstract state, for memoization. */
  key(): string {
    let p = "";
    for (let i = 0; i < this.pos.length; i++) if (this.active[i]) p += `${i}:${this.pos[i]},`;
    return `${this.periodKey()}|${p}`;
  }

  /**
   * `key()` up to a permutation of interchangeable replicas (`symmetricReplicas`): the states of
   * `worker[0]` at `a` and `worker[1]` at `b`, and of `worker[0]` at `b` and `worker[1]` at `a`,
   * have the same futures, renamed, so the search needs to see only one of them. Each
   * orchestrator's part holds what `key()` holds of it; the channels are shared state.
   */
  symmetricKey(m: Machine, groups: readonly (readonly number[])[], grouped: Uint8Array): string {
    const local = (o: number): string => this.localKey(m, o);
    let k = `${this.fill.join(",")}|${this.closed.join("")}|${this.live.join(",")}|${this.queues.map((q) => q.join(",")).join(";")}|`;
    for (let o = 0; o < this.pc.length; o++) if (!grouped[o]) k += `${local(o)}/`;
    for (const g of groups) k += `|${g.map(local).sort().join("/")}`;
    return k;
  }

  /** What `key()` holds of orchestrator `o` alone: where it is, what it holds, its loops and variables. */
  localKey(m: Machine, o: number): string {
    const body = m.model.bodies[m.model.orchs[o]!.body]!;
    let p = `${this.pc[o]},${this.depth[o]},${this.held[o]},${this.ended[o]}:`;
    for (let i = m.loopBase[o]!, end = i + body.loops; i < end; i++) p += this.active[i] ? `${this.pos[i]},` : "-,";
    for (let i = m.varBase[o]!, end = i + body.vars; i < end; i++) p += `${this.vars[i]},`;
    return p;
  }
}

/**
 * Orchestrators that may be renamed among themselves: the replicas of one process whose code
 * never reads `replica` (the only thing that tells replicas apart: they share their body, their
 * channels and their place in every channel's lists). Groups of two or more.
 */
export function symmetricReplicas(model: Model): number[][] {
  const readsReplica = (e: Expr | null): boolean => e !== null && e.code.some((ins) => ins[0] === "replica");
  const groups: number[][] = [];
  model.bodies.forEach((b, i) => {
    if (b.code.some((x) => x.conds.some(readsReplica) || readsReplica(x.value))) return;
    const members = model.orchs.flatMap((o, k) => (o.body === i ? [k] : []));
    if (members.length > 1) groups.push(members);
  });
  return groups;
}

/** Records actions (for the witness and the trace): who acted, at which instruction, with which token. */
export class Recorder {
  private orchBuf = new Int32Array(1024);
  private pcBuf = new Int32Array(1024);
  /** Send values by action index (only the known ones). */
  readonly values = new Map<number, bigint>();
  length = 0;
  truncated = false;
  constructor(readonly limit = 10_000_000) {}

  add(orch: number, pc: number, value: bigint | null): void {
    if (this.length >= this.limit) {
      this.truncated = true;
      return;
    }
    if (this.length === this.orchBuf.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      this.orchBuf = grow(this.orchBuf);
      this.pcBuf = grow(this.pcBuf);
    }
    if (value !== null) this.values.set(this.length, value);
    this.orchBuf[this.length] = orch;
    this.pcBuf[this.length++] = pc;
  }

  orch(i: number): number {
    return this.orchBuf[i]!;
  }

  pc(i: number): number {
    return this.pcBuf[i]!;
  }

  /** The orchestrator of every action, in order. */
  orchs(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.orchBuf[i]!);
    return out;
  }
}

/** A decision between successor states: who moves, and which alternative (or partner). */
export interface Choice {
  readonly orch: number;
  /** Data decisions: the branch taken (−1 for `when`: none); rendezvous: the partner. */
  readonly alt: number;
  readonly data: boolean;
  /** Data decisions: the instruction decided. */
  readonly pc?: number;
}

export class Machine {
  readonly loopBase: number[];
  readonly varBase: number[];
  readonly loopCount: number;
  readonly varCount: number;
  /** Per body, per instruction: 1 when the action is safe (runs without branching). */
  readonly safe: Uint8Array[];
  /** Per body: instructions that ever ran (the lint "code after a deadlock"). */
  readonly ran: Uint8Array[];
  /** Instructions executed, for the step budget. */
  steps = 0;
  recorder: Recorder | null = null;
  readonly window: number;
  readonly scopeCapacity: number;

  constructor(readonly model: Model) {
    this.window = model.window;
    this.scopeCapacity = model.scopeCapacity;
    let loops = 0;
    let vars = 0;
    this.loopBase = [];
    this.varBase = [];
    for (const o of model.orchs) {
      const b = model.bodies[o.body]!;
      this.loopBase.push(loops);
      this.varBase.push(vars);
      loops += b.loops;
      vars += b.vars;
    }
    this.loopCount = loops;
    this.varCount = vars;
    this.safe = model.bodies.map((_, b) => this.safety(b));
    this.ran = model.bodies.map((b) => new Uint8Array(b.code.length));
  }

  /** Whether the window can ever stop a submission of another orchestrator than the submitter. */
  private windowShared(): boolean {
    const m = this.model;
    const held = m.orchs.reduce((a, o) => a + (m.scopesEnforced ? m.bodies[o.body]!.maxHeld : 0), 0);
    const submitters = m.orchs.filter((o) => m.bodies[o.body]!.hasCalls).length;
    return held >= m.window && submitters > 1;
  }

  private safety(body: number): Uint8Array {
    const m = this.model;
    const code = m.bodies[body]!.code;
    const out = new Uint8Array(code.length);
    const shared = this.windowShared();
    const single = (list: readonly number[]) => list.length === 1;
    code.forEach((x, i) => {
      switch (x.op) {
        case Op.Call: out[i] = shared ? 0 : 1; break;
        case Op.Send: {
          const c = m.channels[x.ch]!;
          const senders = new Set([...c.senders, ...c.closers]);
          out[i] = senders.size === 1 && (c.capacity > 0 || single(c.receivers)) ? 1 : 0;
          break;
        }
        case Op.Recv:
        case Op.Consume: {
          const c = m.channels[x.ch]!;
          out[i] = single(c.receivers) && (c.capacity > 0 || single(c.senders)) ? 1 : 0;
          break;
        }
        case Op.Close: {
          const c = m.channels[x.ch]!;
          out[i] = new Set([...c.senders, ...c.closers]).size === 1 ? 1 : 0;
          break;
        }
        default: out[i] = 1;
      }
    });
    return out;
  }

  initial(): State {
    return new State(this);
  }

  // ---- evaluation ----

  /** The value of `e` for orchestrator `o`, or null when it depends on data or an unknown. */
  value(s: State, o: number, e: Expr): bigint | null {
    if (e.data) return null;
    const base = this.varBase[o]!;
    const vars: bigint[] = [];
    for (const v of e.vars) {
      const x = s.vars[base + v];
      if (x === null || x === undefined) return null;
      vars[v] = x;
    }
    const symbols: bigint[] = [];
    for (const k of e.symbols) {
      const x = this.model.symbolValues.get(k);
      if (x === undefined) return null;
      symbols[k] = x;
    }
    try {
      return (e.program as Program).run({ vars, symbols, replica: BigInt(this.model.orchs[o]!.replica) });
    } catch {
      return null;
    }
  }

  // ---- local steps ----

  /**
   * Runs `o`'s bookkeeping (loops of known count, decided `when`s, jumps, scope begins and ends)
   * up to its next action or decision.
   */
  advance(s: State, o: number): void {
    if (s.ended[o]) return;
    const m = this.model;
    const code = m.bodies[m.orchs[o]!.body]!.code;
    const lb = this.loopBase[o]!;
    const ran = this.ran[m.orchs[o]!.body]!;
    for (;;) {
      const pc = s.pc[o]!;
      const x = code[pc]!;
      switch (x.op) {
        case Op.LoopInit: {
          if (!x.count || !("n" in x.count)) return;
          this.steps++;
          ran[pc] = 1;
          if (x.count.n <= 0) {
            s.pc[o] = x.target;
            break;
          }
          const h = lb + x.loop;
          s.pos[h] = 0;
          s.end[h] = x.count.n;
          s.gen[h]!++;
          s.active[h] = 1;
          if (x.var >= 0) s.vars[this.varBase[o]! + x.var] = 0n;
          s.pc[o] = pc + 1;
          break;
        }
        case Op.LoopNext: {
          if (!x.count || !("n" in x.count)) return;
          this.steps++;
          const h = lb + x.loop;
          const p = s.pos[h]! + 1;
          if (p < s.end[h]!) {
            s.pos[h] = p;
            if (x.var >= 0) s.vars[this.varBase[o]! + x.var] = BigInt(p);
            s.pc[o] = x.target;
          } else {
            s.active[h] = 0;
            s.pc[o] = pc + 1;
          }
          break;
        }
        case Op.When: {
          const to = this.decide(s, o, x);
          if (to < 0) return;
          ran[pc] = 1;
          s.pc[o] = to;
          break;
        }
        case Op.Jump:
          s.pc[o] = x.target;
          break;
        case Op.ScopeBegin:
          ran[pc] = 1;
          if (m.scopesEnforced) s.depth[o]!++;
          s.pc[o] = pc + 1;
          break;
        case Op.ScopeEnd:
          if (m.scopesEnforced && --s.depth[o]! === 0) {
            s.totalHeld -= s.held[o]!;
            s.held[o] = 0;
          }
          s.pc[o] = pc + 1;
          break;
        default:
          return;
      }
    }
  }

  /** The branch a `when` takes, or −1 when a condition depends on data. */
  private decide(s: State, o: number, x: Ins): number {
    for (let i = 0; i < x.conds.length; i++) {
      const v = this.value(s, o, x.conds[i]!);
      if (v === null) return -1;
      if (v !== 0n) return x.targets[i]!;
    }
    return x.target;
  }

  /** The instruction `o` waits at (after `advance`). */
  at(s: State, o: number): Ins {
    const m = this.model;
    return m.bodies[m.orchs[o]!.body]!.code[s.pc[o]!]!;
  }

  /** Whether `o` stands at a data decision (an unknown loop count or condition). */
  atDecision(s: State, o: number): boolean {
    if (s.ended[o]) return false;
    const x = this.at(s, o);
    return x.op === Op.LoopInit || x.op === Op.LoopNext || x.op === Op.When;
  }

  private record(s: State, o: number, value: bigint | null = null): void {
    s.actions++;
    this.steps++;
    const m = this.model;
    this.ran[m.orchs[o]!.body]![s.pc[o]!] = 1;
    this.recorder?.add(o, s.pc[o]!, value);
  }

  /** Whether `r` stands at a receive on `ch` (a rendezvous partner). */
  private receiving(s: State, r: number, ch: number): boolean {
    if (s.ended[r]) return false;
    this.advance(s, r);
    const x = this.at(s, r);
    return (x.op === Op.Recv || x.op === Op.Consume) && x.ch === ch;
  }

  private sending(s: State, w: number, ch: number): boolean {
    if (s.ended[w]) return false;
    this.advance(s, w);
    const x = this.at(s, w);
    return x.op === Op.Send && x.ch === ch;
  }

  /** Rendezvous: sender `w` hands its token to receiver `r`. */
  private handoff(s: State, w: number, r: number): void {
    const x = this.at(s, w);
    const y = this.at(s, r);
    const v = x.value ? this.value(s, w, x.value) : null;
    this.record(s, w, v);
    this.record(s, r);
    if (y.var >= 0) s.vars[this.varBase[r]! + y.var] = v;
    s.pc[w]!++;
    s.pc[r]!++;
  }

  /** Takes the head token of `ch` into `o`'s variable. */
  private take(s: State, o: number, x: Ins): void {
    this.record(s, o);
    s.fill[x.ch]!--;
    const q = s.queues[x.ch]!;
    const v = this.model.channels[x.ch]!.relevant ? q.shift() ?? null : null;
    if (x.var >= 0) s.vars[this.varBase[o]! + x.var] = v;
    s.pc[o]!++;
  }

  /**
   * Performs `o`'s action at its program counter if it can proceed now (`partner`: the
   * rendezvous partner to use, −1 for any). Returns whether anything moved; a run-time error
   * (a send on a closed channel, a receive from a closed empty one) sets `s.error`.
   */
  perform(s: State, o: number, partner = -1): boolean {
    const m = this.model;
    const x = this.at(s, o);
    switch (x.op) {
      case Op.Call: {
        const scoped = s.depth[o]! > 0;
        if (scoped && s.held[o]! >= this.scopeCapacity) return false;
        if (s.totalHeld >= this.window) return false;
        this.record(s, o);
        if (scoped) {
          s.held[o]!++;
          s.totalHeld++;
        }
        s.pc[o]!++;
        return true;
      }
      case Op.Send: {
        const c = m.channels[x.ch]!;
        if (s.closed[x.ch]) {
          s.error = `${m.orchs[o]!.who} sends on channel \`${c.name}\`, which is closed`;
          return true;
        }
        if (c.capacity === 0) {
          const r = partner >= 0 ? partner : c.receivers.find((r) => r !== o && this.receiving(s, r, x.ch));
          if (r === undefined || !this.receiving(s, r, x.ch)) return false;
          this.handoff(s, o, r);
          return true;
        }
        if (s.fill[x.ch]! >= c.capacity) return false;
        const v = x.value ? this.value(s, o, x.value) : null;
        this.record(s, o, v);
        s.fill[x.ch]!++;
        if (c.relevant) s.queues[x.ch]!.push(v);
        s.pc[o]!++;
        return true;
      }
      case Op.Recv:
      case Op.Consume: {
        const c = m.channels[x.ch]!;
        if (c.capacity === 0) {
          const w = partner >= 0 ? partner : c.senders.find((w) => w !== o && this.sending(s, w, x.ch));
          if (w !== undefined && this.sending(s, w, x.ch)) {
            this.handoff(s, w, o);
            return true;
          }
        } else if (s.fill[x.ch]! > 0) {
          this.take(s, o, x);
          return true;
        }
        if (!s.closed[x.ch]) return false;
        if (x.op === Op.Recv) {
          s.error = `${m.orchs[o]!.who} receives from channel \`${c.name}\`, which is closed and empty`;
          return true;
        }
        s.pc[o] = x.target;
        this.steps++;
        return true;
      }
      case Op.Close: {
        const c = m.channels[x.ch]!;
        if (s.closed[x.ch]) {
          s.error = `${m.orchs[o]!.who} closes channel \`${c.name}\`, which is already closed`;
          return true;
        }
        this.record(s, o);
        s.closed[x.ch] = 1;
        s.pc[o]!++;
        return true;
      }
      case Op.Load:
        this.record(s, o);
        s.pc[o]!++;
        return true;
      case Op.End:
        s.ended[o] = 1;
        for (const c of m.orchs[o]!.sendsTo) if (--s.live[c]! === 0) s.closed[c] = 1;
        return true;
      default:
        return false;
    }
  }

  /** Runs every safe action (round by round, accelerated over repeating rounds) until none is left. */
  runSafe(s: State, maxSteps: number): void {
    const n = this.model.orchs.length;
    const accelerate = this.recorder === null && this.loopCount > 0;
    let snaps = accelerate ? new Map<string, { pos: Float64Array; gen: Float64Array; actions: number }>() : null;
    // Short runs end before a period could pay for its snapshots.
    for (let round = 0; ; round++) {
      if (snaps && round >= WARMUP_ROUNDS) {
        const key = s.periodKey();
        const prev = snaps.get(key);
        if (prev) this.jump(s, prev);
        if (snaps.size >= MAX_SNAPSHOTS) snaps = new Map();
        snaps.set(key, { pos: s.pos.slice(), gen: s.gen.slice(), actions: s.actions });
      }
      let moved = false;
      for (let o = 0; o < n; o++) {
        let quota = QUOTA;
        while (quota-- > 0 && !s.ended[o] && s.error === null) {
          this.advance(s, o);
          if (!this.safe[this.model.orchs[o]!.body]![s.pc[o]!]) break;
          if (!this.perform(s, o)) break;
          moved = true;
        }
      }
      if (!moved || s.error !== null || this.steps > maxSteps) return;
    }
  }

  /** The rounds since `prev` repeat: skip as many whole periods as every loop has room for. */
  private jump(s: State, prev: { pos: Float64Array; gen: Float64Array; actions: number }): void {
    let k = Infinity;
    for (let h = 0; h < this.loopCount; h++) {
      if (!s.active[h]) continue;
      const d = s.pos[h]! - prev.pos[h]!;
      if (d < 0 || (d > 0 && s.gen[h] !== prev.gen[h])) return;
      if (d > 0) k = Math.min(k, Math.floor((s.end[h]! - 1 - s.pos[h]!) / d));
    }
    if (!(k >= 1) || k === Infinity) return;
    for (let h = 0; h < this.loopCount; h++) {
      if (!s.active[h]) continue;
      const d = s.pos[h]! - prev.pos[h]!;
      s.pos[h] = s.pos[h]! + k * d;
    }
    s.actions += k * (s.actions - prev.actions);
  }

  /**
   * The decisions left once no safe action can run: a local data decision of one orchestrator
   * (explored alone: nothing else can interfere with it), else every enabled unsafe action.
   */
  choices(s: State): Choice[] {
    const m = this.model;
    const n = m.orchs.length;
    for (let o = 0; o < n; o++) {
      if (s.ended[o]) continue;
      this.advance(s, o);
      if (!this.atDecision(s, o)) continue;
      const x = this.at(s, o);
      const alts = x.op === Op.When ? this.branchesPossible(s, o, x) : [0, 1];
      const pc = s.pc[o]!;
      return alts.map((alt) => ({ orch: o, alt, data: true, pc }));
    }
    const out: Choice[] = [];
    for (let o = 0; o < n; o++) {
      if (s.ended[o]) continue;
      const x = this.at(s, o);
      if (this.safe[m.orchs[o]!.body]![s.pc[o]!]) continue;
      const c = x.ch >= 0 ? m.channels[x.ch]! : null;
      if (c && c.capacity === 0 && x.op === Op.Send && !s.closed[x.ch]) {
        for (const r of c.receivers) if (r !== o && this.receiving(s, r, x.ch)) out.push({ orch: o, alt: r, data: false });
        continue;
      }
      if (c && c.capacity === 0 && x.op !== Op.Send && x.op !== Op.Close) {
        // Hand-offs are listed from the sender's side; a closed, drained channel ends a consume.
        if (s.closed[x.ch] && !c.senders.some((w) => this.sending(s, w, x.ch))) out.push({ orch: o, alt: -1, data: false });
        continue;
      }
      if (this.enabled(s, o, x)) out.push({ orch: o, alt: -1, data: false });
    }
    return out;
  }

  /** The branches a `when` may take when some condition is unknown (−1: none, the else). */
  private branchesPossible(s: State, o: number, x: Ins): number[] {
    const out: number[] = [];
    for (let i = 0; i < x.conds.length; i++) {
      const v = this.value(s, o, x.conds[i]!);
      if (v === 0n) continue;
      out.push(i);
      if (v !== null) return out;
    }
    out.push(-1);
    return out;
  }

  private enabled(s: State, o: number, x: Ins): boolean {
    switch (x.op) {
      case Op.Call: return (s.depth[o] === 0 || s.held[o]! < this.scopeCapacity) && s.totalHeld < this.window;
      case Op.Send: return s.closed[x.ch] === 1 || s.fill[x.ch]! < this.model.channels[x.ch]!.capacity;
      case Op.Recv: case Op.Consume: return s.fill[x.ch]! > 0 || s.closed[x.ch] === 1;
      default: return true;
    }
  }

  /** Applies a decision to `s` (a fresh copy). */
  apply(s: State, c: Choice): void {
    if (!c.data) {
      this.perform(s, c.orch, c.alt);
      return;
    }
    const o = c.orch;
    const x = this.at(s, o);
    const h = this.loopBase[o]! + x.loop;
    this.steps++;
    this.ran[this.model.orchs[o]!.body]![s.pc[o]!] = 1;
    if (x.op === Op.When) {
      s.pc[o] = c.alt >= 0 ? x.targets[c.alt]! : x.target;
    } else if (x.op === Op.LoopInit) {
      // Enter (an unknown count: the loop variable's value is unknown too), or skip.
      if (c.alt === 0) {
        s.active[h] = 0;
        if (x.var >= 0) s.vars[this.varBase[o]! + x.var] = null;
        s.pc[o]!++;
      } else {
        s.pc[o] = x.target;
      }
    } else {
      s.pc[o] = c.alt === 0 ? x.target : s.pc[o]! + 1;
    }
  }
}
