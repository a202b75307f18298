/**
 * Checks of a schema-valid plan against its manifest: body count, indices into the manifest's
 * lists and the plan's axes, local variable numbering, channel use by each process, and every
 * program in it.
 */
import { checkCode, type CodeRefs, type CodeScope } from "./bytecode.js";
import { locProblem } from "./paths.js";
import { pointer, type Problems } from "./problems.js";
import type { Axis, Body, CallArg, ChannelEntry, Code, KernelEntry, Manifest, Plan, ProcessEntry, Statement } from "./types.js";

interface PlanContext {
  readonly m: Manifest;
  readonly plan: Plan;
  readonly refs: CodeRefs;
  readonly problems: Problems;
  /** The process whose body is being checked (pipelines). */
  readonly process: ProcessEntry | undefined;
  readonly processIndex: number;
  /** The process's channel ids, as sets (a plan may hold many channel statements). */
  readonly sends: ReadonlySet<string>;
  readonly receives: ReadonlySet<string>;
}

const INTEGER_DTYPES = new Set(["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]);

export function checkPlan(plan: Plan, m: Manifest, refs: CodeRefs, file: string, problems: Problems): void {
  const base = `${file}#`;
  const processes = m.csp?.processes ?? [];
  const wanted = m.subject.kind === "pipeline" ? processes.length : 1;
  if (plan.bodies.length !== wanted) {
    problems.add(`${base}/bodies`, m.subject.kind === "pipeline"
      ? `the plan has ${plan.bodies.length} bodies, but pipeline "${m.subject.name}" has ${wanted} processes in csp.processes; the plan needs one body per process, in that order`
      : `the plan has ${plan.bodies.length} bodies, but a workload has exactly 1; rebuild the package`);
  }
  const none = new Set<string>();
  const ctx: PlanContext = { m, plan, refs, problems, process: undefined, processIndex: -1, sends: none, receives: none };
  plan.axes.forEach((a, i) => checkAxis(a, pointer(base, "axes", i), ctx));
  plan.bodies.forEach((b, i) => {
    const at = pointer(base, "bodies", i);
    const process = m.subject.kind === "pipeline" ? processes[i] : undefined;
    const owner = m.subject.kind === "pipeline" ? process?.name : m.subject.name;
    if (owner !== undefined && b.name !== owner) {
      problems.add(pointer(at, "name"), `body ${i} is named "${b.name}", but it is the body of ${process ? "process" : "workload"} "${owner}"; bodies follow ${process ? "csp.processes" : "the subject"} in order`);
    }
    const channels = { sends: new Set(process?.sends), receives: new Set(process?.receives) };
    const frame = checkBody(b.body, 0, pointer(at, "body"), { ...ctx, process, processIndex: i, ...channels });
    if (b.vars !== frame) {
      problems.add(pointer(at, "vars"), `the frame size is ${b.vars}, but the body has at most ${frame} local variable${frame === 1 ? "" : "s"} in scope; it must be ${frame}`);
    }
  });
}

function runtimeScope(what: string, locals: number, ctx: PlanContext): CodeScope {
  return { what, locals, task: false, replica: ctx.process !== undefined, slots: true };
}

function code(c: Code, scope: CodeScope, at: string, ctx: PlanContext): void {
  checkCode(c, scope, ctx.refs, at, ctx.problems);
}

function checkAxis(a: Axis, at: string, ctx: PlanContext): void {
  const { plan, problems } = ctx;
  if (a.size !== null) {
    code(a.size, { what: `the size of axis "${a.name}"`, locals: 0, task: false, replica: false, slots: false }, pointer(at, "size"), ctx);
  }
  if (a.outer !== null) {
    const outer = plan.axes[a.outer];
    if (!outer) problems.add(pointer(at, "outer"), `axis ${a.outer} does not exist: the plan has ${plan.axes.length} axes`);
    else if (outer.kind !== "dense" && outer.kind !== "dyn") {
      problems.add(pointer(at, "outer"), `the outer axis of "${a.name}" must be dense or dyn, but "${outer.name}" is ${outer.kind}`);
    }
  }
  for (const field of ["lengths", "indptr", "indices"] as const) {
    const t = a[field];
    if (t === null) continue;
    const tensor = ctx.m.tensors[t];
    if (!tensor) problems.add(pointer(at, field), `tensor ${t} does not exist: manifest.tensors has ${ctx.m.tensors.length} entries`);
    else if (!INTEGER_DTYPES.has(tensor.dtype) || tensor.dims.length !== 1) {
      problems.add(pointer(at, field), `"${field}" of axis "${a.name}" must be a one-dimensional integer tensor, but "${tensor.name}" is ${tensor.dtype} with ${tensor.dims.length} dimensions`);
    }
  }
}

/** Locals in scope after a statement, and the most in scope anywhere inside it. */
interface Extent {
  readonly after: number;
  readonly frame: number;
}

/**
 * Checks a block with `depth` locals in scope (`recv` adds one for the statements after it);
 * returns the most locals in scope anywhere in it (the frame size it needs).
 */
function checkBody(body: Body, depth: number, at: string, ctx: PlanContext): number {
  let locals = depth;
  let frame = depth;
  body.forEach((s, i) => {
    const e = checkStatement(s, locals, pointer(at, i), ctx);
    locals = e.after;
    frame = Math.max(frame, e.frame);
  });
  return frame;
}

/** Checks one statement with `depth` locals in scope. */
function checkStatement(s: Statement, depth: number, at: string, ctx: PlanContext): Extent {
  const badLoc = locProblem(s.loc);
  if (badLoc) ctx.problems.add(pointer(at, "loc"), badLoc);
  const same = (frame = depth): Extent => ({ after: depth, frame });
  switch (s.op) {
    case "parallel":
    case "for":
      return same(checkLoop(s, depth, at, ctx));
    case "select": {
      checkVar(s.var, depth, pointer(at, "var"), ctx);
      const axis = axisAt(s.axis, pointer(at, "axis"), ctx);
      if (axis && axis.kind !== "sparse") {
        ctx.problems.add(pointer(at, "axis"), `select iterates a sparse row, but axis "${axis.name}" is ${axis.kind}; use parallel or for`);
      }
      code(s.row, runtimeScope("the row of a select", depth, ctx), pointer(at, "row"), ctx);
      return same(checkBody(s.body, depth + 1, pointer(at, "body"), ctx));
    }
    case "when": {
      let frame = depth;
      s.branches.forEach((b, k) => {
        code(b.cond, runtimeScope(`the condition of branch ${k}`, depth, ctx), pointer(at, "branches", k, "cond"), ctx);
        frame = Math.max(frame, checkBody(b.body, depth, pointer(at, "branches", k, "body"), ctx));
      });
      if (s.else) frame = Math.max(frame, checkBody(s.else, depth, pointer(at, "else"), ctx));
      return same(frame);
    }
    case "load":
      checkLoad(s, depth, at, ctx);
      return same();
    case "call":
      checkCall(s.kernel, s.args, depth, at, ctx);
      return same();
    case "scope":
      return same(checkBody(s.body, depth, pointer(at, "body"), ctx));
    case "send":
      channelFor("send", s.channel, at, ctx);
      code(s.value, runtimeScope("the token sent", depth, ctx), pointer(at, "value"), ctx);
      return same();
    case "recv":
      channelFor("recv", s.channel, at, ctx);
      checkVar(s.var, depth, pointer(at, "var"), ctx);
      return { after: depth + 1, frame: depth + 1 };
    case "consume":
      channelFor("consume", s.channel, at, ctx);
      checkVar(s.var, depth, pointer(at, "var"), ctx);
      return same(checkBody(s.body, depth + 1, pointer(at, "body"), ctx));
    case "close":
      channelFor("close", s.channel, at, ctx);
      return same();
  }
}

/** Locals are numbered by nesting depth: a new variable gets the number of locals in scope. */
function checkVar(v: number, expected: number, at: string, ctx: PlanContext): void {
  if (v !== expected) {
    ctx.problems.add(at, `variable number ${v} breaks the numbering: locals are numbered by nesting depth, so this one must be ${expected}; rebuild the package`);
  }
}

function axisAt(index: number, at: string, ctx: PlanContext): Axis | undefined {
  const axis = ctx.plan.axes[index];
  if (!axis) ctx.problems.add(at, `axis ${index} does not exist: the plan has ${ctx.plan.axes.length} axes`);
  return axis;
}

/** Returns the frame size the loop needs. */
function checkLoop(s: Extract<Statement, { op: "parallel" | "for" }>, depth: number, at: string, ctx: PlanContext): number {
  const { problems } = ctx;
  if (s.vars.length !== s.axes.length || s.rows.length !== s.axes.length) {
    problems.add(pointer(at, "vars"), `vars, axes and rows need one entry per loop binding, but there are ${s.vars.length}, ${s.axes.length} and ${s.rows.length}; rebuild the package`);
    return depth;
  }
  if (s.names !== undefined && s.names.length !== s.vars.length) {
    problems.add(pointer(at, "names"), `names needs one entry per loop binding (${s.vars.length}), but has ${s.names.length}; rebuild the package`);
  }
  s.axes.forEach((index, k) => {
    checkVar(s.vars[k]!, depth + k, pointer(at, "vars", k), ctx);
    const row = s.rows[k]!;
    // Bindings are made one at a time: a row sees the enclosing locals and the earlier bindings.
    if (row !== null) code(row, runtimeScope(`the row of binding ${k}`, depth + k, ctx), pointer(at, "rows", k), ctx);
    const axis = axisAt(index, pointer(at, "axes", k), ctx);
    if (!axis) return;
    if (axis.kind === "sparse") {
      problems.add(pointer(at, "axes", k), `sparse axis "${axis.name}" can only be iterated by a select statement`);
    } else if ((axis.kind === "ragged") !== (row !== null)) {
      problems.add(pointer(at, "rows", k), axis.kind === "ragged"
        ? `ragged axis "${axis.name}" has one row per outer index, so binding ${k} needs a row program`
        : `${axis.kind} axis "${axis.name}" is rectangular, so the row of binding ${k} must be null`);
    }
  });
  return checkBody(s.body, depth + s.vars.length, pointer(at, "body"), ctx);
}

function checkLoad(s: Extract<Statement, { op: "load" }>, depth: number, at: string, ctx: PlanContext): void {
  if (!ctx.refs.slotIndices.has(s.slot)) {
    ctx.problems.add(pointer(at, "slot"), `slot ${s.slot} is not declared: no entry of manifest.slots has index ${s.slot}`);
  }
  const tensor = ctx.m.tensors[s.tensor];
  if (!tensor) ctx.problems.add(pointer(at, "tensor"), `tensor ${s.tensor} does not exist: manifest.tensors has ${ctx.m.tensors.length} entries`);
  else if (s.index.length > tensor.dims.length) {
    ctx.problems.add(pointer(at, "index"), `tensor "${tensor.name}" has ${tensor.dims.length} dimensions, but the load gives ${s.index.length} indices`);
  }
  s.index.forEach((c, k) => code(c, runtimeScope(`index ${k} of the load`, depth, ctx), pointer(at, "index", k), ctx));
}

function checkCall(kernelIndex: number, args: readonly CallArg[], depth: number, at: string, ctx: PlanContext): void {
  const kernel = ctx.m.kernels[kernelIndex];
  if (!kernel) {
    ctx.problems.add(pointer(at, "kernel"), `kernel ${kernelIndex} does not exist: manifest.kernels has ${ctx.m.kernels.length} entries`);
  } else if (args.length !== kernel.params.length) {
    ctx.problems.add(pointer(at, "args"), `kernel "${kernel.name}" takes ${kernel.params.length} arguments (${kernel.params.map((p) => p.name).join(", ")}), but ${args.length} are given`);
  }
  args.forEach((arg, j) => {
    const argAt = pointer(at, "args", j);
    const what = `argument ${j} of the call${kernel ? ` to "${kernel.name}"` : ""}`;
    if ("scalar" in arg) code(arg.scalar, runtimeScope(what, depth, ctx), pointer(argAt, "scalar"), ctx);
    else arg.index.forEach((c, k) => code(c, runtimeScope(`index ${k} of ${what}`, depth, ctx), pointer(argAt, "index", k), ctx));
    if (kernel && args.length === kernel.params.length) checkArgument(kernel, j, arg, argAt, ctx);
  });
}

/** An argument fits its parameter: kind, tensor, dtype, and a view of the tile's rank and shape. */
function checkArgument(kernel: KernelEntry, j: number, arg: CallArg, at: string, ctx: PlanContext): void {
  const p = kernel.params[j]!;
  const { problems } = ctx;
  if (p.kind === "scalar") {
    if (!("scalar" in arg)) problems.add(at, `parameter "${p.name}" of kernel "${kernel.name}" is a scalar, so the argument must be {scalar: code}`);
    return;
  }
  if ("scalar" in arg) {
    problems.add(at, `parameter "${p.name}" of kernel "${kernel.name}" is a tensor tile, so the argument must be {tensor, index}`);
    return;
  }
  const tensor = ctx.m.tensors[arg.tensor];
  if (!tensor) {
    problems.add(pointer(at, "tensor"), `tensor ${arg.tensor} does not exist: manifest.tensors has ${ctx.m.tensors.length} entries`);
    return;
  }
  if (tensor.dtype !== p.dtype) {
    problems.add(pointer(at, "tensor"), `parameter "${p.name}" of kernel "${kernel.name}" takes ${p.dtype}, but tensor "${tensor.name}" holds ${tensor.dtype}`);
  }
  const leading = tensor.dims.length - p.shape.length;
  if (arg.index.length !== leading) {
    problems.add(pointer(at, "index"), leading < 0
      ? `tensor "${tensor.name}" has ${tensor.dims.length} dimensions, fewer than the ${p.shape.length}-d tile parameter "${p.name}" takes`
      : `tensor "${tensor.name}" has ${tensor.dims.length} dimensions and parameter "${p.name}" takes a ${p.shape.length}-d tile, so the view needs ${leading} ${leading === 1 ? "index" : "indices"}, but it has ${arg.index.length}`);
    return;
  }
  p.shape.forEach((size, k) => {
    const dim = tensor.dims[leading + k]!;
    if ("const" in dim && dim.const !== size) {
      problems.add(pointer(at, "tensor"), `dimension ${leading + k} of tensor "${tensor.name}" is ${dim.const}, but parameter "${p.name}" of kernel "${kernel.name}" takes a tile of ${size} there`);
    }
  });
}

/** The channel exists and the process declares it: sends on its `sends`, receives on its `receives`. */
function channelFor(op: "send" | "recv" | "consume" | "close", index: number, at: string, ctx: PlanContext): ChannelEntry | undefined {
  const { m, problems, process } = ctx;
  const channelAt = pointer(at, "channel");
  if (!m.csp || !process) {
    problems.add(channelAt, `${op} is only allowed in a pipeline process; this ${m.csp ? "body has no process in csp.processes" : "workload has no channels"}`);
    return undefined;
  }
  const channel = m.csp.channels[index];
  if (!channel) {
    problems.add(channelAt, `channel ${index} does not exist: csp.channels has ${m.csp.channels.length} entries`);
    return undefined;
  }
  const list = op === "send" ? "sends" : op === "close" ? undefined : "receives";
  const declared = list ? ctx[list].has(channel.id) : ctx.sends.has(channel.id) || ctx.receives.has(channel.id);
  if (!declared) {
    const where = `/csp/processes/${ctx.processIndex}/${list ?? "sends"}`;
    problems.add(channelAt, `process "${process.name}" ${op === "send" ? "sends on" : op === "close" ? "closes" : "receives from"} channel "${channel.name}", but ${where} does not list it; add its id ${channel.id} there`);
  }
  return channel;
}
