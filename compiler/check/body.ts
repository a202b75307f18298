import type {
  Block, CallStmt, ChannelDecl, Expr, Ident, LoadStmt, LoopBinding, PipelineDecl, ProcessDecl, Span, Stmt,
  WorkloadDecl,
} from "../../grammar/ast.js";
import type { RelatedInfo } from "../diagnostic.js";
import { matchArguments } from "./args.js";
import { env, type CheckContext, type ExprEnv } from "./context.js";
import { resolveKind } from "./decls.js";
import { checkAssignable, checkBoolExpr, checkExpr, checkIntExpr, constInt } from "./expr.js";
import { didYouMean } from "./suggest.js";
import { Scope, showDims, type DeclSymbol, type Dim, type KernelParamInfo, type TensorInfo, type Value } from "./symbols.js";
import { isIntegerDtype, tyOfDeclared } from "./types.js";

/** A kernel call and the task attributes (`task.X`) its tasks have. */
export interface TaskSite {
  readonly file: string;
  readonly call: CallStmt;
  readonly kernel: DeclSymbol | undefined;
  readonly attributes: ReadonlySet<string>;
  /** The process a call belongs to, for pipelines. */
  readonly process: ProcessDecl | undefined;
}

/** Built-in task attributes every task has (`replica` only inside replicated processes). */
export const BUILTIN_TASK_ATTRIBUTES = ["seq"] as const;
const RESERVED_VARIABLES = new Set(["seq", "replica", "task"]);

interface BodyEnv {
  readonly scope: Scope;
  readonly pipeline: { readonly decl: PipelineDecl; readonly channels: ReadonlyMap<string, ChannelDecl> } | undefined;
  readonly process: ProcessDecl | undefined;
  readonly sites: TaskSite[];
  /** How expressions here are checked (one per block: every call and index reads it). */
  readonly expr: ExprEnv;
  /** The task attributes of the last call here, and the scope's size they were made for. */
  attributes: { readonly names: ReadonlySet<string>; readonly size: number } | undefined;
}

function bodyEnv(scope: Scope, pipeline: BodyEnv["pipeline"], process: ProcessDecl | undefined, sites: TaskSite[]): BodyEnv {
  const expr = env("runtime", scope, { inReplicatedProcess: process?.replicate !== undefined });
  return { scope, pipeline, process, sites, expr, attributes: undefined };
}

export function checkWorkload(ctx: CheckContext, decl: WorkloadDecl): TaskSite[] {
  const sites: TaskSite[] = [];
  checkBlock(ctx, decl.body, bodyEnv(new Scope(undefined), undefined, undefined, sites));
  return sites;
}

export function checkPipeline(ctx: CheckContext, decl: PipelineDecl): TaskSite[] {
  const channels = new Map<string, ChannelDecl>();
  const members = new Map<string, Ident>();
  for (const m of decl.members) {
    const name = m.name.text;
    if (name.length === 0) continue;
    const first = members.get(name);
    if (first) {
      ctx.report("WSP0102", m.name, `\`${name}\` is already declared in pipeline \`${decl.name.text}\``, {
        related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first declared here" }],
      });
      continue;
    }
    members.set(name, m.name);
    if (m.kind === "Channel") channels.set(name, m);
  }
  for (const c of channels.values()) {
    if (c.depth) constInt(ctx, c.depth, "a channel's depth", 0n, 1n << 32n);
    if (c.latency) constInt(ctx, c.latency, "a channel's latency (cycles)", 0n, 1n << 40n);
  }
  const sites: TaskSite[] = [];
  for (const m of decl.members) {
    if (m.kind !== "Process") continue;
    if (m.replicate) constInt(ctx, m.replicate, "a replica count", 1n, 1n << 16n);
    checkBlock(ctx, m.body, bodyEnv(new Scope(undefined), { decl, channels }, m, sites));
  }
  return sites;
}

function checkBlock(ctx: CheckContext, block: Block, b: BodyEnv): void {
  ctx.sem.blockScopes.set(block, b.scope);
  for (const s of block.statements) checkStmt(ctx, s, b);
}

