/**
 * The examples on a2a3sim, each checked against numbers derived by hand from its source and the
 * target's costs (std.targets.a2a3sim: 4 schedulers, 24 AIC + 48 AIV cores split evenly — 6 AIC
 * and 12 AIV each —, submit_cycles S = 1610, dispatch_cycles D = 3700). Every example also runs
 * with --verify.
 */
import { afterAll, describe, expect, test } from "vitest";
import { exitCode, simulate } from "../../runtime/sim/simulate.js";
import type { SimOptions } from "../../runtime/sim/types.js";
import { cleanPackages, examplePackage, unvalidatedPackageOf } from "./helpers.js";
import { taskSlices } from "./trace-helpers.js";

afterAll(cleanPackages);

const D = 3700;

function perScheduler(r: ReturnType<typeof simulate>): number[] {
  return r.stats.schedulers.map((s) => s.tasks);
}

describe("csp_pipeline", () => {
  /*
   * loader: for t { load_tile (4096); send l2c(t) }; computer: consume l2c { square_tile (6144);
   * send c2s }; storer: consume c2s { store_tile (4096) }. A process waits for its kernel, so one
   * stage costs S + D + cycles per tile: loader 1610+3700+4096 = 9406, computer 11454, storer 9406.
   * - loader sends token k at 9406(k+1) (it never blocks: l2c holds 2 and the computer pops token
   *   k−2 at 9406 + 11454(k−2) ≤ 9406(k+1) for every k ≤ 7).
   * - computer receives token 0 at 9406, then token k as soon as square k−1 ends (tokens wait for
   *   it): it receives token k at 9406 + 11454k and sends c2s(k) at 20860 + 11454k.
   * - storer receives c2s(k) at 20860 + 11454k (it finished the previous store 2048 cycles
   *   earlier) and ends store 7 at 20860 + 11454·7 + 9406 = 110444.
   * No two tasks ever compete for a scheduler: round_robin gives task.seq % 4, and tasks with
   * equal seq % 4 become ready at least 3700 cycles apart (seq order is by submission time, then
   * process order: L0 L1 C0 L2 C1 S0 L3 C2 S1 L4 C3 S2 L5 C4 S3 L6 L7 C5 S4 C6 S5 C7 S6 S7).
   */
  const r = simulate(examplePackage("csp_pipeline"), { verify: true });

  test("makespan from the cycle counts and the target's costs", () => {
    expect(r.status).toBe("finished");
    expect(r.stats.total_cycles).toBe(110444);
    expect(r.stats.tasks).toBe(24);
    expect(r.verify?.violations).toEqual([]);
  });

  test("round_robin(4) spreads the 24 tasks evenly; each dispatch costs D", () => {
    expect(perScheduler(r)).toEqual([6, 6, 6, 6]);
    expect(r.stats.schedulers.map((s) => s.busy_cycles)).toEqual([6 * D, 6 * D, 6 * D, 6 * D]);
  });

  test("channel statistics", () => {
    /*
     * l2c: 8 tokens; fill reaches 2 when token 6 is sent at 65842 (tokens 5 and 6 wait: the
     * computer pops token 5 at 66676); no full wait; one empty wait (the computer at cycle 0).
     * c2s: each token is taken at once by the waiting storer (fill 1), which waited 8 times.
     */
    expect(r.stats.channels).toEqual([
      { name: "l2c", capacity: 2, latency: 0, sends: 8, receives: 8, max_fill: 2, full_waits: 0, empty_waits: 1 },
      { name: "c2s", capacity: 2, latency: 0, sends: 8, receives: 8, max_fill: 1, full_waits: 0, empty_waits: 8 },
    ]);
  });

  test("where it stalled and why", () => {
    // computer: [0, 9406); storer: [0, 20860) then 7 × (11454 − 9406 = 2048) = 35196.
    const byWho = new Map(r.stats.orchestrators.map((o) => [o.who, o]));
    expect(byWho.get("process computer")!.stalls).toEqual([{ reason: "CHANNEL_EMPTY_WAIT", count: 1, cycles: 9406 }]);
    expect(byWho.get("process storer")!.stalls).toEqual([{ reason: "CHANNEL_EMPTY_WAIT", count: 8, cycles: 35196 }]);
    expect(byWho.get("process loader")!.stalls).toEqual([]);
    expect(r.stats.stalls.find((s) => s.reason === "TASK_RING_FULL")!.count).toBe(0);
  });
});

