/**
 * The machine model's rules, each on a small program whose every cycle is derived by hand. The
 * target `tiny` has 1 scheduler owning 1 AIC and 2 AIV cores, submit_cycles S = 10 and
 * dispatch_cycles D = 5: a task submitted at t is visible at t + 10, issued when its scheduler is
 * free (one issue per 5 cycles) and an AIV core is free, starts 5 cycles after its issue.
 */
import { afterAll, describe, expect, test } from "vitest";
import { exitCode, simulate } from "../../runtime/sim/simulate.js";
import type { RunResult } from "../../runtime/sim/types.js";
import { cleanPackages, packageOf } from "./helpers.js";
import { taskSlices } from "./trace-helpers.js";

afterAll(cleanPackages);

const TARGETS = `
target tiny {
  backend "sim" schedulers 1 aic_cores 1 aiv_cores 2 submit_cycles 10 dispatch_cycles 5 max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
target tiny1 {
  backend "sim" schedulers 1 aic_cores 1 aiv_cores 1 submit_cycles 10 dispatch_cycles 5 max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
`;

/** A program on `tiny` (or `tiny1`): declarations, the subject, and its schedule directives. */
function program(decls: string, subject: string, directives = "", target = "tiny"): string {
  const name = /^(?:workload|pipeline)\s+(\w+)/m.exec(subject.trim())![1];
  return `${TARGETS}\n${decls}\n${subject}\nschedule ${name} on ${target} { ${directives} }\n`;
}

function run(text: string, target = "tiny", options: Parameters<typeof simulate>[1] = {}): RunResult {
  const r = simulate(packageOf(text, target), { verify: true, trace: true, ...options });
  if (r.verify && !r.verify.ok) throw new Error(`verify failed:\n${r.verify.violations.join("\n")}`);
  return r;
}

/** [start, finish] of each task in submission order. */
function times(r: RunResult): [number, number][] {
  return taskSlices(r, 1).map((s) => [s.start, s.start + s.dur]);
}

const BASE = `
tensor A: f32[4, 8] in
tensor T: f32[4, 8]
tensor B: f32[4, 8] out
tensor W: f32[4, 8] out
kernel p(x: in f32[8], y: out f32[8]) on aiv cycles 100
kernel q(x: in f32[8], y: out f32[8]) on aiv cycles 50
kernel r(x: in f32[8], y: out f32[8]) on aiv cycles 10
kernel whole(x: in f32[4, 8], y: out f32[8]) on aiv cycles 10
axis four = dense(4)
axis two = dense(2)
axis three = dense(3)
`;

describe("dependencies from tensor regions", () => {
  test("read-after-write: the reader waits for the writer", () => {
    // p: visible 10, issued 10, runs [15, 115]. q: submitted 10, visible 20, ready at 115 (reads
    // T[0], which p writes), issued 115, runs [120, 170].
    const r = run(program(BASE, "workload w { p(A[0], T[0]); q(T[0], B[0]) }"));
    expect(times(r)).toEqual([[15, 115], [120, 170]]);
    expect(r.stats.total_cycles).toBe(170);
    expect(r.stats.resources.deplist.high_water).toBe(1);
  });

  test("independent regions run side by side", () => {
    // q reads T[1], which nobody wrote: issued at 20 on the second AIV core, runs [25, 75].
    const r = run(program(BASE, "workload w { p(A[0], T[0]); q(T[1], B[0]) }"));
    expect(times(r)).toEqual([[15, 115], [25, 75]]);
  });

  test("write-after-read and write-after-write", () => {
    // p writes T[0] [15, 115]; q reads it: ready 115, runs [120, 170]; the third task writes
    // T[0] again: it depends on q (WAR) and p (WAW), so it is ready at 170 and runs [175, 185].
    const r = run(program(BASE, "workload w { p(A[0], T[0]); q(T[0], B[0]); r(A[1], T[0]) }"));
    expect(times(r)).toEqual([[15, 115], [120, 170], [175, 185]]);
  });

  test("a view overlaps the whole tensor: reading T waits for every tile writer", () => {
    // p → T[0] runs [15, 115]; p → T[1]: visible 20, issued 20, runs [25, 125]; `whole` reads all
    // of T: visible 30, ready at 125, runs [130, 140].
    const r = run(program(BASE, "workload w { p(A[0], T[0]); p(A[1], T[1]); whole(T, B[2]) }"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [130, 140]]);
  });

  test("a tile writer after a whole-tensor reader waits for it (write-after-read across levels)", () => {
    // whole(T…) reads all of T [15, 25] (T unwritten: no dependency); then r writes T[3]:
    // visible 20, ready at 25, issued 25, runs [30, 40].
    const r = run(program(BASE, "workload w { whole(T, B[0]); r(A[0], T[3]) }"));
    expect(times(r)).toEqual([[15, 25], [30, 40]]);
  });
});

