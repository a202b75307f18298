/**
 * The scheduler a kernel call's tasks go to, when that is fixed at compile time: the dispatch
 * policy of the call's schedule (or the default `round_robin(schedulers)`), with its parameters
 * and `let`s replaced by the directive's arguments and `task.X` by the call's loop variables.
 * "Static" means the result reads nothing but constants, the call's loop variables, `replica`,
 * and `task.seq` where that is itself a function of the loop variables (the only call of a
 * workload, under constant dense loops). Anything read from a slot, a symbol, a token or a
 * `select` makes the assignment dynamic, and no answer is given.
 */
import { BINARY_PRECEDENCE, type Arg, type Expr, type PolicyDecl, type PolicyRef } from "../../grammar/ast.js";
import type { Semantics } from "../check/symbols.js";
import type { CheckResult } from "../program.js";
import { buildUnits, type BuildUnit } from "../units.js";
import { siteInfos, type SiteInfo } from "./task-sites.js";

/** The dispatch of one call under one schedule (or the default one). */
export interface StaticDispatch {
  /** e.g. "i % 4", "0", "hash(i, 4)". */
  readonly text: string;
  readonly target: string;
  readonly policy: string;
}

/** Rendered expression: its text, precedence (atoms bind tightest), and value if constant. */
interface Rendered {
  readonly text: string;
  readonly prec: number;
  readonly value?: bigint;
}

const ATOM = 100;
/** Beyond this the inlined expression is no longer a glance: the policy call is shown instead. */
const MAX_INLINE = 32;
const U63 = 1n << 63n;

/** Thrown inside rendering when something read is not static. */
class Dynamic extends Error {}

/** The static dispatch of `info`'s tasks under each unit that schedules its owner. */
export function staticDispatch(result: CheckResult, info: SiteInfo): StaticDispatch[] {
  const out: StaticDispatch[] = [];
  const seq = seqExpression(result, info);
  for (const unit of buildUnits(result)) {
    if (unit.subject.decl !== info.owner) continue;
    const d = dispatchOf(result.semantics, unit, info, seq);
    if (d) out.push(d);
  }
  return out;
}

function dispatchOf(sem: Semantics, unit: BuildUnit, info: SiteInfo, seq: Rendered | undefined): StaticDispatch | undefined {
  const directive = unit.schedule?.directives.find((d) => d.kind === "Dispatch");
  const target = unit.target.name;
  const read = attributeReader(info, seq);
  try {
    if (directive?.kind === "Dispatch") return render(sem, directive.policy, target, read);
    // The documented default: round_robin(schedulers), i.e. task.seq % schedulers.
    const targetInfo = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl) : undefined;
    const n = targetInfo?.properties.get("schedulers");
    if (typeof n !== "bigint") return undefined;
    const text = binary(read("seq"), "%", lit(n)).text;
    return { text, target, policy: "round_robin" };
  } catch (e) {
    if (e instanceof Dynamic) return undefined;
    throw e;
  }
}

/** `task.X` as seen by the tasks of this call; throws Dynamic for what varies at run time. */
function attributeReader(info: SiteInfo, seq: Rendered | undefined): (name: string) => Rendered {
  return (name) => {
    if (name === "seq") {
      if (!seq) throw new Dynamic();
      return seq;
    }
    if (name === "replica" && info.site.process?.replicate) return { text: "replica", prec: ATOM };
    if (info.loopVariables.includes(name)) return { text: name, prec: ATOM };
    throw new Dynamic();
  };
}

/**
 * `task.seq` of the call's tasks as an expression of its loop variables: only for the single
 * call of a workload under unconditional constant dense loops, where tasks are submitted in
 * loop order (the last loop variable varying fastest).
 */
function seqExpression(result: CheckResult, info: SiteInfo): Rendered | undefined {
  if (info.owner.kind !== "Workload" || info.conditional || !info.staticLoops || info.count.kind !== "exact") return undefined;
  const sites = [...siteInfos(result).values()].filter((s) => s.owner === info.owner);
  if (sites.length !== 1) return undefined;
  let acc: Rendered | undefined;
  for (const loop of info.staticLoops) {
    const v: Rendered = loop.size === 1n ? lit(0n) : { text: loop.variable, prec: ATOM };
    acc = acc === undefined ? v : binary(binary(acc, "*", lit(loop.size)), "+", v);
  }
  return acc ?? lit(0n);
}