function nested(b: BodyEnv): BodyEnv {
  return bodyEnv(new Scope(b.scope), b.pipeline, b.process, b.sites);
}

function checkStmt(ctx: CheckContext, s: Stmt, b: BodyEnv): void {
  switch (s.kind) {
    case "Parallel":
    case "For": {
      const inner = nested(b);
      for (const binding of s.bindings) checkLoopBinding(ctx, binding, inner, s.kind === "Parallel" ? "parallel" : "for");
      checkBlock(ctx, s.body, inner);
      return;
    }
    case "Select": {
      const inner = nested(b);
      checkLoopBinding(ctx, s.binding, inner, "select");
      checkBlock(ctx, s.body, inner);
      return;
    }
    case "When":
      for (const br of s.branches) {
        checkBoolExpr(ctx, br.condition, b.expr, "a `when` condition");
        checkBlock(ctx, br.body, nested(b));
      }
      if (s.otherwise) checkBlock(ctx, s.otherwise, nested(b));
      return;
    case "Load":
      checkLoad(ctx, s, b);
      return;
    case "Call":
      checkKernelCall(ctx, s, b);
      return;
    case "Scope":
      checkBlock(ctx, s.body, nested(b));
      return;
    case "Send": {
      resolveChannel(ctx, s.channel, b, s, "send");
      if (s.value) {
        const r = checkIntExpr(ctx, s.value, b.expr, "a token");
        if (r.ty === "i64") ctx.report("WSP0206", s.value, "tokens are u64, but this is i64; convert it with `u64(...)`");
        if (r.ty === "int" && typeof r.value === "bigint" && r.value < 0n) ctx.report("WSP0207", s.value, `tokens are u64; ${r.value} is negative`);
      }
      return;
    }
    case "Recv": {
      resolveChannel(ctx, s.channel, b, s, "recv");
      defineVariable(ctx, b.scope, s.variable, "token");
      return;
    }
    case "Consume": {
      resolveChannel(ctx, s.channel, b, s, "consume");
      const inner = nested(b);
      defineVariable(ctx, inner.scope, s.variable, "token");
      checkBlock(ctx, s.body, inner);
      return;
    }
    case "Close":
      resolveChannel(ctx, s.channel, b, s, "close");
      return;
  }
}

function defineVariable(ctx: CheckContext, scope: Scope, ident: Ident, kind: "loop" | "select" | "token", axis?: DeclSymbol): void {
  const name = ident.text;
  if (name.length === 0) return;
  if (RESERVED_VARIABLES.has(name)) {
    ctx.report("WSP0407", ident, `\`${name}\` is reserved (it is a built-in task attribute or name); choose another variable name`);
    return;
  }
  const outer = scope.lookup(name);
  const clash = scope.define({ localKind: kind, ident, ty: "u64", ...(axis ? { axis } : {}) });
  const previous = clash ?? outer;
  if (previous) {
    ctx.report("WSP0406", ident, clash
      ? `variable \`${name}\` is bound twice here; use another name`
      : `variable \`${name}\` shadows an enclosing variable of the same name; use another name so \`task.${name}\` stays unambiguous`, {
      related: [{ file: ctx.module.file, start: previous.ident.start, end: previous.ident.end, message: "first bound here" }],
    });
  }
}