describe("for loops order their iterations", () => {
  const decls = `${BASE}\ntensor C: f32[3, 2, 8] out\n`;

  test("each iteration waits for all tasks of the previous one (a fence per iteration)", () => {
    // Iteration 0: visible 10 and 20 → [15, 115] and [25, 125]. Iteration 1 waits for both
    // (ready 125): issued 125 → [130, 230], 130 → [135, 235]. Iteration 2: ready 235 →
    // [240, 340], [245, 345].
    const r = run(program(decls, "workload w { for k in three { parallel i in two { p(A[i], C[k, i]) } } }"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [130, 230], [135, 235], [240, 340], [245, 345]]);
  });

  test("the same tasks under `parallel` overlap", () => {
    // Two cores, six 100-cycle tasks visible every 10 cycles: pairs run back to back.
    // Tasks 2 and 3 take the cores freed at 115 and 125: issued 115 and 125 → [120, 220], [130, 230];
    // tasks 4 and 5 → issued 220, 230 → [225, 325], [235, 335].
    const r = run(program(decls, "workload w { parallel k in three { parallel i in two { p(A[i], C[k, i]) } } }"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [120, 220], [130, 230], [225, 325], [235, 335]]);
  });

  test("one task per iteration chains", () => {
    // [15, 115]; then ready 115 → [120, 220]; then 220 → [225, 325].
    const r = run(program(decls, "workload w { for k in three { p(A[0], C[k, 0]) } }"));
    expect(times(r)).toEqual([[15, 115], [120, 220], [225, 325]]);
  });
});

