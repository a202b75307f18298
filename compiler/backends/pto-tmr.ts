import type { BackendEmitter, EmitInput, Manifest, Plan } from "../package/build.js";
import type { Code } from "../package/bytecode.js";
import type { PlanArg, PlanStmt } from "../package/plan.js";
import {
  CPP_INT_TYPE, PTO_DATA_TYPE, boundNames, childBlocks, commentName, commentText, constDim, cosmetic, cppName, cppString,
  dimCode, hasErrors, isSignedDtype, isTensorParam, pair, report, reporter, roundUpPow2, scalarBits, targetLabel,
  targetNumber, type Dtype, type Paired, type Reporter,
} from "./common.js";
import { CPP_HELPERS, cppExpr, cppNarrow, cppU64, type CppNames } from "./cpp-expr.js";
import { dispatchFunction, type DispatchFunction } from "./dispatch.js";
import { sceneSource, type SceneArgument } from "./scene.js";
import { planScopes, type ScopeSplits } from "./tmr-scopes.js";
import { placeTensors, type Placement } from "./tmr-tensors.js";

/**
 * The pto-runtime tensormap_and_ringbuffer ("PTO2") back end: `pto-runtime/kernels/orchestration/
 * <name>_orch.cpp` and `pto-runtime/scene.py`. The orchestration is the workload's plan as C++:
 *
 * - Loops stay loops (`for` over `uint64_t`, never unrolled: the file's size does not depend on
 *   trip counts); `when` is if/else; the program's `scope` is `PTO2_SCOPE() { ... }`; a `load`
 *   reads the element on the device with `get_tensor_data<T>` into a local `uint64_t` slot.
 * - A call builds an `Arg`: `add_input` for `in` parameters, `add_inout` for `inout` and for
 *   `out` into an existing tensor (the API's `add_output` only takes a `TensorCreateInfo`, for
 *   a buffer the runtime allocates), `add_output` for the first write of a runtime-allocated
 *   intermediate, then `add_scalar` for each scalar (narrowed to the parameter's type), and
 *   submits it with `rt_submit_aic_task`/`rt_submit_aiv_task` and the kernel's func_id.
 * - Views are `t.view(shapes, offsets)` with the tensor's rank kept: leading indexed dimensions
 *   get shape 1 and offset = the index (checked against the dimension at run time).
 * - Tensors: see tmr-tensors.ts (`orch_args` for the program's in/out/inout tensors, then
 *   host-allocated scratch; runtime-allocated intermediates where that is provably safe).
 *   `expected_arg_count` counts the tensors the host passes.
 * - Launch-time symbols are read from the argument shapes (pto-runtime passes only tensors);
 *   the shapes are checked against the program's at entry.
 * - Scopes: see tmr-scopes.ts (automatic `PTO2_SCOPE()` per loop iteration when the tasks would
 *   not fit the window's scope rule, errors when they cannot be made to fit).
 * - Dispatch: a generated `wsp_select_scheduler(...)` is called for every task and its result
 *   kept unused: recorded, not enforced (seed gap 1). The window is the scene's
 *   `PTO2_RING_TASK_WINDOW`, rounded up to a power of two.
 * Scalar expressions are compiled from the plan's bytecode by cpp-expr.ts.
 */
export const emitPtoTmr: BackendEmitter = (input) => {
  const r = reporter(input);
  const subject = input.unit.subject.decl;
  const files = new Map<string, string>();
  if (subject.kind !== "Workload" || input.plan.bodies.length !== 1) {
    report(r, "WSP0801", subject.name, `pipelines are not supported on ${targetLabel(input.manifest)}: pto-runtime has no channels (seed gap 2)`);
    return { files, diagnostics: r.diagnostics };
  }
  const m = input.manifest;
  const body = pair(input.plan.bodies[0]!.body, subject.body);
  const window = m.schedule.window.size;
  const splits = planScopes(input.plan, body, window, targetLabel(m), r, subject.name);
  const placements = placeTensors(m, input.plan);
  const symbols = symbolSources(m, placements, r, subject.name);
  if (hasErrors(r)) return { files, diagnostics: r.diagnostics };
  const base = cosmetic(subject.name.text) || "workload";
  const orchestration = `kernels/orchestration/${base}_orch.cpp`;
  const writer = new TmrWriter(input, placements, splits, symbols, dispatchFunction(m));
  files.set(`pto-runtime/${orchestration}`, writer.file(body));
  files.set("pto-runtime/scene.py", scene(m, placements, orchestration));
  return { files, diagnostics: r.diagnostics };
};

