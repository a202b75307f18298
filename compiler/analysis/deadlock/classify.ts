/**
 * What a deadlocked state is: the kind (the same priority order as the runtime's deadlock.ts, so
 * both name one deadlock alike), every blocked orchestrator with what it waits on, the channel
 * fills and window use — and a short trace of how it got there.
 */
import type { Span, Stmt } from "../../../grammar/ast.js";
import type { Location, RelatedInfo } from "../../diagnostic.js";
import type { Machine, Recorder, State } from "./machine.js";
import { Op, type Ins, type Model } from "./model.js";
import type { BlockedOn, BlockedOrchestrator, DeadlockKind, TraceStep } from "./verdict.js";

export interface Blocked extends BlockedOrchestrator {
  readonly ins: Ins;
}

/** The range a statement is reported on: a `consume` or `scope` by its head, not its whole block. */
export function headOf(stmt: Stmt): Span {
  if (stmt.kind === "Consume") return { start: stmt.start, end: stmt.channel.end };
  if (stmt.kind === "Scope") return { start: stmt.start, end: stmt.start + "scope".length };
  if (stmt.kind === "Parallel" || stmt.kind === "For") return { start: stmt.start, end: stmt.body.start };
  if (stmt.kind === "When") return { start: stmt.start, end: stmt.branches[0]!.body.start };
  return stmt;
}

export function locationOf(model: Model, stmt: Stmt | null): Location {
  const span = stmt ? headOf(stmt) : { start: 0, end: 0 };
  return { file: model.file, start: span.start, end: span.end };
}

export function blockedList(model: Model, m: Machine, s: State): Blocked[] {
  const out: Blocked[] = [];
  model.orchs.forEach((o, i) => {
    if (s.ended[i]) return;
    const ins = m.at(s, i);
    const waitsOn = waitOf(model, m, s, i, ins);
    out.push({ orchestrator: i, who: o.who, waitsOn, ins, at: { ...locationOf(model, ins.stmt), message: waitText(model, s, o.who, waitsOn, i) } });
  });
  return out;
}

function waitOf(model: Model, m: Machine, s: State, o: number, ins: Ins): BlockedOn {
  if (ins.op === Op.Call) return { window: s.depth[o]! > 0 && s.held[o]! >= m.scopeCapacity ? "scope-limit" : "full" };
  const c = model.channels[ins.ch];
  return { channel: c?.name ?? "?", state: ins.op === Op.Send ? "full" : "empty" };
}

export function waitText(model: Model, s: State, who: string, w: BlockedOn, o: number): string {
  if ("channel" in w) {
    const i = model.channels.findIndex((c) => c.name === w.channel);
    const c = model.channels[i]!;
    const fill = `${s.fill[i]} of ${c.capacity}${c.capacity === 0 ? ", a rendezvous with no receiver waiting" : ""}`;
    return w.state === "full"
      ? `\`${who}\` waits here to send on \`${w.channel}\`: full (${fill})`
      : `\`${who}\` waits here to receive from \`${w.channel}\`: empty (${s.fill[i]} of ${c.capacity}${s.closed[i] ? ", closed" : ", not closed"})`;
  }
  return w.window === "scope-limit"
    ? `\`${who}\` waits here to submit a task: its scope already holds ${s.held[o]} tasks, the most a window of ${model.window} allows one scope (${model.scopeCapacityText})`
    : `\`${who}\` waits here for a window place: ${s.totalHeld} of ${model.window} places are held by open scopes`;
}

/** The deadlock kind, in the runtime's order: scope limit, held window, full channel, empty channels. */
export function kindOf(model: Model, m: Machine, s: State, blocked: readonly Blocked[]): DeadlockKind {
  if (blocked.some((b) => "window" in b.waitsOn && b.waitsOn.window === "scope-limit")) return "scope-exceeds-window";
  if (blocked.some((b) => "window" in b.waitsOn)) return "scope-blocks-window";
  if (blocked.some((b) => "channel" in b.waitsOn && b.waitsOn.state === "full")) return "channel-capacity";
  return blocked.some((b) => starves(model, m, s, b.ins.ch)) ? "channel-starvation" : "channel-cycle";
}

