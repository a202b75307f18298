/**
 * The benchmark packages (runtime/sim/bench.ts) run, and their makespans follow from the a2a3sim
 * costs (S = 1610 submit, D = 3700 dispatch), so the benchmark measures the intended workload.
 */
import { expect, test } from "vitest";
import { cspPackage, dependentPackage, independentPackage } from "../../runtime/sim/bench.js";
import { simulate } from "../../runtime/sim/simulate.js";

test("independent: task i is ready at S(i+1) and runs at once (1000 cycles)", () => {
  // Its scheduler (i % 4) last dispatched 4S = 6440 > D cycles earlier. Last: 1610·1000 + D + 1000.
  const r = simulate(independentPackage(1000), { verify: true });
  expect(r.stats.total_cycles).toBe(1_614_700);
  expect(r.verify?.ok).toBe(true);
});

test("dependent: each b waits for its a", () => {
  // a_i (seq 2i) finishes at S(2i+1) + D + 1000; b_i is ready then, finishes D + 1000 later:
  // S(2i+1) + 9400. Last i = 499: 1610·999 + 9400. The edge a_i → b_i lives from b_i's
  // submission at S(2i+1) to a_i's finish S(2i+1) + 4700, so it overlaps the next pair's edge
  // (submitted 2S = 3220 later) but not the one after (4S = 6440 later): at most 2 edges.
  const r = simulate(dependentPackage(1000), { verify: true });
  expect(r.stats.total_cycles).toBe(1_617_790);
  expect(r.stats.resources.deplist.high_water).toBe(2);
  expect(r.verify?.ok).toBe(true);
});

test("csp: the csp_pipeline example's timeline, 333 tiles", () => {
  // As in examples.test.ts: the storer ends tile k at 20860 + 11454k + 9406; k = 332.
  const r = simulate(cspPackage(999), { verify: true });
  expect(r.stats.total_cycles).toBe(20860 + 11454 * 332 + 9406);
  expect(r.verify?.ok).toBe(true);
});