describe("window and scopes", () => {
  test("a full window stalls submission (TASK_RING_FULL) until a task retires", () => {
    // window 2: tasks 0 and 1 run [15, 115] and [25, 125]; the third submission (at 20) stalls
    // until task 0 retires at 115, is visible at 125 and runs [130, 230]. At 125 task 1 finishes
    // first (machine events before orchestrators), so the fourth submits at once: [140, 240].
    const r = run(program(BASE, "workload w { parallel i in four { p(A[i], B[i]) } }", "window 2"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [130, 230], [140, 240]]);
    expect(r.stats.resources.task_ring).toMatchObject({ capacity: 2, high_water: 2, stall_count: 1, stall_cycles: 95 });
  });

  test("a scope larger than the window deadlocks, with the scope reason", () => {
    /*
     * window 4 on a sim target: a scope may hold the whole window, 4 tasks. Tasks 0–3 are
     * submitted at 0, 10, 20, 30 and run [15, 115], [25, 125], [120, 220], [130, 230] (the third
     * and fourth wait for a core: task 2 is issued at 115, task 3 at 125). The fifth submission
     * (at 40) can never get a place: the scope's tasks retire only when it ends. The last event is
     * task 3's finish at 230.
     */
    const text = program(`${BASE}\ntensor E: f32[8, 8] out\naxis eight = dense(8)\n`, "workload w { scope { parallel i in eight { p(A[0], E[i]) } } }", "window 4");
    const r = run(text);
    expect(r.status).toBe("deadlock");
    expect(exitCode(r)).toBe(3);
    const d = r.deadlock!;
    expect(d.rule).toBe("scope-exceeds-window");
    expect(d.at_cycles).toBe(230);
    expect(d.window).toEqual({ size: 4, in_use: 4, high_water: 4, scope_held: 4 });
    expect(d.scope).toEqual({ depth: 1, held_tasks: 4, blocks_retirement: true });
    expect(d.blocked).toHaveLength(1);
    expect(d.blocked[0]).toMatchObject({ who: "workload w", since: 40, scope_depth: 1, scope_held_tasks: 4 });
    expect(d.blocked[0]!.waitsOn).toMatchObject({ resource: "TASK_RING_FULL" });
    expect(d.blocked[0]!.loc).toMatch(/main\.wsp:\d+:\d+$/);
    expect(d.suggestion).toContain("window");
  });

  test("scopes within what one scope may hold run to the end", () => {
    const text = program(`${BASE}\ntensor E: f32[4, 2, 8] out\n`, "workload w { parallel i in four { scope { p(A[0], E[i, 0]); q(A[1], E[i, 1]) } } }", "window 3");
    const r = run(text);
    expect(r.status).toBe("finished");
    expect(r.stats.tasks).toBe(8);
    expect(r.stats.resources.task_ring.high_water).toBeLessThanOrEqual(3);
  });

  test("processes holding scopes while waiting on a channel starve a producer of window places", () => {
    // a and b each hold scope tasks and then wait to receive; prod must submit a task before it
    // can send, but the window (4) is full of their scope-held tasks.
    const decls = `${BASE}\nkernel g(x: in f32[8], y: out f32[8]) on aiv cycles 10\nkernel h(x: in f32[8], y: out f32[8]) on aiv cycles 1000\n`;
    const subject = `pipeline pl {
      channel c
      channel d
      process a { scope { g(A[0], B[0]); g(A[0], B[1]); recv v from c } }
      process b { scope { g(A[1], W[0]); g(A[1], W[1]); recv v from d } }
      process prod { h(A[2], T[0]); h(A[2], T[1]); send c(0); send d(0) }
    }`;
    const r = run(program(decls, subject, "window 4"));
    expect(r.status).toBe("deadlock");
    const d = r.deadlock!;
    expect(d.rule).toBe("scope-blocks-window");
    expect(d.window.in_use).toBe(4);
    expect(d.scope.held_tasks).toBeGreaterThan(0);
    const prod = d.blocked.find((x) => x.who === "process prod")!;
    expect(prod.waitsOn).toMatchObject({ resource: "TASK_RING_FULL" });
    const a = d.blocked.find((x) => x.who === "process a")!;
    expect(a.scope_depth).toBe(1);
  });
});

describe("bounded pools stall submission with their reason", () => {
  test("TensorMap pool", () => {
    // Each task tracks one region (B[i]; A is a launch input, untracked) until it retires: a pool
    // of 2 behaves like a window of 2 — the same timeline and one 95-cycle stall.
    const r = run(program(BASE, "workload w { parallel i in four { p(A[i], B[i]) } }", "pools { tensormap 2 }"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [130, 230], [140, 240]]);
    expect(r.stats.resources.tensormap).toMatchObject({ capacity: 2, high_water: 2, stall_count: 1, stall_cycles: 95 });
  });

  test("DepList pool", () => {
    // q (submitted 10) takes the only edge (q depends on p). The third task also reads T[0]; at
    // 20 it needs an edge: stall until p finishes at 115 and frees it; then it depends on
    // nothing, is visible at 125 and runs [130, 180]. q runs [120, 170].
    const r = run(program(BASE, "workload w { p(A[0], T[0]); q(T[0], B[0]); q(T[0], B[1]) }", "pools { deplist 1 }"));
    expect(times(r)).toEqual([[15, 115], [120, 170], [130, 180]]);
    expect(r.stats.resources.deplist).toMatchObject({ capacity: 1, high_water: 1, stall_count: 1, stall_cycles: 95 });
  });

  test("heap arena", () => {
    // Writing a view of the intermediate T allocates its 8 · 4 = 32 bytes until the task retires:
    // 64 bytes hold two tasks — the window-of-2 timeline again.
    const r = run(program(BASE, "workload w { parallel i in four { p(A[i], T[i]) } }", "pools { heap 64 B }"));
    expect(times(r)).toEqual([[15, 115], [25, 125], [130, 230], [140, 240]]);
    expect(r.stats.resources.heap_arena).toMatchObject({ capacity: 64, unit: "bytes", high_water: 64, stall_count: 1, stall_cycles: 95 });
  });

  test("ready queue", () => {
    // tiny1 has one AIV core. A task holds a queue place from submission to issue; with 2 places,
    // tasks 1 and 2 wait for the core, so the fourth submission (at 30) stalls until task 1 is
    // issued at 115. Then: task 1 [120, 220], task 2 [225, 325], task 3 [330, 430].
    const r = run(program(BASE, "workload w { parallel i in four { p(A[i], B[i]) } }", "pools { ready 2 }", "tiny1"), "tiny1");
    expect(times(r)).toEqual([[15, 115], [120, 220], [225, 325], [330, 430]]);
    expect(r.stats.resources.ready_queue).toMatchObject({ capacity: 2, high_water: 2, stall_count: 1, stall_cycles: 85 });
  });
});

