import type { BinaryExpr, CallExpr, Expr, Ident, NameExpr, Span, TaskAttrExpr, UnaryExpr } from "../../grammar/ast.js";
import { matchArguments } from "./args.js";
import type { CheckContext, ExprEnv } from "./context.js";
import { didYouMean, suggestion } from "./suggest.js";
import { describeDecl, withArticle, type Value } from "./symbols.js";
import { I64_MAX, I64_MIN, U64_MAX, isInteger, rangeOf, showTy, tyOfDeclared, wrap, type Ty } from "./types.js";

/**
 * The type of an expression, its value when known at compile time, and for launch-time
 * dimensions a canonical text (two dims are equal when their texts are).
 */
export interface ExprResult {
  readonly ty: Ty;
  readonly value?: Value;
  /** The canonical text of a launch-time expression; a constant's is its value's (`symbolicText`). */
  readonly symbolic?: string;
}

/** `r`'s canonical text, if it has one: constants get theirs only when asked (most are never asked). */
export function symbolicText(r: ExprResult): string | undefined {
  return r.symbolic ?? (r.value !== undefined ? String(r.value) : undefined);
}

const ERROR: ExprResult = { ty: "error" };

export const BUILTIN_FUNCTIONS = ["select", "min", "max", "u64", "i64"] as const;

export function checkExpr(ctx: CheckContext, e: Expr, env: ExprEnv): ExprResult {
  return record(ctx, e, typeOf(ctx, e, env));
}

/** Notes what checking learned about `e` (an integer literal tells it itself: `exprType`); returns `r`. */
function record(ctx: CheckContext, e: Expr, r: ExprResult): ExprResult {
  if (e.kind === "Int") return r;
  // Lowering picks signed or unsigned instructions from these, and reads folded sizes.
  ctx.sem.nonLiteralTypes.set(e, r.ty);
  if (r.value !== undefined) ctx.sem.nonLiteralValues.set(e, r.value);
  return r;
}

function typeOf(ctx: CheckContext, e: Expr, env: ExprEnv): ExprResult {
  switch (e.kind) {
    case "Int":
      if (e.value > U64_MAX) {
        ctx.report("WSP0209", e, `${e.text} does not fit in 64 bits (the largest integer is ${U64_MAX})`);
        return ERROR;
      }
      // The text makes `batch * 2` a launch-time dimension like `batch * TWO`.
      return { ty: "int", value: e.value };
    case "Bool":
      return { ty: "bool", value: e.value };
    case "Missing":
      return ERROR;
    case "Paren": {
      const inner = checkExpr(ctx, e.inner, env);
      const text = symbolicText(inner);
      return text !== undefined ? { ...inner, symbolic: `(${text})` } : inner;
    }
    case "Name":
      return checkName(ctx, e, env);
    case "TaskAttr":
      return checkTaskAttr(ctx, e, env);
    case "View":
      return checkViewInScalarPosition(ctx, e.tensor, e);
    case "Unary":
      return checkUnaryChain(ctx, e, env);
    case "Binary":
      return checkBinaryChain(ctx, e, env);
    case "CallExpr":
      return checkCall(ctx, e, env);
  }
}

/** Checks `e` and requires an integer; returns its folded value when constant. */
export function checkIntExpr(ctx: CheckContext, e: Expr, env: ExprEnv, what: string): ExprResult {
  const r = checkExpr(ctx, e, env);
  if (r.ty !== "error" && !isInteger(r.ty)) {
    ctx.report("WSP0201", e, `${what} must be an integer, but this is ${showTy(r.ty)}`);
    return ERROR;
  }
  return r;
}

/** Checks `e` and requires a boolean. */
export function checkBoolExpr(ctx: CheckContext, e: Expr, env: ExprEnv, what: string): ExprResult {
  const r = checkExpr(ctx, e, env);
  if (r.ty !== "error" && r.ty !== "bool") {
    ctx.report("WSP0201", e, `${what} must be a bool, but this is ${showTy(r.ty)}; compare it, e.g. \`x != 0\``);
    return ERROR;
  }
  return r;
}