describe("dispatch policies", () => {
  test("attention: round_robin(4) over 2·2·2 tasks gives 2 per scheduler", () => {
    /*
     * batch = 2: 8 tasks submitted at 0, S, 2S, …; task i is ready at S(i+1) on scheduler i % 4,
     * which is idle by then (its previous task was ready 4S = 6440 > D earlier). The last, task 7,
     * is ready at 8S = 12880 and finishes at 12880 + D + 420 = 17000.
     */
    const r = simulate(examplePackage("attention"), { symbols: new Map([["batch", 2n]]), verify: true });
    expect(perScheduler(r)).toEqual([2, 2, 2, 2]);
    expect(r.stats.total_cycles).toBe(17000);
    expect(r.verify?.ok).toBe(true);
  });

  test("softmax: round_robin(4) over 48 tasks gives 12 per scheduler", () => {
    const r = simulate(examplePackage("softmax"), { verify: true });
    expect(perScheduler(r)).toEqual([12, 12, 12, 12]);
  });

  test("indexer: affinity(task.i, 4) over i ∈ {0, 1} uses schedulers 0 and 1 only", () => {
    const r = simulate(examplePackage("indexer"), { verify: true });
    expect(perScheduler(r)).toEqual([4, 4, 0, 0]);
  });

  test("llama_layer: affinity(task.t, 4) keeps each tile's 5 tasks on one scheduler", () => {
    const r = simulate(examplePackage("llama_layer"), { verify: true });
    expect(perScheduler(r)).toEqual([5, 5, 0, 0]);
  });

  test("bgemm: tile_owner(4) = (m·4 + n) % 4 = n, so each scheduler owns 4·4 tiles' k-chains", () => {
    const r = simulate(examplePackage("bgemm"), { verify: true });
    expect(perScheduler(r)).toEqual([16, 16, 16, 16]);
  });
});

describe("indexer: data-dependent branches follow the input", () => {
  /*
   * cycles = 800 + (pad / 32) · 128: pad 2048 → 8992, 8192 → 33568, 131072 → 525088.
   * EffSeq rows: i = 0: [100, 5000, 100000, 1] → pads 2048, 8192, 131072, 2048;
   *              i = 1: [2048, 2049, 8192, 8193] → pads 2048, 8192, 8192, 131072.
   * Tasks k = 0…7 (i major) are ready at S(k+1); i = 0 on scheduler 0, i = 1 on scheduler 1.
   * Scheduler 0 issues at 1610, 5310, 9010, 12710 (one per D): task 2 starts at 12710 and ends at
   * 12710 + 525088 = 537798. Scheduler 1 issues at 8050, 11750, 15450, 19150: task 7 starts at
   * 22850 and ends at 22850 + 525088 = 547938, the makespan.
   */
  const effSeq = [100n, 5000n, 100000n, 1n, 2048n, 2049n, 8192n, 8193n];
  const r = simulate(examplePackage("indexer"), { inputs: new Map([["EffSeq", effSeq]]), trace: true, verify: true });

  test("each task's cycles come from the branch its loaded value chose", () => {
    const slices = taskSlices(r, 1850);
    expect(slices.map((s) => s.args.pad)).toEqual(["2048", "8192", "131072", "2048", "2048", "8192", "8192", "131072"]);
    expect(slices.map((s) => s.args.cycles)).toEqual([8992, 33568, 525088, 8992, 8992, 33568, 33568, 525088]);
  });

  test("makespan", () => {
    expect(r.stats.total_cycles).toBe(547938);
    expect(r.verify?.ok).toBe(true);
  });

  test("generated data (values 0 … 7) always takes the first branch", () => {
    // All pads 2048: scheduler 1's last task starts at 19150 + D and ends 8992 later: 31842.
    const g = simulate(examplePackage("indexer"), { seed: 7 });
    expect(g.stats.total_cycles).toBe(31842);
  });
});

