import type { Span, Stmt } from "../../grammar/ast.js";
import { evaluate } from "../../runtime/bytecode.js";
import type { Plan } from "../package/build.js";
import type { PlanStmt } from "../package/plan.js";
import { childBlocks, headerSpan, pair, report, type Paired, type Reporter } from "./common.js";

/**
 * pto-runtime TMR's scope rule and how the emitted orchestration keeps it.
 *
 * Every task is submitted into the innermost open scope (the entry already runs inside one), a
 * scope keeps its tasks' window places until it ends, and a submit into a scope that already
 * holds `window − 1` tasks is a fatal scope deadlock. A scope "holds" the tasks submitted
 * directly in it; the tasks of an inner scope are released when the inner scope ends, but
 * while it is open the places of every open scope are taken, so the check is made along each
 * chain of nested scopes: what the outer ones may hold is subtracted from what an inner one
 * may take (conservatively: an outer scope's whole count, wherever its tasks sit).
 *
 * - The program's own `scope` blocks are emitted as they are; one that can hold more than its
 *   share is an error (WSP0804) and one whose size depends on launch-time data (a dyn, ragged
 *   or sparse loop) is a warning (WSP0805), because the window cannot be checked for it.
 * - Where the program has no scope of its own — the entry's outer scope, or an automatic one —
 *   and the tasks would not fit, every loop that submits tasks there gets a `PTO2_SCOPE()` per
 *   iteration, as pto-runtime's own examples do: at the outermost loop level (binding) whose
 *   single iteration fits. If even one innermost iteration does not fit, its own loops are
 *   split the same way; tasks that sit outside any loop and still do not fit are an error.
 *
 * The result maps each split loop to the binding level inside which its scope opens (NO_SCOPE:
 * none, its inner loops' scopes hold all its tasks).
 */
export type ScopeSplits = Map<PlanStmt, number>;

/** A loop whose tasks all go into scopes of its inner loops: it opens none itself. */
export const NO_SCOPE = -1;

interface Planner {
  readonly plan: Plan;
  readonly window: number;
  readonly target: string;
  readonly reporter: Reporter;
  readonly splits: ScopeSplits;
}

/** `workload` is where a diagnostic about the entry scope points (the workload's name). */
export function planScopes(plan: Plan, body: Paired[], window: number, target: string, reporter: Reporter, workload: Span): ScopeSplits {
  const p: Planner = { plan, window, target, reporter, splits: new Map() };
  planContext(p, body, window - 1, { kind: "entry", at: workload });
  return p.splits;
}

type Context = { kind: "entry"; at: Span } | { kind: "user"; at: Stmt } | { kind: "iteration"; at: Stmt };

/** Tasks one binding level runs per execution: a constant dense size, or unknown (Infinity). */
function trips(p: Planner, s: PlanStmt): number[] {
  if (s.op === "select") return [Infinity];
  if (s.op !== "parallel" && s.op !== "for") return [];
  return s.axes.map((a) => {
    const axis = p.plan.axes[a]!;
    if (axis.kind !== "dense" || !axis.size) return Infinity;
    try {
      const n = evaluate(axis.size);
      return n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n);
    } catch {
      return Infinity;
    }
  });
}

const times = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : a * b);

/** Most tasks `block` submits directly into the current scope (split loops and inner scopes submit elsewhere). */
function held(p: Planner, block: readonly Paired[]): number {
  let total = 0;
  for (const s of block) total += direct(p, s);
  return total;
}

function direct(p: Planner, s: Paired): number {
  switch (s.plan.op) {
    case "call":
      return 1;
    case "when":
      return Math.max(0, ...childBlocks(s).map((b) => held(p, pair(b.plan, b.ast))));
    case "parallel": case "for": case "select": {
      if (p.splits.has(s.plan)) return 0;
      return perIteration(p, s, -1);
    }
    default:
      return 0;
  }
}

/** Tasks one iteration of binding `level` submits (level −1: the whole loop). */
function perIteration(p: Planner, s: Paired, level: number): number {
  const body = childBlocks(s)[0]!;
  let n = held(p, pair(body.plan, body.ast));
  for (const t of trips(p, s.plan).slice(level + 1)) n = times(n, t);
  return n;
}