/**
 * A compile-time integer (sizes, depths, counts): checks, folds, and bounds it. Returns the value,
 * or undefined when it was not a constant (diagnosed).
 */
export function constInt(ctx: CheckContext, e: Expr, what: string, min: bigint, max: bigint = U64_MAX): bigint | undefined {
  const r = checkIntExpr(ctx, e, { role: "const", scope: undefined, inReplicatedProcess: false, taskAttributes: undefined }, what);
  if (r.ty === "error") return undefined;
  if (typeof r.value !== "bigint") {
    ctx.report("WSP0202", e, `${what} must be a compile-time constant`);
    return undefined;
  }
  if (r.value < min || r.value > max) {
    const range = max === U64_MAX ? `at least ${min}` : `between ${min} and ${max}`;
    ctx.report("WSP0203", e, `${what} must be ${range}, but it is ${r.value}`);
    return undefined;
  }
  return r.value;
}

function checkName(ctx: CheckContext, e: NameExpr, env: ExprEnv): ExprResult {
  const name = e.name.text;
  if (name.length === 0) return ERROR;
  const local = env.scope?.lookup(name);
  if (local) {
    ctx.resolved({ kind: "local", symbol: local, ident: e.name });
    if (local.localKind === "tensor-param") {
      ctx.report("WSP0204", e, `\`${name}\` is a tensor parameter; a kernel's cycle cost can use its scalar parameters and constants`);
      return ERROR;
    }
    return { ty: local.ty };
  }
  if (name === "replica") {
    if (env.role === "runtime" && env.inReplicatedProcess) return { ty: "u64" };
    if (!ctx.resolveGlobal(name)) {
      ctx.report("WSP0503", e, env.role === "runtime"
        ? "`replica` is only defined inside a replicated process (`process p replicate N { ... }`)"
        : "`replica` is only defined inside a replicated process; a policy reads it as `task.replica`");
      return ERROR;
    }
  }
  const symbol = ctx.resolveGlobal(name);
  if (!symbol) {
    if (ctx.isBrokenImport(name)) return ERROR;
    const candidates = [...(env.scope?.visible() ?? []), ...ctx.globalNames()];
    if (env.role === "runtime" && env.inReplicatedProcess) candidates.push("replica");
    const s = suggestion(name, candidates, ctx.module.file, e.name);
    ctx.report("WSP0101", e, `unknown name \`${name}\`${s.hint}`, { fixes: s.fixes });
    return ERROR;
  }
  ctx.resolved({ kind: "global", symbol, ident: e.name });
  const decl = symbol.decl;
  switch (decl.kind) {
    case "Const": {
      const c = ctx.constant(symbol);
      return c.value === undefined ? { ty: c.ty } : { ty: c.ty, value: c.value };
    }
    case "Symbol": {
      const ty = ctx.sem.symbols.get(decl)?.ty ?? "error";
      if (env.role === "const" || env.role === "cycles") {
        ctx.report("WSP0202", e, `symbol \`${name}\` is only known at launch, but this must be a compile-time constant`);
        return ERROR;
      }
      return { ty, symbolic: symbol.qualifiedName };
    }
    case "Slot": {
      const ty = ctx.sem.slots.get(decl)?.ty ?? "error";
      if (env.role === "const" || env.role === "dim" || env.role === "cycles") {
        ctx.report("WSP0202", e, `slot \`${name}\` is only known at run time, but this must be ${env.role === "dim" ? "a constant or a launch-time symbol" : "a compile-time constant"}`);
        return ERROR;
      }
      return { ty };
    }
    default: {
      const hint = decl.kind === "Tensor" ? "; read an element into a slot with `load`" : "";
      ctx.report("WSP0204", e, `\`${name}\` is ${withArticle(describeDecl(decl))}, not a scalar value${hint}`);
      return ERROR;
    }
  }
}

