/**
 * Who moves when several orchestrators can move at the same cycle. Processes run concurrently on
 * the device, so at a cycle where more than one orchestrator is runnable their order is a choice;
 * everything else (time, resource grants, token hand-offs) is fixed by the rules.
 *
 * A *choice point* is a moment at which two or more orchestrators are runnable at the current
 * cycle; the choice is the index of the orchestrator that takes the next step (orchestrators are
 * numbered in manifest order: the workload's is 0; processes in `csp.processes` order, each
 * replica in turn). A step runs an orchestrator until it submits a task, performs a channel
 * operation or a `load`, blocks, or ends.
 *
 * - default: the lowest-numbered runnable orchestrator (declaration order, then replica index:
 *   language §7.1's rule for `task.seq`);
 * - random: a uniformly random runnable one, from a seeded generator;
 * - replay: the given sequence, one entry per choice point; after its end, the default.
 * Every run returns the choices it made, so any run can be replayed exactly — except that a
 * default run returns none: all its choices are the default, which a replay of the empty
 * sequence reproduces, and a long pipeline run makes millions of them (memory must follow the
 * window, not the run's length).
 * - order: a sequence of *actions* rather than choice points (OrderReplay below): the form in
 *   which the static deadlock analysis reports a witness.
 */
import type { ChannelOps, Channel } from "./channels.js";
import type { Engine } from "./engine.js";
import { SimError } from "./errors.js";
import { OS, step, type Orch } from "./orchestrator.js";
import { R_EMPTY, R_FULL, R_WINDOW } from "./pools.js";
import { Op, type Ins } from "./program.js";
import type { Submitter } from "./submit.js";
import { STALL_REASONS, type Interleave } from "./types.js";

export class Chooser {
  readonly taken: number[] = [];
  private state: number;
  private next = 0;

  constructor(private readonly mode: Interleave) {
    this.state = mode.kind === "random" ? (mode.seed | 0) ^ 0x6d2b79f5 : 0;
  }

  /** Whether choices need the full candidate list (the default only needs the first; an
   *  `order` run chooses by default once its order is used up). */
  get needsAll(): boolean {
    return this.mode.kind === "random" || this.mode.kind === "replay";
  }

  /** Picks among `candidates` (ascending orchestrator numbers, at least two). */
  choose(candidates: readonly number[], now: number, describe: (o: number) => string): number {
    let pick: number;
    if (this.mode.kind === "random") {
      pick = candidates[this.random() % candidates.length]!;
    } else if (this.mode.kind === "replay" && this.next < this.mode.steps.length) {
      const want = this.mode.steps[this.next]!;
      if (!candidates.includes(want)) {
        const names = candidates.map((c) => `${c} (${describe(c)})`).join(", ");
        throw new SimError(`replay step ${this.next} names orchestrator ${want}, which cannot move at cycle ${now}; the runnable ones are ${names}`, null);
      }
      pick = want;
    } else {
      pick = candidates[0]!;
    }
    this.next++;
    this.taken.push(pick);
    return pick;
  }

  /** A choice the default made without asking (the first candidate); not recorded (see above). */
  recordDefault(): void {
    this.next++;
  }

  /** mulberry32: small, fast, and the same on every platform. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/**
 * The choices of an `--interleave FILE`: a JSON array of orchestrator numbers, or a `--json`
 * result (its `interleaving` field), so a run's output can be replayed as it is.
 */
export function readInterleaving(text: string): number[] {
  return orchestratorNumbers(parseJson(text), "interleaving");
}

/**
 * An `--interleave FILE` as a mode: `{"order": [...]}` is an order to replay action by action;
 * anything else is read as choices (readInterleaving).
 */
export function readInterleave(text: string): Interleave {
  const value = parseJson(text);
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "order" in value) {
    return { kind: "order", steps: orchestratorNumbers((value as { order: unknown }).order, "order") };
  }
  return { kind: "replay", steps: orchestratorNumbers(value, "interleaving") };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SimError(`the interleaving file is not JSON: ${(e as Error).message}`, null);
  }
}

function orchestratorNumbers(value: unknown, field: "interleaving" | "order"): number[] {
  const steps = field === "order" || Array.isArray(value) ? value : (value as { interleaving?: unknown } | null)?.interleaving;
  if (!Array.isArray(steps) || !steps.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
    throw new SimError(field === "order"
      ? "the interleaving file's `order` must be a JSON array of orchestrator numbers, one per action"
      : "the interleaving file must hold a JSON array of orchestrator numbers (or a `wspc run --json` result), or {\"order\": [...]} with one orchestrator number per action", null);
  }
  return steps as number[];
}

