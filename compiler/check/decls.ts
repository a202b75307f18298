import type {
  AxisDecl, ConstDecl, Ident, KernelDecl, PolicyDecl, ScalarTypeRef, SlotDecl, SymbolDecl, TargetDecl, TensorDecl,
  TensorTypeRef,
} from "../../grammar/ast.js";
import { matchArguments } from "./args.js";
import { env, type CheckContext } from "./context.js";
import { checkAssignable, checkExpr, checkIntExpr, constInt } from "./expr.js";
import { didYouMean, suggestion } from "./suggest.js";
import {
  Scope, describeDecl, showDims, withArticle, type AxisShape, type DeclSymbol, type Dim, type KernelParamInfo, type LocalSymbol, type Value,
} from "./symbols.js";
import { BACKENDS, TARGET_PROPERTIES } from "./target-model.js";
import { TENSOR_DTYPES, isDtype, isIntegerDtype, tyOfDeclared, type Ty } from "./types.js";

const SCALAR_VALUE_TYPES = ["bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"];

/** A scalar type reference that must name one of `allowed`; returns its expression type. */
export function checkScalarType(ctx: CheckContext, t: ScalarTypeRef, allowed: readonly string[], what: string): Ty {
  if (t.name.length === 0) return "error";
  if (!allowed.includes(t.name)) {
    const known = isDtype(t.name);
    const msg = known
      ? `${what} cannot be ${t.name}; allowed: ${allowed.join(", ")}`
      : `unknown type \`${t.name}\`${didYouMean(t.name, allowed)}; allowed: ${allowed.join(", ")}`;
    ctx.report("WSP0211", t, msg);
    return "error";
  }
  return tyOfDeclared(t.name) ?? "error";
}

/** Folds a constant declaration (called once per constant, program-wide, from its own module). */
export function evaluateConst(ctx: CheckContext, decl: ConstDecl): { ty: Ty; value: Value | undefined } {
  const r = checkExpr(ctx, decl.value, env("const"));
  if (r.ty === "error") return { ty: "error", value: undefined };
  if (r.value === undefined) {
    ctx.report("WSP0202", decl.value, `the value of constant \`${decl.name.text}\` must be known at compile time`);
    return { ty: "error", value: undefined };
  }
  if (!decl.type) return { ty: r.ty, value: r.value };
  const ty = checkScalarType(ctx, decl.type, SCALAR_VALUE_TYPES, "a constant");
  if (ty === "error") return { ty, value: undefined };
  if (!checkAssignable(ctx, decl.value, r, decl.type.name, `constant \`${decl.name.text}\``)) return { ty: "error", value: undefined };
  return { ty, value: r.value };
}

export function checkSlot(ctx: CheckContext, decl: SlotDecl): void {
  const ty = checkScalarType(ctx, decl.type, ["u64", "i64", "bool"], "a slot (a u64 cell)");
  ctx.sem.slots.set(decl, { ty });
}

export function checkSymbol(ctx: CheckContext, decl: SymbolDecl): void {
  const ty = checkScalarType(ctx, decl.type, ["u64", "i64", "bool"], "a symbol");
  ctx.sem.symbols.set(decl, { ty });
}

/** Dimensions are positive constants or launch-time expressions over symbols. */
function checkDims(ctx: CheckContext, t: TensorTypeRef, allowSymbolic: boolean, what: string): (Dim | undefined)[] {
  return t.dims.map((d) => {
    const r = checkIntExpr(ctx, d, env(allowSymbolic ? "dim" : "const"), `a dimension of ${what}`);
    if (r.ty === "error") return undefined;
    if (typeof r.value === "bigint") {
      if (r.value < 1n) {
        ctx.report("WSP0203", d, `a dimension of ${what} must be at least 1, but it is ${r.value}`);
        return undefined;
      }
      return { kind: "const", value: r.value };
    }
    if (r.symbolic !== undefined && allowSymbolic) { // not a constant (that returned above): `symbolic` is all the text
      return { kind: "symbolic", text: r.symbolic, display: ctx.module.source.text.slice(d.start, d.end).replace(/\s+/g, " ") };
    }
    ctx.report("WSP0202", d, allowSymbolic
      ? `a dimension of ${what} must be a constant or an expression of launch-time symbols`
      : `a dimension of ${what} must be a compile-time constant (tile shapes are static)`);
    return undefined;
  });
}

function checkDtype(ctx: CheckContext, t: ScalarTypeRef): void {
  if (t.name.length > 0 && !isDtype(t.name)) {
    ctx.report("WSP0211", t, `unknown element type \`${t.name}\`${didYouMean(t.name, TENSOR_DTYPES)}; allowed: ${TENSOR_DTYPES.join(", ")}`);
  }
}

