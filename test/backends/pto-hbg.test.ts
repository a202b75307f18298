import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { build, compileTree, example, file, sceneValues } from "./helpers.js";

const ORCH = /^pto-runtime\/kernels\/orchestration\/.*_orch\.cpp$/;

function hbg(text: string) {
  const b = build(text, "a2a3_hbg");
  expect(b.diagnostics.filter((d) => / WSP080[3-7] /.test(d))).toEqual([]);
  return b;
}

/** Values of a `const T name[] = {...};` table, the first `n` of them. */
function tableOf(cpp: string, name: string, n: number): string[] {
  const m = new RegExp(`const [\\w:]+ ${name}\\[\\] = \\{([^}]*)\\};`).exec(cpp);
  expect(m, name).not.toBeNull();
  return m![1]!.split(",").map((s) => s.trim()).filter(Boolean).slice(0, n);
}

const constant = (cpp: string, name: string): number => Number(new RegExp(`constexpr int ${name} = (\\d+);`).exec(cpp)?.[1]);

/** The emitted dependency edges as "from->to". */
function edges(cpp: string): string[] {
  const n = constant(cpp, "kEdges");
  const from = tableOf(cpp, "kEdgeFrom", n);
  const to = tableOf(cpp, "kEdgeTo", n);
  return from.map((f, i) => `${f}->${to[i]}`);
}

const header = (tensors: string, kernels: string, axes: string, body: string) => `
use std.targets.{a2a3_hbg}
${tensors}
${kernels}
${axes}
workload w {
${body}
}
schedule w on a2a3_hbg { }
`;

