/**
 * The smallest fix of a deadlock, computed and verified by re-running the analysis on the changed
 * model: the least channel depth, the least window, the outermost scope split, or (for a cycle)
 * moving a send before the receive that waits — each offered as machine-applicable edits.
 *
 * Depths and windows are searched by doubling then bisection, which finds the least value when
 * deadlock-freedom is monotone in it (it is for channels between processes that only block on
 * each other: a larger buffer never removes a move); the value returned is always one the
 * analysis proved free, and the next smaller one probed was not.
 */
import type { Block, ChannelDecl, PipelineDecl, Stmt } from "../../../grammar/ast.js";
import type { Fix, TextEdit } from "../../diagnostic.js";
import type { CheckResult } from "../../program.js";
import type { AnalysisUnit } from "../index.js";
import type { Blocked } from "./classify.js";
import type { State } from "./machine.js";
import { buildModel, enclosingScope, withWindow, type Model } from "./model.js";
import { provedFree } from "./search.js";
import type { DeadlockKind } from "./verdict.js";

/** Largest channel depth the language allows (§3.9). */
const MAX_DEPTH = 2 ** 32;

export interface FixInput {
  readonly result: CheckResult;
  readonly unit: AnalysisUnit;
  readonly model: Model;
  readonly symbolValues: ReadonlyMap<number, bigint>;
  readonly rule: DeadlockKind;
  readonly blocked: readonly Blocked[];
  readonly state: State;
  readonly budget: number;
}

/**
 * How many candidate fixes one deadlock may verify (each a whole re-analysis): a program with
 * many blocked processes or channels would otherwise try them all, every keystroke.
 */
export const MAX_FIX_TRIALS = 64;

/** The smallest fixes found, and whether the search for them stopped at `MAX_FIX_TRIALS`. */
export interface FixSearch {
  readonly fixes: Fix[];
  readonly exhausted: boolean;
}

/** Verifies candidate models against the analysis, at most MAX_FIX_TRIALS times in all. */
class Verifier {
  private left = MAX_FIX_TRIALS;
  constructor(private readonly budget: number) {}
  get exhausted(): boolean {
    return this.left <= 0;
  }
  free(model: Model): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return provedFree(model, this.budget);
  }
}

/** Every verified fix, the preferred one first. */
export function computeFixes(input: FixInput): FixSearch {
  const v = new Verifier(input.budget);
  const fixes: Fix[] = [];
  if (input.rule !== "scope-exceeds-window") fixes.push(...depthFixes(input, v));
  if (input.rule === "scope-exceeds-window" || input.rule === "scope-blocks-window") {
    const w = windowFix(input, v);
    if (w) fixes.push(w);
    const split = scopeSplitFix(input, v);
    if (split) fixes.push(split);
  }
  if (input.rule === "channel-cycle" || input.rule === "channel-capacity") {
    const r = reorderFix(input, v);
    if (r) fixes.push(r);
  }
  return { fixes, exhausted: v.exhausted };
}