// ---------------------------------------------------------------------------------------------

/** For each symbol, the argument tensor dimension it is read from. */
type SymbolSource = { readonly arg: number; readonly dim: number; readonly tensor: number };

function symbolSources(m: Manifest, placements: readonly Placement[], r: Reporter, at: { start: number; end: number }): SymbolSource[] {
  return m.symbols.map((sym, k) => {
    for (const [t, tensor] of m.tensors.entries()) {
      const p = placements[t]!;
      if (p.kind === "local") continue;
      const d = tensor.dims.findIndex((dim) => {
        const code = dimCode(dim);
        return code.length === 1 && code[0]![0] === "sym" && code[0]![1] === k;
      });
      if (d >= 0) return { arg: p.arg, dim: d, tensor: t };
    }
    report(r, "WSP0807", at, `symbol \`${sym.name}\` cannot be supplied on ${targetLabel(m)}: pto-runtime passes only tensors to the orchestration, so a launch-time value must be a dimension of an argument tensor, and no argument tensor has \`${sym.name}\` as a dimension`);
    return { arg: -1, dim: -1, tensor: -1 };
  });
}

function scene(m: Manifest, placements: readonly Placement[], orchestration: string): string {
  const window = m.schedule.window.size;
  const ring = roundUpPow2(window);
  const args: SceneArgument[] = [];
  m.tensors.forEach((t, i) => {
    const p = placements[i]!;
    if (p.kind === "local") return;
    const direction = t.role === "in" ? "IN" : t.role === "out" ? "OUT" : "INOUT";
    args[p.arg] = { tensor: t, direction, scratch: p.kind === "scratch" };
  });
  const schedulers = targetNumber(m, "schedulers") ?? 3;
  return sceneSource({
    manifest: m,
    runtime: "tensormap_and_ringbuffer",
    orchestration,
    functionName: "aicpu_orchestration_entry",
    arguments: args,
    // pto-runtime's TMR threads: the schedulers plus the orchestrator thread.
    aicpuThreads: schedulers + 1,
    blockDim: targetNumber(m, "aic_cores") ?? 24,
    env: [{
      name: "PTO2_RING_TASK_WINDOW",
      value: String(ring),
      comment: ring === window
        ? `The schedule's window: ${window} tasks (a power of two, as the runtime requires).`
        : `The schedule's window is ${window} tasks; the runtime needs a power of two, so it is rounded up to ${ring}.`,
    }],
    notes: [
      "Dispatch, ready and start policies and pool sizes are recorded in ../manifest.json, not enforced:",
      "pto-runtime has no hook for them (see the manifest's capability report).",
    ],
  });
}

// ---------------------------------------------------------------------------------------------

/** Names in scope while emitting a block. */
interface Ctx {
  /** C++ name of each plan variable number in scope. */
  readonly vars: string[];
  /** C++ name of each source variable name in scope (for `task.X` in the dispatch call). */
  readonly attrs: Map<string, string>;
  /** Current handle of each runtime-allocated intermediate created in an enclosing block. */
  readonly locals: Map<number, string>;
}

const nest = (c: Ctx): Ctx => ({ vars: [...c.vars], attrs: new Map(c.attrs), locals: new Map(c.locals) });

