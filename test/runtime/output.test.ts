/**
 * What a run gives back: the human summary, the JSON document, the Chrome trace; determinism;
 * the interleaving choices and their replay; memory bounded by the window; input files.
 */
import { afterAll, describe, expect, test } from "vitest";
import { Engine } from "../../runtime/sim/engine.js";
import { decodeTensorData } from "../../runtime/sim/inputs.js";
import { readInterleaving } from "../../runtime/sim/interleave.js";
import { formatSummary, resultJson } from "../../runtime/sim/report.js";
import { exitCode, simulate } from "../../runtime/sim/simulate.js";
import { cleanPackages, examplePackage, packageOf } from "./helpers.js";

afterAll(cleanPackages);

describe("the human summary", () => {
  test("a finished pipeline: makespan, spread, stalls, high-water marks, channels", () => {
    const pkg = examplePackage("csp_pipeline");
    const text = formatSummary(simulate(pkg, { verify: true }), pkg);
    const lines = text.split("\n");
    expect(lines[0]).toBe("pipeline examples.csp_pipeline.stream on a2a3sim: finished");
    // 110444 cycles / 1850 MHz = 59.70 µs.
    expect(lines[1]).toBe("  makespan 110444 cycles (59.70 µs at 1850 MHz); 24 tasks");
    expect(lines[2]).toBe("  schedulers: s0 6, s1 6, s2 6, s3 6 tasks (dispatch busy 22200/22200/22200/22200 cycles)");
    expect(text).toContain("    process storer: 35196 cycles stalled — CHANNEL_EMPTY_WAIT 8× 35196; longest 20860 cycles on CHANNEL_EMPTY_WAIT (channel c2s) at main.wsp:35:5");
    expect(text).toContain("  high-water: window 3/8192, tensormap 5/65536, deplist 0/16384, heap 32768 B/268435456 B, ready queue 1/65536");
    expect(text).toContain("  channel l2c (depth 2): 8 sent, 8 received, max fill 2, 0 full waits, 1 empty wait");
    expect(text).toContain("  verify: ok (24 tasks, 0 loads, 32 channel operations, 9 stalls checked)");
  });

  test("a deadlock: the rule, who waits on what and where, and the fix", () => {
    const pkg = examplePackage("deadlock_ring");
    const r = simulate(pkg);
    const text = formatSummary(r, pkg);
    expect(text).toContain("pipeline examples.deadlock_ring.ring on a2a3sim: DEADLOCK at cycle 0 (rule: channel-cycle)");
    expect(text).toContain("    process left   waits on channel `pong` (empty) at main.wsp:14:32, since cycle 0");
    expect(text).toContain("    process right  waits on channel `ping` (empty) at main.wsp:15:32, since cycle 0");
    expect(text).toContain("  channels: ping 0/1, pong 0/1");
    expect(text).toContain("  fix: reorder one process so that it sends before it receives");
  });

  test("a run-time error: one line with the location first", () => {
    const inputs = new Map([["Indptr", [0n, 3n, 2n, 2n, 2n]]]);
    const pkg = examplePackage("moe");
    const text = formatSummary(simulate(pkg, { inputs }), pkg);
    expect(text.split("\n")[0]).toMatch(/^main\.wsp:23:7: error: sparse axis `routed`: row pointers decrease at row 1 \(3 then 2\) in `Indptr` \(process router\)$/);
  });

  test("the JSON document is the result without the trace", () => {
    const r = simulate(examplePackage("csp_pipeline"), { trace: true });
    const doc = JSON.parse(resultJson(r));
    expect(doc.trace).toBeUndefined();
    expect(doc.status).toBe("finished");
    expect(doc.stats).toEqual(JSON.parse(JSON.stringify(r.stats)));
    expect(Object.keys(doc.stats.resources)).toEqual(["task_ring", "tensormap", "deplist", "heap_arena", "ready_queue"]);
  });
});