function checkLoopBinding(ctx: CheckContext, binding: LoopBinding, inner: BodyEnv, construct: "parallel" | "for" | "select"): void {
  const axis = resolveKind(ctx, binding.axis, "Axis", "axis");
  // A row index sees the enclosing variables and the earlier bindings of the same statement
  // (`parallel s in seqs, j in blocks[s]`), not its own variable, which is bound after it.
  if (binding.row) checkIntExpr(ctx, binding.row, inner.expr, "a row index");
  if (axis?.decl.kind === "Axis") {
    const kind = axis.decl.axisKind.text;
    const rowed = kind === "ragged" || kind === "sparse";
    if (construct === "select" && kind !== "sparse") {
      ctx.report("WSP0408", binding.axis, `\`select\` iterates the entries of a sparse row, but \`${axis.name}\` is a ${kind} axis; use \`parallel\` or \`for\``);
    } else if (construct !== "select" && kind === "sparse") {
      ctx.report("WSP0405", binding.axis, `sparse axis \`${axis.name}\` can only be iterated with \`select ${binding.variable.text} in ${axis.name}[row] { ... }\``);
    } else if (rowed && !binding.row) {
      ctx.report("WSP0404", binding.axis, `${kind} axis \`${axis.name}\` has one row per outer index: write \`${axis.name}[i]\` with the row index`);
    } else if (!rowed && binding.row) {
      ctx.report("WSP0403", binding.row, `${kind} axis \`${axis.name}\` is rectangular and takes no row index; write \`${binding.variable.text} in ${axis.name}\``);
    }
  }
  defineVariable(ctx, inner.scope, binding.variable, construct === "select" ? "select" : "loop", axis);
}

function resolveChannel(ctx: CheckContext, channel: Ident, b: BodyEnv, at: Span, verb: string): void {
  if (!b.pipeline) {
    ctx.report("WSP0501", at, `\`${verb}\` is only allowed in a process of a pipeline; a workload has no channels`);
    return;
  }
  if (channel.text.length === 0) return;
  const decl = b.pipeline.channels.get(channel.text);
  if (!decl) {
    ctx.report("WSP0502", channel, `pipeline \`${b.pipeline.decl.name.text}\` has no channel \`${channel.text}\`${didYouMean(channel.text, b.pipeline.channels.keys())}; declare it with \`channel ${channel.text} depth 1\``);
    return;
  }
  ctx.resolved({ kind: "channel", decl, ident: channel });
}

/**
 * The attributes a task created here has: the loop, select and token variables in scope. Calls
 * share the set until the scope grows (a `recv` defines a variable mid-block; scopes only grow).
 */
function taskAttributes(b: BodyEnv): ReadonlySet<string> {
  const size = b.scope.size();
  if (b.attributes?.size === size) return b.attributes.names;
  const names = new Set<string>(BUILTIN_TASK_ATTRIBUTES);
  if (b.process?.replicate) names.add("replica");
  b.scope.addVisibleNames(names);
  b.attributes = { names, size };
  return names;
}

interface CheckedView {
  readonly tensor: DeclSymbol;
  readonly info: TensorInfo;
  /** How many leading dimensions the indices take: the view's shape is the tensor's dims after them. */
  readonly indexed: number;
}

/** A tensor view `T[i, j]`, or a whole tensor `T`. */
function checkView(ctx: CheckContext, tensorName: Ident, indices: readonly Expr[], at: Span, b: BodyEnv): CheckedView | undefined {
  const tensor = resolveKind(ctx, tensorName, "Tensor", "tensor");
  const indexEnv = b.expr;
  const values = indices.map((i) => {
    const r = checkIntExpr(ctx, i, indexEnv, "a tensor index");
    if (typeof r.value === "bigint" && r.value < 0n) ctx.report("WSP0310", i, `index ${r.value} is negative`);
    return r.value;
  });
  if (tensor?.decl.kind !== "Tensor") return undefined;
  const info = ctx.sem.tensors.get(tensor.decl);
  if (!info) return undefined;
  if (indices.length > info.dims.length) {
    ctx.report("WSP0309", at, `\`${tensor.name}\` has ${info.dims.length} dimension${info.dims.length === 1 ? "" : "s"}, but ${indices.length} ${indices.length === 1 ? "index is" : "indices are"} given`);
    return undefined;
  }
  indices.forEach((idx, k) => checkIndexBound(ctx, idx, values[k], info.dims[k], k, tensor.name, b));
  return { tensor, info, indexed: indices.length };
}