describe("channels and CSPT time", () => {
  const decls = `${BASE}\ntensor E: f32[8, 8] out\n`;

  test("latency: the receiver's clock becomes the send time plus the latency", () => {
    // send at 0, token available at 50: the consumer submits at 50 → visible 60 → [65, 165].
    const r = run(program(decls, `pipeline pl {
      channel c depth 1 latency 50
      process prod { send c(7) }
      process cons { recv v from c; p(A[0], E[v]) }
    }`));
    expect(times(r)).toEqual([[65, 165]]);
    expect(r.stats.total_cycles).toBe(165);
    expect(taskSlices(r, 1)[0]!.args.y).toBe("E[7]");
  });

  test("rendezvous: hand-off when both are there; the receiver continues after the latency", () => {
    // cons waits from 0; prod sends at 0: hand-off at 0, cons continues at 50 as above.
    const r = run(program(decls, `pipeline pl {
      channel c depth 0 latency 50
      process prod { send c(7) }
      process cons { recv v from c; p(A[0], E[v]) }
    }`));
    expect(times(r)).toEqual([[65, 165]]);
    expect(r.stats.channels[0]).toMatchObject({ sends: 1, receives: 1, max_fill: 0 });
  });

  test("a full channel blocks the sender until the pop that frees a place", () => {
    // depth 1: the second send (at 0) waits; cons runs its kernel [15, 115] and receives at 115,
    // which lets the waiting token in, stamped 115; cons takes it at 115.
    const r = run(program(decls, `pipeline pl {
      channel c depth 1
      process prod { send c(1); send c(2) }
      process cons { p(A[0], E[0]); recv v from c; recv w from c }
    }`));
    expect(r.stats.total_cycles).toBe(115);
    expect(r.stats.channels[0]).toMatchObject({ sends: 2, receives: 2, max_fill: 1, full_waits: 1, empty_waits: 0 });
    const prod = r.stats.orchestrators.find((o) => o.who === "process prod")!;
    expect(prod.stalls).toEqual([{ reason: "CHANNEL_FULL_WAIT", count: 1, cycles: 115 }]);
  });

  test("replicated receivers: the token goes to the one waiting longest", () => {
    // Both replicas wait from 0 (ties: replica order); w[0] gets token 0, w[1] token 1.
    const r = run(program(decls, `pipeline pl {
      channel c depth 4
      process prod { send c(0); send c(1) }
      process w replicate 2 { recv v from c; p(A[0], E[v]) }
    }`));
    const slices = taskSlices(r, 1);
    expect(slices.map((s) => s.args.y)).toEqual(["E[0]", "E[1]"]);
    expect(r.stats.orchestrators.map((o) => [o.who, o.tasks])).toEqual([["process prod", 0], ["process w[0]", 1], ["process w[1]", 1]]);
  });

  test("consume ends when the channel is closed and drained", () => {
    const r = run(program(decls, `pipeline pl {
      channel c depth 2
      process prod { parallel i in four { send c(i) } }
      process cons { consume t from c { q(A[0], E[t]) } }
    }`));
    expect(r.status).toBe("finished");
    expect(r.stats.tasks).toBe(4);
  });
});