describe("pto-hbg: the graph and its dependencies", () => {
  it("chains four k-steps accumulating into the same C tile: 0->1->2->3", () => {
    const b = hbg(header(
      "tensor A: f16[2, 4, 16, 16] in\ntensor B: f16[4, 16, 16] in\ntensor C: f32[2, 16, 16] inout",
      "kernel gemm(a: in f16[16, 16], b: in f16[16, 16], c: inout f32[16, 16]) on aic cycles 100",
      "axis tm = dense(2)\naxis tk = dense(4)",
      "  parallel m in tm { for k in tk { gemm(A[m, k], B[k], C[m]) } }",
    ));
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain('extern "C" int w_orch(OrchestrationRuntime* rt, const ChipStorageTaskArgs& args) {');
    expect(constant(cpp, "kTasks")).toBe(8);
    expect(edges(cpp)).toEqual(["0->1", "1->2", "2->3", "4->5", "5->6", "6->7"]);
    // task t = m * 4 + k: arguments A[m, k], B[k], C[m] as byte offsets (f16 tile 512 bytes, f32 tile 1024)
    const args = tableOf(cpp, "kArgValue", 24);
    expect(args.slice(0, 3)).toEqual(["UINT64_C(0)", "UINT64_C(0)", "UINT64_C(0)"]);
    expect(args.slice(15, 18)).toEqual(["UINT64_C(2560)", "UINT64_C(512)", "UINT64_C(1024)"]); // t = 5: m 1, k 1: A (1*4+1)*512
    expect(tableOf(cpp, "kArgTensor", 3)).toEqual(["0", "1", "2"]);
  });

  it("derives read-after-write, write-after-read and write-after-write edges between overlapping views", () => {
    const b = hbg(header(
      "tensor X: f32[2, 4] in\ntensor T: f32[2, 4]\ntensor U: f32[2, 4] out\ntensor S: f32[1, 4] out",
      [
        "kernel produce(x: in f32[4], t: out f32[4]) on aiv cycles 1",
        "kernel use_t(t: in f32[4], u: out f32[4]) on aiv cycles 1",
        "kernel reduce(t: in f32[2, 4], s: out f32[4]) on aiv cycles 1",
        "kernel reset(t: out f32[4]) on aiv cycles 1",
      ].join("\n"),
      "axis n = dense(2)",
      [
        "  parallel i in n { produce(X[i], T[i]) }", //  tasks 0, 1
        "  parallel i in n { use_t(T[i], U[i]) }", //  2 after 0, 3 after 1 (RAW)
        "  reduce(T, S[0])", //                          4 reads all of T: after 0 and 1 (RAW)
        "  reset(T[0])", //                              5 writes T[0]: after its writer 0 (WAW), its reader 2 and T's reader 4 (WAR)
      ].join("\n"),
    ));
    compileTree(b);
    expect(edges(file(b, ORCH))).toEqual(["0->2", "0->4", "0->5", "1->3", "1->4", "2->5", "4->5"]);
  });

  it("orders the iterations of a `for` even without shared data", () => {
    const b = hbg(header(
      "tensor X: f32[2, 2, 4] in\ntensor Y: f32[2, 2, 4] out",
      "kernel k(x: in f32[4], y: out f32[4]) on aiv cycles 1",
      "axis n = dense(2)",
      // iteration k = 0 submits tasks 0 and 1, k = 1 tasks 2 and 3: each of 0, 1 precedes each of 2, 3
      "  for k in n { parallel j in n { k(X[k, j], Y[k, j]) } }",
    ));
    expect(edges(file(b, ORCH))).toEqual(["0->2", "0->3", "1->2", "1->3"]);
  });

  it("decides `when` at compile time and passes scalars as their parameter type's bits", () => {
    const b = hbg(header(
      "tensor Y: f32[4, 4] out",
      "kernel a(y: out f32[4], s: i32) on aiv cycles 1\nkernel b(y: out f32[4]) on aic cycles 1",
      "axis n = dense(4)",
      "  parallel i in n { when i == 2 { b(Y[i]) } else { a(Y[i], s = i64(i) - 2) } }",
    ));
    compileTree(b);
    const cpp = file(b, ORCH);
    // func_ids follow the manifest's kernel order, the order the workload reaches them: b (0), a (1)
    expect(tableOf(cpp, "kTaskFunc", 4)).toEqual(["1", "1", "0", "1"]);
    // (task 0: Y[0], -2), (task 1: Y[1], -1), (task 2: Y[2]), (task 3: Y[3], 1); -2 as i32 sign-extended
    expect(tableOf(cpp, "kArgValue", 7)).toEqual([
      "UINT64_C(0)", "UINT64_C(18446744073709551614)", "UINT64_C(16)", "UINT64_C(18446744073709551615)",
      "UINT64_C(32)", "UINT64_C(48)", "UINT64_C(1)",
    ]);
    expect(tableOf(cpp, "kFuncCore", 2)).toEqual(["CoreType::AIC", "CoreType::AIV"]);
    expect(tableOf(cpp, "kTensorArg", 1)).toEqual(["0"]);
  });

  it("builds the bgemm example's 64 tasks as 16 chains of 4 when scheduled on a2a3_hbg", () => {
    const text = example("bgemm").replace(/use std\.targets\.\{[^}]*\}/, "use std.targets.{a2a3_hbg}")
      .replace(/schedule bgemm on [\s\S]*$/, "schedule bgemm on a2a3_hbg { }\n");
    const b = hbg(text);
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(constant(cpp, "kTasks")).toBe(64);
    const expected: string[] = [];
    for (let c = 0; c < 16; c++) for (let k = 0; k < 3; k++) expected.push(`${c * 4 + k}->${c * 4 + k + 1}`);
    expect(edges(cpp)).toEqual(expected.sort((x, y) => Number(x.split("->")[0]) - Number(y.split("->")[0])));
    const scene = sceneValues(path.join(dir, "pto-runtime/scene.py"));
    expect(scene.ORCHESTRATION).toMatchObject({ function_name: "bgemm_orch", signature: ["IN", "IN", "INOUT"] });
    expect(scene.RUNTIME_CONFIG).toEqual({ runtime: "host_build_graph", aicpu_thread_num: 3, block_dim: 24 });
    expect(scene.RUNTIME_ENV).toEqual({});
  });

  it("allocates intermediates on the device and passes only the program's own tensors", () => {
    const b = hbg(header(
      "tensor X: f32[2, 4] in\ntensor T: f32[2, 4]\ntensor Y: f32[2, 4] out",
      "kernel f(x: in f32[4], y: out f32[4]) on aiv cycles 1",
      "axis n = dense(2)",
      "  parallel i in n { f(X[i], T[i]); f(T[i], Y[i]) }",
    ));
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(tableOf(cpp, "kTensorArg", 3)).toEqual(["0", "-1", "1"]);
    expect(tableOf(cpp, "kTensorRole", 3)).toEqual(["0", "3", "1"]);
    expect(tableOf(cpp, "kTensorBytes", 3)).toEqual(["UINT64_C(32)", "UINT64_C(32)", "UINT64_C(32)"]);
    expect(edges(cpp)).toEqual(["0->1", "2->3"]);
    expect((sceneValues(path.join(dir, "pto-runtime/scene.py")).ORCHESTRATION as { signature: string[] }).signature).toEqual(["IN", "OUT"]);
  });
});

