import type { BackendEmitter, Manifest } from "../package/build.js";
import {
  DTYPE_BYTES, commentName, constDim, cosmetic, cppName, hasErrors, pair, report, reporter, targetLabel, targetNumber,
  type Dtype, type Reporter,
} from "./common.js";
import { cppU64 } from "./cpp-expr.js";
import { expandGraph, type Graph } from "./hbg-graph.js";
import { sceneSource, type SceneArgument } from "./scene.js";

/**
 * The pto-runtime host_build_graph back end: `pto-runtime/kernels/orchestration/<name>_orch.cpp`
 * with `int <name>_orch(OrchestrationRuntime* rt, const ChipStorageTaskArgs& args)`, and
 * `pto-runtime/scene.py`.
 *
 * The program must be static (the checker refuses symbols, slots, channels, ragged and sparse
 * axes on this target), so the whole graph is expanded here (hbg-graph.ts) and written as
 * static tables — each task's func_id and arguments, the dependency edges — that a loop turns
 * into `add_task` (checked for −1) and `add_successor` calls. Tensor arguments are device
 * pointers: the program's in/out/inout tensors are the host's `args.tensor(i)` (checked against
 * the program's shapes), copied to the device with `copy_to_device` when read and registered
 * with `record_tensor_pair` when written, so the runtime copies them back; intermediates are
 * device-only `device_malloc` buffers. A task's arguments are the view's address (tensor base +
 * byte offset) or the scalar's bits, in parameter order.
 *
 * The file includes `orchestration_api.h`, host_build_graph's orchestration header in pto-runtime
 * (test/pto-runtime-stub/include has a stand-in with the same name).
 *
 * Limits are compile errors at the offending call (WSP0803): more than `max_args` arguments, more
 * than `max_tasks` tasks, more than `max_successors` successors (which host_build_graph would
 * drop silently).
 */
export const emitPtoHbg: BackendEmitter = (input) => {
  const r = reporter(input);
  const subject = input.unit.subject.decl;
  const files = new Map<string, string>();
  const m = input.manifest;
  if (subject.kind !== "Workload" || input.plan.bodies.length !== 1) {
    report(r, "WSP0801", subject.name, `pipelines are not supported on ${targetLabel(m)}: host_build_graph has no channels (seed gap 2)`);
    return { files, diagnostics: r.diagnostics };
  }
  const body = pair(input.plan.bodies[0]!.body, subject.body);
  staticTensors(m, r, subject.name);
  if (hasErrors(r)) return { files, diagnostics: r.diagnostics };
  const graph = expandGraph(m, input.plan, body, r, { maxTasks: targetNumber(m, "max_tasks"), maxSuccessors: targetNumber(m, "max_successors") });
  if (!graph || hasErrors(r)) return { files, diagnostics: r.diagnostics };
  const base = cosmetic(subject.name.text);
  const fn = /^[A-Za-z]/.test(base) ? `${base}_orch` : "wsp_orch";
  const orchestration = `kernels/orchestration/${base || "workload"}_orch.cpp`;
  files.set(`pto-runtime/${orchestration}`, orchestrationSource(m, graph, fn));
  files.set("pto-runtime/scene.py", scene(m, orchestration, fn));
  return { files, diagnostics: r.diagnostics };
};

function staticTensors(m: Manifest, r: Reporter, at: { start: number; end: number }): void {
  for (const t of m.tensors) {
    if (t.dims.some((d) => constDim(d) === undefined)) {
      report(r, "WSP0801", at, `tensor \`${t.name}\` has a launch-time size, which ${targetLabel(m)} cannot use: host_build_graph builds the graph at compile time`);
    }
  }
}

const ROLE = { in: 0, out: 1, inout: 2, intermediate: 3 } as const;

function tensorBytes(t: Manifest["tensors"][number]): bigint {
  return t.dims.reduce((n, d) => n * BigInt(constDim(d) ?? 0), BigInt(DTYPE_BYTES[t.dtype as Dtype] ?? 1));
}