describe("moe: sparse routing driven by the input", () => {
  // The splitmix64 finaliser of std.policies.hash, written out independently of the bytecode.
  const hash = (key: bigint, n: bigint): bigint => {
    const M = (1n << 64n) - 1n;
    let x = key;
    x = (x ^ (x >> 30n)) & M;
    x = (x * 0xbf58476d1ce4e5b9n) & M;
    x = (x ^ (x >> 27n)) & M;
    x = (x * 0x94d049bb133111ebn) & M;
    x = (x ^ (x >> 31n)) & M;
    return x % n;
  };

  test("one task per routed (token, expert), on the scheduler hash(job, 4) picks", () => {
    /*
     * Token 0 → experts {1, 5}; token 1 → none; token 2 → {3}; token 3 → {0, 2, 7}:
     * Indptr = [0, 2, 2, 3, 6], Indices = [1, 5, 3, 0, 2, 7, …]. The router sends job = t·8 + e:
     * 1, 5, 19, 24, 26, 31 — six tasks, each writing Out[job / 8, job % 8].
     */
    const inputs = new Map<string, bigint[]>([
      ["Indptr", [0n, 2n, 2n, 3n, 6n]],
      ["Indices", [1n, 5n, 3n, 0n, 2n, 7n, 0n, 0n, 0n, 0n]],
    ]);
    const r = simulate(examplePackage("moe"), { inputs, trace: true, verify: true });
    expect(r.status).toBe("finished");
    const jobs = [1n, 5n, 19n, 24n, 26n, 31n];
    const slices = taskSlices(r, 1850);
    expect(slices.map((s) => BigInt(s.args.job as string)).sort((a, b) => Number(a - b))).toEqual(jobs);
    expect(slices.map((s) => s.args.y).sort()).toEqual(["Out[0, 1]", "Out[0, 5]", "Out[2, 3]", "Out[3, 0]", "Out[3, 2]", "Out[3, 7]"]);
    for (const s of slices) expect(BigInt(s.args.scheduler as number)).toBe(hash(BigInt(s.args.job as string), 4n));
    const expected = [0, 1, 2, 3].map((k) => jobs.filter((j) => hash(j, 4n) === BigInt(k)).length);
    expect(perScheduler(r)).toEqual(expected);
    expect(r.stats.channels[0]).toMatchObject({ name: "jobs", capacity: 0, sends: 6, receives: 6, max_fill: 0 });
    expect(r.verify?.ok).toBe(true);
  });

  test("no routed expert: no task at all", () => {
    const inputs = new Map<string, bigint[]>([["Indptr", [0n, 0n, 0n, 0n, 0n]]]);
    const r = simulate(examplePackage("moe"), { inputs });
    expect(r.status).toBe("finished");
    expect(r.stats.tasks).toBe(0);
  });

  test("a malformed row pointer is a run-time error at the select", () => {
    const inputs = new Map<string, bigint[]>([["Indptr", [0n, 3n, 2n, 2n, 2n]]]);
    const r = simulate(examplePackage("moe"), { inputs });
    expect(r.status).toBe("error");
    expect(r.error?.message).toContain("row pointers decrease at row 1 (3 then 2)");
    expect(r.error?.loc).toMatch(/:23:7$/);
    expect(r.error?.who).toBe("process router");
    expect(exitCode(r)).toBe(1);
  });
});

describe("deadlock_ring", () => {
  const r = simulate(examplePackage("deadlock_ring"), { verify: true });

  test("deadlocks at cycle 0 with both channels empty", () => {
    // left: recv pong, right: recv ping — both first statements; nothing was ever sent.
    expect(r.status).toBe("deadlock");
    expect(exitCode(r)).toBe(3);
    const d = r.deadlock!;
    expect(d.rule).toBe("channel-cycle");
    expect(d.at_cycles).toBe(0);
    expect(d.blocked.map((b) => [b.who, b.waitsOn, b.loc?.replace(/^.*?:/, "")])).toEqual([
      ["process left", { channel: "pong", state: "empty" }, "14:32"],
      ["process right", { channel: "ping", state: "empty" }, "15:32"],
    ]);
    expect(d.channels).toEqual([
      { name: "ping", fill: 0, capacity: 1, closed: false },
      { name: "pong", fill: 0, capacity: 1, closed: false },
    ]);
    expect(d.scope).toEqual({ depth: 0, held_tasks: 0, blocks_retirement: false });
    expect(d.window).toEqual({ size: 16384, in_use: 0, high_water: 0, scope_held: 0 });
    expect(r.verify?.ok).toBe(true);
  });
});

