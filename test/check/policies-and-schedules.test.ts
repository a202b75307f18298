import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { expectClean, expectDiagnostics, relatedAt, single } from "./expect-diagnostics.js";

const HEAD =
  "use std.targets.{a2a3sim, a2a3}\n" +
  "use std.policies.{round_robin, affinity}\n" +
  "tensor T: f32[4, 4, 8] inout\n" +
  "kernel k(x: inout f32[8]) on aiv cycles 10\n" +
  "kernel kk() on aiv cycles 1\n" +
  "axis a = dense(4)\n" +
  "axis b2 = dense(4)\n";

/** Tasks of `k` inside `i` (line 10) and inside `i, j` (line 11); `kk` outside both (line 13). */
const MIXED = HEAD +
  "workload w {\n" +
  "  parallel i in a {\n" +
  "    k(T[i, 0])\n" +
  "    parallel j in b2 { k(T[i, j]) }\n" +
  "  }\n" +
  "  kk()\n" +
  "}\n";

describe("task attributes", () => {
  it("accepts attributes every task has", () => {
    expectClean(checkText(HEAD + "workload w { parallel i in a { k(T[i, 0]) } }\nschedule w on a2a3sim { dispatch affinity(task.i + task.seq, 4) ready priority(task.i) }\n"));
  });

  it("reports an attribute some tasks lack, with the calls that lack it", () => {
    const r = checkText(MIXED + "schedule w on a2a3sim { dispatch affinity(task.j, 4) }\n");
    expectDiagnostics(r, [["15:48 WSP0608", "`task.j` is not defined for every task: 2 kernel calls (first: `k`) have no variable `j` in scope"]]);
    expect(relatedAt(r, single(r, "WSP0608"))).toEqual(["10:5 this call's tasks have no `j`", "13:3 this call's tasks have no `j`"]);
  });

  it("reports a read inside a policy at the directive, with the read as related", () => {
    const r = checkText(MIXED + "policy mine(): ready = task.i\nschedule w on a2a3sim { ready mine }\n");
    expectDiagnostics(r, [["16:31 WSP0608", "`task.i` is not defined for every task: 1 kernel call (first: `kk`) has no variable `i` in scope"]]);
    expect(relatedAt(r, single(r, "WSP0608"))).toEqual(["15:29 `mine` reads `task.i` here", "13:3 this call's tasks have no `i`"]);
  });

  it("reports an attribute no task has, with a suggestion and the attributes there are", () => {
    const r = checkText(MIXED + "schedule w on a2a3sim { dispatch affinity(task.jj, 4) }\n");
    expectDiagnostics(r, [["15:48 WSP0608", "no task of this schedule has attribute `task.jj`; did you mean `task.j`? (tasks have: i, j, seq)"]]);
  });

  it("gives `task.replica` only to tasks of replicated processes", () => {
    const r = checkText(HEAD +
      "pipeline p {\n" +
      "  channel c\n" +
      "  process one { k(T[0, 0]) }\n" +
      "  process many replicate 2 { k(T[replica, 1]) }\n" +
      "}\n" +
      "schedule p on a2a3sim { dispatch affinity(task.replica, 2) }\n");
    expectDiagnostics(r, [["13:48 WSP0608", "`task.replica` is not defined for every task: 1 kernel call (first: `k`)"]]);
    expect(relatedAt(r, single(r, "WSP0608"))).toEqual(["10:17 this call's tasks have no `replica`"]);
  });

  it("does not check a policy that no schedule uses against any tasks", () => {
    expectClean(checkText(MIXED + "policy unused(): dispatch = task.anything\n"));
  });

  it("points into the other file when the policy is imported", () => {
    const r = checkText("use lib.pol.{by_j}\n" + MIXED + "schedule w on a2a3sim { dispatch by_j(4) }\n", {
      "lib/pol.wsp": "/// Keyed by `j`.\npolicy by_j(n: u32): dispatch = task.j % n\n",
    });
    expectDiagnostics(r, [["16:34 WSP0608", "`task.j` is not defined for every task"]]);
    expect(relatedAt(r, single(r, "WSP0608"))[0]).toBe("lib/pol.wsp:2:38 `by_j` reads `task.j` here");
  });

  it("rejects `task.` outside policy bodies and directive arguments", () => {
    const r = checkText(HEAD + "const C = task.seq\nkernel c(n: u32) on aiv cycles task.seq\nworkload w { parallel i in a { k(T[task.i, 0]) } }\n");
    expectDiagnostics(r, [
      ["8:11 WSP0604", "`task.` attributes exist only in policy bodies and schedule directive arguments"],
      ["9:32 WSP0604", "`task.` attributes exist only in policy bodies"],
      ["10:36 WSP0604", "`task.` attributes exist only in policy bodies"],
    ]);
  });
});