/** `const T name[] = {...};`, `perLine` values a line; an empty table gets one unused value (C++ has no empty arrays). */
function table(type: string, name: string, values: readonly string[], perLine = 16, unused = "0"): string {
  const items = values.length > 0 ? values : [unused];
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(`    ${items.slice(i, i + perLine).join(", ")},`);
  return `const ${type} ${name}[] = {\n${lines.join("\n")}\n};`;
}

function orchestrationSource(m: Manifest, g: Graph, fn: string): string {
  let arg = 0;
  const argOf = m.tensors.map((t) => (t.role === "intermediate" ? -1 : arg++));
  const dimStart: number[] = [];
  const dims: string[] = [];
  for (const t of m.tensors) {
    dimStart.push(dims.length);
    for (const d of t.dims) dims.push(`${constDim(d) ?? 0}u`);
  }
  const argTensor: string[] = [];
  const argValue: string[] = [];
  for (const task of g.tasks) {
    for (const a of task.args) {
      argTensor.push("tensor" in a ? String(a.tensor) : "-1");
      argValue.push(cppU64("tensor" in a ? a.offset : a.scalar));
    }
  }
  const maxArgs = Math.max(1, ...m.kernels.map((k) => k.params.length));
  return [
    `// pto-runtime orchestration of workload ${commentName(m.subject.qualified_name)} for target ${commentName(m.target.name)}`,
    `// (host_build_graph). Generated by wspc ${commentName(m.compiler.version)}: do not edit, rebuild the package.`,
    `// The graph was expanded at compile time: ${g.tasks.length} tasks, ${g.edges.length} dependency edges.`,
    "// Dispatch, ready and start policies are recorded in ../../../manifest.json, not enforced:",
    "// host_build_graph deals ready tasks round-robin to its scheduler threads.",
    "#include <cstddef>",
    "#include <cstdint>",
    "#include <vector>",
    "",
    "#include \"orchestration_api.h\"",
    "",
    "namespace {",
    "",
    `constexpr int kTensors = ${m.tensors.length};`,
    `constexpr int kTasks = ${g.tasks.length};`,
    `constexpr int kEdges = ${g.edges.length};`,
    `constexpr int kMaxArgs = ${maxArgs};`,
    "",
    `// Tensors, in the manifest's order: ${m.tensors.map((t, i) => cppName("t", i, t.name)).join(", ") || "none"}.`,
    "// The host's argument index (-1: an intermediate, device-only), role (0 in, 1 out, 2 inout,",
    "// 3 intermediate), size in bytes, and shape (kDims from kDimStart).",
    table("int", "kTensorArg", argOf.map(String)),
    table("int", "kTensorRole", m.tensors.map((t) => String(ROLE[t.role as keyof typeof ROLE] ?? 3))),
    table("uint64_t", "kTensorBytes", m.tensors.map((t) => cppU64(tensorBytes(t))), 4),
    table("uint32_t", "kTensorRank", m.tensors.map((t) => `${t.dims.length}u`)),
    table("int", "kDimStart", dimStart.map(String)),
    table("uint32_t", "kDims", dims),
    "",
    `// Kernels by func_id: ${m.kernels.map((k, i) => cppName("k", i, k.name)).join(", ")}; core type and argument count.`,
    table("CoreType", "kFuncCore", m.kernels.map((k) => (k.executor === "AIC" ? "CoreType::AIC" : "CoreType::AIV")), 4, "CoreType::AIC"),
    table("int", "kFuncArgs", m.kernels.map((k) => String(k.params.length))),
    "",
    "// Tasks in submission order: func_id.",
    table("uint16_t", "kTaskFunc", g.tasks.map((t) => String(m.kernels[t.kernel]!.func_id))),
    "// Every task's arguments in order, kFuncArgs[func_id] per task: the tensor (-1: a scalar) and the",
    "// view's byte offset into it, or the scalar's bits.",
    table("int", "kArgTensor", argTensor),
    table("uint64_t", "kArgValue", argValue, 4),
    "// Dependency edges between task numbers: kEdgeFrom[e] runs before kEdgeTo[e].",
    table("int", "kEdgeFrom", g.edges.map((e) => String(e[0]))),
    table("int", "kEdgeTo", g.edges.map((e) => String(e[1]))),
    "",
    "constexpr int kRoleIn = 0;",
    "constexpr int kRoleOut = 1;",
    "",
    "}  // namespace",
    "",
    `extern "C" int ${fn}(OrchestrationRuntime* rt, const ChipStorageTaskArgs& args) {`,
    "  // Device buffers: the host's tensors (checked against the program's shapes) and intermediates.",
    "  void* dev[kTensors > 0 ? kTensors : 1] = {};",
    "  for (int t = 0; t < kTensors; ++t) {",
    "    dev[t] = device_malloc(rt, static_cast<size_t>(kTensorBytes[t]));",
    "    if (dev[t] == nullptr) return -1;",
    "    const int a = kTensorArg[t];",
    "    if (a < 0) continue;",
    "    const ContinuousTensor& host = args.tensor(static_cast<uint32_t>(a));",
    "    for (uint32_t d = 0; d < kTensorRank[t]; ++d) {",
    "      if (host.shapes[d] != kDims[kDimStart[t] + static_cast<int>(d)]) return -1;",
    "    }",
    "    void* data = reinterpret_cast<void*>(static_cast<uintptr_t>(host.data));",
    "    if (kTensorRole[t] != kRoleOut && copy_to_device(rt, dev[t], data, static_cast<size_t>(kTensorBytes[t])) != 0) return -1;",
    "    if (kTensorRole[t] != kRoleIn) record_tensor_pair(rt, data, dev[t], static_cast<size_t>(kTensorBytes[t]));",
    "  }",
    "  // Tasks: a tensor argument is its buffer's address plus the view's offset.",
    "  std::vector<int> ids(static_cast<size_t>(kTasks));",
    "  size_t next = 0;",
    "  for (int t = 0; t < kTasks; ++t) {",
    "    const int f = kTaskFunc[t];",
    "    uint64_t argv[kMaxArgs];",
    "    for (int j = 0; j < kFuncArgs[f]; ++j, ++next) {",
    "      const int tensor = kArgTensor[next];",
    "      argv[j] = tensor < 0 ? kArgValue[next] : static_cast<uint64_t>(reinterpret_cast<uintptr_t>(dev[tensor])) + kArgValue[next];",
    "    }",
    "    ids[static_cast<size_t>(t)] = add_task(rt, argv, kFuncArgs[f], f, kFuncCore[f]);",
    "    if (ids[static_cast<size_t>(t)] < 0) return -1;  // the task table is full",
    "  }",
    "  for (int e = 0; e < kEdges; ++e) {",
    "    add_successor(rt, ids[static_cast<size_t>(kEdgeFrom[e])], ids[static_cast<size_t>(kEdgeTo[e])]);",
    "  }",
    "  return 0;",
    "}",
    "",
  ].join("\n");
}

function scene(m: Manifest, orchestration: string, fn: string): string {
  const args: SceneArgument[] = m.tensors
    .filter((t) => t.role !== "intermediate")
    .map((t) => ({ tensor: t, direction: t.role === "in" ? "IN" : t.role === "out" ? "OUT" : "INOUT", scratch: false }));
  return sceneSource({
    manifest: m,
    runtime: "host_build_graph",
    orchestration,
    functionName: fn,
    arguments: args,
    aicpuThreads: targetNumber(m, "schedulers") ?? 3,
    blockDim: targetNumber(m, "aic_cores") ?? 24,
    env: [],
    notes: [
      "host_build_graph builds the whole graph on the host before launch: no task window (the schedule's",
      "window is diagnosed), no scopes, no pools. Intermediates are device buffers the orchestration",
      "allocates itself. Dispatch, ready and start policies are recorded in ../manifest.json, not enforced.",
    ],
  });
}