const TMR_HELPERS = `inline uint32_t wsp_index(uint64_t i, uint64_t n, const char* loc) {
  if (i >= n) wsp_fail("index out of range", loc);
  return static_cast<uint32_t>(i);
}
// A row of a ragged or sparse axis: below the outer axis's size, and inside the row table.
inline uint32_t wsp_row(uint64_t r, uint64_t rows, uint64_t len, const char* loc) {
  if (r >= rows) wsp_fail("row out of range", loc);
  return wsp_index(r, len, loc);
}
inline uint64_t wsp_count(int64_t v, const char* loc) {
  if (v < 0) wsp_fail("negative length or index", loc);
  return static_cast<uint64_t>(v);
}
inline void wsp_check_dim(uint64_t got, uint64_t expected, const char* what) {
  if (got != expected) wsp_fail("argument tensor shape differs from the program's", what);
}
`;

class TmrWriter {
  private readonly m: Manifest;
  private readonly plan: Plan;
  private readonly lines: string[] = [];
  private depth = 0;
  private uid = 0;
  private readonly versions = new Map<number, number>();
  private readonly seq: boolean;

  constructor(
    private readonly input: EmitInput,
    private readonly placements: readonly Placement[],
    private readonly splits: ScopeSplits,
    private readonly symbols: readonly SymbolSource[],
    private readonly dispatch: DispatchFunction | undefined,
  ) {
    this.m = input.manifest;
    this.plan = input.plan;
    this.seq = dispatch?.params.some((p) => p.kind === "task" && p.name === "seq") ?? false;
  }

  file(body: Paired[]): string {
    const m = this.m;
    const argCount = this.placements.filter((p) => p.kind !== "local").length;
    this.raw(
      `// pto-runtime orchestration of workload ${commentName(m.subject.qualified_name)} for target ${commentName(m.target.name)}`,
      `// (tensormap_and_ringbuffer). Generated by wspc ${commentName(m.compiler.version)}: do not edit, rebuild the package.`,
      "// Argument tensors, kernels and the window are listed in ../../scene.py.",
      "#include <cstdint>",
      "#include <cstdio>",
      "#include <cstdlib>",
      "",
      "#include \"pto_orchestration_api.h\"",
      "",
      "namespace {",
      "",
      CPP_HELPERS + TMR_HELPERS,
      "// Kernel function ids (scene.py KERNELS).",
      ...m.kernels.map((k, i) => `constexpr int32_t ${cppName("k", i, k.name)} = ${k.func_id};`),
      "",
      "}  // namespace",
      "",
    );
    if (this.dispatch) this.raw(this.dispatch.text, "");
    this.raw(
      "extern \"C\" __attribute__((visibility(\"default\"))) PTO2OrchestrationConfig",
      "aicpu_orchestration_config(const ChipStorageTaskArgs& orch_args) {",
      "  (void)orch_args;",
      `  return PTO2OrchestrationConfig{.expected_arg_count = ${argCount}};`,
      "}",
      "",
      "extern \"C\" __attribute__((visibility(\"default\"))) void aicpu_orchestration_entry(const ChipStorageTaskArgs& orch_args) {",
    );
    this.depth = 1;
    this.preamble();
    this.block(body, { vars: [], attrs: new Map(), locals: new Map() });
    this.depth = 0;
    this.raw("}", "");
    return this.lines.join("\n");
  }

  // -- output ---------------------------------------------------------------------------------

  private raw(...text: string[]): void {
    this.lines.push(...text);
  }

  private line(text: string): void {
    this.lines.push("  ".repeat(this.depth) + text);
  }

  private open(text: string): void {
    this.line(text);
    this.depth++;
  }

  private close(count = 1): void {
    for (let i = 0; i < count; i++) {
      this.depth--;
      this.line("}");
    }
  }

  // -- names ----------------------------------------------------------------------------------

  private tensorVar(t: number): string {
    return cppName("t", t, this.m.tensors[t]!.name);
  }

  private slotVar(k: number): string {
    return cppName("slot", k, this.m.slots[k]?.name ?? "");
  }

  private symVar(k: number): string {
    return cppName("sym", k, this.m.symbols[k]?.name ?? "");
  }

  private names(ctx: Ctx): CppNames {
    return {
      var: (k) => {
        const v = ctx.vars[k];
        if (v === undefined) throw new Error(`internal error: variable ${k} is not in scope`);
        return v;
      },
      slot: (k) => this.slotVar(k),
      sym: (k) => this.symVar(k),
      task: (n) => { throw new Error(`internal error: task.${n} outside a policy`); },
      replica: () => { throw new Error("internal error: replica outside a process"); },
    };
  }