/**
 * `order` mode: replays a sequence of orchestrator numbers, one per *action* — a task submission,
 * a send, a recv or consume take, a close, a load — in the order performed (the deadlock
 * analysis's witness, compiler/analysis/deadlock/verdict.ts). Processes on a device may be
 * delayed arbitrarily, so any untimed order of actions is a real schedule:
 * - only the orchestrator named by the next entry may perform its next action; every other one
 *   runs up to its next action — loop control, `when`, scope ends, a `consume` whose channel is
 *   closed and drained, its end (with the implicit closes) — and is held there; the named one
 *   acts only once the others have got there (or blocked, or ended), as in the analysis, where
 *   everything that is not an action happens at once;
 * - the named one waits while time advances if it is blocked (its kernel, a full window or pool,
 *   a full or empty channel, a load), since tasks go on finishing and retiring; if it can never
 *   act while the others are held, the order cannot be followed: a replay error, not a deadlock;
 * - a rendezvous (depth 0) needs both sides, each an action with its own entry: the first named
 *   waits for its partner, and its entry counts as taken, so the partner can be named next;
 * - after the last entry, the default order resumes (a deadlock then is the run's outcome).
 * The engine drives it (Engine.replayOrder); nothing of it runs in the other modes.
 */
export class OrderReplay {
  private next = 0;
  /** The pc of the named orchestrator's action once it has tried it (−1: not yet tried). */
  private actionPc = -1;
  /** Orchestrators held before their next action (out of the engine's queue meanwhile). */
  private readonly held: Orch[] = [];
  /** The cycle each held orchestrator was held at (its `hold` segment starts there). */
  private readonly heldSince = new Map<Orch, number>();
  private readonly view: Engine;
  /** Set by the holding view when `step` reaches an action. */
  private stopped = false;
  /** The named orchestrator, held until the others have settled (`move`). */
  private deferred: Orch | null = null;

  constructor(private readonly e: Engine, private readonly steps: readonly number[]) {
    const n = e.orchs.length;
    steps.forEach((o, i) => {
      if (o >= n) throw new SimError(`order step ${i} names orchestrator ${o}, but this ${e.manifest.csp ? "pipeline" : "workload"} has ${n === 1 ? "only orchestrator 0" : `orchestrators 0 … ${n - 1}`}`, null);
    });
    this.view = holdingView(e, () => {
      this.stopped = true;
    }, (o, ins) => this.holdReceive(o, ins));
  }

  get done(): boolean {
    return this.next >= this.steps.length;
  }

  /** The first entry's orchestrator may go. */
  begin(): void {
    this.name();
  }

  /** `o` left the engine's queue at the current cycle: the named one acts, any other is held. */
  move(o: Orch): void {
    const named = !this.done && this.steps[this.next] === o.id;
    if (!this.advance(o)) {
      if (named) throw new SimError(`order step ${this.next} names orchestrator ${o.id} (${o.who}), which has no action left: it ended`, null, o.who);
      return;
    }
    if (!named) {
      this.hold(o);
      return;
    }
    if (this.othersUnsettled(o)) {
      // The others first reach their next actions (or end): what the named action meets, a
      // channel closed by a sender's end, a scope's places freed by its end, must not depend on
      // how long their last action took.
      this.deferred = o;
      this.hold(o);
      return;
    }
    this.actionPc = o.pc;
    step(this.e, o);
    if (o.pc === this.actionPc && o.state === OS.Blocked && this.awaitsPartner(o)) this.taken();
  }

  /** After anything happened: whether the named action is done; held consumers whose channel ran dry leave their loop. */
  check(): void {
    if (this.deferred !== null && !this.othersUnsettled(this.deferred)) {
      const k = this.held.indexOf(this.deferred);
      this.deferred = null;
      this.unhold(k);
    }
    if (this.actionPc >= 0 && this.e.orchs[this.steps[this.next]!]!.pc !== this.actionPc) this.taken();
    const channels = this.e.channels;
    for (let i = this.held.length - 1; i >= 0; i--) {
      const o = this.held[i]!;
      const ins = o.body.code[o.pc]!;
      if (ins.op === Op.ConsumeNext && consumeEnds(channels[ins.channel]!)) this.unhold(i);
    }
  }

  /** Nothing can happen any more and the named orchestrator has not acted. */
  stuck(): never {
    const o = this.e.orchs[this.steps[this.next]!]!;
    const held = this.held.length > 0 ? `; held: ${this.held.map((h) => h.who).join(", ")}` : "";
    throw new SimError(`order step ${this.next} names orchestrator ${o.id} (${o.who}), which cannot perform its next action while the others are held: ${this.waiting(o)}, and nothing left running can change that at cycle ${this.e.now}${held}. The order and the runtime disagree`, o.blockLoc, o.who);
  }

  /** The order is used up: the held orchestrators go on in the default order. */
  release(): void {
    while (this.held.length > 0) this.unhold(this.held.length - 1);
  }

