/**
 * Diagnostics from a unit's deadlock analysis: one error per deadlock (a code per kind) on the
 * range its fix edits or the operation that waits, with every blocked orchestrator as related
 * information, fills and window use and a short trace in the message, and the verified fixes;
 * a warning when a launch-time symbol decides it; a hint when data does; an info when the search
 * ran out of budget; and the lint for code that an unconditional deadlock keeps from running.
 */
import type { Block, PipelineDecl, Span, Stmt } from "../../../grammar/ast.js";
import { makeDiagnostic, type Diagnostic, type DiagnosticCode, type RelatedInfo } from "../../diagnostic.js";
import type { CheckResult } from "../../program.js";
import type { AnalysisUnit } from "../index.js";
import { analyzeUnit, type Analysis, type AnalysisOptions } from "./analyze.js";
import { headOf, type Blocked } from "./classify.js";
import { enclosingScope, Op, type Model } from "./model.js";
import type { DeadlockKind, DeadlockVerdict } from "./verdict.js";

const CODES: Readonly<Record<DeadlockKind, DiagnosticCode>> = {
  "channel-cycle": "WSP0901",
  "channel-capacity": "WSP0902",
  "channel-starvation": "WSP0903",
  "scope-exceeds-window": "WSP0904",
  "scope-blocks-window": "WSP0905",
};

const PREDICTIONS: ReadonlySet<string> = new Set(Object.values(CODES));

/** Whether `code` is a deadlock the analysis predicts (the program is well-formed; running it shows the deadlock). */
export function isDeadlockPrediction(code: string): boolean {
  return PREDICTIONS.has(code);
}

/** How a diagnostic names its unit: several schedules each get their own. */
function unitLabel(unit: AnalysisUnit): string {
  return unit.schedule
    ? `schedule \`${unit.subject.name}\` on ${unit.target.name}`
    : `\`${unit.subject.name}\` under the default schedule on ${unit.target.name}`;
}

export function deadlockDiagnostics(result: CheckResult, unit: AnalysisUnit, options: AnalysisOptions = {}): Diagnostic[] {
  const a = analyzeUnit(result, unit, options);
  if (a.silent || !a.model) return [];
  const v = a.verdict;
  const model = a.model;
  const name = (unit.subject.decl as { name: Span }).name;
  switch (v.kind) {
    case "deadlock":
      return [deadlockError(result, unit, model, a, v), ...unreachedCode(unit, model, a)];
    case "inconclusive":
      return [makeDiagnostic(v.dependsOn ? "WSP0906" : "WSP0907", model.file, name, `${unitLabel(unit)}: ${v.reason}`)];
    case "free":
      return v.exhaustive ? [] : [makeDiagnostic("WSP0908", model.file, name,
        `${unitLabel(unit)}: no deadlock found within the budget (${a.states} states explored); the search did not cover every interleaving, so this is not a proof`)];
  }
}

function deadlockError(result: CheckResult, unit: AnalysisUnit, model: Model, a: Analysis, v: Extract<DeadlockVerdict, { kind: "deadlock" }>): Diagnostic {
  const blocked = a.deadlock!.blocked;
  const fixes = a.deadlock!.fixes;
  const range = rangeOf(unit, model, v, blocked);
  const fills = v.channels.length > 0 ? ` Channels: ${v.channels.map((c) => `\`${c.name}\` ${c.fill}/${c.capacity}${c.closed ? " closed" : ""}`).join(", ")}.` : "";
  const window = Number.isFinite(v.window.size) ? ` Window: ${v.window.held} of ${v.window.size} places held by open scopes.` : "";
  const trace = ` Trace: ${capped(v.trace.map((t, i) => `${i + 1}. ${t.text}`), "steps")}.`;
  const fix = fixes[0]
    ? ` Smallest fix: ${fixes[0].message}.`
    : a.deadlock!.fixSearchExhausted
      ? " No fix was verified within the analysis budget: try a larger depth or window, or reorder the operations."
      : " No depth, window or scope change removes it: reorder the operations.";
  const message = `deadlock (${unitLabel(unit)}): ${summary(model, v, blocked)}.${fills}${window}${trace}${fix}`;
  const related: RelatedInfo[] = blocked.map((b) => b.at);
  for (const [i, t] of v.trace.entries()) if (t.at && i < v.trace.length - blocked.length) related.push({ ...t.at, message: `step ${i + 1}: ${t.text}` });
  return makeDiagnostic(CODES[v.rule], range.file, range, message, { related, fixes });
}

/**
 * At most MESSAGE_ITEMS entries of a list, then how many more: a pipeline of a hundred replicas
 * would otherwise make a message of thousands of words. The related locations keep every one.
 */
const MESSAGE_ITEMS = 8;

function capped(items: readonly string[], what: string): string {
  if (items.length <= MESSAGE_ITEMS) return items.join("; ");
  return `${items.slice(0, MESSAGE_ITEMS - 1).join("; ")}; … ${items.length - MESSAGE_ITEMS + 1} more ${what}; ${items[items.length - 1]}`;
}

function summary(model: Model, v: Extract<DeadlockVerdict, { kind: "deadlock" }>, blocked: readonly Blocked[]): string {
  const waits = capped(blocked.map((b) => b.at.message.replace(" waits here ", " waits ")), "blocked processes");
  switch (v.rule) {
    case "channel-capacity": {
      const full = blocked.find((b) => "channel" in b.waitsOn && b.waitsOn.state === "full")!;
      const c = model.channels[full.ins.ch]!;
      return `channel \`${c.name}\` (depth ${c.capacity}) is too small: \`${full.who}\` must run further ahead than it holds — ${waits}`;
    }
    case "channel-cycle":
      return `the processes wait on each other in a cycle of empty channels — ${waits}`;
    case "channel-starvation": {
      const b = blocked.find((x) => "channel" in x.waitsOn && x.waitsOn.state === "empty")!;
      return `\`${b.who}\` waits for more tokens on \`${model.channels[b.ins.ch]!.name}\` than are ever sent, and the channel is never closed (a sender has not ended) — ${waits}`;
    }
    case "scope-exceeds-window": {
      const b = blocked.find((x) => "window" in x.waitsOn && x.waitsOn.window === "scope-limit")!;
      return `a scope of \`${b.who}\` submits more tasks than one scope may hold under a window of ${model.window} (${model.scopeCapacityText}), and its next task needs a place only the end of the scope would free — ${waits}`;
    }
    case "scope-blocks-window":
      return `open scopes hold the whole window (${v.window.held} of ${model.window}) while the processes that would end them wait — ${waits}`;
  }
}

