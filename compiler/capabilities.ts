import type { Backend } from "./check/target-model.js";

/**
 * What each back end does with each directive and construct — the one capability matrix.
 * `enforced`: the artifact behaves as the program says. `recorded`: kept in the artifact, not
 * acted on. `diagnosed`: ignored, with a warning. `unsupported`: a compile error.
 * docs/capabilities.md is generated from this table.
 */
export type CapabilityStatus = "enforced" | "recorded" | "diagnosed" | "unsupported";

export const FEATURES = [
  "dispatch", "window", "ready", "start", "pools", "channels", "rendezvous", "replicas", "scopes", "slots",
  "host-slots", "for", "when", "dyn", "ragged", "sparse",
] as const;
export type Feature = (typeof FEATURES)[number];

export interface Capability {
  readonly status: CapabilityStatus;
  readonly reason: string;
}

const SIM: Capability = { status: "enforced", reason: "the reference runtime implements it" };

export const CAPABILITIES: Readonly<Record<Backend, Readonly<Record<Feature, Capability>>>> = {
  sim: Object.fromEntries(FEATURES.map((f) => [f, SIM])) as Record<Feature, Capability>,
  "pto-tmr": {
    dispatch: { status: "recorded", reason: "pto-runtime has no per-task AICPU scheduler assignment; the generated wsp_select_scheduler() computes the policy's choice but ready tasks are dealt by the runtime" },
    window: { status: "enforced", reason: "the task ring size PTO2_RING_TASK_WINDOW is set to the window (a power of two) in the generated scene" },
    ready: { status: "recorded", reason: "pto-runtime's ready queues are global per core shape with a fixed order; the policy is kept in the package" },
    start: { status: "recorded", reason: "pto-runtime starts a ready task as soon as a core is free; the policy is kept in the package" },
    pools: { status: "recorded", reason: "pto-runtime's TensorMap, DepList, heap and ready-queue sizes are build-time constants of the runtime; the sizes are kept in the package" },
    channels: { status: "unsupported", reason: "pto-runtime has no channels (seed gap 2): no empty/full waits, no close, no deadlock report" },
    rendezvous: { status: "unsupported", reason: "pto-runtime has no channels (seed gap 2)" },
    replicas: { status: "unsupported", reason: "replicated processes need channels, which pto-runtime lacks (seed gap 2)" },
    scopes: { status: "enforced", reason: "emitted as PTO2_SCOPE() blocks" },
    slots: { status: "enforced", reason: "`load` reads the element on the device with get_tensor_data() into a local slot variable" },
    "host-slots": { status: "unsupported", reason: "pto-runtime has no slot table a host can update between runs (seed gap 5); a slot read before any `load` would silently start at 0" },
    for: { status: "diagnosed", reason: "pto-runtime orders tasks only through the tensors they share (TensorMap), so iterations of a `for` that share no tensor may overlap" },
    when: { status: "enforced", reason: "emitted as C++ if/else in the orchestration" },
    dyn: { status: "enforced", reason: "sizes are read from the argument tensors' shapes" },
    ragged: { status: "enforced", reason: "row lengths are read on the device with get_tensor_data()" },
    sparse: { status: "enforced", reason: "CSR rows are read on the device with get_tensor_data()" },
  },
  "pto-hbg": {
    dispatch: { status: "recorded", reason: "host_build_graph deals ready tasks round-robin to scheduler threads; there is no per-task scheduler" },
    window: { status: "diagnosed", reason: "host_build_graph builds the whole graph before launch, so nothing can stall task submission" },
    ready: { status: "recorded", reason: "host_build_graph has no ready-order hook" },
    start: { status: "recorded", reason: "host_build_graph has no start hook" },
    pools: { status: "diagnosed", reason: "host_build_graph has no TensorMap, DepList, heap or ready-queue pools to size" },
    channels: { status: "unsupported", reason: "host_build_graph has no channels (seed gap 2)" },
    rendezvous: { status: "unsupported", reason: "host_build_graph has no channels (seed gap 2)" },
    replicas: { status: "unsupported", reason: "replicated processes need channels (seed gap 2)" },
    scopes: { status: "diagnosed", reason: "host_build_graph has no scopes; outputs stay live until the graph ends, which only delays reuse" },
    slots: { status: "unsupported", reason: "the graph is built on the host before launch, so a value loaded from device memory cannot shape it" },
    "host-slots": { status: "unsupported", reason: "the graph is built at compile time, so a slot's value cannot shape it" },
    for: { status: "enforced", reason: "the compiler adds explicit edges from each iteration's last tasks to the next iteration's first" },
    when: { status: "enforced", reason: "decided at compile time while the graph is expanded (conditions cannot read slots on this back end)" },
    dyn: { status: "unsupported", reason: "the graph is built at compile time, so every size must be a constant: no launch-time symbols" },
    ragged: { status: "unsupported", reason: "row lengths live in device memory, after the graph is built" },
    sparse: { status: "unsupported", reason: "CSR rows live in device memory, after the graph is built" },
  },
};

export function capability(backend: Backend, feature: Feature): Capability {
  return CAPABILITIES[backend][feature];
}
