/**
 * The contents of a wsp runtime package (ABI 1.x), as TypeScript types. They mirror
 * docs/schema/manifest.schema.json and docs/schema/plan.schema.json field for field; the schema is
 * the contract, these types are how the runtime reads a package that passed it. Objects may
 * carry more fields than listed here (a newer minor ABI may add optional ones).
 */

/** Operations without operands, written `["op"]`. */
export type NullaryOp =
  | "neg" | "not" | "bnot"
  | "add" | "sub" | "mul" | "div" | "divs" | "rem" | "rems"
  | "and" | "or" | "xor" | "shl" | "shr" | "shrs"
  | "eq" | "ne" | "lt" | "lts" | "le" | "les" | "gt" | "gts" | "ge" | "ges"
  | "land" | "lor" | "select" | "min" | "mins" | "max" | "maxs"
  | "replica";

/** One postfix instruction: `[op, ...operands]`. */
export type Instruction =
  | readonly ["int", string]
  | readonly ["var" | "let" | "slot" | "sym", number]
  | readonly ["task", string]
  | readonly [NullaryOp];

/** A bytecode program: evaluated on a stack of 64-bit values, it leaves exactly one. */
export type Code = readonly Instruction[];

/** A source location "file:line:col" (1-based), for run-time errors such as division by zero. */
export type Loc = string;

export type Dtype = "f16" | "bf16" | "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "bool";
export type ScalarType = "bool" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64";
/** The type of a slot or symbol (a 64-bit cell). */
export type CellType = "u64" | "i64" | "bool";
export type Backend = "sim" | "pto-tmr" | "pto-hbg";

export interface Manifest {
  readonly format: "wsp-package";
  /** "MAJOR.MINOR". */
  readonly wsp_runtime_abi: string;
  readonly compiler: { readonly name: string; readonly version: string };
  readonly subject: { readonly kind: "workload" | "pipeline"; readonly name: string; readonly qualified_name: string };
  readonly target: TargetEntry;
  readonly sources: readonly SourceEntry[];
  readonly kernels: readonly KernelEntry[];
  readonly tensors: readonly TensorEntry[];
  readonly slots: readonly SlotEntry[];
  readonly symbols: readonly SymbolEntry[];
  readonly policies: readonly PolicyEntry[];
  readonly schedule: Schedule;
  /** Null for a workload. */
  readonly csp: Csp | null;
  readonly capabilities: readonly Capability[];
  readonly entry: Entry;
  readonly files: readonly FileEntry[];
}

export interface TargetEntry {
  readonly name: string;
  readonly qualified_name: string;
  readonly backend: Backend;
  readonly properties: TargetProperties;
}

/** The target declaration's count properties; only the first three are always present. */
export interface TargetProperties {
  readonly schedulers: number;
  readonly aic_cores: number;
  readonly aiv_cores: number;
  readonly clock_mhz?: number;
  readonly submit_cycles?: number;
  readonly dispatch_cycles?: number;
  readonly max_window?: number;
  readonly max_tensors_per_task?: number;
  readonly max_scalars_per_task?: number;
  readonly tensormap_pool?: number;
  readonly deplist_pool?: number;
  readonly heap_bytes?: number;
  readonly ready_queue?: number;
  readonly max_scope_depth?: number;
  readonly max_tasks?: number;
  readonly max_successors?: number;
  readonly max_args?: number;
}

export interface SourceEntry {
  readonly path: string;
  readonly module: string;
  readonly sha256: string;
}

export type KernelParam =
  | { readonly name: string; readonly kind: "tensor"; readonly direction: "in" | "out" | "inout"; readonly dtype: Dtype; readonly shape: readonly number[] }
  | { readonly name: string; readonly kind: "scalar"; readonly dtype: ScalarType };

export interface KernelEntry {
  readonly id: string;
  readonly name: string;
  readonly qualified_name: string;
  /** pto-runtime's function id: the kernel's index in `kernels`. */
  readonly func_id: number;
  readonly executor: "AIC" | "AIV";
  readonly params: readonly KernelParam[];
  /** `var k` in `code` is parameter k (always a scalar one). */
  readonly cycles: { readonly text: string; readonly code: Code; readonly loc: Loc };
  readonly source: string | null;
}

/** A tensor dimension: a constant, or a launch-time program over symbols. */
export type Dim = { readonly const: number } | { readonly code: Code; readonly loc: Loc };

export interface TensorEntry {
  readonly id: string;
  readonly name: string;
  readonly qualified_name: string;
  readonly dtype: Dtype;
  readonly dims: readonly Dim[];
  readonly role: "in" | "out" | "inout" | "intermediate";
}

export interface SlotEntry {
  readonly id: string;
  readonly name: string;
  readonly qualified_name: string;
  /** The slot cell, 0..255; bytecode `["slot", index]` and plan `load.slot` use this number. */
  readonly index: number;
  readonly type: CellType;
  readonly width: 64;
  readonly update: { readonly host: "between-runs"; readonly device: "load" };
}

export interface SymbolEntry {
  readonly id: string;
  readonly name: string;
  readonly qualified_name: string;
  readonly type: CellType;
  readonly width: 64;
}