describe("policy declarations", () => {
  it("accepts expression and block bodies reading parameters, lets, constants, slots and symbols", () => {
    expectClean(checkText("const C = 3\nslot s: u64\nsymbol n: u64\npolicy p(x: u64, y: u32): dispatch { let z = x ^ (x >> 3) let w = z + s return (w + n + C) % y }\n"));
  });

  it("reports an unknown kind with a suggestion", () => {
    const r = checkText("policy p(): dispach = 0\n");
    expectDiagnostics(r, [["1:13 WSP0601", "unknown policy kind `dispach`; did you mean `dispatch`?"]]);
  });

  it("requires a u64 result", () => {
    const r = checkText("policy a(x: i64): dispatch = x\npolicy b(f: bool): ready = f\npolicy c(): start = -1\npolicy d(): ready = ~0\n");
    expectDiagnostics(r, [
      ["1:30 WSP0602", "a policy yields a u64, but this is i64; convert it with `u64(...)`"],
      ["2:28 WSP0602", "a policy yields a u64, but this is bool; use `select(c, 1, 0)`"],
      ["3:21 WSP0207", "-1 is negative, but a policy yields a u64"],
      ["4:21 WSP0207", "-1 is negative, but a policy yields a u64"],
    ]);
  });

  it("reports duplicate parameters and rebound lets, pointing at the first", () => {
    const r = checkText("policy p(a: u64, a: u64): dispatch { let a = 1 let b = 2 let b = 3 return b }\n");
    expectDiagnostics(r, [
      ["1:18 WSP0102", "parameter `a` is declared twice"],
      ["1:42 WSP0102", "`a` is already defined in this policy; use a new name"],
      ["1:62 WSP0102", "`b` is already defined in this policy"],
    ]);
    expect(r.diagnostics.map((d) => relatedAt(r, d))).toEqual([["1:10 first declared here"], ["1:10 first defined here"], ["1:52 first defined here"]]);
  });

  it("rejects a slot-typed parameter type it does not allow", () => {
    const r = checkText("policy p(x: f32): dispatch = 0\n");
    expectDiagnostics(r, [["1:13 WSP0211", "a policy parameter cannot be f32"]]);
  });
});

describe("policy uses in schedules", () => {
  const W = HEAD + "workload w { parallel i in a { k(T[i, 0]) } }\n";

  it("reports policies of the wrong kind", () => {
    const r = checkText(W + "schedule w on a2a3sim { dispatch fifo ready round_robin(4) start lifo }\n");
    expectDiagnostics(r, [
      ["9:34 WSP0606", "`fifo` is a ready policy, but `dispatch` needs a dispatch policy"],
      ["9:45 WSP0606", "`round_robin` is a dispatch policy, but `ready` needs a ready policy"],
      ["9:66 WSP0606", "`lifo` is a ready policy, but `start` needs a start policy"],
    ]);
  });

  it("checks policy arguments against the parameters", () => {
    const r = checkText(W + "schedule w on a2a3sim { dispatch round_robin(true) ready priority() }\nschedule w on a2a3 { dispatch round_robin(4294967296) }\n");
    expectDiagnostics(r, [
      ["9:46 WSP0201", "parameter `n` of `round_robin` is u32, but this is bool"],
      ["9:58 WSP0301", "policy `priority` takes 1 argument, but `p` is missing"],
      ["10:43 WSP0207", "4294967296 does not fit parameter `n` of `round_robin`, a u32"],
    ]);
  });

  it("reports a name that is not a policy, and an unknown one with a suggestion", () => {
    const r = checkText(W + "schedule w on a2a3sim { dispatch k ready fifoo }\n");
    expectDiagnostics(r, [
      ["9:34 WSP0204", "`k` is a kernel, but a dispatch policy is needed here"],
      ["9:42 WSP0101", "unknown ready policy `fifoo`; did you mean `fifo`?"],
    ]);
  });
});

