/**
 * The properties a `target` declaration may set: the machine model the simulator and the
 * capability checks read. One table, so the checker, the docs and later phases agree.
 */
export interface TargetPropertySpec {
  readonly kind: "count" | "backend";
  readonly required: boolean;
  readonly description: string;
}

export const BACKENDS = ["sim", "pto-tmr", "pto-hbg"] as const;
export type Backend = (typeof BACKENDS)[number];

export const TARGET_PROPERTIES: Readonly<Record<string, TargetPropertySpec>> = {
  backend: { kind: "backend", required: true, description: "what executes the package: \"sim\" (the reference runtime), \"pto-tmr\" (pto-runtime tensormap_and_ringbuffer) or \"pto-hbg\" (pto-runtime host_build_graph)" },
  schedulers: { kind: "count", required: true, description: "number of AICPU scheduler instances" },
  aic_cores: { kind: "count", required: true, description: "AIC (cube) cores, divided among the schedulers" },
  aiv_cores: { kind: "count", required: true, description: "AIV (vector) cores, divided among the schedulers" },
  clock_mhz: { kind: "count", required: false, description: "core clock, to convert cycles to time" },
  submit_cycles: { kind: "count", required: false, description: "orchestrator cost per submitted task, in cycles" },
  dispatch_cycles: { kind: "count", required: false, description: "scheduler cost per dispatched task, in cycles" },
  max_window: { kind: "count", required: false, description: "largest task window (task ring) the target supports" },
  max_tensors_per_task: { kind: "count", required: false, description: "tensor arguments one task may take" },
  max_scalars_per_task: { kind: "count", required: false, description: "scalar arguments one task may take" },
  tensormap_pool: { kind: "count", required: false, description: "default TensorMap pool entries" },
  deplist_pool: { kind: "count", required: false, description: "default DepList pool entries" },
  heap_bytes: { kind: "count", required: false, description: "default heap arena size in bytes" },
  ready_queue: { kind: "count", required: false, description: "default ready-queue capacity per scheduler" },
  max_scope_depth: { kind: "count", required: false, description: "deepest nesting of scopes" },
  max_tasks: { kind: "count", required: false, description: "most tasks one graph may hold (host_build_graph)" },
  max_successors: { kind: "count", required: false, description: "most successors one task may have (host_build_graph)" },
  max_args: { kind: "count", required: false, description: "most arguments one task may take (host_build_graph)" },
};

/** The schedule's `pools { ... }` entries and the target property each one's limit comes from. */
export const POOLS: Readonly<Record<string, { readonly bytes: boolean; readonly limitProperty: string }>> = {
  tensormap: { bytes: false, limitProperty: "tensormap_pool" },
  deplist: { bytes: false, limitProperty: "deplist_pool" },
  heap: { bytes: true, limitProperty: "heap_bytes" },
  ready: { bytes: false, limitProperty: "ready_queue" },
};

export const BYTE_UNITS: Readonly<Record<string, bigint>> = { B: 1n, KiB: 1024n, MiB: 1024n ** 2n, GiB: 1024n ** 3n };

export const WINDOW_UNITS = ["tasks"] as const;
export const WINDOW_MODES = ["stall"] as const;