function checkTaskAttr(ctx: CheckContext, e: TaskAttrExpr, env: ExprEnv): ExprResult {
  if (!env.taskAttributes) {
    ctx.report("WSP0604", e, "`task.` attributes exist only in policy bodies and schedule directive arguments, where a task is being placed");
    return ERROR;
  }
  if (e.attribute.text.length > 0) env.taskAttributes.push({ name: e.attribute.text, span: e.attribute });
  return { ty: "u64" };
}

function checkViewInScalarPosition(ctx: CheckContext, tensor: Ident, e: Span): ExprResult {
  const symbol = ctx.resolveGlobal(tensor.text);
  if (symbol) ctx.resolved({ kind: "global", symbol, ident: tensor });
  const what = symbol ? `\`${tensor.text}[...]\` is a view of ${withArticle(describeDecl(symbol.decl))}` : `\`${tensor.text}[...]\` is a tensor view`;
  ctx.report("WSP0204", e, `${what}, not a scalar value; read an element into a slot with \`load slot <- ${tensor.text}[...]\``);
  return ERROR;
}

/**
 * `- - ~x` and `a + b + c + ...` are checked in a loop over the chain rather than by recursion:
 * operator chains are not bounded by the parser's bracket nesting limit, and a long generated
 * sum must not exhaust the stack. Each inner node is recorded as `checkExpr` would (the
 * outermost one is recorded by `checkExpr` itself).
 */
function checkUnaryChain(ctx: CheckContext, e: UnaryExpr, env: ExprEnv): ExprResult {
  const chain: UnaryExpr[] = [];
  let operand: Expr = e;
  while (operand.kind === "Unary") {
    chain.push(operand);
    operand = operand.operand;
  }
  let r = checkExpr(ctx, operand, env);
  for (let k = chain.length - 1; k >= 0; k--) {
    r = applyUnary(ctx, chain[k]!, r);
    if (k > 0) record(ctx, chain[k]!, r);
  }
  return r;
}