  private expr(code: Code, ctx: Ctx, loc: string): string {
    return cppExpr(code, this.names(ctx), loc);
  }

  /** Dimension `d` of a host-passed tensor, as a `uint64_t` expression. */
  private dim(t: number, d: number, ctx: Ctx): string {
    const dim = this.m.tensors[t]!.dims[d]!;
    const size = constDim(dim);
    if (size !== undefined) return cppU64(BigInt(size));
    const p = this.placements[t]!;
    if (p.kind !== "local") return `static_cast<uint64_t>(orch_args.tensor(${p.arg}).shapes[${d}])`;
    return this.expr(dimCode(dim), ctx, "tensor dimension");
  }

  /** Dimension `d` as a `uint32_t` shape entry. */
  private shape(t: number, d: number, ctx: Ctx): string {
    const size = constDim(this.m.tensors[t]!.dims[d]!);
    if (size !== undefined) return `${size}u`;
    return `static_cast<uint32_t>(${this.dim(t, d, ctx)})`;
  }

  // -- entry ----------------------------------------------------------------------------------

  private preamble(): void {
    const m = this.m;
    const ctx: Ctx = { vars: [], attrs: new Map(), locals: new Map() };
    if (this.placements.every((p) => p.kind === "local")) this.line("(void)orch_args;  // a workload without argument tensors reads no argument");
    this.line("// The tensors the host passes (scene.py ARGUMENTS).");
    m.tensors.forEach((t, i) => {
      const p = this.placements[i]!;
      if (p.kind !== "local") this.line(`const Tensor ${this.tensorVar(i)} = from_tensor_arg(orch_args.tensor(${p.arg}));`);
    });
    if (m.symbols.length > 0) this.line("// Launch-time symbols: pto-runtime passes only tensors, so each is read from an argument's shape.");
    this.symbols.forEach((s, k) => {
      this.line(`[[maybe_unused]] const uint64_t ${this.symVar(k)} = static_cast<uint64_t>(orch_args.tensor(${s.arg}).shapes[${s.dim}]);`);
    });
    this.line("// The host's tensors must have the program's shapes.");
    m.tensors.forEach((t, i) => {
      const p = this.placements[i]!;
      if (p.kind === "local") return;
      t.dims.forEach((dim, d) => {
        if (this.symbols.some((s) => s.tensor === i && s.dim === d)) return;
        const size = constDim(dim);
        const expected = size !== undefined ? cppU64(BigInt(size)) : this.expr(dimCode(dim), ctx, "tensor dimension");
        this.line(`wsp_check_dim(static_cast<uint64_t>(orch_args.tensor(${p.arg}).shapes[${d}]), ${expected}, ${cppString(`tensor ${t.name}, dimension ${d}`)});`);
      });
    });
    if (m.slots.length > 0) {
      this.line("// Slots: written by `load` on the device. pto-runtime passes no host values to the orchestration");
      this.line("// (seed gap 5), so every slot starts at 0.");
    }
    m.slots.forEach((_, k) => this.line(`[[maybe_unused]] uint64_t ${this.slotVar(k)} = UINT64_C(0);`));
    if (this.seq) this.line("[[maybe_unused]] uint64_t wsp_seq = 0;  // task.seq: the global submission index");
    this.line("// The entry already runs inside pto-runtime's outer scope.");
  }

  // -- statements -----------------------------------------------------------------------------

  private block(stmts: readonly Paired[], ctx: Ctx): void {
    for (const s of stmts) this.stmt(s, ctx);
  }

  private stmt(s: Paired, ctx: Ctx): void {
    const p = s.plan;
    switch (p.op) {
      case "parallel": case "for": return this.loop(s, p, ctx);
      case "select": return this.select(s, p, ctx);
      case "when": return this.when(s, p, ctx);
      case "load": return this.load(p, ctx);
      case "call": return this.call(p, ctx);
      case "scope": {
        this.open("PTO2_SCOPE() {");
        this.block(this.children(s)[0]!, nest(ctx));
        this.close();
        return;
      }
      default:
        throw new Error(`internal error: \`${p.op}\` in a workload`);
    }
  }

