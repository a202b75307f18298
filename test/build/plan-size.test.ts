/**
 * The plan keeps loops as loops (issue 3: "a workload of 10 million tasks yields a plan of a
 * few kilobytes"): a workload over dense(1000) x dense(N) gives the same plan for N = 1
 * (10^3 tasks) and N = 10^4 (10^7 tasks) but for the digits of N.
 */
import { describe, expect, it } from "vitest";
import { compileClean, scratchDir, writeFiles } from "./helpers.js";

function generated(n: number): string {
  return `module gen
use std.targets.{a2a3sim}
tensor X: f32[1000, ${n}, 16] inout
kernel k(x: inout f32[16], row: u64) on aiv cycles 10 + row
axis a = dense(1000)
axis b = dense(${n})
workload w {
  parallel i in a, j in b { k(X[i, j], row = i) }
}
`;
}

function build(n: number): { plan: string; manifest: string } {
  const dir = writeFiles(scratchDir(), { "gen.wsp": generated(n) });
  const [pkg] = compileClean(["gen.wsp"], dir).packages;
  return { plan: pkg!.files.get("plan.json")!, manifest: pkg!.files.get("manifest.json")! };
}

describe("plan size does not grow with the task count", () => {
  it("10^3 and 10^7 tasks: the same plan but for the axis size, a few kilobytes", () => {
    const small = build(1);
    const large = build(10_000);
    // Only the size of axis b differs: "1" became "10000", four more bytes.
    expect(large.plan.length - small.plan.length).toBe(4);
    expect(large.plan).toBe(small.plan.replace('"size": [["int", "1"]]', '"size": [["int", "10000"]]'));
    expect(large.plan).not.toBe(small.plan);
    expect(large.plan.length).toBeGreaterThan(500);
    expect(large.plan.length).toBeLessThan(4096);
    // The manifest differs in the tensor's dimension only (and the plan's size and hash).
    expect(large.manifest.length - small.manifest.length).toBeLessThanOrEqual(4 + 4);
    expect(large.manifest.length).toBeLessThan(16 * 1024);
  });
});