describe("schedules", () => {
  const W = HEAD + "workload w { parallel i in a { k(T[i, 0]) } }\n";

  it("reports an unknown subject with a suggestion, and a subject of the wrong kind", () => {
    const r = checkText(W + "schedule ww on a2a3sim { }\nschedule k on a2a3sim { }\n");
    expectDiagnostics(r, [
      ["9:10 WSP0101", "unknown workload or pipeline `ww`; did you mean `w`?"],
      ["10:10 WSP0204", "`k` is a kernel, but a schedule names the workload or pipeline it schedules"],
    ]);
  });

  it("reports an unknown target and a target of the wrong kind", () => {
    const r = checkText(W + "schedule w on a2a3sin { }\nschedule w on k { }\n");
    expectDiagnostics(r, [
      ["9:15 WSP0101", "unknown target `a2a3sin`; did you mean `a2a3sim`?"],
      ["10:15 WSP0204", "`k` is a kernel, but a target is needed here"],
    ]);
  });

  it("allows one schedule per target, and each directive once", () => {
    const r = checkText(W + "schedule w on a2a3sim { window 8 window 16 }\nschedule w on a2a3 { }\nschedule w on a2a3sim { }\n");
    expectDiagnostics(r, [
      ["9:34 WSP0605", "`window` is given twice in this schedule; keep one"],
      ["11:15 WSP0607", "`w` already has a schedule on `a2a3sim`; merge the two schedules"],
    ]);
    expect(r.diagnostics.map((d) => relatedAt(r, d))).toEqual([["9:25 first given here"], ["9:15 the first schedule"]]);
  });

  it("finds a duplicate schedule in another module, and points into that module", () => {
    const r = checkText("use std.targets.{a2a3sim}\nuse a.{w}\nschedule w on a2a3sim { }\n", {
      "a.wsp": "use std.targets.{a2a3sim}\nkernel k() on aiv cycles 1\nworkload w { k() }\nschedule w on a2a3sim { }\n",
    });
    const d = single(r, "WSP0607");
    const other = d.file === "a.wsp" ? "main.wsp:3:15" : "a.wsp:4:15";
    expect(relatedAt(r, d)).toEqual([`${other} the first schedule`]);
  });

  it("checks the window and the pools", () => {
    const r = checkText(W +
      "symbol n: u64\n" +
      "schedule w on a2a3sim {\n" +
      "  window 0 taskz stal\n" +
      "  pools { heap 1 KB, ready 2 MiB, tensormap 0, foo 1, heap 2 }\n" +
      "}\n" +
      "schedule w on a2a3 { window n }\n");
    expectDiagnostics(r, [
      ["11:10 WSP0203", "the window size must be at least 1, but it is 0"],
      ["11:12 WSP0609", "unknown window unit `taskz`; did you mean `tasks`?"],
      ["11:18 WSP0609", "unknown window mode `stal`; did you mean `stall`?"],
      ["12:18 WSP0611", "unknown size unit `KB`"],
      ["12:30 WSP0611", "pool `ready` counts entries and takes no unit"],
      ["12:45 WSP0203", "the size of pool `tensormap` must be at least 1, but it is 0"],
      ["12:48 WSP0610", "unknown pool `foo`; pools are tensormap, deplist, heap, ready"],
      ["12:55 WSP0610", "pool `heap` is sized twice"],
      ["14:29 WSP0202", "symbol `n` is only known at launch"],
    ]);
    expect(relatedAt(r, r.diagnostics.find((d) => d.message.includes("sized twice"))!)).toEqual(["12:11 first sized here"]);
  });
});

describe("targets", () => {
  it("checks keys, values and required keys", () => {
    const r = checkText(
      "target t1 { backend \"gpu\" schedulers 0 aic_cores \"x\" aiv_cores 2 aiv_cores 3 bogus 1 }\n" +
      "target t2 { backend \"sim\" }\n" +
      "target t3 { backend \"pto-tmr\" schedulers 3 aic_cores 24 aiv_cores 48 clock_mhz 1850 }\n",
    );
    expectDiagnostics(r, [
      ["1:21 WSP0603", "`backend` must be one of \"sim\", \"pto-tmr\", \"pto-hbg\""],
      ["1:38 WSP0203", "`schedulers` must be at least 1, but it is 0"],
      ["1:50 WSP0603", "`aic_cores` is a count, not a string"],
      ["1:66 WSP0603", "target property `aiv_cores` is set twice"],
      ["1:78 WSP0603", "unknown target property `bogus`"],
      ["2:8 WSP0603", "target `t2` must set `schedulers`, `aic_cores`, `aiv_cores`"],
    ]);
  });
});