  private children(s: Paired): Paired[][] {
    return childBlocks(s).map((b) => pair(b.plan, b.ast));
  }

  private loop(s: Paired, p: Extract<PlanStmt, { op: "parallel" | "for" }>, ctx: Ctx): void {
    const names = boundNames(s.ast);
    const split = this.splits.get(p);
    const inner = nest(ctx);
    let opened = 0;
    if (p.op === "for") this.line("// `for`: iterations are submitted in order; pto-runtime orders their tasks through the tensors they share.");
    p.axes.forEach((a, i) => {
      const v = cppName("v", p.vars[i]!, names[i]!);
      this.binding(a, p.rows[i] ?? null, v, inner, p.loc);
      opened++;
      inner.vars[p.vars[i]!] = v;
      inner.attrs.set(names[i]!, v);
      if (split === i) {
        this.open("PTO2_SCOPE() {  // automatic: one scope per iteration, so no scope holds a window's worth of tasks");
        opened++;
      }
    });
    this.block(this.children(s)[0]!, inner);
    this.close(opened);
  }

  /** Opens the C++ loop of one binding (and reads a ragged row's length first). */
  private binding(axisIndex: number, row: Code | null, v: string, ctx: Ctx, loc: string): void {
    const axis = this.plan.axes[axisIndex]!;
    const id = this.uid++;
    const at = cppString(loc);
    if (axis.kind === "ragged" && row && axis.lengths !== null && axis.outer !== null) {
      const lengths = axis.lengths;
      this.line(`const uint32_t r${id}[1] = {wsp_row(${this.expr(row, ctx, loc)}, ${this.axisSize(axis.outer, ctx, loc)}, ${this.dim(lengths, 0, ctx)}, ${at})};`);
      this.line(`const uint64_t n${id} = ${this.element(lengths, `r${id}`, 1, loc)};`);
      this.open(`for (uint64_t ${v} = 0; ${v} < n${id}; ++${v}) {`);
      return;
    }
    this.open(`for (uint64_t ${v} = 0, n${id} = ${this.axisSize(axisIndex, ctx, loc)}; ${v} < n${id}; ++${v}) {`);
  }

  private axisSize(axisIndex: number, ctx: Ctx, loc: string): string {
    const axis = this.plan.axes[axisIndex]!;
    if (!axis.size) throw new Error(`internal error: axis ${axis.name} has no size`);
    return this.expr(axis.size, ctx, loc);
  }

  /** One element of a 1-D index tensor as a u64 count (negative values are a run-time error). */
  private element(t: number, index: string, rank: number, loc: string): string {
    const dtype = this.m.tensors[t]!.dtype as Dtype;
    const type = CPP_INT_TYPE[dtype] ?? "uint64_t";
    const read = `get_tensor_data<${type}>(${this.tensorVar(t)}, ${rank}, ${index})`;
    return isSignedDtype(dtype) ? `wsp_count(static_cast<int64_t>(${read}), ${cppString(loc)})` : `static_cast<uint64_t>(${read})`;
  }