/** Constant indices and loop variables over dense axes must stay inside constant dimensions. */
function checkIndexBound(ctx: CheckContext, idx: Expr, value: Value | undefined, dim: Dim | undefined, k: number, tensor: string, b: BodyEnv): void {
  if (dim?.kind !== "const") return;
  if (typeof value === "bigint") {
    if (value >= dim.value) {
      const shown = idx.kind === "Int" ? String(value) : `\`${ctx.module.source.text.slice(idx.start, idx.end).replace(/\s+/g, " ")}\` (= ${value})`;
      ctx.report("WSP0310", idx, `index ${shown} is out of range: dimension ${k} of \`${tensor}\` has size ${dim.value}`);
    }
    return;
  }
  if (idx.kind !== "Name") return;
  const local = b.scope.lookup(idx.name.text);
  const axis = local?.axis?.decl;
  if (axis?.kind !== "Axis") return;
  const shape = ctx.sem.axes.get(axis);
  if (shape?.kind === "dense" && shape.size !== undefined && shape.size > dim.value) {
    ctx.report("WSP0310", idx, `\`${idx.name.text}\` runs over axis \`${axis.name.text}\` up to ${shape.size - 1n}, but dimension ${k} of \`${tensor}\` has size ${dim.value}`);
  }
}

function checkLoad(ctx: CheckContext, s: LoadStmt, b: BodyEnv): void {
  const slot = resolveKind(ctx, s.slot, "Slot", "slot");
  const view = checkView(ctx, s.view.tensor, s.view.indices, s.view, b);
  if (slot?.decl.kind !== "Slot" || !view) return;
  const slotTy = ctx.sem.slots.get(slot.decl)?.ty;
  const elemTy = tyOfDeclared(view.info.dtype);
  if (slotTy && slotTy !== "error" && elemTy !== slotTy) {
    const what = isIntegerDtype(view.info.dtype) || view.info.dtype === "bool" ? view.info.dtype : `${view.info.dtype} (a float)`;
    ctx.report("WSP0314", s.view, `slot \`${slot.name}\` is ${slotTy}, but \`${view.tensor.name}\` holds ${what}; load it into a slot of matching type`);
  }
}

function checkKernelCall(ctx: CheckContext, s: CallStmt, b: BodyEnv): void {
  const kernel = resolveKind(ctx, s.callee, "Kernel", "kernel");
  b.sites.push({ file: ctx.module.file, call: s, kernel, attributes: taskAttributes(b), process: b.process });
  const info = kernel?.decl.kind === "Kernel" ? ctx.sem.kernels.get(kernel.decl) : undefined;
  if (!info) {
    for (const a of s.args) checkArgLoosely(ctx, a.value, b);
    return;
  }
  const matched = matchArguments(ctx, s.args, info.params, `kernel \`${kernel!.name}\``, s.callee, s);
  if (!matched) {
    for (const a of s.args) checkArgLoosely(ctx, a.value, b);
    return;
  }
  info.params.forEach((p, i) => {
    const argIndex = matched[i];
    if (argIndex === undefined) return;
    const value = s.args[argIndex]!.value;
    if (p.isTensor) checkTensorArg(ctx, p, value, b, kernel!.name);
    else checkScalarArg(ctx, p, value, b);
  });
}

/** Arguments of a call that could not be matched are still checked for their own errors. */
function checkArgLoosely(ctx: CheckContext, value: Expr, b: BodyEnv): void {
  const view = asView(ctx, value, b);
  if (view) checkView(ctx, view.tensor, view.indices, value, b);
  else checkExpr(ctx, value, b.expr);
}

/** A `T[...]` or a bare tensor name, as a view; undefined for scalar expressions. */
function asView(ctx: CheckContext, value: Expr, b: BodyEnv): { tensor: Ident; indices: readonly Expr[] } | undefined {
  if (value.kind === "View") return { tensor: value.tensor, indices: value.indices };
  if (value.kind === "Name" && isTensorName(ctx, value.name.text, b)) return { tensor: value.name, indices: [] };
  return undefined;
}

