import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { build, compileTree, count, example, file, sceneValues } from "./helpers.js";

const ORCH = /^pto-runtime\/kernels\/orchestration\/.*_orch\.cpp$/;

function tmr(text: string) {
  const b = build(text, "a2a3");
  expect(b.diagnostics.filter((d) => / WSP08\d\d /.test(d) && !d.includes("WSP0805"))).toEqual([]);
  return b;
}

const expectedArgs = (cpp: string): number => Number(/\.expected_arg_count = (\d+)/.exec(cpp)?.[1]);

/** The schedule's window rounded up to a power of two (the examples' schedules may change). */
function ringSize(b: ReturnType<typeof build>): number {
  const size = (JSON.parse(b.pkg.files.get("manifest.json")!) as { schedule: { window: { size: number } } }).schedule.window.size;
  let ring = 1;
  while (ring < size) ring *= 2;
  return ring;
}

describe("pto-tmr: the examples with an a2a3 schedule", () => {
  it("bgemm: three argument tensors, four nested C++ loops, one AIC submit with the dispatch recorded", () => {
    const b = tmr(example("bgemm"));
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain('extern "C" __attribute__((visibility("default"))) void aicpu_orchestration_entry(const ChipStorageTaskArgs& orch_args)');
    expect(cpp).toContain("aicpu_orchestration_config(const ChipStorageTaskArgs& orch_args)");
    expect(expectedArgs(cpp)).toBe(3);
    expect(count(cpp, "for (uint64_t ")).toBe(4);
    expect(count(cpp, "rt_submit_aic_task(")).toBe(1);
    expect(count(cpp, ".add_input(")).toBe(2);
    expect(count(cpp, ".add_inout(")).toBe(1);
    expect(cpp).toContain("static uint64_t wsp_select_scheduler(");
    expect(cpp).toMatch(/\(void\)c\d+_scheduler;\s+\/\/ dispatch: recorded, not enforced/);
    expect(cpp).not.toContain("PTO2_SCOPE()");
    const scene = sceneValues(path.join(dir, "pto-runtime/scene.py"));
    expect(scene.ORCHESTRATION).toMatchObject({ function_name: "aicpu_orchestration_entry", signature: ["IN", "IN", "INOUT"] });
    expect(String((scene.ORCHESTRATION as { source: string }).source)).toMatch(/kernels\/orchestration\/bgemm_orch\.cpp$/);
    expect(scene.KERNELS).toEqual([{ func_id: 0, name: "gemm_tile", source: null, core_type: "aic" }]);
    expect(scene.RUNTIME_ENV).toEqual({ PTO2_RING_TASK_WINDOW: String(ringSize(b)) });
    expect(scene.RUNTIME_CONFIG).toEqual({ runtime: "tensormap_and_ringbuffer", aicpu_thread_num: 4, block_dim: 24 });
  });

  it("llama_layer: the four per-tile intermediates are runtime-allocated, so eight tensors are passed", () => {
    const b = tmr(example("llama_layer"));
    compileTree(b);
    const cpp = file(b, ORCH);
    // X Wqkv Wo Gamma Wgate Wup Wdown Y; Attn Res Norm Mlp are written then read in one iteration
    expect(expectedArgs(cpp)).toBe(8);
    expect(count(cpp, ".add_output(")).toBe(4);
    expect(count(cpp, "TensorCreateInfo ")).toBe(4);
    expect(count(cpp, "DataType::FLOAT16")).toBe(4);
    expect(count(cpp, "rt_submit_aic_task(")).toBe(2); // attention, mlp
    expect(count(cpp, "rt_submit_aiv_task(")).toBe(3); // residual_add twice, rmsnorm
    // `attention(X[t], X, ...)`: the whole tensor X is passed without a view
    expect(cpp).toMatch(/c\d+\.add_input\(t\d+_X\);/);
    // the tile scalar is a u32: its low 32 bits
    expect(cpp).toContain(".add_scalar((v0_t & UINT64_C(4294967295)));");
  });

  it("paged_attention: ragged loop from NumBlocks, slot loads, the program's scope, scratch for the running state", () => {
    const b = tmr(example("paged_attention"));
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    // Q KCache VCache BlockTable ContextLens NumBlocks Out + scratch RunMax RunSum (accumulated with inout)
    expect(expectedArgs(cpp)).toBe(9);
    expect(count(cpp, "PTO2_SCOPE() {")).toBe(1);
    expect(count(cpp, ".add_output(")).toBe(5); // Scores Probs BlockMax BlockSum BlockOut
    expect(cpp).toMatch(/get_tensor_data<uint32_t>\(t\d+_NumBlocks, 1, r\d+\)/);
    expect(cpp).toMatch(/slot0_ctx = static_cast<uint64_t>\(get_tensor_data<uint64_t>\(t\d+_ContextLens, 1, x\d+\)\);/);
    // phys is an i64 slot loaded from an i32 table: sign-extended
    expect(cpp).toMatch(/slot1_phys = static_cast<uint64_t>\(static_cast<int64_t>\(get_tensor_data<int32_t>\(t\d+_BlockTable, 2, x\d+\)\)\);/);
    const scene = sceneValues(path.join(dir, "pto-runtime/scene.py"));
    expect(scene.RUNTIME_ENV).toEqual({ PTO2_RING_TASK_WINDOW: String(ringSize(b)) });
    const args = scene.ARGUMENTS as { name: string; scratch: boolean }[];
    expect(args.filter((a) => a.scratch).map((a) => a.name)).toEqual(["RunMax", "RunSum"]);
  });

  it("softmax: the accumulated row statistics are host-allocated scratch", () => {
    const b = tmr(example("softmax"));
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(expectedArgs(cpp)).toBe(4); // Logits Probs + RowMax RowSum
    expect(count(cpp, ".add_output(")).toBe(0);
    expect(count(cpp, "rt_submit_aiv_task(")).toBe(3);
  });
});