export function checkTensor(ctx: CheckContext, decl: TensorDecl): void {
  checkDtype(ctx, decl.type.dtype);
  const dims = checkDims(ctx, decl.type, true, `tensor \`${decl.name.text}\``);
  ctx.sem.tensors.set(decl, { dtype: decl.type.dtype.name, dims });
}

/** Resolves a name that must denote a declaration of kind `kind` (reporting otherwise). */
export function resolveKind<K extends DeclSymbol["decl"]["kind"]>(
  ctx: CheckContext,
  name: Ident,
  kind: K,
  what: string,
): DeclSymbol | undefined {
  if (name.text.length === 0) return undefined;
  const symbol = ctx.resolveGlobal(name.text);
  if (!symbol) {
    if (ctx.isBrokenImport(name.text)) return undefined;
    const candidates = [...ctx.globalNames()].filter((n) => ctx.resolveGlobal(n)?.decl.kind === kind);
    const s = suggestion(name.text, candidates, ctx.module.file, name);
    ctx.report("WSP0101", name, `unknown ${what} \`${name.text}\`${s.hint}`, { fixes: s.fixes });
    return undefined;
  }
  ctx.resolved({ kind: "global", symbol, ident: name });
  if (symbol.decl.kind !== kind) {
    ctx.report("WSP0204", name, `\`${name.text}\` is ${withArticle(describeDecl(symbol.decl))}, but ${withArticle(what)} is needed here`);
    return undefined;
  }
  return symbol;
}

const AXIS_PARAMS: Readonly<Record<string, readonly string[]>> = {
  dense: ["size"],
  dyn: ["size"],
  ragged: ["outer", "lengths"],
  sparse: ["outer", "indptr", "indices"],
};

export function checkAxis(ctx: CheckContext, decl: AxisDecl): void {
  const kind = decl.axisKind.text;
  const params = AXIS_PARAMS[kind];
  if (!params) {
    if (kind.length > 0) {
      ctx.report("WSP0401", decl.axisKind, `unknown axis kind \`${kind}\`${didYouMean(kind, Object.keys(AXIS_PARAMS))}; axes are dense(n), dyn(symbol), ragged(outer, lengths = T) or sparse(outer, indptr = P, indices = I)`);
    }
    return;
  }
  const matched = matchArguments(ctx, decl.args, params.map((name) => ({ name })), `\`${kind}\``, decl.axisKind, decl);
  if (!matched) return;
  const arg = (i: number) => decl.args[matched[i]!]!.value;
  ctx.sem.axes.set(decl, axisShape(ctx, kind, arg));
}

function axisShape(ctx: CheckContext, kind: string, arg: (i: number) => import("../../grammar/ast.js").Expr): AxisShape {
  const nameArg = (i: number, k: "Axis" | "Tensor" | "Symbol", what: string): DeclSymbol | undefined => {
    const e = arg(i);
    if (e.kind !== "Name") {
      ctx.report("WSP0402", e, `this argument must name ${withArticle(what)}`);
      return undefined;
    }
    return resolveKind(ctx, e.name, k, what);
  };
  switch (kind) {
    case "dense":
      return { kind: "dense", size: constInt(ctx, arg(0), "the size of a dense axis", 0n) };
    case "dyn": {
      const symbol = nameArg(0, "Symbol", "symbol");
      if (symbol?.decl.kind === "Symbol" && ctx.sem.symbols.get(symbol.decl)?.ty === "bool") {
        ctx.report("WSP0402", arg(0), `the size of a dyn axis must be an integer symbol, but \`${symbol.name}\` is bool`);
      }
      return { kind: "dyn", symbol };
    }
    case "ragged": {
      const outer = outerAxis(ctx, nameArg(0, "Axis", "axis"), arg(0));
      const lengths = indexTensor(ctx, nameArg(1, "Tensor", "tensor"), arg(1), "lengths");
      return { kind: "ragged", outer, lengths };
    }
    default: {
      const outer = outerAxis(ctx, nameArg(0, "Axis", "axis"), arg(0));
      const indptr = indexTensor(ctx, nameArg(1, "Tensor", "tensor"), arg(1), "indptr");
      const indices = indexTensor(ctx, nameArg(2, "Tensor", "tensor"), arg(2), "indices");
      return { kind: "sparse", outer, indptr, indices };
    }
  }
}

/** The outer axis of a ragged or sparse axis must itself be rectangular (dense or dyn). */
function outerAxis(ctx: CheckContext, symbol: DeclSymbol | undefined, at: import("../../grammar/ast.js").Span): DeclSymbol | undefined {
  if (symbol?.decl.kind !== "Axis") return symbol;
  const k = symbol.decl.axisKind.text;
  if (k === "ragged" || k === "sparse") {
    ctx.report("WSP0402", at, `the outer axis must be dense or dyn, but \`${symbol.name}\` is ${k}`);
    return undefined;
  }
  return symbol;
}