/** The range the error is on: what its fix edits, or the operation that waits. */
function rangeOf(unit: AnalysisUnit, model: Model, v: Extract<DeadlockVerdict, { kind: "deadlock" }>, blocked: readonly Blocked[]): { file: string } & Span {
  const first = blocked[0]!;
  const at = { file: first.at.file, start: first.at.start, end: first.at.end };
  if (v.rule === "channel-capacity") {
    const fixed = v.fix?.edits[0];
    const full = blocked.find((b) => "channel" in b.waitsOn && b.waitsOn.state === "full")!;
    const decls = (unit.subject.decl as PipelineDecl).members.flatMap((m) => (m.kind === "Channel" ? [m] : []));
    const decl = decls.find((d) => fixed && d.start <= fixed.start && fixed.start <= d.end + 1) ?? decls[full.ins.ch]!;
    return { file: model.file, start: decl.name.start, end: decl.name.end };
  }
  if (v.rule === "channel-cycle" || v.rule === "channel-starvation") {
    const waiting = blocked.find((b) => "channel" in b.waitsOn && b.waitsOn.state === "empty") ?? first;
    return { file: waiting.at.file, start: waiting.at.start, end: waiting.at.end };
  }
  const w = unit.schedule?.directives.find((d) => d.kind === "Window");
  if (v.rule === "scope-blocks-window" && w && w.kind === "Window") return { file: unit.scheduleFile ?? model.file, start: w.size.start, end: w.size.end };
  // A scope too big for the window: the scope itself.
  const holder = blocked.find((b) => "window" in b.waitsOn) ?? first;
  const body = model.orchs[holder.orchestrator]!.body;
  const scope = enclosingScope(model, body, model.bodies[body]!.code.indexOf(holder.ins));
  return scope ? { file: model.file, ...headOf(scope) } : at;
}

// ---- the lint: code after an unconditional deadlock ---------------------------------------

function bodiesOf(unit: AnalysisUnit): Block[] {
  const d = unit.subject.decl;
  if (d.kind === "Workload") return [d.body];
  return (d as PipelineDecl).members.flatMap((m) => (m.kind === "Process" ? [m.body] : []));
}

/** Statements (nested ones included) with an instruction that ran. */
function ranStatements(model: Model, ran: readonly Uint8Array[]): Set<Stmt> {
  const out = new Set<Stmt>();
  model.bodies.forEach((b, i) => b.code.forEach((x, pc) => { if (ran[i]![pc] && x.stmt) out.add(x.stmt); }));
  return out;
}

function everRan(s: Stmt, ran: ReadonlySet<Stmt>): boolean {
  if (ran.has(s)) return true;
  const inner: Block[] = s.kind === "When" ? [...s.branches.map((b) => b.body), ...(s.otherwise ? [s.otherwise] : [])] : "body" in s ? [s.body] : [];
  return inner.some((b) => b.statements.some((x) => everRan(x, ran)));
}

function containing(block: Block, stmt: Stmt): { block: Block; index: number } | undefined {
  const i = block.statements.indexOf(stmt);
  if (i >= 0) return { block, index: i };
  for (const s of block.statements) {
    const inner: Block[] = s.kind === "When" ? [...s.branches.map((b) => b.body), ...(s.otherwise ? [s.otherwise] : [])] : "body" in s ? [s.body] : [];
    for (const b of inner) {
      const r = containing(b, stmt);
      if (r) return r;
    }
  }
  return undefined;
}

/** When the unit has one execution and it deadlocks, the statements after each blocked one never run. */
function unreachedCode(unit: AnalysisUnit, model: Model, a: Analysis): Diagnostic[] {
  const d = a.deadlock;
  if (!d || !d.unconditional) return [];
  const ran = ranStatements(model, d.ran);
  const bodies = bodiesOf(unit);
  const out: Diagnostic[] = [];
  const seen = new Set<Block>();
  for (const b of d.blocked) {
    const stmt = b.ins.stmt;
    const body = bodies[model.orchs[b.orchestrator]!.body];
    const where = stmt && body ? containing(body, stmt) : undefined;
    if (!where || seen.has(where.block)) continue;
    seen.add(where.block);
    const rest = where.block.statements.slice(where.index + 1);
    if (rest.length === 0 || rest.some((s) => everRan(s, ran))) continue;
    const span = { start: rest[0]!.start, end: rest[rest.length - 1]!.end };
    out.push(makeDiagnostic("WSP0909", model.file, span,
      `this code never runs: \`${b.who}\` deadlocks at the statement before it in every execution (${unitLabel(unit)})`, { tags: ["unnecessary"] }));
  }
  return out;
}