function render(sem: Semantics, ref: PolicyRef, target: string, read: (name: string) => Rendered): StaticDispatch | undefined {
  const r = sem.references.get(ref.name);
  if (r?.kind !== "global" || r.symbol.decl.kind !== "Policy") return undefined;
  const policy = r.symbol.decl;
  const order = sem.argumentMaps.get(ref.args);
  if (!order) return undefined;
  const args = order.map((i) => (i === undefined ? undefined : ref.args[i]));
  if (args.some((a) => a === undefined)) return undefined;
  const params = new Map<string, Rendered>();
  policy.params.forEach((p, k) => params.set(p.name.text, expr(sem, (args[k] as Arg).value, params, read, true)));
  const shortForm = `${ref.name.text}(${policy.params.map((p) => params.get(p.name.text)!.text).join(", ")})`;
  const inlined = inline(sem, policy, params, read);
  const text = inlined.value !== undefined ? String(inlined.value) : inlined.text.length <= MAX_INLINE ? inlined.text : shortForm;
  return { text, target, policy: ref.name.text };
}

/** The policy's value with its parameters and lets substituted. */
function inline(sem: Semantics, policy: PolicyDecl, params: Map<string, Rendered>, read: (name: string) => Rendered): Rendered {
  const env = new Map(params);
  for (const l of policy.lets) env.set(l.name.text, expr(sem, l.value, env, read, false));
  return expr(sem, policy.result, env, read, false);
}

/**
 * Renders `e`. `atCall` is true for a directive argument (names there are the schedule's
 * module-level names); inside a policy body, names are parameters, lets or constants.
 */
function expr(sem: Semantics, e: Expr, env: ReadonlyMap<string, Rendered>, read: (name: string) => Rendered, atCall: boolean): Rendered {
  switch (e.kind) {
    case "Int": return lit(e.value);
    case "Bool": return { text: String(e.value), prec: ATOM };
    case "TaskAttr": return read(e.attribute.text);
    case "Paren": {
      const inner = expr(sem, e.inner, env, read, atCall);
      return inner.value !== undefined ? inner : { text: `(${inner.text})`, prec: ATOM };
    }
    case "Name": {
      const ref = sem.references.get(e.name);
      if (ref?.kind === "global" && ref.symbol.decl.kind === "Const") {
        const v = sem.constValues.get(ref.symbol.decl);
        if (typeof v === "bigint") return lit(v);
        if (typeof v === "boolean") return { text: String(v), prec: ATOM };
      }
      const local = atCall ? undefined : env.get(e.name.text);
      if (local && ref?.kind === "local") return local;
      throw new Dynamic();
    }
    case "Unary": {
      const operand = expr(sem, e.operand, env, read, atCall);
      return { text: `${e.op}${operand.prec < ATOM ? `(${operand.text})` : operand.text}`, prec: ATOM };
    }
    case "Binary": return binary(expr(sem, e.left, env, read, atCall), e.op, expr(sem, e.right, env, read, atCall));
    case "CallExpr": {
      const args = e.args.map((a) => expr(sem, a.value, env, read, atCall).text);
      return { text: `${e.callee.text}(${args.join(", ")})`, prec: ATOM };
    }
    default: throw new Dynamic();
  }
}

function lit(n: bigint): Rendered {
  return { text: String(n), prec: ATOM, value: n };
}

/** `l op r`, folded when both sides are small non-negative constants, parenthesised by precedence. */
function binary(l: Rendered, op: keyof typeof BINARY_PRECEDENCE, r: Rendered): Rendered {
  const folded = l.value !== undefined && r.value !== undefined ? fold(l.value, op, r.value) : undefined;
  if (folded !== undefined) return lit(folded);
  // Identities that keep hints short: x * 1, x + 0, 0 + x.
  if (op === "*" && r.value === 1n) return l;
  if (op === "+" && r.value === 0n) return l;
  if (op === "+" && l.value === 0n) return r;
  const prec = BINARY_PRECEDENCE[op];
  const left = l.prec < prec ? `(${l.text})` : l.text;
  const right = r.prec <= prec ? `(${r.text})` : r.text;
  return { text: `${left} ${op} ${right}`, prec };
}

/** Folds the unsigned operations whose result is the same in u64 and i64 (small, non-negative values). */
function fold(a: bigint, op: string, b: bigint): bigint | undefined {
  if (a < 0n || b < 0n || a >= U63 || b >= U63) return undefined;
  let v: bigint | undefined;
  switch (op) {
    case "+": v = a + b; break;
    case "-": v = a - b; break;
    case "*": v = a * b; break;
    case "/": v = b === 0n ? undefined : a / b; break;
    case "%": v = b === 0n ? undefined : a % b; break;
    case "&": v = a & b; break;
    case "|": v = a | b; break;
    case "^": v = a ^ b; break;
    default: v = undefined;
  }
  return v !== undefined && v >= 0n && v < U63 ? v : undefined;
}