describe("the Chrome trace", () => {
  const r = simulate(examplePackage("csp_pipeline"), { trace: true });
  const events = r.trace!.traceEvents;
  const names = (pid: number): string[] => events.filter((e) => e.pid === pid && e.name === "thread_name").map((e) => (e.args as { name: string }).name);

  test("a lane per scheduler, core and process", () => {
    expect(names(1)).toEqual(["scheduler 0", "scheduler 1", "scheduler 2", "scheduler 3"]);
    expect(names(2)).toHaveLength(72);
    expect(names(2).slice(0, 7)).toEqual(["s0.aic0", "s0.aic1", "s0.aic2", "s0.aic3", "s0.aic4", "s0.aic5", "s0.aiv0"]);
    expect(names(3)).toEqual(["process loader", "process computer", "process storer"]);
  });

  test("task slices with kernel names and arguments; stall slices with their reason; channel counters", () => {
    const tasks = events.filter((e) => e.pid === 2 && e.ph === "X");
    expect(tasks).toHaveLength(24);
    expect(tasks.filter((e) => e.name === "square_tile")).toHaveLength(8);
    const first = tasks.find((e) => (e.args as { seq: number }).seq === 0)!;
    // Task 0 starts at S + D = 5310 cycles = 2.87 µs and lasts 4096 cycles.
    expect(first).toMatchObject({ name: "load_tile", ts: 5310 / 1850, dur: 4096 / 1850 });
    expect(first.args).toMatchObject({ seq: 0, scheduler: 0, t: "0", src: "X[0]", dst: "T0[0]" });
    const stalls = events.filter((e) => e.pid === 3 && e.name === "CHANNEL_EMPTY_WAIT");
    expect(stalls).toHaveLength(9);
    const fills = events.filter((e) => e.ph === "C" && e.name === "channel l2c").map((e) => (e.args as { fill: number }).fill);
    expect(Math.max(...fills)).toBe(2);
    expect(JSON.parse(JSON.stringify(r.trace))).toEqual(r.trace);
  });
});

describe("determinism and interleavings", () => {
  test("the same package, inputs and seed give identical statistics and trace", () => {
    for (const name of ["csp_pipeline", "moe", "paged_attention"]) {
      const a = simulate(examplePackage(name), { trace: true, seed: 3 });
      const b = simulate(examplePackage(name), { trace: true, seed: 3 });
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });

  test("the seed drives generated data: moe's routing changes with it", () => {
    const pkg = examplePackage("moe");
    const counts = [0, 1, 2, 3, 4, 5].map((seed) => simulate(pkg, { seed }).stats.tasks);
    expect(new Set(counts).size).toBeGreaterThan(1);
  });

  test("choices are recorded, and a replay must name a runnable orchestrator", () => {
    const pkg = examplePackage("csp_pipeline");
    // A default run made only default choices: it returns none, and replaying none reproduces it.
    const r = simulate(pkg, { trace: true });
    expect(r.interleaving).toEqual([]);
    expect(JSON.stringify(simulate(pkg, { trace: true, interleave: { kind: "replay", steps: [] } }).trace)).toBe(JSON.stringify(r.trace));
    // At cycle 0 all three processes can move (a choice among 0, 1, 2), then the two left (1, 2);
    // the last one alone is no choice. Naming the default picks reproduces the default run.
    const same = simulate(pkg, { trace: true, interleave: { kind: "replay", steps: [0, 1] } });
    expect(JSON.stringify(same.trace)).toBe(JSON.stringify(r.trace));
    const bad = simulate(pkg, { interleave: { kind: "replay", steps: [5] } });
    expect(bad.status).toBe("error");
    expect(bad.error!.message).toBe("replay step 0 names orchestrator 5, which cannot move at cycle 0; the runnable ones are 0 (process loader), 1 (process computer), 2 (process storer)");
    expect(exitCode(bad)).toBe(1);
  });

  test("a different interleaving can change the submission order, hence round_robin's choices", () => {
    // In csp_pipeline the loader and the computer both submit at cycle 9406 (and later again):
    // whichever moves first gets the lower task.seq, so `seq % 4` sends the kernels elsewhere.
    const pkg = examplePackage("csp_pipeline");
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => simulate(pkg, { interleave: { kind: "random", seed }, trace: true }));
    const order = (r: ReturnType<typeof simulate>): string =>
      r.trace!.traceEvents.filter((e) => e.pid === 2 && e.ph === "X").sort((a, b) => (a.args as { seq: number }).seq - (b.args as { seq: number }).seq).map((e) => e.name).join(" ");
    expect(new Set(runs.map(order)).size).toBeGreaterThan(1);
    for (const r of runs) {
      expect(r.stats.total_cycles).toBe(110444); // the cycle counts do not depend on it here
      const replay = simulate(pkg, { interleave: { kind: "replay", steps: r.interleaving }, trace: true });
      expect(JSON.stringify(replay.trace)).toBe(JSON.stringify(r.trace));
    }
  });
});