  private select(s: Paired, p: Extract<PlanStmt, { op: "select" }>, ctx: Ctx): void {
    const axis = this.plan.axes[p.axis]!;
    if (axis.indptr === null || axis.indices === null || axis.outer === null) throw new Error("internal error: sparse axis without tables");
    const id = this.uid++;
    const at = cppString(p.loc);
    const v = cppName("v", p.var, boundNames(s.ast)[0]!);
    const row = this.expr(p.row, ctx, p.loc);
    this.line(`const uint64_t r${id} = ${row};`);
    this.line(`const uint32_t a${id}[1] = {wsp_row(r${id}, ${this.axisSize(axis.outer, ctx, p.loc)}, ${this.dim(axis.indptr, 0, ctx)}, ${at})};`);
    this.line(`const uint32_t b${id}[1] = {wsp_index(r${id} + 1, ${this.dim(axis.indptr, 0, ctx)}, ${at})};`);
    this.line(`const uint64_t lo${id} = ${this.element(axis.indptr, `a${id}`, 1, p.loc)};`);
    this.line(`const uint64_t hi${id} = ${this.element(axis.indptr, `b${id}`, 1, p.loc)};`);
    this.line(`if (hi${id} < lo${id}) wsp_fail("indptr decreases", ${at});`);
    this.open(`for (uint64_t q${id} = lo${id}; q${id} < hi${id}; ++q${id}) {`);
    this.line(`const uint32_t e${id}[1] = {wsp_index(q${id}, ${this.dim(axis.indices, 0, ctx)}, ${at})};`);
    this.line(`const uint64_t ${v} = ${this.element(axis.indices, `e${id}`, 1, p.loc)};`);
    const inner = nest(ctx);
    inner.vars[p.var] = v;
    inner.attrs.set(boundNames(s.ast)[0]!, v);
    const scoped = this.splits.get(p) === 0;
    if (scoped) this.open("PTO2_SCOPE() {  // automatic: one scope per iteration, so no scope holds a window's worth of tasks");
    this.block(this.children(s)[0]!, inner);
    this.close(scoped ? 2 : 1);
  }

  private when(s: Paired, p: Extract<PlanStmt, { op: "when" }>, ctx: Ctx): void {
    const blocks = this.children(s);
    p.branches.forEach((b, i) => {
      const cond = `${this.expr(b.cond, ctx, p.loc)} != UINT64_C(0)`;
      if (i === 0) this.open(`if (${cond}) {`);
      else {
        this.depth--;
        this.open(`} else if (${cond}) {`);
      }
      this.block(blocks[i]!, nest(ctx));
    });
    if (p.else) {
      this.depth--;
      this.open("} else {");
      this.block(blocks[p.branches.length]!, nest(ctx));
    }
    this.close();
  }

  /** `load`: the view's first element, converted to the slot's 64-bit cell by the element's signedness. */
  private load(p: Extract<PlanStmt, { op: "load" }>, ctx: Ctx): void {
    const t = p.tensor;
    const tensor = this.m.tensors[t]!;
    const id = this.uid++;
    const rank = tensor.dims.length;
    const local = ctx.locals.get(t);
    const at = cppString(p.loc);
    const indices = tensor.dims.map((_, d) => {
      if (local !== undefined || d >= p.index.length) return "0u";
      return `wsp_index(${this.expr(p.index[d]!, ctx, p.loc)}, ${this.dim(t, d, ctx)}, ${at})`;
    });
    this.line(`const uint32_t x${id}[${Math.max(rank, 1)}] = {${indices.join(", ") || "0u"}};`);
    const dtype = tensor.dtype as Dtype;
    const read = `get_tensor_data<${CPP_INT_TYPE[dtype] ?? "uint64_t"}>(${local ?? this.tensorVar(t)}, ${rank}, x${id})`;
    const value = dtype === "bool" ? `wsp_b(${read})` : isSignedDtype(dtype) ? `static_cast<uint64_t>(static_cast<int64_t>(${read}))` : `static_cast<uint64_t>(${read})`;
    this.line(`${this.slotVar(p.slot)} = ${value};  // load at ${commentText(p.loc)}`);
  }

  private call(p: Extract<PlanStmt, { op: "call" }>, ctx: Ctx): void {
    const kernel = this.m.kernels[p.kernel]!;
    const c = `c${this.uid++}`;
    const created: { tensor: number; name: string }[] = [];
    this.line(`// ${cppName("k", p.kernel, kernel.name)} at ${commentText(p.loc)}`);
    this.line(`Arg ${c};`);
    const scalars: string[] = [];
    kernel.params.forEach((param, j) => {
      const arg = p.args[j]!;
      if (!isTensorParam(param) || !("tensor" in arg)) {
        if ("scalar" in arg) scalars.push(cppNarrow(this.expr(arg.scalar, ctx, p.loc), scalarBits(param.dtype), isSignedDtype(param.dtype)));
        return;
      }
      const direction = param.direction as "in" | "out" | "inout";
      const target = this.tensorArg(c, j, arg, direction, ctx, p.loc);
      if (target.created) created.push({ tensor: arg.tensor, name: target.created });
    });
    for (const s of scalars) this.line(`${c}.add_scalar(${s});`);
    this.dispatchCall(c, ctx);
    const submit = `${kernel.executor === "AIC" ? "rt_submit_aic_task" : "rt_submit_aiv_task"}(${cppName("k", p.kernel, kernel.name)}, ${c})`;
    if (created.length === 0) this.line(`${submit};`);
    else {
      this.line(`const TaskOutputTensors ${c}_out = ${submit};`);
      created.forEach((o, k) => {
        this.line(`const Tensor ${o.name} = ${c}_out.get_ref(${k});`);
        ctx.locals.set(o.tensor, o.name);
      });
    }
    if (this.seq) this.line("++wsp_seq;");
  }