/** A local variable hides a module-level tensor of the same name. */
function isTensorName(ctx: CheckContext, name: string, b: BodyEnv): boolean {
  return !b.scope.lookup(name) && ctx.resolveGlobal(name)?.decl.kind === "Tensor";
}

function checkTensorArg(ctx: CheckContext, p: KernelParamInfo, value: Expr, b: BodyEnv, kernel: string): void {
  const v = asView(ctx, value, b);
  if (!v) {
    const r = checkExpr(ctx, value, b.expr);
    if (r.ty !== "error") ctx.report("WSP0308", value, `parameter \`${p.name}\` of \`${kernel}\` is a tensor tile ${p.dtype}${showDims(p.shape)}; pass a tensor view such as \`T[i]\``);
    return;
  }
  const view = checkView(ctx, v.tensor, v.indices, value, b);
  if (!view) return;
  const tensor = view.tensor.decl.kind === "Tensor" ? view.tensor.decl : undefined;
  if (view.info.dtype !== p.dtype && p.dtype.length > 0 && view.info.dtype.length > 0) {
    ctx.report("WSP0311", value, `parameter \`${p.name}\` takes ${p.dtype}, but \`${view.tensor.name}\` holds ${view.info.dtype}`, { related: declaredHere(view) });
  }
  if (!sameShape(view.info.dims, view.indexed, p.shape)) {
    const dropped = view.indexed;
    ctx.report("WSP0312", value,
      `parameter \`${p.name}\` takes a ${showDims(p.shape)} tile, but this view is ${showDims(view.info.dims.slice(dropped))} (${view.info.dims.length}-d \`${view.tensor.name}\` with ${dropped} leading ${dropped === 1 ? "index" : "indices"})` +
      shapeHint(view.info.dims.length, p.shape.length, dropped), { related: declaredHere(view) });
  }
  if ((p.direction === "out" || p.direction === "inout") && tensor?.direction?.value === "in") {
    ctx.report("WSP0313", value, `parameter \`${p.name}\` is \`${p.direction}\` (the kernel writes it), but \`${view.tensor.name}\` is declared \`in\` (read-only); pass a tensor declared \`out\`, \`inout\` or without direction`, { related: declaredHere(view) });
  }
}

/** Where a view's tensor is declared, with its type: the related location of an argument mismatch. */
function declaredHere(view: CheckedView): RelatedInfo[] {
  const decl = view.tensor.decl;
  if (decl.kind !== "Tensor") return [];
  return [{ file: view.tensor.module.file, start: decl.name.start, end: decl.name.end, message: `\`${view.tensor.name}\` is declared ${view.info.dtype}${showDims(view.info.dims)} here` }];
}

function shapeHint(rank: number, tileRank: number, given: number): string {
  const want = rank - tileRank;
  if (want < 0 || want === given) return "";
  if (want === 0) return "; pass the whole tensor, without indices";
  return `; index ${want} leading dimension${want === 1 ? "" : "s"} to get a ${tileRank}-d tile`;
}

/** Whether the dims after the first `indexed` match the tile (unknown dims match anything). */
function sameShape(dims: readonly (Dim | undefined)[], indexed: number, tile: readonly (bigint | undefined)[]): boolean {
  if (dims.length - indexed !== tile.length) return false;
  for (let i = 0; i < tile.length; i++) {
    const d = dims[indexed + i];
    if (d !== undefined && tile[i] !== undefined && !(d.kind === "const" && d.value === tile[i])) return false;
  }
  return true;
}

function checkScalarArg(ctx: CheckContext, p: KernelParamInfo, value: Expr, b: BodyEnv): void {
  const v = asView(ctx, value, b);
  if (v) {
    ctx.report("WSP0308", value, `parameter \`${p.name}\` is a scalar ${p.dtype}, but this is a tensor view; read an element into a slot with \`load\` and pass the slot`);
    return;
  }
  const r = checkExpr(ctx, value, b.expr);
  checkAssignable(ctx, value, r, p.dtype, `parameter \`${p.name}\``);
}