function checkBinaryChain(ctx: CheckContext, e: BinaryExpr, env: ExprEnv): ExprResult {
  const spine: BinaryExpr[] = [];
  let leftmost: Expr = e;
  while (leftmost.kind === "Binary") {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let l = checkExpr(ctx, leftmost, env);
  for (let k = spine.length - 1; k >= 0; k--) {
    const node = spine[k]!;
    l = applyBinary(ctx, node, l, checkExpr(ctx, node.right, env));
    if (k > 0) record(ctx, node, l);
  }
  return l;
}

/** `e.op` applied to its already checked operand `r`. */
function applyUnary(ctx: CheckContext, e: UnaryExpr, r: ExprResult): ExprResult {
  if (r.ty === "error") return ERROR;
  if (e.op === "!") {
    if (r.ty !== "bool") {
      ctx.report("WSP0201", e.operand, `\`!\` needs a bool, but this is ${showTy(r.ty)}; for bitwise complement use \`~\``);
      return ERROR;
    }
    return typeof r.value === "boolean" ? { ty: "bool", value: !r.value } : { ty: "bool" };
  }
  if (!isInteger(r.ty)) {
    ctx.report("WSP0201", e.operand, `\`${e.op}\` needs an integer, but this is ${showTy(r.ty)}${e.op === "~" ? "; for logical not use `!`" : ""}`);
    return ERROR;
  }
  if (e.op === "-" && r.ty === "u64") {
    ctx.report("WSP0205", e, "cannot negate an unsigned (u64) value; convert it first with `i64(...)`");
    return ERROR;
  }
  if (typeof r.value !== "bigint") return { ty: r.ty, ...(r.symbolic ? { symbolic: `${e.op}${r.symbolic}` } : {}) }; // not a constant: `symbolic` is all the text
  const exact = e.op === "-" ? -r.value : ~r.value;
  // Typed values wrap (`-x` of the smallest i64 is itself); untyped literals stay exact.
  const v = r.ty === "int" ? exact : wrap(exact, r.ty as "u64" | "i64");
  return finishConstant(ctx, e, r.ty, v);
}

/** Integer literals adapt to the other operand's class, if their value fits it. */
function unifyIntegers(ctx: CheckContext, e: BinaryExpr, l: ExprResult, r: ExprResult): Ty {
  if (l.ty === "int") return adaptLiteral(ctx, e.left, l, r.ty);
  if (r.ty === "int") return adaptLiteral(ctx, e.right, r, l.ty);
  if (l.ty !== r.ty) {
    ctx.report("WSP0206", e.opSpan,
      `\`${e.op}\` mixes ${l.ty} and ${r.ty}; convert one side explicitly, e.g. \`u64(...)\` or \`i64(...)\``,
      { related: [
        { file: ctx.module.file, start: e.left.start, end: e.left.end, message: `this is ${l.ty}` },
        { file: ctx.module.file, start: e.right.start, end: e.right.end, message: `this is ${r.ty}` },
      ] });
    return "error";
  }
  return l.ty;
}

function adaptLiteral(ctx: CheckContext, at: Span, lit: ExprResult, to: Ty): Ty {
  if (to === "int" || typeof lit.value !== "bigint") return to;
  if (to === "u64" && lit.value < 0n) {
    ctx.report("WSP0207", at, `${lit.value} is negative and cannot be a u64`);
    return "error";
  }
  if (to === "i64" && lit.value > I64_MAX) {
    ctx.report("WSP0207", at, `${lit.value} does not fit in an i64 (at most ${I64_MAX})`);
    return "error";
  }
  return to;
}

const COMPARISON = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** `e.op` applied to its already checked operands `l` and `r`. */
function applyBinary(ctx: CheckContext, e: BinaryExpr, l: ExprResult, r: ExprResult): ExprResult {
  if (l.ty === "error" || r.ty === "error") return ERROR;
  if (e.op === "&&" || e.op === "||") {
    for (const [side, res] of [[e.left, l], [e.right, r]] as const) {
      if (res.ty !== "bool") {
        ctx.report("WSP0201", side, `\`${e.op}\` needs bool operands, but this is ${showTy(res.ty)}`);
        return ERROR;
      }
    }
    if (typeof l.value === "boolean" && typeof r.value === "boolean") {
      return { ty: "bool", value: e.op === "&&" ? l.value && r.value : l.value || r.value };
    }
    return { ty: "bool" };
  }
  if (COMPARISON.has(e.op) && l.ty === "bool" && r.ty === "bool" && (e.op === "==" || e.op === "!=")) {
    if (typeof l.value === "boolean" && typeof r.value === "boolean") return { ty: "bool", value: (l.value === r.value) === (e.op === "==") };
    return { ty: "bool" };
  }
  for (const [side, res] of [[e.left, l], [e.right, r]] as const) {
    if (!isInteger(res.ty)) {
      ctx.report("WSP0201", side, `\`${e.op}\` needs integer operands, but this is ${showTy(res.ty)}`);
      return ERROR;
    }
  }
  const isShift = e.op === "<<" || e.op === ">>";
  const ty = isShift ? l.ty : unifyIntegers(ctx, e, l, r);
  if (ty === "error") return ERROR;
  if (COMPARISON.has(e.op)) {
    if (typeof l.value === "bigint" && typeof r.value === "bigint") return { ty: "bool", value: compare(e.op, l.value, r.value) };
    return { ty: "bool" };
  }
  if (typeof l.value === "bigint" && typeof r.value === "bigint") {
    const v = arithmetic(ctx, e, l.value, r.value);
    if (v === undefined) return ERROR;
    return finishConstant(ctx, e, ty, ty === "int" ? v : wrap(v, ty as "u64" | "i64"));
  }
  if (typeof r.value === "bigint" && r.value === 0n && (e.op === "/" || e.op === "%")) {
    ctx.report("WSP0208", e.right, `division by zero`);
    return ERROR;
  }
  if (isShift && typeof r.value === "bigint" && (r.value < 0n || r.value > 63n)) {
    ctx.report("WSP0203", e.right, `shift amount must be between 0 and 63, but it is ${r.value}`);
    return ERROR;
  }
  const left = symbolicText(l);
  const right = symbolicText(r);
  return left !== undefined && right !== undefined ? { ty, symbolic: `${left} ${e.op} ${right}` } : { ty };
}

function compare(op: string, a: bigint, b: bigint): boolean {
  switch (op) {
    case "==": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    default: return a >= b;
  }
}

/** Exact integer arithmetic for constant folding (C semantics: `/` and `%` truncate). */
function arithmetic(ctx: CheckContext, e: BinaryExpr, a: bigint, b: bigint): bigint | undefined {
  switch (e.op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/":
    case "%":
      if (b === 0n) {
        ctx.report("WSP0208", e.right, `division by zero`);
        return undefined;
      }
      return e.op === "/" ? a / b : a % b;
    case "&": return a & b;
    case "|": return a | b;
    case "^": return a ^ b;
    case "<<":
    case ">>":
      if (b < 0n || b > 63n) {
        ctx.report("WSP0203", e.right, `shift amount must be between 0 and 63, but it is ${b}`);
        return undefined;
      }
      return e.op === "<<" ? a << b : a >> b;
    default:
      return undefined;
  }
}

/** Constants must fit 64 bits (as u64 or as i64) even before they meet a typed operand. */
function finishConstant(ctx: CheckContext, at: Span, ty: Ty, v: bigint): ExprResult {
  if (v > U64_MAX || v < I64_MIN) {
    ctx.report("WSP0209", at, `this constant expression overflows 64 bits (its value is ${v})`);
    return ERROR;
  }
  return { ty, value: v };
}

function checkCall(ctx: CheckContext, e: CallExpr, env: ExprEnv): ExprResult {
  const name = e.callee.text;
  if (!(BUILTIN_FUNCTIONS as readonly string[]).includes(name)) {
    const symbol = ctx.resolveGlobal(name);
    const what = symbol
      ? `\`${name}\` is ${withArticle(describeDecl(symbol.decl))}; ${symbol.decl.kind === "Kernel" ? "kernel calls are statements, not values" : "only built-in functions can be called in expressions"}`
      : `unknown function \`${name}\`${didYouMean(name, BUILTIN_FUNCTIONS)}; the built-in functions are ${BUILTIN_FUNCTIONS.join(", ")}`;
    if (symbol || !ctx.isBrokenImport(name)) ctx.report(symbol ? "WSP0204" : "WSP0101", e.callee, what);
    for (const a of e.args) checkExpr(ctx, a.value, env);
    return ERROR;
  }
  const params = name === "select" ? ["cond", "if_true", "if_false"] : name === "min" || name === "max" ? ["a", "b"] : ["value"];
  const matched = matchArguments(ctx, e.args, params.map((p) => ({ name: p })), `\`${name}\``, e.callee, e);
  const results = e.args.map((a) => checkExpr(ctx, a.value, env));
  if (!matched || results.some((r) => r.ty === "error")) return ERROR;
  const arg = (i: number): ExprResult => results[matched[i]!]!;
  const argExpr = (i: number): Expr => e.args[matched[i]!]!.value;
  switch (name) {
    case "select": {
      const c = arg(0);
      if (c.ty !== "bool") {
        ctx.report("WSP0201", argExpr(0), `the condition of \`select\` must be a bool, but this is ${showTy(c.ty)}`);
        return ERROR;
      }
      const ty = unifyOperands(ctx, e, argExpr(1), arg(1), argExpr(2), arg(2));
      if (ty === "error") return ERROR;
      if (typeof c.value === "boolean") {
        const chosen = c.value ? arg(1) : arg(2);
        return chosen.value === undefined ? { ty } : { ty, value: chosen.value };
      }
      return { ty };
    }
    case "min":
    case "max": {
      for (const i of [0, 1]) {
        if (!isInteger(arg(i).ty)) {
          ctx.report("WSP0201", argExpr(i), `\`${name}\` needs integers, but this is ${showTy(arg(i).ty)}`);
          return ERROR;
        }
      }
      const ty = unifyOperands(ctx, e, argExpr(0), arg(0), argExpr(1), arg(1));
      if (ty === "error") return ERROR;
      const a = arg(0).value;
      const b = arg(1).value;
      if (typeof a === "bigint" && typeof b === "bigint") {
        const v = name === "min" ? (a < b ? a : b) : a > b ? a : b;
        return { ty, value: v };
      }
      return symbolicCall(ty, name, [arg(0), arg(1)]);
    }
    default: {
      const to = name as "u64" | "i64";
      const x = arg(0);
      if (!isInteger(x.ty)) {
        ctx.report("WSP0201", argExpr(0), `\`${name}(...)\` converts integers, but this is ${showTy(x.ty)}; use \`select(c, 1, 0)\` for a bool`);
        return ERROR;
      }
      if (typeof x.value === "bigint") {
        const v = wrap(x.value, to);
        return { ty: to, value: v };
      }
      return symbolicCall(to, name, [x]);
    }
  }
}

/** A launch-time call such as `max(batch, 1)` keeps a canonical text when all its arguments do. */
function symbolicCall(ty: Ty, name: string, args: readonly ExprResult[]): ExprResult {
  const texts = args.map(symbolicText);
  if (texts.some((t) => t === undefined)) return { ty };
  return { ty, symbolic: `${name}(${texts.join(", ")})` };
}

function unifyOperands(ctx: CheckContext, at: CallExpr, ae: Expr, a: ExprResult, be: Expr, b: ExprResult): Ty {
  if (a.ty === b.ty) return a.ty;
  if (a.ty === "int" && isInteger(b.ty)) return adaptLiteral(ctx, ae, a, b.ty);
  if (b.ty === "int" && isInteger(a.ty)) return adaptLiteral(ctx, be, b, a.ty);
  ctx.report("WSP0206", at.callee, `\`${at.callee.text}\` mixes ${showTy(a.ty)} and ${showTy(b.ty)}; both must have the same type`, {
    related: [
      { file: ctx.module.file, start: ae.start, end: ae.end, message: `this is ${showTy(a.ty)}` },
      { file: ctx.module.file, start: be.start, end: be.end, message: `this is ${showTy(b.ty)}` },
    ],
  });
  return "error";
}

/**
 * Whether an expression of type `from` (with constant `value` when known) may be passed where a
 * value of declared scalar type `declared` is expected; reports at `at` and returns false if not.
 */
export function checkAssignable(ctx: CheckContext, at: Span, from: ExprResult, declared: string, what: string): boolean {
  if (from.ty === "error") return false;
  const want = tyOfDeclared(declared);
  if (want === undefined) return true;
  if (want === "bool" || from.ty === "bool") {
    if (from.ty !== want) {
      ctx.report("WSP0201", at, `${what} is ${declared}, but this is ${showTy(from.ty)}`);
      return false;
    }
    return true;
  }
  if (from.ty !== "int" && from.ty !== want) {
    ctx.report("WSP0206", at, `${what} is ${declared}${declared === want ? "" : ` (${want})`}, but this is ${from.ty}; convert it with \`${want}(...)\``);
    return false;
  }
  const range = rangeOf(declared);
  if (range && typeof from.value === "bigint" && (from.value < range.min || from.value > range.max)) {
    ctx.report("WSP0207", at, `${from.value} does not fit ${what}, ${withArticle(declared)} (${range.min} to ${range.max})`);
    return false;
  }
  return true;
}