test("an interleaving file: a JSON array, or a --json result to replay as it is", () => {
  expect(readInterleaving("[0, 2, 1]")).toEqual([0, 2, 1]);
  const r = simulate(examplePackage("moe"), { interleave: { kind: "random", seed: 4 } });
  expect(readInterleaving(resultJson(r))).toEqual(r.interleaving);
  expect(() => readInterleaving('{"steps": [1]}')).toThrow("the interleaving file must hold a JSON array of orchestrator numbers");
});

describe("memory follows the window, not the task count", () => {
  const program = (n: number): string => `
target tiny {
  backend "sim" schedulers 2 aic_cores 2 aiv_cores 4 submit_cycles 10 dispatch_cycles 5 max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
tensor A: f32[${n}, 8] in
tensor B: f32[${n}, 8] out
kernel k(x: in f32[8], y: out f32[8]) on aiv cycles 30
axis n = dense(${n})
workload w { parallel i in n { k(A[i], B[i]) } }
schedule w on tiny { window 64 }
`;

  test("task slots and TensorMap entries stay within the window for 20k and 200k tasks", () => {
    for (const n of [20_000, 200_000]) {
      const pkg = packageOf(program(n), "tiny");
      const e = new Engine(pkg.manifest, pkg.plan, {});
      expect(e.run()).toBe(true);
      expect(e.nextSeq).toBe(n);
      expect(e.graph.cap).toBe(64);
      expect(e.tm.highWater).toBeLessThanOrEqual(64);
    }
  });
});

describe("input files", () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  test("JSON: nested arrays flatten row-major; big integers as strings; booleans", () => {
    expect(decodeTensorData(enc("[[1, 2], [3, 4]]"), "i32", "X")).toEqual([1n, 2n, 3n, 4n]);
    expect(decodeTensorData(enc(' ["18446744073709551615", 0]'), "u64", "X")).toEqual([18446744073709551615n, 0n]);
    expect(decodeTensorData(enc("[true, false]"), "bool", "X")).toEqual([1n, 0n]);
    expect(Array.from(decodeTensorData(enc("[0.5, 2]"), "f32", "X") as Float64Array)).toEqual([0.5, 2]);
    expect(() => decodeTensorData(enc("[1.5]"), "i32", "X")).toThrow("X: element 0 is 1.5, not an integer (dtype i32; write integers beyond 2^53 as strings)");
  });

  test("raw little-endian binary of the dtype", () => {
    const b = new Uint8Array(new Int32Array([7, -2]).buffer);
    expect(decodeTensorData(b, "i32", "X")).toEqual([7n, -2n]);
    const h = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer); // f16 1.0 and −2.0
    expect(Array.from(decodeTensorData(h, "f16", "X") as Float64Array)).toEqual([1, -2]);
    expect(() => decodeTensorData(new Uint8Array(3), "i32", "X")).toThrow("X: 3 bytes is not a whole number of i32 elements (4 bytes each)");
  });
});