/** No live party of `ch` can ever send on it or close it again: its receivers wait for nothing. */
export function starves(model: Model, m: Machine, s: State, ch: number): boolean {
  const c = model.channels[ch];
  if (!c) return false;
  for (const o of new Set([...c.senders, ...c.closers])) {
    if (s.ended[o]) continue;
    const code = model.bodies[model.orchs[o]!.body]!.code;
    if (reaches(code, s.pc[o]!, (x) => (x.op === Op.Send || x.op === Op.Close) && x.ch === ch)) return false;
  }
  void m;
  return true;
}

/** Whether some instruction reachable from `from` (inclusive) satisfies `f`. */
function reaches(code: readonly Ins[], from: number, f: (x: Ins) => boolean): boolean {
  const seen = new Uint8Array(code.length);
  const work = [from];
  while (work.length > 0) {
    const pc = work.pop()!;
    if (pc < 0 || pc >= code.length || seen[pc]) continue;
    seen[pc] = 1;
    const x = code[pc]!;
    if (f(x)) return true;
    switch (x.op) {
      case Op.End: break;
      case Op.Jump: work.push(x.target); break;
      case Op.When: work.push(...x.targets, x.target); break;
      case Op.LoopInit: case Op.LoopNext: case Op.Consume: work.push(pc + 1, x.target); break;
      default: work.push(pc + 1);
    }
  }
  return false;
}

// ---- trace ---------------------------------------------------------------------------------

const TRACE_GROUPS = 6;

function actionText(model: Model, x: Ins, n: number, value: bigint | null): string {
  const times = n > 1 ? ` (${n}×)` : "";
  const ch = model.channels[x.ch]?.name;
  switch (x.op) {
    case Op.Call: {
      const k = x.stmt?.kind === "Call" ? x.stmt.callee.text : "a kernel";
      return n > 1 ? `submits ${n} tasks (\`${k}\`)` : `submits a task (\`${k}\`)`;
    }
    case Op.Send: return n > 1 || value === null ? `sends on \`${ch}\`${times}` : `sends ${value} on \`${ch}\``;
    case Op.Recv: case Op.Consume: return `receives from \`${ch}\`${times}`;
    case Op.Close: return `closes \`${ch}\``;
    case Op.Load: return `loads a slot${times}`;
    default: return `acts${times}`;
  }
}

/**
 * The witness compressed: consecutive actions of one orchestrator at one statement become one
 * step; only the last few steps are kept, after a count of the earlier actions; then what each
 * orchestrator ends up waiting on.
 */
export function traceOf(model: Model, rec: Recorder, blocked: readonly Blocked[]): TraceStep[] {
  // Walk back from the end: only the last few groups are shown.
  const groups: { orch: number; pc: number; n: number; first: number }[] = [];
  for (let i = rec.length - 1; i >= 0; i--) {
    const g = groups[groups.length - 1];
    if (g && g.orch === rec.orch(i) && g.pc === rec.pc(i)) {
      g.n++;
      g.first = i;
    } else {
      if (groups.length === TRACE_GROUPS) break;
      groups.push({ orch: rec.orch(i), pc: rec.pc(i), n: 1, first: i });
    }
  }
  groups.reverse();
  const steps: TraceStep[] = [];
  const skipped = groups.length > 0 ? groups[0]!.first : 0;
  if (skipped > 0) steps.push({ text: `${skipped} earlier action${skipped === 1 ? "" : "s"}` });
  for (const g of groups) {
    const o = model.orchs[g.orch]!;
    const x = model.bodies[o.body]!.code[g.pc]!;
    steps.push({ text: `\`${o.who}\` ${actionText(model, x, g.n, rec.values.get(g.first) ?? null)}`, at: locationOf(model, x.stmt) });
  }
  for (const b of blocked) steps.push({ text: `\`${b.who}\` blocks: ${blockedShort(b.waitsOn)}`, at: { file: b.at.file, start: b.at.start, end: b.at.end } });
  return steps;
}

export function blockedShort(w: BlockedOn): string {
  if ("channel" in w) return w.state === "full" ? `\`${w.channel}\` is full` : `\`${w.channel}\` is empty`;
  return w.window === "scope-limit" ? "its scope holds as many tasks as one scope may" : "the window is full of scope-held tasks";
}

export type { RelatedInfo };