export interface TypedName {
  readonly name: string;
  readonly type: ScalarType;
}

/** A policy `let`: its program runs before the result's and stores into local `var`. */
export interface PolicyLet {
  /** params.length + the let's position. */
  readonly var: number;
  /** Reads the parameters and the earlier lets. */
  readonly code: Code;
}

export interface PolicyEntry {
  readonly id: string;
  readonly name: string;
  readonly qualified_name: string;
  readonly kind: "dispatch" | "ready" | "start";
  /** Locals 0..params.length-1. */
  readonly params: readonly TypedName[];
  /** Evaluated in order, then `code` (the policy's value), which reads params and lets. */
  readonly lets: readonly PolicyLet[];
  readonly code: Code;
  readonly loc: Loc;
}

/** A schedule directive: the policy (by id) and one argument program per policy parameter. */
export interface Directive {
  readonly policy: string;
  readonly args: readonly Code[];
  readonly loc: Loc;
}

export interface Schedule {
  readonly dispatch: Directive;
  readonly window: { readonly size: number; readonly unit: "tasks"; readonly mode: "stall" };
  readonly ready: Directive;
  readonly start: Directive;
  /** Null: the target sets no bound. */
  readonly pools: {
    readonly tensormap: number | null;
    readonly deplist: number | null;
    readonly heap_bytes: number | null;
    readonly ready: number | null;
  };
}

export interface ChannelEntry {
  readonly id: string;
  readonly name: string;
  readonly capacity: number;
  readonly latency: number;
}

export interface ProcessEntry {
  readonly id: string;
  readonly name: string;
  readonly replicas: number;
  /** Channel ids. */
  readonly sends: readonly string[];
  readonly receives: readonly string[];
}

export interface Csp {
  readonly channels: readonly ChannelEntry[];
  readonly processes: readonly ProcessEntry[];
}

export interface Capability {
  readonly directive: string;
  readonly status: "enforced" | "recorded" | "diagnosed" | "unsupported";
  readonly reason: string;
}

export interface Entry {
  readonly type: string;
  readonly version: number;
  readonly path: string;
}

export interface FileEntry {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

// ---------------------------------------------------------------------------------------------
// plan.json ("wsp-plan" version 1)
// ---------------------------------------------------------------------------------------------

export interface Plan {
  readonly axes: readonly Axis[];
  /** One for a workload; one per process (in manifest.csp order) for a pipeline. */
  readonly bodies: readonly PlanBody[];
}

export interface PlanBody {
  /** The workload's name, or the process's. */
  readonly name: string;
  /** Frame size: the most local variables in scope anywhere in `body`. */
  readonly vars: number;
  readonly body: Body;
}

/** Fields that do not apply to an axis's kind are null. */
export interface Axis {
  readonly name: string;
  readonly kind: "dense" | "dyn" | "ragged" | "sparse";
  /** Dense and dyn axes. */
  readonly size: Code | null;
  /** Ragged and sparse axes: index of their (dense or dyn) outer axis in `axes`. */
  readonly outer: number | null;
  /** Ragged axes: index of the row-lengths tensor in manifest.tensors. */
  readonly lengths: number | null;
  /** Sparse axes: indices of the CSR row-pointer and column-index tensors. */
  readonly indptr: number | null;
  readonly indices: number | null;
}

export type Body = readonly Statement[];

export type Statement =
  | LoopStatement
  | { readonly op: "select"; readonly var: number; readonly name?: string; readonly axis: number; readonly row: Code; readonly body: Body; readonly loc: Loc }
  | { readonly op: "when"; readonly branches: readonly { readonly cond: Code; readonly body: Body }[]; readonly else: Body | null; readonly loc: Loc }
  | { readonly op: "load"; readonly slot: number; readonly tensor: number; readonly index: readonly Code[]; readonly loc: Loc }
  | { readonly op: "call"; readonly kernel: number; readonly args: readonly CallArg[]; readonly loc: Loc }
  | { readonly op: "scope"; readonly body: Body; readonly loc: Loc }
  | { readonly op: "send"; readonly channel: number; readonly value: Code; readonly loc: Loc }
  | { readonly op: "recv"; readonly channel: number; readonly var: number; readonly name?: string; readonly loc: Loc }
  | { readonly op: "consume"; readonly channel: number; readonly var: number; readonly name?: string; readonly body: Body; readonly loc: Loc }
  | { readonly op: "close"; readonly channel: number; readonly loc: Loc };

/** `parallel` / `for`: one variable, axis and row (null for dense/dyn axes) per binding. */
export interface LoopStatement {
  readonly op: "parallel" | "for";
  readonly vars: readonly number[];
  /** The variables' source names (what `task.X` reads); optional since ABI 1.0 readers ignore them. */
  readonly names?: readonly string[];
  readonly axes: readonly number[];
  readonly rows: readonly (Code | null)[];
  readonly body: Body;
  readonly loc: Loc;
}

export type CallArg =
  | { readonly tensor: number; readonly index: readonly Code[] }
  | { readonly scalar: Code };