/** Row-length and CSR tensors hold integers, one dimension. */
function indexTensor(ctx: CheckContext, symbol: DeclSymbol | undefined, at: import("../../grammar/ast.js").Span, role: string): DeclSymbol | undefined {
  if (symbol?.decl.kind !== "Tensor") return symbol;
  const info = ctx.sem.tensors.get(symbol.decl);
  if (info && (!isIntegerDtype(info.dtype) || info.dims.length !== 1)) {
    ctx.report("WSP0402", at, `\`${role}\` must be a one-dimensional integer tensor, but \`${symbol.name}\` is ${info.dtype}${showDims(info.dims)}`);
  }
  return symbol;
}

export function checkKernel(ctx: CheckContext, decl: KernelDecl): void {
  const seen = new Map<string, Ident>();
  const scope = new Scope(undefined);
  const params: KernelParamInfo[] = decl.params.map((p) => {
    const first = seen.get(p.name.text);
    if (first && p.name.text.length > 0) {
      ctx.report("WSP0102", p.name, `parameter \`${p.name.text}\` is declared twice`, {
        related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first declared here" }],
      });
    } else seen.set(p.name.text, p.name);
    if (p.isTensor) {
      const t = p.type as TensorTypeRef;
      checkDtype(ctx, t.dtype);
      if (!p.direction) ctx.report("WSP0305", p.name, `tensor parameter \`${p.name.text}\` needs a direction: \`${p.name.text}: in ...\`, \`out\` or \`inout\``);
      const dims = checkDims(ctx, t, false, `parameter \`${p.name.text}\``);
      scope.define({ localKind: "tensor-param", ident: p.name, ty: "error" });
      return { name: p.name.text, ident: p.name, isTensor: true, direction: p.direction?.value, dtype: t.dtype.name, shape: dims.map((d) => (d?.kind === "const" ? d.value : undefined)) };
    }
    const t = p.type as ScalarTypeRef;
    if (p.direction) ctx.report("WSP0305", p.direction, `scalar parameter \`${p.name.text}\` takes no direction; directions are for tensor parameters`);
    const ty = checkScalarType(ctx, t, SCALAR_VALUE_TYPES, "a scalar parameter");
    const local: LocalSymbol = { localKind: "kernel-param", ident: p.name, ty };
    scope.define(local);
    return { name: p.name.text, ident: p.name, isTensor: false, direction: undefined, dtype: t.name, shape: [] };
  });
  checkClauses(ctx, decl);
  const executor = decl.executor?.text;
  if (decl.executor && executor !== "aic" && executor !== "aiv" && executor !== undefined && executor.length > 0) {
    ctx.report("WSP0306", decl.executor, `unknown executor \`${executor}\`${didYouMean(executor, ["aic", "aiv"])}; a kernel runs \`on aic\` (cube) or \`on aiv\` (vector)`);
  }
  if (decl.cycles) {
    const cost = checkIntExpr(ctx, decl.cycles, env("cycles", scope), "a kernel's cycle cost");
    if (typeof cost.value === "bigint" && cost.value < 0n) ctx.report("WSP0203", decl.cycles, `a kernel's cycle cost must be at least 0, but it is ${cost.value}`);
  }
  if (decl.source) checkKernelSource(ctx, decl.source);
  ctx.sem.kernels.set(decl, { params, executor: executor === "aic" || executor === "aiv" ? executor : undefined });
}

/** `on` and `cycles` are required, each clause at most once. */
function checkClauses(ctx: CheckContext, decl: KernelDecl): void {
  const seen = new Set<string>();
  for (const c of decl.clauses) {
    if (seen.has(c.clause)) ctx.report("WSP0307", c, `the \`${c.clause}\` clause is given twice for kernel \`${decl.name.text}\``);
    seen.add(c.clause);
  }
  const missing = (["on", "cycles"] as const).filter((c) => !seen.has(c));
  if (missing.length > 0 && decl.name.text.length > 0 && !ctx.truncated(decl)) {
    const example = missing.map((c) => (c === "on" ? "on aiv" : "cycles 100")).join(" ");
    ctx.report("WSP0307", decl.name, `kernel \`${decl.name.text}\` needs ${missing.map((c) => `\`${c}\``).join(" and ")}: add e.g. \`${example}\` after its parameters`);
  }
}

export const POLICY_KINDS = ["dispatch", "ready", "start"] as const;