describe("run-time errors name the process and the line", () => {
  const decls = `${BASE}\ntensor E: f32[8, 8] out\n`;

  test("send on a closed channel", () => {
    const r = simulate(packageOf(program(decls, `pipeline pl {
      channel c
      process prod { close c
        send c(1) }
      process cons { consume t from c { p(A[0], E[t]) } }
    }`), "tiny"));
    expect(r.status).toBe("error");
    expect(exitCode(r)).toBe(1);
    expect(r.error).toMatchObject({ message: "send on channel `c`, which is closed", who: "process prod" });
    expect(r.error!.loc).toMatch(/main\.wsp:\d+:9$/);
  });

  test("a dispatch index beyond the schedulers names the policy and the task", () => {
    const r = simulate(packageOf(program(`${decls}\npolicy bad(): dispatch = task.seq\n`, "workload w { parallel i in four { p(A[i], B[i]) } }", "dispatch bad"), "tiny"));
    expect(r.status).toBe("error");
    expect(r.error!.message).toBe("dispatch policy `bad` chose scheduler 1 for task 1 (`p`), but the target has 1 scheduler (0 … 0)");
    expect(r.error!.who).toBe("workload w");
    expect(r.stats.tasks).toBe(1);
  });

  test("an index out of range at run time", () => {
    const r = simulate(packageOf(program(decls, `pipeline pl {
      channel c
      process prod { send c(6) }
      process cons { recv v from c; p(A[0], B[v]) }
    }`), "tiny"));
    expect(r.error).toMatchObject({ message: "index 6 is out of range for dimension 0 of tensor `B` (size 4)", who: "process cons" });
  });

  test("receive from a closed, empty channel", () => {
    const r = simulate(packageOf(program(decls, `pipeline pl {
      channel c
      process prod { p(A[0], E[0]) }
      process cons { recv v from c }
    }`), "tiny"));
    // prod sends nothing... and is not a sender: c has no senders, so it is closed from the start.
    expect(r.error).toMatchObject({ message: "receive from channel `c`, which is closed and empty", who: "process cons" });
  });

  test("a symbol without a value", () => {
    const r = simulate(packageOf(program(`${BASE}\nsymbol n: u64\naxis dn = dyn(n)\ntensor D: f32[n, 8] out\n`, "workload w { parallel i in dn { p(A[0], D[i]) } }"), "tiny"));
    expect(r.error?.message).toBe("symbol `n` needs a value at launch: pass --symbol n=VALUE");
    const ok = simulate(packageOf(program(`${BASE}\nsymbol n: u64\naxis dn = dyn(n)\ntensor D: f32[n, 8] out\n`, "workload w { parallel i in dn { p(A[0], D[i]) } }"), "tiny"), { symbols: new Map([["n", 5n]]) });
    expect(ok.stats.tasks).toBe(5);
  });

  test("bad input data", () => {
    const r = simulate(packageOf(program(`${BASE}\nslot s: u64\ntensor G: u8[4] in\n`, "workload w { parallel i in four { load s <- G[i]\n when s > 2 { p(A[0], B[i]) } } }"), "tiny"), {
      inputs: new Map([["G", [1n, 2n, 300n, 4n]]]),
    });
    expect(r.error?.message).toBe("input for tensor `G`: element 2 is 300, outside u8's range 0 … 255");
  });
});

describe("load", () => {
  test("reads the tensor element into the slot; conditions see it", () => {
    // G = [1, 5, 0, 9]: only i = 1 and i = 3 pass `s > 2`.
    const r = run(program(`${BASE}\nslot s: u64\ntensor G: u8[4] in\n`, "workload w { parallel i in four { load s <- G[i]\n when s > 2 { p(A[0], B[i]) } } }"), "tiny", {
      inputs: new Map([["G", [1, 5, 0, 9]]]),
    });
    expect(taskSlices(r, 1).map((s) => s.args.y)).toEqual(["B[1]", "B[3]"]);
  });

  test("waits for an earlier writer of its view (LOAD_WAIT)", () => {
    // The task writing H[0] runs [15, 115]; the load of H[0] (at 10) waits until 115; the next
    // call is submitted at 115: visible 125, runs [130, 140].
    const r = run(program(`${BASE}\nslot s: u64\ntensor H: u64[4, 1]\nkernel mk(x: in f32[8], y: out u64[1]) on aiv cycles 100\n`,
      "workload w { mk(A[0], H[0])\n load s <- H[0]\n r(A[1], B[0]) }"));
    expect(times(r)).toEqual([[15, 115], [130, 140]]);
    expect(r.stats.stalls.find((s) => s.reason === "LOAD_WAIT")).toEqual({ reason: "LOAD_WAIT", count: 1, cycles: 105 });
  });
});
