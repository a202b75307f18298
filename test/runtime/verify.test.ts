/**
 * The verifier is a real check: a correct run passes, and each kind of corruption of the
 * execution log — a task moved before its producer, onto another scheduler's core, a stall with
 * no cause, a window or channel bound exceeded, a second run of a task — is reported.
 */
import { afterAll, describe, expect, test } from "vitest";
import { Engine } from "../../runtime/sim/engine.js";
import type { ExecutionLog } from "../../runtime/sim/log.js";
import { collectStats } from "../../runtime/sim/stats.js";
import { verifyRun } from "../../runtime/sim/verify.js";
import type { LoadedPackage } from "../../runtime/package/index.js";
import { cleanPackages, examplePackage, packageOf } from "./helpers.js";

afterAll(cleanPackages);

/** Runs a package with the log on, lets `corrupt` edit the log, and verifies what is left. */
function verifyAfter(pkg: LoadedPackage, corrupt: (log: ExecutionLog) => void): string[] {
  const e = new Engine(pkg.manifest, pkg.plan, { verify: true });
  const finished = e.run();
  const log = e.log!;
  corrupt(log);
  return [...verifyRun(pkg, e.machine, log, collectStats(e), e.programs, finished ? "finished" : "deadlock").violations];
}

describe("the verifier", () => {
  const csp = examplePackage("csp_pipeline");
  const bgemm = examplePackage("bgemm");

  test("passes an untouched run", () => {
    expect(verifyAfter(csp, () => {})).toEqual([]);
    expect(verifyAfter(bgemm, () => {})).toEqual([]);
  });

  test("catches a task that starts before the task it depends on finished", () => {
    // bgemm's k-chain: task 1 (k = 1) accumulates into the C tile task 0 writes.
    const v = verifyAfter(bgemm, (log) => {
      const t = log.tasks[1]!;
      const shift = t.ready - log.tasks[0]!.finish + 1;
      for (const k of ["ready", "issue", "start", "finish", "retire"] as const) t[k] -= shift;
    });
    expect(v.some((x) => x.includes("task 1 (`gemm_tile`") && x.includes("before a task it depends on"))).toBe(true);
  });

  test("catches a task on a core its scheduler does not own", () => {
    const v = verifyAfter(csp, (log) => {
      log.tasks[0]!.core = 70; // s3's last AIV core; task 0 went to scheduler 0
    });
    expect(v.some((x) => x.includes("ran on core 70 of scheduler 3, but it was dispatched to scheduler 0"))).toBe(true);
  });

  test("catches a scheduler the dispatch policy did not choose", () => {
    const v = verifyAfter(csp, (log) => {
      log.tasks[0]!.sched = 2;
    });
    expect(v.some((x) => x.includes("went to scheduler 2, but its dispatch policy `round_robin` gives 0"))).toBe(true);
  });

  test("catches a clock jump without a cause", () => {
    const v = verifyAfter(csp, (log) => {
      const i = log.segments.findIndex((s) => s.kind === "stall");
      log.segments.splice(i, 1);
    });
    expect(v.some((x) => x.includes("without a recorded cause"))).toBe(true);
  });

  test("catches an overfull window", () => {
    // A window of 2 and four 100-cycle tasks: pretending no task ever retired puts 4 in it.
    const pkg = packageOf(`
target tiny {
  backend "sim" schedulers 1 aic_cores 1 aiv_cores 2 submit_cycles 10 dispatch_cycles 5 max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
tensor A: f32[4, 8] in
tensor B: f32[4, 8] out
kernel k(x: in f32[8], y: out f32[8]) on aiv cycles 100
axis four = dense(4)
workload w { parallel i in four { k(A[i], B[i]) } }
schedule w on tiny { window 2 }
`, "tiny");
    expect(verifyAfter(pkg, () => {})).toEqual([]);
    const v = verifyAfter(pkg, (log) => {
      for (const t of log.tasks) t.retire = -1;
    });
    expect(v).toContain("the window held 4 tasks at once, more than its size 2");
  });

  test("catches a channel holding more than its depth, and tokens out of order", () => {
    const v = verifyAfter(csp, (log) => {
      const pushes = log.channelOps.filter((op) => op.kind === "push" && op.channel === 0);
      // Three pushes before any pop: depth 2 exceeded.
      log.channelOps.splice(0, log.channelOps.length, pushes[0]!, pushes[1]!, pushes[2]!);
    });
    expect(v.some((x) => x.includes("channel `l2c` held 3 tokens"))).toBe(true);
    const w = verifyAfter(csp, (log) => {
      const pops = log.channelOps.filter((op) => op.kind === "pop" && op.channel === 0);
      const a = log.channelOps.indexOf(pops[0]!);
      log.channelOps[a] = { ...pops[0]!, value: 5n };
    });
    expect(w.some((x) => x.includes("gave token 5") && x.includes("but 0 was sent first"))).toBe(true);
  });

  test("catches a task that never ran, and a duplicated submission number", () => {
    const v = verifyAfter(csp, (log) => {
      log.tasks[3]!.finish = -1;
      log.tasks[4] = { ...log.tasks[4]!, seq: 5 };
    });
    expect(v.some((x) => x.includes("task 3 (`") && x.includes("never ran"))).toBe(true);
    expect(v.some((x) => x.includes("task record 4 has seq 5"))).toBe(true);
  });

  test("catches a stall whose reason did not hold", () => {
    const v = verifyAfter(csp, (log) => {
      const s = log.stalls.find((x) => x.reason === "CHANNEL_EMPTY_WAIT")!;
      (s as { reason: string }).reason = "TASK_RING_FULL";
    });
    expect(v.some((x) => x.includes("stalled on TASK_RING_FULL at 0 with"))).toBe(true);
  });
});