export function checkPolicy(ctx: CheckContext, decl: PolicyDecl): void {
  const kind = decl.policyKind.text;
  const validKind = (POLICY_KINDS as readonly string[]).includes(kind) ? (kind as (typeof POLICY_KINDS)[number]) : undefined;
  if (!validKind && kind.length > 0) {
    ctx.report("WSP0601", decl.policyKind, `unknown policy kind \`${kind}\`${didYouMean(kind, POLICY_KINDS)}; a policy is a dispatch, ready or start policy`);
  }
  const scope = new Scope(undefined);
  for (const p of decl.params) {
    const ty = checkScalarType(ctx, p.type, SCALAR_VALUE_TYPES, "a policy parameter");
    const clash = scope.define({ localKind: "policy-param", ident: p.name, ty });
    if (clash) {
      ctx.report("WSP0102", p.name, `parameter \`${p.name.text}\` is declared twice`, {
        related: [{ file: ctx.module.file, start: clash.ident.start, end: clash.ident.end, message: "first declared here" }],
      });
    }
  }
  const taskAttributes: { name: string; span: import("../../grammar/ast.js").Span }[] = [];
  let inner = scope;
  for (const l of decl.lets) {
    const r = checkExpr(ctx, l.value, env("policy", inner, { taskAttributes }));
    inner = new Scope(inner);
    const first = l.name.text.length > 0 ? inner.parent?.lookup(l.name.text)?.ident : undefined;
    if (first) {
      ctx.report("WSP0102", l.name, `\`${l.name.text}\` is already defined in this policy; use a new name`, {
        related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first defined here" }],
      });
    }
    inner.define({ localKind: "let", ident: l.name, ty: r.ty });
  }
  const result = checkExpr(ctx, decl.result, env("policy", inner, { taskAttributes }));
  if (result.ty === "bool" || result.ty === "i64") {
    ctx.report("WSP0602", decl.result, `a policy yields a u64, but this is ${result.ty}${result.ty === "i64" ? "; convert it with `u64(...)`" : "; use `select(c, 1, 0)`"}`);
  } else if (typeof result.value === "bigint" && result.value < 0n) {
    ctx.report("WSP0207", decl.result, `${result.value} is negative, but a policy yields a u64`);
  }
  ctx.sem.policies.set(decl, { kind: validKind, taskAttributes });
}

export function checkTarget(ctx: CheckContext, decl: TargetDecl): void {
  const properties = new Map<string, bigint | string>();
  const seen = new Map<string, Ident>();
  for (const p of decl.properties) {
    const key = p.key.text;
    const spec = TARGET_PROPERTIES[key];
    if (!spec) {
      if (key.length > 0) ctx.report("WSP0603", p.key, `unknown target property \`${key}\`${didYouMean(key, Object.keys(TARGET_PROPERTIES))}`);
      continue;
    }
    const first = seen.get(key);
    if (first) {
      ctx.report("WSP0603", p.key, `target property \`${key}\` is set twice`, { related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first set here" }] });
      continue;
    }
    seen.set(key, p.key);
    if (spec.kind === "backend") {
      const v = p.value.kind === "String" ? p.value.value : undefined;
      if (v === undefined || !(BACKENDS as readonly string[]).includes(v)) {
        ctx.report("WSP0603", p.value, `\`backend\` must be one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}${v ? didYouMean(v, BACKENDS) : ""}`);
        continue;
      }
      properties.set(key, v);
      continue;
    }
    if (p.value.kind === "String") {
      ctx.report("WSP0603", p.value, `\`${key}\` is a count, not a string`);
      continue;
    }
    const v = constInt(ctx, p.value, `\`${key}\``, key === "schedulers" ? 1n : 0n);
    if (v !== undefined) properties.set(key, v);
  }
  const missing = Object.entries(TARGET_PROPERTIES).filter(([k, s]) => s.required && !seen.has(k)).map(([k]) => `\`${k}\``);
  if (missing.length > 0 && decl.name.text.length > 0 && !ctx.truncated(decl)) {
    ctx.report("WSP0603", decl.name, `target \`${decl.name.text}\` must set ${missing.join(", ")}`);
  }
  ctx.sem.targets.set(decl, { properties });
}

/**
 * A kernel's source is recorded in packages and scenes as a portable relative path (relative to
 * the declaring file's folder): no absolute path, no backslash, nothing that cannot be a file name.
 */
function checkKernelSource(ctx: CheckContext, source: { value: string; start: number; end: number }): void {
  const p = source.value;
  const problem =
    p.length === 0 ? "is empty"
    : p.startsWith("/") || /^[A-Za-z]:/.test(p) ? "is absolute; write it relative to this file's folder"
    : p.includes("\\") ? "uses `\\`; separate folders with `/`"
    : /[\u0000-\u001f]/.test(p) ? "contains a control character"
    : p.split("/").some((seg) => seg === "" || seg === ".") ? "has an empty or `.` segment"
    : undefined;
  if (problem) ctx.report("WSP0315", source, `the kernel source path \`${p}\` ${problem}`);
}