  /**
   * Whether an orchestrator other than `o` is still on its way to its next action: between the
   * steps of an operation, or waiting for its own kernel (held, blocked and ended ones are not).
   */
  private othersUnsettled(o: Orch): boolean {
    return this.e.orchs.some((x) => x !== o && x.state !== OS.Ended && x.state !== OS.Blocked && !this.held.includes(x));
  }

  private hold(o: Orch): void {
    this.held.push(o);
    this.heldSince.set(o, this.e.now);
  }

  /** Lets the `k`-th held orchestrator go at the current cycle; the log records how long it was held. */
  private unhold(k: number): void {
    const o = this.held.splice(k, 1)[0]!;
    this.e.segment(o, "hold", this.heldSince.get(o)!, this.e.now, -1);
    this.heldSince.delete(o);
    this.e.wake(o, this.e.now);
  }

  /** The named action happened (or, for a rendezvous, is offered): the next entry's orchestrator may go. */
  private taken(): void {
    this.next++;
    this.actionPc = -1;
    this.name();
  }

  private name(): void {
    if (this.done) return;
    const o = this.e.orchs[this.steps[this.next]!]!;
    if (o.state === OS.Ended) throw new SimError(`order step ${this.next} names orchestrator ${o.id} (${o.who}), which has no action left: it ended`, null, o.who);
    const k = this.held.indexOf(o);
    if (k >= 0) this.unhold(k);
  }

  /** Runs `o` up to its next action without performing it; false if it ended instead. */
  private advance(o: Orch): boolean {
    for (;;) {
      this.stopped = false;
      step(this.view, o);
      if (o.state === OS.Ended) return false;
      if (this.stopped) return true;
    }
  }

  /** In the holding view: a `consume` over a closed, drained channel ends (not an action); a take stops. */
  private holdReceive(o: Orch, ins: Ins): void {
    if (ins.op === Op.ConsumeNext && consumeEnds(this.e.channels[ins.channel]!)) o.pc = ins.target;
    else this.stopped = true;
  }

  private awaitsPartner(o: Orch): boolean {
    return (o.stallReason === R_EMPTY || o.stallReason === R_FULL) && this.e.channels[o.blockObject]!.capacity === 0;
  }

  /** What the blocked orchestrator `o` waits on, for the replay error. */
  private waiting(o: Orch): string {
    const e = this.e;
    const reason = o.stallReason;
    if (reason === R_EMPTY || reason === R_FULL) {
      const c = e.channels[o.blockObject]!;
      if (c.capacity === 0) return `it waits for a partner on rendezvous channel \`${c.name}\``;
      return reason === R_FULL ? `it waits to send on channel \`${c.name}\` (full: ${c.fill} of ${c.capacity})` : `it waits to receive on channel \`${c.name}\` (empty)`;
    }
    if (reason === R_WINDOW) {
      const w = e.machine.window;
      return o.permanent
        ? `its scope already holds ${o.heldCount} tasks, the most a window of ${w} allows one scope`
        : `it waits for a window place (${e.graph.inFlight} of ${w} in use, ${e.orchs.reduce((n, x) => n + x.heldCount, 0)} held by open scopes)`;
    }
    return reason >= 0 ? `it stalls on ${STALL_REASONS[reason]}` : "it cannot move";
  }
}

/** Whether a receive from `c` finds it closed with nothing left to take (channels.ts's receive, exactly). */
function consumeEnds(c: Channel): boolean {
  return c.closed && c.unclaimed === 0 && !(c.capacity === 0 && c.senders.length > 0);
}

/**
 * The engine as `step` sees it while holding an orchestrator: control instructions run for real;
 * each action (submit, load, send, receive, close) stops instead — so an orchestrator can be run
 * up to its next action without performing it, with no test on the default path.
 */
function holdingView(e: Engine, stop: () => void, receive: (o: Orch, ins: Ins) => void): Engine {
  const submit: Pick<Submitter, "call" | "closeGroup"> = { call: stop, closeGroup: (o, d) => e.submit.closeGroup(o, d) };
  const chan: Pick<ChannelOps, "send" | "receive" | "close"> = { send: stop, receive, close: stop };
  const view: Pick<Engine, "machine" | "eval" | "nextForExec" | "load" | "end" | "endScope" | "submit" | "chan"> = {
    machine: e.machine,
    eval: e.eval,
    get nextForExec() {
      return e.nextForExec;
    },
    set nextForExec(v: number) {
      e.nextForExec = v;
    },
    load: stop,
    end: (o) => e.end(o),
    endScope: (o) => e.endScope(o),
    submit: submit as Submitter,
    chan: chan as ChannelOps,
  };
  return view as Engine;
}
