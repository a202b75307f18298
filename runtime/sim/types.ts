/**
 * The reference runtime's public types: what `simulate` takes and what it returns. The JSON
 * form of a run (`wspc run --json`) is `RunResult` minus the trace, printed by report.ts.
 */

/**
 * Why an orchestrator (a workload's, or a process replica's) could not go on. The first seven
 * are the domain vocabulary; `LOAD_WAIT` (a `load` waiting for earlier writers of its view,
 * language §4.5) has no name there, so the runtime adds one rather than leave a stall unexplained.
 */
export type StallReason =
  | "TASK_RING_FULL"
  | "TENSORMAP_POOL_FULL"
  | "DEPLIST_POOL_FULL"
  | "HEAP_ARENA_FULL"
  | "READY_QUEUE_FULL"
  | "CHANNEL_EMPTY_WAIT"
  | "CHANNEL_FULL_WAIT"
  | "LOAD_WAIT";

export const STALL_REASONS: readonly StallReason[] = [
  "TASK_RING_FULL",
  "TENSORMAP_POOL_FULL",
  "DEPLIST_POOL_FULL",
  "HEAP_ARENA_FULL",
  "READY_QUEUE_FULL",
  "CHANNEL_EMPTY_WAIT",
  "CHANNEL_FULL_WAIT",
  "LOAD_WAIT",
];

/** The bounded resources, each with the stall reason it causes when exhausted. */
export type ResourceName = "task_ring" | "tensormap" | "deplist" | "heap_arena" | "ready_queue";

export const RESOURCE_REASON: Readonly<Record<ResourceName, StallReason>> = {
  task_ring: "TASK_RING_FULL",
  tensormap: "TENSORMAP_POOL_FULL",
  deplist: "DEPLIST_POOL_FULL",
  heap_arena: "HEAP_ARENA_FULL",
  ready_queue: "READY_QUEUE_FULL",
};

/**
 * Tensor data for `inputs`: one value per element in row-major order. Integer tensors take
 * numbers (safe integers) or bigints; float tensors any numbers (their values are never read,
 * only their count is checked).
 */
export type TensorData = ArrayLike<number> | ArrayLike<bigint>;

/** Who moves when several orchestrators can move at the same cycle (see interleave.ts). */
export type Interleave =
  | { readonly kind: "default" }
  | { readonly kind: "random"; readonly seed: number }
  | { readonly kind: "replay"; readonly steps: readonly number[] }
  /** One entry per action (submission, send, take, close, load): a deadlock witness to replay. */
  | { readonly kind: "order"; readonly steps: readonly number[] };

export interface SimOptions {
  /** Launch-time symbol values by name (or qualified name, or stable id). */
  readonly symbols?: ReadonlyMap<string, bigint>;
  /** Initial slot values by name (or qualified name, or stable id); others start at 0. */
  readonly slots?: ReadonlyMap<string, bigint>;
  /** Tensor contents by tensor name; tensors without one get generated data (data.ts). */
  readonly inputs?: ReadonlyMap<string, TensorData>;
  /** Seed of the deterministic data generator. */
  readonly seed?: number;
  readonly interleave?: Interleave;
  /** Record the execution and check its invariants (memory then grows with the task count). */
  readonly verify?: boolean;
  /** Record the execution and return a Chrome trace (memory then grows with the task count). */
  readonly trace?: boolean;
  /** Called about every 65536 tasks, and once at the end. The total is not known in advance. */
  readonly progress?: (done: number, total?: number) => void;
}

export interface ResourceStats {
  /** Null: the target sets no bound. */
  readonly capacity: number | null;
  readonly unit: "tasks" | "entries" | "edges" | "bytes";
  readonly high_water: number;
  readonly stall_count: number;
  readonly stall_cycles: number;
  readonly reason: StallReason;
}

export interface SchedulerStats {
  readonly index: number;
  readonly tasks: number;
  /** Cycles spent dispatching (dispatch_cycles per task). */
  readonly busy_cycles: number;
  readonly aic_cores: number;
  readonly aiv_cores: number;
  /** Most tasks waiting in this scheduler's ready queue at once. */
  readonly ready_high_water: number;
}

export interface CoreStats {
  /** `s<scheduler>.aic<i>` / `s<scheduler>.aiv<i>`; i counts within the scheduler. */
  readonly name: string;
  readonly scheduler: number;
  readonly kind: "AIC" | "AIV";
  readonly tasks: number;
  readonly busy_cycles: number;
  /** busy_cycles / total_cycles (0 when total_cycles is 0). */
  readonly utilisation: number;
}