describe("pto-hbg: limits are compile errors at the offending call", () => {
  it("refuses more than 131072 tasks (max_tasks)", () => {
    const b = build(header(
      "tensor T: f32[131073, 4] out",
      "kernel k(t: out f32[4]) on aiv cycles 1",
      "axis n = dense(131073)",
      "  parallel i in n { k(T[i]) }",
    ), "a2a3_hbg");
    expect(b.diagnostics).toEqual([
      "7:21 WSP0803 this call would add task 131073, but a2a3_hbg (pto-hbg) holds at most 131072 tasks in one graph (`max_tasks`); shrink the workload or split it into several",
    ]);
    expect([...b.pkg.files.keys()].some((k) => k.startsWith("pto-runtime/"))).toBe(false);
  }, 60_000);

  it("accepts exactly 131072 tasks", () => {
    const b = hbg(header(
      "tensor T: f32[131072, 4] out",
      "kernel k(t: out f32[4]) on aiv cycles 1",
      "axis n = dense(131072)",
      "  parallel i in n { k(T[i]) }",
    ));
    expect(constant(file(b, ORCH), "kTasks")).toBe(131072);
  }, 60_000);

  it("refuses a producer read by 129 consumers (max_successors: host_build_graph would drop the 129th edge)", () => {
    const program = (readers: number) => header(
      `tensor T: f32[1, 4]\ntensor U: f32[${readers}, 4] out`,
      "kernel p(t: out f32[4]) on aiv cycles 1\nkernel c(t: in f32[4], u: out f32[4]) on aiv cycles 1",
      `axis n = dense(${readers})`,
      "  p(T[0])\n  parallel i in n { c(T[0], U[i]) }",
    );
    expect(build(program(129), "a2a3_hbg").diagnostics).toEqual([
      "9:3 WSP0803 task 0 of this call has 129 successors, but a2a3_hbg (pto-hbg) keeps at most 128 per task (`max_successors`) and drops the rest silently, so dependent tasks could start before their inputs are ready; reduce the fan-out (fewer readers of one tile, or a reduction tree)",
    ]);
    expect(edges(file(hbg(program(128)), ORCH))).toHaveLength(128);
  });

  it("reports an index outside its tensor and a division by zero found while expanding (WSP0806)", () => {
    const outside = build(header(
      "tensor T: f32[4, 4] out",
      "kernel k(t: out f32[4]) on aiv cycles 1",
      "axis n = dense(4)",
      "  parallel i in n { k(T[i + 1]) }",
    ), "a2a3_hbg");
    expect(outside.diagnostics).toEqual([
      "7:21 WSP0806 index 4 is outside dimension 0 of `T` (size 4) while expanding the graph at compile time",
    ]);
    const zero = build(header(
      "tensor T: f32[4, 4] out",
      "kernel k(t: out f32[4], s: u32) on aiv cycles 1",
      "axis n = dense(4)",
      "  parallel i in n { k(T[i], s = 8 / (i - i)) }",
    ), "a2a3_hbg");
    expect(zero.diagnostics).toEqual([
      "7:21 WSP0806 division by zero while expanding the graph at compile time (host_build_graph builds it before launch)",
    ]);
  });
});

describe("pto-hbg: the source tree stays compact and safe", () => {
  it("builds the graph with loops over static tables, not one statement per task", () => {
    const program = (n: number) => header(
      `tensor T: f32[${n}, 4] out`,
      "kernel k(t: out f32[4]) on aiv cycles 1",
      `axis n = dense(${n})`,
      "  parallel i in n { k(T[i]) }",
    );
    const small = file(hbg(program(4)), ORCH);
    const large = file(hbg(program(400)), ORCH);
    const statements = (cpp: string) => cpp.split("\n").filter((l) => /add_task\(|add_successor\(/.test(l)).length;
    expect(statements(small)).toBe(2);
    expect(statements(large)).toBe(2);
    expect(large).toContain("for (int t = 0; t < kTasks; ++t) {");
    expect(large).toContain("if (ids[static_cast<size_t>(t)] < 0) return -1;");
  });

  it("sanitises names and escapes the kernel's source path", () => {
    const b = hbg(String.raw`
use std.targets.{a2a3_hbg}
tensor __FILE__: f32[4, 8] out
kernel x__attribute__(t: out f32[8]) on aiv cycles 1 source "a\"; system(\"rm\") */ ''' # $(x)"
axis _ = dense(4)
workload int { parallel i in _ { x__attribute__(__FILE__[i]) } }
schedule int on a2a3_hbg { }
`);
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain('extern "C" int int_orch(');
    expect(cpp).not.toContain("system(");
    expect((sceneValues(path.join(dir, "pto-runtime/scene.py")).KERNELS as { source: string }[])[0]!.source).toBe('a"; system("rm") */ \'\'\' # $(x)');
  });
});