const INDEXER = `
use std.targets.{a2a3}
use std.policies.{affinity}
slot eff_seq: u64
axis b = dense(2)
axis s = dense(4)
tensor Scores: f32[2, 4, 1, 32] in
tensor EffSeq: u64[2, 4, 1, 1] in
tensor OutIdx: i32[2, 4, 1, 8] out
kernel topk8(scores: in f32[1, 32], idx: out i32[1, 8], pad: i32) on aiv cycles 800 + (pad / 32) * 128
workload indexer {
  parallel i in b, j in s {
    load eff_seq <- EffSeq[i, j]
    when eff_seq <= 2048 { topk8(Scores[i, j], OutIdx[i, j], pad = 2048) }
    else when eff_seq <= 8192 { topk8(Scores[i, j], OutIdx[i, j], pad = 8192) }
    else { topk8(Scores[i, j], OutIdx[i, j], pad = 131072) }
  }
}
schedule indexer on a2a3 { dispatch affinity(task.i, 3)  window 48 tasks stall }
`;

describe("pto-tmr: control flow, slots and dynamic sizes", () => {
  it("an indexer: load into a slot, when / else when / else, the window rounded up to a power of two", () => {
    const b = tmr(INDEXER);
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toMatch(/slot0_eff_seq = static_cast<uint64_t>\(get_tensor_data<uint64_t>\(t\d+_EffSeq, 4, x\d+\)\);/);
    expect(cpp).toContain("if (wsp_b(slot0_eff_seq <= UINT64_C(2048)) != UINT64_C(0)) {");
    expect(cpp).toContain("} else if (wsp_b(slot0_eff_seq <= UINT64_C(8192)) != UINT64_C(0)) {");
    expect(cpp).toContain("} else {");
    // pad: i32, so 131072 is passed as its sign-extended low 32 bits
    expect(cpp).toContain(".add_scalar(wsp_sext(UINT64_C(131072), 32));");
    expect(count(cpp, "rt_submit_aiv_task(")).toBe(3);
    expect(cpp).toContain("wsp_select_scheduler(v0_i)");
    const scene = sceneValues(path.join(dir, "pto-runtime/scene.py"));
    expect(scene.RUNTIME_ENV).toEqual({ PTO2_RING_TASK_WINDOW: "64" });
    const text = b.pkg.files.get("pto-runtime/scene.py")!;
    expect(text).toContain("The schedule's window is 48 tasks; the runtime needs a power of two, so it is rounded up to 64.");
  });

  it("compiles the dispatch policy with its arguments and lets into wsp_select_scheduler", () => {
    const b = tmr(`
use std.targets.{a2a3}
use std.policies.{hash}
tensor C: f32[4, 4, 16] inout
kernel k(c: inout f32[16]) on aiv cycles 1
axis tm = dense(4)
axis tn = dense(4)
policy tile_owner(count: u32): dispatch = (task.m * 4 + task.n) % count
workload w { parallel m in tm, n in tn { k(C[m, n]) } }
schedule w on a2a3 { dispatch tile_owner(3)  window 64 tasks stall }
`);
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain("static uint64_t wsp_select_scheduler(uint64_t a0_m, uint64_t a1_n) {");
    expect(cpp).toContain("const uint64_t p0_count = (UINT64_C(3) & UINT64_C(4294967295));");
    expect(cpp).toContain("return wsp_rem(((a0_m * UINT64_C(4)) + a1_n), p0_count, \"dispatch policy main.tile_owner\");");
    expect(cpp).toContain("= wsp_select_scheduler(v0_m, v1_n);");
    // a policy reading a slot and a symbol gets their current values
    const reads = file(tmr(`
use std.targets.{a2a3}
slot eff_seq: u64
symbol batch: u64
tensor E: u64[batch, 1] in
tensor Y: f32[batch, 8] out
kernel k(y: out f32[8]) on aiv cycles 1
axis b = dyn(batch)
policy mine(n: u32): dispatch = (eff_seq + batch + task.i) % n
workload w { parallel i in b { load eff_seq <- E[i]; k(Y[i]) } }
schedule w on a2a3 { dispatch mine(3)  window 64 tasks stall }
`), ORCH);
    expect(reads).toContain("static uint64_t wsp_select_scheduler(uint64_t a0_i, uint64_t slot1_eff_seq, uint64_t sym2_batch) {");
    expect(reads).toContain("= wsp_select_scheduler(v0_i, slot0_eff_seq, sym0_batch);");
    // std.policies.hash: splitmix64's finalizer written with lets, then % n
    const hashed = file(tmr(`
use std.targets.{a2a3}
use std.policies.{hash}
tensor C: f32[4, 16] inout
kernel k(c: inout f32[16]) on aiv cycles 1
axis tm = dense(4)
workload w { parallel m in tm { k(C[m]) } }
schedule w on a2a3 { dispatch hash(task.m, 3)  window 64 tasks stall }
`), ORCH);
    expect(hashed).toMatch(/const uint64_t l2 = \(p0_key \^ \(p0_key >> \(UINT64_C\(30\) & UINT64_C\(63\)\)\)\);/);
    expect(hashed).toContain("UINT64_C(13787848793156543929)"); // 0xbf58476d1ce4e5b9
  });

  it("a sparse select reads the CSR row from the device and binds each selected value", () => {
    const b = tmr(`
use std.targets.{a2a3}
tensor Tokens: bf16[4, 16, 64] in
tensor Indptr: i32[5] in
tensor Indices: i32[10] in
tensor W: bf16[8, 64, 64] in
tensor Out: f32[4, 8, 16, 64] out
kernel expert(x: in bf16[16, 64], w: in bf16[64, 64], y: out f32[16, 64]) on aic cycles 2600
axis tok = dense(4)
axis routed = sparse(tok, indptr = Indptr, indices = Indices)
workload moe { parallel t in tok { select e in routed[t] { expert(Tokens[t], W[e], Out[t, e]) } } }
schedule moe on a2a3 { window 64 tasks stall }
`);
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toMatch(/const uint64_t lo\d+ = wsp_count\(static_cast<int64_t>\(get_tensor_data<int32_t>\(t\d+_Indptr, 1, a\d+\)\)/);
    expect(cpp).toMatch(/if \(hi(\d+) < lo\1\) wsp_fail\("indptr decreases"/);
    expect(cpp).toMatch(/const uint64_t v1_e = wsp_count\(static_cast<int64_t>\(get_tensor_data<int32_t>\(t\d+_Indices, 1, e\d+\)\)/);
    // an unknown number of tasks in the outer scope: one scope per selected expert, inside the select
    expect(count(cpp, "PTO2_SCOPE() {  // automatic")).toBe(1);
    expect(cpp.indexOf("PTO2_SCOPE() {")).toBeGreaterThan(cpp.indexOf("const uint64_t v1_e ="));
  });

  it("reads a launch-time symbol from the shape of the argument tensor it sizes", () => {
    const b = tmr(`
use std.targets.{a2a3}
symbol batch: u64
tensor Q: f32[batch, 8, 8] in
tensor O: f32[batch, 8, 8] out
kernel k(q: in f32[8, 8], o: out f32[8, 8]) on aiv cycles 1
axis b = dyn(batch)
workload w { parallel i in b { k(Q[i], O[i]) } }
schedule w on a2a3 { window 64 tasks stall }
`);
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain("const uint64_t sym0_batch = static_cast<uint64_t>(orch_args.tensor(0).shapes[0]);");
    // O's first dimension must equal batch; Q's defines it
    expect(cpp).toMatch(/wsp_check_dim\(static_cast<uint64_t>\(orch_args\.tensor\(1\)\.shapes\[0\]\), sym0_batch, "tensor O, dimension 0"\);/);
    expect(cpp).toContain("for (uint64_t v0_i = 0, n0 = sym0_batch; v0_i < n0; ++v0_i) {");
  });

  it("refuses a symbol that sizes no argument tensor (WSP0807)", () => {
    const b = build(`
use std.targets.{a2a3}
symbol steps: u64
tensor T: f32[8, 8] inout
kernel k(t: inout f32[8]) on aiv cycles 1
axis n = dyn(steps)
workload w { for i in n { k(T[i % 8]) } }
schedule w on a2a3 { window 64 tasks stall }
`, "a2a3");
    expect(b.diagnostics.filter((d) => d.includes("WSP0807"))).toEqual([
      "7:10 WSP0807 symbol `steps` cannot be supplied on a2a3 (pto-tmr): pto-runtime passes only tensors to the orchestration, so a launch-time value must be a dimension of an argument tensor, and no argument tensor has `steps` as a dimension",
    ]);
    expect([...b.pkg.files.keys()].some((k) => k.startsWith("pto-runtime/"))).toBe(false);
  });
});

/** A bgemm-like program of 4 x 4 output tiles with a 4-step k chain: 64 tasks. */
const chain = (window: number, tk = 4) => `
use std.targets.{a2a3}
tensor A: f16[4, ${tk}, 16, 16] in
tensor C: f32[4, 4, 16, 16] inout
kernel gemm(a: in f16[16, 16], c: inout f32[16, 16]) on aic cycles 100
axis tm = dense(4)
axis tn = dense(4)
axis tk = dense(${tk})
workload w { parallel m in tm, n in tn { for k in tk { gemm(A[m, k], C[m, n]) } } }
schedule w on a2a3 { window ${window} tasks stall }
`;

describe("pto-tmr: loops are never unrolled", () => {
  const program = (n: number) => `
use std.targets.{a2a3}
tensor X: f32[${n}, 16] in
tensor Y: f32[${n}, 16] out
kernel k(x: in f32[16], y: out f32[16]) on aiv cycles 1
axis rows = dense(${n})
workload w { parallel i in rows { k(X[i], Y[i]) } }
schedule w on a2a3 { window 8192 tasks stall }
`;

  it("the orchestration and the scene do not grow with the trip count", () => {
    const small = build(program(4), "a2a3");
    const large = build(program(4096), "a2a3");
    for (const pattern of [ORCH, /scene\.py$/]) {
      const a = file(small, pattern);
      const b = file(large, pattern);
      // identical but for the trip count itself (4 vs 4096 tasks)
      expect(b.replaceAll("4096", "4")).toBe(a);
      expect(b.length - a.length).toBe(3 * count(b, "4096"));
      expect(count(b, "4096")).toBeLessThanOrEqual(6);
    }
    compileTree(large);
  });
});

describe("pto-tmr: the scope rule (a scope holds at most window - 1 tasks)", () => {
  it("does not add scopes when the program fits the window", () => {
    expect(file(tmr(chain(65)), ORCH)).not.toContain("PTO2_SCOPE()");
  });

  it("opens a scope per iteration at the outermost loop level whose iteration fits", () => {
    // window 16: a scope may hold 15. Per m: 4 n x 4 k = 16 tasks (too many); per n: 4.
    const b = tmr(chain(16));
    compileTree(b);
    const cpp = file(b, ORCH);
    expect(count(cpp, "PTO2_SCOPE() {")).toBe(1);
    const scope = cpp.indexOf("PTO2_SCOPE() {");
    expect(cpp.lastIndexOf("for (uint64_t v1_n", scope)).toBeGreaterThan(cpp.lastIndexOf("for (uint64_t v0_m", scope));
    expect(cpp.lastIndexOf("for (uint64_t v1_n", scope)).toBeGreaterThan(0);
    expect(cpp.indexOf("for (uint64_t v2_k", scope)).toBeGreaterThan(scope);
    // window 5: per n, 4 tasks fit in 4
    expect(count(file(tmr(chain(5)), ORCH), "PTO2_SCOPE() {")).toBe(1);
  });

  it("splits nested loops when one iteration of the outer one is too large", () => {
    // window 4 (3 per scope): a k chain has 4 tasks, so each k iteration gets the scope; the
    // (m, n) iteration then holds nothing itself and needs none
    const cpp = file(tmr(chain(4)), ORCH);
    expect(count(cpp, "PTO2_SCOPE() {")).toBe(1);
    expect(cpp.indexOf("for (uint64_t v2_k")).toBeLessThan(cpp.indexOf("PTO2_SCOPE() {"));
  });

  const scoped = (body: string, window: number) => `
use std.targets.{a2a3}
tensor T: f32[64, 8] out
kernel k(t: out f32[8]) on aiv cycles 1
axis n10 = dense(10)
axis n20 = dense(20)
workload w {
${body}
}
schedule w on a2a3 { window ${window} tasks stall }
`;

  it("leaves a program scope larger than the window to the deadlock analysis, which stops the build first (WSP0904)", () => {
    // 20 tasks in one scope; a2a3 lets a scope hold window − 1: 15 of window 16. The smallest
    // window that holds 20 is 21, a power of two on pto-tmr: 32.
    const r = checkText(scoped("  scope { parallel i in n20 { k(T[i]) } }", 16));
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["WSP0904"]);
    expect(errors[0]!.fixes.map((f) => f.edits.map((e) => e.newText))).toContainEqual(["32"]);
    expect(build(scoped("  scope { parallel i in n20 { k(T[i]) } }", 32), "a2a3").diagnostics).toEqual([]);
  });

  it("counts what the enclosing scope already holds", () => {
    // 6 calls stay in the outer scope while the program's scope of 10 is open: 16 > 15
    const six = Array.from({ length: 6 }, (_, j) => `k(T[${j}])`).join("; ");
    const b = build(scoped(`  ${six}\n  scope { parallel i in n10 { k(T[i + 6]) } }`, 16), "a2a3");
    expect(b.diagnostics).toEqual([
      "9:3 WSP0804 this scope holds up to 10 tasks until it ends, but with window 16 a scope may hold at most 15 on a2a3 (pto-tmr) (the enclosing scopes may already hold 6): the orchestration would stop with a scope deadlock; raise the window to at least 17, or end the scope sooner",
    ]);
    expect(build(scoped(`  ${six}\n  scope { parallel i in n10 { k(T[i + 6]) } }`, 17), "a2a3").diagnostics).toEqual([]);
  });

  it("reports an iteration whose calls outside any loop exceed the window", () => {
    const calls = Array.from({ length: 5 }, (_, j) => `k(T[i * 5 + ${j}])`).join("; ");
    const b = build(scoped(`  parallel i in n20 { ${calls} }`, 4), "a2a3");
    expect(b.diagnostics).toEqual([
      "8:3 WSP0804 one iteration of this loop submits up to 5 tasks outside any loop, and they all stay in one scope, but with window 4 a scope may hold at most 3 on a2a3 (pto-tmr): the orchestration would stop with a scope deadlock; raise the window to at least 6, or put the calls in a loop",
    ]);
  });

  it("warns when a program scope's size depends on launch-time data (WSP0805)", () => {
    const b = build(`
use std.targets.{a2a3}
symbol rows: u64
tensor T: f32[rows, 8] out
kernel k(t: out f32[8]) on aiv cycles 1
axis r = dyn(rows)
workload w { scope { parallel i in r { k(T[i]) } } }
schedule w on a2a3 { window 64 tasks stall }
`, "a2a3");
    expect(b.diagnostics).toEqual([
      "7:14 WSP0805 this scope submits a number of tasks known only at launch (a dyn, ragged or sparse loop), so it cannot be checked against window 64 on a2a3 (pto-tmr): pto-runtime stops with a scope deadlock if it ever holds 63 tasks",
    ]);
    compileTree(b);
  });
});

describe("pto-tmr: a task at the per-task argument limits compiles (the limits are checked with the program: test/check/task-arguments.test.ts)", () => {
  const params = (n: number, tensor: boolean) =>
    Array.from({ length: n }, (_, i) => (tensor ? `t${i}: in f32[8]` : `s${i}: u32`)).join(", ");
  const args = (n: number, tensor: boolean) => Array.from({ length: n }, (_, i) => (tensor ? "T[0]" : String(i))).join(", ");
  const program = (tensors: number, scalars: number) => `
use std.targets.{a2a3}
tensor T: f32[4, 8] in
kernel k(${[params(tensors, true), params(scalars, false)].filter(Boolean).join(", ")}) on aiv cycles 1
workload w { k(${[args(tensors, true), args(scalars, false)].filter(Boolean).join(", ")}) }
schedule w on a2a3 { window 64 tasks stall }
`;

  it("allows 16 tensors and 32 scalars", () => {
    compileTree(tmr(program(16, 32)));
  });
});

describe("pto-tmr: names and strings from the source cannot inject code", () => {
  const hostile = String.raw`
use std.targets.{a2a3}
tensor x__attribute__: f32[4, 8] in
tensor PTO2_SCOPE: f32[4, 8] out
kernel x__attribute__k(a: in f32[8], b: out f32[8], int: u32) on aiv cycles 1 source "a\"; system(\"rm\") */ ''' # $(x)"
axis _ = dense(4)
workload main { parallel __LINE__ in _ { x__attribute__k(x__attribute__[__LINE__], PTO2_SCOPE[__LINE__], int = 3) } }
schedule main on a2a3 { window 64 tasks stall }
`;

  it("sanitises identifiers and escapes the kernel's source path in Python", () => {
    const b = tmr(hostile);
    const dir = compileTree(b);
    const cpp = file(b, ORCH);
    expect(cpp).toContain("constexpr int32_t k0_x_attribute_k = 0;");
    expect(cpp).toContain("for (uint64_t v0_LINE = 0");
    expect(cpp).toContain("t1_PTO2_SCOPE");
    expect(cpp).not.toContain("system(");
    expect(cpp).not.toContain("__attribute__k");
    const scene = sceneValues(path.join(dir, "pto-runtime/scene.py"));
    expect((scene.KERNELS as { source: string }[])[0]!.source).toBe('a"; system("rm") */ \'\'\' # $(x)');
  });
});