/** Loops that submit directly into a context: through `when` branches, not into loops or scopes. */
function loopsOf(block: readonly Paired[]): Paired[] {
  const out: Paired[] = [];
  for (const s of block) {
    if (s.plan.op === "parallel" || s.plan.op === "for" || s.plan.op === "select") out.push(s);
    else if (s.plan.op === "when") for (const b of childBlocks(s)) out.push(...loopsOf(pair(b.plan, b.ast)));
  }
  return out;
}

function planContext(p: Planner, block: Paired[], cap: number, ctx: Context): void {
  const h = held(p, block);
  if (h <= cap) {
    nestedScopes(p, block, cap - h);
    return;
  }
  if (ctx.kind === "user") {
    userScopeTooLarge(p, ctx.at, h, cap);
    return;
  }
  const loops = loopsOf(block).filter((l) => direct(p, l) > 0);
  for (const l of loops) p.splits.set(l.plan, -1);
  const outside = held(p, block);
  if (outside > cap) {
    contextTooLarge(p, ctx, outside, cap);
    return;
  }
  nestedScopes(p, block, cap - outside);
  for (const l of loops) splitLoop(p, l, cap - outside);
}

/** Opens the loop's scope at the outermost level whose iteration fits `cap`; splits deeper if none does. */
function splitLoop(p: Planner, loop: Paired, cap: number): void {
  const levels = trips(p, loop.plan).length;
  const body = childBlocks(loop)[0]!;
  for (let k = 0; k < levels; k++) {
    const n = perIteration(p, loop, k);
    if (n <= cap) {
      p.splits.set(loop.plan, k);
      nestedScopes(p, pair(body.plan, body.ast), cap - n);
      return;
    }
  }
  p.splits.set(loop.plan, levels - 1);
  const inner = pair(body.plan, body.ast);
  planContext(p, inner, cap, { kind: "iteration", at: loop.ast });
  // When every task of an iteration went into scopes of its own loops, the iteration needs none.
  if (held(p, inner) === 0) p.splits.set(loop.plan, NO_SCOPE);
}

/** Checks the program's own scopes inside `block` (not inside split loops: their contexts check them). */
function nestedScopes(p: Planner, block: readonly Paired[], cap: number): void {
  for (const s of block) {
    if (s.plan.op === "scope") {
      const body = childBlocks(s)[0]!;
      planContext(p, pair(body.plan, body.ast), cap, { kind: "user", at: s.ast });
    } else if (!p.splits.has(s.plan)) {
      for (const b of childBlocks(s)) nestedScopes(p, pair(b.plan, b.ast), cap);
    }
  }
}

function userScopeTooLarge(p: Planner, at: Stmt, h: number, cap: number): void {
  const outer = p.window - 1 - cap;
  const outerNote = outer > 0 ? ` (the enclosing scopes may already hold ${outer})` : "";
  if (h === Infinity) {
    report(p.reporter, "WSP0805", headerSpan(at),
      `this scope submits a number of tasks known only at launch (a dyn, ragged or sparse loop), so it cannot be checked against window ${p.window} on ${p.target}: pto-runtime stops with a scope deadlock if it ever holds ${p.window - 1} tasks${outerNote}`);
    return;
  }
  report(p.reporter, "WSP0804", headerSpan(at),
    `this scope holds up to ${h} tasks until it ends, but with window ${p.window} a scope may hold at most ${p.window - 1} on ${p.target}${outerNote}: the orchestration would stop with a scope deadlock; raise the window to at least ${h + outer + 1}, or end the scope sooner`);
}

function contextTooLarge(p: Planner, ctx: Context, h: number, cap: number): void {
  const outer = p.window - 1 - cap;
  const where = ctx.kind === "iteration" ? "one iteration of this loop submits" : "the workload submits";
  const at = ctx.kind === "entry" ? ctx.at : headerSpan(ctx.at);
  report(p.reporter, "WSP0804", at,
    `${where} up to ${h} tasks outside any loop, and they all stay in one scope, but with window ${p.window} a scope may hold at most ${p.window - 1} on ${p.target}${outer > 0 ? ` (the enclosing scopes may already hold ${outer})` : ""}: the orchestration would stop with a scope deadlock; raise the window to at least ${h + outer + 1}, or put the calls in a loop`);
}