  /** Adds one tensor argument; returns the handle name a runtime-allocated output will get. */
  private tensorArg(c: string, j: number, arg: Extract<PlanArg, { tensor: number }>, direction: "in" | "out" | "inout", ctx: Ctx, loc: string): { created?: string } {
    const t = arg.tensor;
    const tensor = this.m.tensors[t]!;
    const rank = tensor.dims.length;
    if (this.placements[t]!.kind === "local") {
      if (direction === "out") {
        const version = (this.versions.get(t) ?? 0) + 1;
        this.versions.set(t, version);
        const shapes = tensor.dims.map((_, d) => (d < arg.index.length ? "1u" : this.shape(t, d, ctx)));
        this.line(`const uint32_t ${c}_s${j}[${Math.max(rank, 1)}] = {${shapes.join(", ") || "1u"}};`);
        this.line(`const TensorCreateInfo ${c}_i${j}(${c}_s${j}, ${rank}, DataType::${PTO_DATA_TYPE[tensor.dtype as Dtype]});`);
        this.line(`${c}.add_output(${c}_i${j});  // runtime-allocated intermediate ${cosmetic(tensor.name)}`);
        return { created: `h${t}v${version}_${cosmetic(tensor.name) || "tensor"}` };
      }
      const handle = ctx.locals.get(t);
      if (!handle) throw new Error(`internal error: intermediate ${tensor.name} read before it is created`);
      this.line(`${c}.${direction === "in" ? "add_input" : "add_inout"}(${handle});`);
      return {};
    }
    let view = this.tensorVar(t);
    if (arg.index.length > 0) {
      const at = cppString(loc);
      const shapes = tensor.dims.map((_, d) => (d < arg.index.length ? "1u" : this.shape(t, d, ctx)));
      const offsets = tensor.dims.map((_, d) => (d < arg.index.length ? `wsp_index(${this.expr(arg.index[d]!, ctx, loc)}, ${this.dim(t, d, ctx)}, ${at})` : "0u"));
      this.line(`const uint32_t ${c}_s${j}[${rank}] = {${shapes.join(", ")}};`);
      this.line(`const uint32_t ${c}_o${j}[${rank}] = {${offsets.join(", ")}};`);
      this.line(`const Tensor ${c}_v${j} = ${view}.view(${c}_s${j}, ${c}_o${j});`);
      view = `${c}_v${j}`;
    }
    this.line(`${c}.${direction === "in" ? "add_input" : "add_inout"}(${view});`);
    return {};
  }

  private dispatchCall(c: string, ctx: Ctx): void {
    const d = this.dispatch;
    if (!d) return;
    const args = d.params.map((p) => {
      if (p.kind === "slot") return this.slotVar(p.index);
      if (p.kind === "sym") return this.symVar(p.index);
      if (p.name === "seq") return "wsp_seq";
      const v = ctx.attrs.get(p.name);
      if (!v) throw new Error(`internal error: task.${p.name} is not defined at a call`);
      return v;
    });
    this.line(`const uint64_t ${c}_scheduler = wsp_select_scheduler(${args.join(", ")});`);
    this.line(`(void)${c}_scheduler;  // dispatch: recorded, not enforced (pto-runtime has no per-task scheduler, seed gap 1)`);
  }
}