test("a plan without variable names (an older package) cannot resolve task.i, and says so", () => {
  const pkg = examplePackage("indexer");
  const strip = (body: unknown): unknown => JSON.parse(JSON.stringify(body), (k, v) => (k === "names" || k === "name" && typeof v === "string" && v.length === 1 ? undefined : v));
  const plan = { ...pkg.plan, bodies: pkg.plan.bodies.map((b) => ({ ...b, body: strip(b.body) })) } as typeof pkg.plan;
  const r = simulate({ manifest: pkg.manifest, plan });
  expect(r.status).toBe("error");
  expect(r.error!.message).toContain("task attribute `i`");
  expect(r.error!.message).toContain("rebuild it with a newer wspc");
});

describe("every example", () => {
  const examples: [string, SimOptions][] = [
    ["attention", { symbols: new Map([["batch", 3n]]) }],
    ["bgemm", {}],
    ["csp_pipeline", {}],
    ["deadlock_ring", {}],
    ["indexer", {}],
    ["llama_layer", {}],
    ["moe", {}],
    ["paged_attention", {}],
    ["softmax", {}],
  ];
  test.each(examples)("%s passes --verify", (name, options) => {
    for (const seed of [0, 1, 2]) {
      const r = simulate(examplePackage(name), { ...options, seed, verify: true });
      expect(r.verify?.violations, `${name} seed ${seed}`).toEqual([]);
      expect(r.status).toBe(name === "deadlock_ring" ? "deadlock" : "finished");
    }
  });

  test("bgemm on a2a3 (pto-tmr) does not enforce the recorded dispatch: tasks are dealt round-robin", () => {
    // pto-tmr records dispatch; the simulator deals ready tasks to its 3 schedulers in turn.
    const r = simulate(examplePackage("bgemm", "a2a3"), { verify: true });
    expect(r.status).toBe("finished");
    expect(r.stats.schedulers.length).toBe(3);
    expect(r.verify?.ok).toBe(true);
    expect(perScheduler(r).reduce((a, b) => a + b, 0)).toBe(64);
  });
});

describe("targets that only record", () => {
  test("a2a3_hbg: no window, no pools; ready tasks dealt round-robin to its 3 schedulers", () => {
    /*
     * host_build_graph records dispatch (the simulator deals ready tasks to schedulers 0, 1, 2 in
     * turn) and diagnoses window and pools (none). submit_cycles is 0: all six tasks are visible
     * at cycle 0 and ready together; they are dealt 0, 1, 2, 0, 1, 2; each scheduler issues its two
     * at 0 and 3700 (D): the last finish at 3700 + 3700 + 500 = 7900.
     */
    const pkg = unvalidatedPackageOf(`
use std.targets.{a2a3_hbg}
tensor A: f32[6, 8] in
tensor B: f32[6, 8] out
kernel k(x: in f32[8], y: out f32[8]) on aiv cycles 500
axis six = dense(6)
workload w { parallel i in six { k(A[i], B[i]) } }
schedule w on a2a3_hbg { }
`, "a2a3_hbg");
    const r = simulate(pkg, { verify: true });
    expect(r.status).toBe("finished");
    expect(perScheduler(r)).toEqual([2, 2, 2]);
    expect(r.stats.total_cycles).toBe(7900);
    expect(r.stats.resources.task_ring.capacity).toBeNull();
    expect(r.stats.resources.tensormap.capacity).toBeNull();
    expect(r.verify?.violations).toEqual([]);
  });
});