/** The least value in (`bad`, `limit`] for which `ok` holds, or undefined. */
function least(bad: number, limit: number, ok: (v: number) => boolean): number | undefined {
  let lo = bad;
  let hi: number | undefined;
  for (let step = 1; ; step *= 2) {
    const v = Math.min(limit, bad + step);
    if (ok(v)) {
      hi = v;
      break;
    }
    lo = v;
    if (v >= limit) return undefined;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---- channel depth ---------------------------------------------------------------------------

function channelDecls(input: FixInput): ChannelDecl[] {
  const d = input.unit.subject.decl;
  return d.kind === "Pipeline" ? (d as PipelineDecl).members.flatMap((m) => (m.kind === "Channel" ? [m] : [])) : [];
}

function depthFixes(input: FixInput, verifier: Verifier): Fix[] {
  const { model, blocked } = input;
  const full = [...new Set(blocked.filter((b) => "channel" in b.waitsOn && b.waitsOn.state === "full").map((b) => b.ins.ch))];
  let best: { ch: number; depth: number } | undefined;
  for (const ch of full) {
    const c = model.channels[ch]!;
    const limit = Math.min(MAX_DEPTH, best ? best.depth - 1 : MAX_DEPTH);
    if (limit <= c.capacity) continue;
    const d = least(c.capacity, limit, (v) => verifier.free(withCapacity(model, ch, v)));
    if (d !== undefined && (!best || d < best.depth)) best = { ch, depth: d };
  }
  // A search cut short cannot call what it found the smallest.
  if (!best || verifier.exhausted) return [];
  const decl = channelDecls(input)[best.ch]!;
  const file = model.file;
  const edit: TextEdit = decl.depth
    ? { file, start: decl.depth.start, end: decl.depth.end, newText: String(best.depth) }
    : { file, start: decl.name.end, end: decl.name.end, newText: ` depth ${best.depth}` };
  return [{ message: `set the depth of channel \`${decl.name.text}\` to ${best.depth}, the smallest that removes the deadlock (verified)`, edits: [edit] }];
}

export function withCapacity(model: Model, ch: number, capacity: number): Model {
  return { ...model, channels: model.channels.map((c, i) => (i === ch ? { ...c, capacity } : c)) };
}

// ---- window ----------------------------------------------------------------------------------

function windowFix(input: FixInput, verifier: Verifier): Fix | undefined {
  const { model, unit, result } = input;
  const schedule = unit.schedule;
  if (!schedule || !Number.isFinite(model.window)) return undefined;
  const target = unit.target.decl.kind === "Target" ? result.semantics.targets.get(unit.target.decl) : undefined;
  const maxProp = target?.properties.get("max_window");
  const max = typeof maxProp === "bigint" ? Number(maxProp) : 16384;
  const pow2 = unit.backend === "pto-tmr";
  let w: number | undefined;
  if (pow2) {
    // The task ring is a power of two there: search the exponents.
    const e0 = Math.floor(Math.log2(model.window));
    const e = least(e0, Math.floor(Math.log2(max)), (k) => verifier.free(withWindow(model, 2 ** k)));
    w = e === undefined ? undefined : 2 ** e;
  } else {
    w = least(model.window, max, (v) => verifier.free(withWindow(model, v)));
  }
  if (w === undefined || verifier.exhausted) return undefined;
  const file = input.unit.scheduleFile ?? model.file;
  const directive = schedule.directives.find((d) => d.kind === "Window");
  let edit: TextEdit;
  if (directive && directive.kind === "Window") {
    edit = { file, start: directive.size.start, end: directive.size.end, newText: String(w) };
  } else {
    const text = result.modules.get(file)?.source.text ?? "";
    const brace = text.indexOf("{", schedule.target.end);
    if (brace < 0) return undefined;
    edit = { file, start: brace + 1, end: brace + 1, newText: ` window ${w}` };
  }
  return { message: `set the window to ${w}, the smallest that removes the deadlock (verified)`, edits: [edit] };
}

// ---- scope split -----------------------------------------------------------------------------

/**
 * `scope { parallel a, b { body } }` → `parallel a { scope { parallel b { body } } }`: the scope
 * moved inside as few bindings as needed, so each scope holds one iteration's tasks.
 */
function scopeSplitFix(input: FixInput, verifier: Verifier): Fix | undefined {
  const { model, state, blocked, result, unit } = input;
  const holder = blocked.find((b) => "window" in b.waitsOn) ?? blocked[0];
  if (!holder) return undefined;
  const o = model.orchs[holder.orchestrator]!;
  const scope = enclosingScope(model, o.body, state.pc[holder.orchestrator]!);
  if (scope?.kind !== "Scope" || scope.body.statements.length !== 1) return undefined;
  const loop = scope.body.statements[0]!;
  if (loop.kind !== "Parallel" && loop.kind !== "For") return undefined;
  const text = result.modules.get(model.file)?.source.text ?? "";
  for (let level = 1; level <= loop.bindings.length; level++) {
    const changed = buildModel(result, unit, input.symbolValues, { split: new Map([[scope as Stmt, level]]), window: model.window });
    if (!verifier.free(changed)) continue;
    const keyword = loop.kind === "Parallel" ? "parallel" : "for";
    const list = (from: number, to: number) => loop.bindings.slice(from, to).map((b) => text.slice(b.start, b.end)).join(", ");
    const body = text.slice(loop.body.start, loop.body.end);
    const inner = level < loop.bindings.length ? `${keyword} ${list(level, loop.bindings.length)} ${body}` : body.slice(1, -1).trim();
    const newText = `${keyword} ${list(0, level)} { scope { ${inner} } }`;
    const where = level < loop.bindings.length ? `each iteration of ${list(0, level)}` : "each iteration";
    return { message: `open one scope per iteration instead (a scope for ${where}; verified)`, edits: [{ file: model.file, start: scope.start, end: scope.end, newText }] };
  }
  return undefined;
}

// ---- reordering ------------------------------------------------------------------------------

/** The block directly containing `stmt` inside `block`, with its index there. */
function parentBlock(block: Block, stmt: Stmt): { block: Block; index: number } | undefined {
  const i = block.statements.indexOf(stmt);
  if (i >= 0) return { block, index: i };
  for (const s of block.statements) {
    const inner: Block[] = [];
    if (s.kind === "When") {
      inner.push(...s.branches.map((b) => b.body));
      if (s.otherwise) inner.push(s.otherwise);
    } else if ("body" in s) {
      inner.push(s.body);
    }
    for (const b of inner) {
      const r = parentBlock(b, stmt);
      if (r) return r;
    }
  }
  return undefined;
}

function processBlocks(input: FixInput): Block[] {
  const d = input.unit.subject.decl;
  if (d.kind === "Workload") return [d.body];
  return (d as PipelineDecl).members.flatMap((m) => (m.kind === "Process" ? [m.body] : []));
}

/**
 * A receive that waits in a cycle, followed in its block by a send: move the send before the
 * receive (the process then sends first, which breaks the cycle), if the send does not use a
 * value received in between and the analysis proves the result free.
 */
function reorderFix(input: FixInput, verifier: Verifier): Fix | undefined {
  const { model, blocked, result, unit } = input;
  const text = result.modules.get(model.file)?.source.text ?? "";
  for (const b of blocked) {
    const r = b.ins.stmt;
    if (!r || r.kind !== "Recv") continue;
    const body = processBlocks(input)[model.orchs[b.orchestrator]!.body]!;
    const parent = parentBlock(body, r);
    if (!parent) continue;
    const { block, index } = parent;
    const bound = new Set<string>();
    for (let j = index; j < block.statements.length; j++) {
      const s = block.statements[j]!;
      if (j > index && s.kind === "Send" && !usesAny(s, bound)) {
        const order = block.statements.map((_, k) => k);
        order.splice(j, 1);
        order.splice(index, 0, j);
        const changed = buildModel(result, unit, input.symbolValues, { order: new Map([[block, order]]) });
        if (verifier.free({ ...withWindow(changed, model.window), channels: changed.channels.map((c, i) => ({ ...c, capacity: model.channels[i]!.capacity })) })) {
          const prev = block.statements[j - 1]!;
          const sep = text.slice(prev.end, s.start);
          const newText = `${text.slice(s.start, s.end)}${sep}${text.slice(r.start, prev.end)}`;
          return {
            message: `move \`${text.slice(s.start, s.end)}\` before \`${text.slice(r.start, r.end)}\`, so \`${model.orchs[b.orchestrator]!.who}\` sends before it waits (verified)`,
            edits: [{ file: model.file, start: r.start, end: s.end, newText }],
          };
        }
      }
      if (s.kind === "Recv") bound.add(s.variable.text);
    }
  }
  return undefined;
}

/** Whether a statement's text mentions one of `names` (a received variable). */
function usesAny(s: Stmt, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    const n = node as { kind?: string; name?: { text: string } };
    if (n.kind === "Name" && n.name && names.has(n.name.text)) found = true;
    for (const k in node) if (k !== "start" && k !== "end") visit((node as Record<string, unknown>)[k]);
  };
  visit(s);
  return found;
}