export interface ChannelStats {
  readonly name: string;
  readonly capacity: number;
  readonly latency: number;
  readonly sends: number;
  readonly receives: number;
  readonly max_fill: number;
  readonly full_waits: number;
  readonly empty_waits: number;
}

export interface StallStats {
  readonly reason: StallReason;
  readonly count: number;
  readonly cycles: number;
}

export interface OrchestratorStats {
  /** "workload NAME", or "process NAME" / "process NAME[r]" for a replica. */
  readonly who: string;
  readonly tasks: number;
  /** Its clock when it ended (or when the run stopped). */
  readonly end_cycles: number;
  readonly ended: boolean;
  /** Its stalls by reason (reasons it never stalled on are left out). */
  readonly stalls: readonly StallStats[];
  /** Its longest stall: reason, length, the blocked operation's location and what it waited on. */
  readonly longest_stall: { readonly reason: StallReason; readonly cycles: number; readonly loc: string | null; readonly on: string | null } | null;
}

export interface Stats {
  readonly total_cycles: number;
  readonly tasks: number;
  readonly clock_mhz: number | null;
  readonly schedulers: readonly SchedulerStats[];
  readonly cores: readonly CoreStats[];
  readonly resources: Readonly<Record<ResourceName, ResourceStats>>;
  readonly channels: readonly ChannelStats[];
  /** Every stall reason with its episodes and cycles, including channel and load waits. */
  readonly stalls: readonly StallStats[];
  readonly orchestrators: readonly OrchestratorStats[];
}

export type WaitsOn =
  | { readonly channel: string; readonly state: "empty" | "full" }
  | { readonly resource: StallReason; readonly detail: string };

export interface BlockedEntry {
  readonly who: string;
  readonly waitsOn: WaitsOn;
  /** Source location of the blocked operation ("file:line:col"), null if the package has none. */
  readonly loc: string | null;
  /** Cycle at which it blocked. */
  readonly since: number;
  /** Open `scope` blocks of this orchestrator, and the tasks they hold. */
  readonly scope_depth: number;
  readonly scope_held_tasks: number;
}

export type DeadlockRule =
  | "scope-exceeds-window"
  | "scope-blocks-window"
  | "channel-cycle"
  | "channel-capacity"
  | "resource-exceeds-capacity"
  | "no-progress";

export interface DeadlockReport {
  readonly rule: DeadlockRule;
  /** One sentence: what the rule found. */
  readonly explanation: string;
  /** The cycle at which nothing could move any more. */
  readonly at_cycles: number;
  readonly window: { readonly size: number | null; readonly in_use: number; readonly high_water: number; readonly scope_held: number };
  readonly blocked: readonly BlockedEntry[];
  readonly channels: readonly { readonly name: string; readonly fill: number; readonly capacity: number; readonly closed: boolean }[];
  readonly scope: { readonly depth: number; readonly held_tasks: number; readonly blocks_retirement: boolean };
  /** The smallest change that removes the deadlock, as advice. */
  readonly suggestion: string;
}

export interface RunError {
  readonly message: string;
  /** Source location "file:line:col" when one exists. */
  readonly loc: string | null;
  /** The process or orchestrator that hit it. */
  readonly who: string | null;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly violations: readonly string[];
  /** What was checked, for the summary ("24 tasks, 3 channels, ..."). */
  readonly checked: { readonly tasks: number; readonly loads: number; readonly channel_ops: number; readonly stalls: number };
}

/** A Chrome trace-event document (loads in Perfetto and chrome://tracing). */
export interface TraceJson {
  readonly traceEvents: readonly Record<string, unknown>[];
  readonly displayTimeUnit: "ns" | "ms";
  readonly otherData: Record<string, unknown>;
}

export interface RunResult {
  readonly status: "finished" | "deadlock" | "error";
  readonly stats: Stats;
  readonly deadlock?: DeadlockReport;
  readonly error?: RunError;
  readonly verify?: VerifyResult;
  readonly trace?: TraceJson;
  /**
   * The orchestrator chosen at each choice point (see interleave.ts); replay it with
   * {kind: "replay"}. Empty for a default run (every choice was the default one) and for an
   * `order` run (replay that with the same order).
   */
  readonly interleaving: readonly number[];
}

/** A package as `loadPackage` returns it (only the parts the runtime reads). */
export interface SimPackage {
  readonly manifest: import("../package/types.js").Manifest;
  readonly plan: import("../package/types.js").Plan;
}
