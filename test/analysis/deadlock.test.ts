/**
 * The static deadlock analysis (compiler/analysis/deadlock): verdicts, blocked sets, fills,
 * witnesses and smallest fixes, each derived by hand from the program in the test; the examples;
 * and agreement with the reference runtime (the witness replayed with the `order` interleaving
 * reaches the same rule and blocked set; the fixed program finishes).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeDeadlocks, type DeadlockVerdict } from "../../compiler/analysis/deadlock/index.js";
import type { AnalysisUnit } from "../../compiler/analysis/index.js";
import type { Backend } from "../../compiler/check/target-model.js";
import { createNodeHost } from "../../compiler/cli/node-host.js";
import type { Diagnostic, Fix } from "../../compiler/diagnostic.js";
import { checkProgram, type CheckResult } from "../../compiler/program.js";
import { buildUnits } from "../../compiler/units.js";
import { simulate } from "../../runtime/sim/simulate.js";
import { runCli } from "../../compiler/cli/run.js";
import { memoryIO } from "../cli/helpers.js";
import { checkText, REPO_ROOT } from "../helpers/memory-host.js";
import { cleanPackages, packageOf } from "../runtime/helpers.js";

afterAll(cleanPackages);

const H = "use std.targets.{a2a3sim, a2a3}\n";

function unitsOf(result: CheckResult): AnalysisUnit[] {
  return buildUnits(result).map((u) => {
    const t = u.target.decl.kind === "Target" ? result.semantics.targets.get(u.target.decl) : undefined;
    return { ...u, backend: t?.properties.get("backend") as Backend };
  });
}

function verdictOf(text: string, options: { budget?: number } = {}): DeadlockVerdict {
  const r = checkText(text);
  const units = unitsOf(r);
  expect(units).toHaveLength(1);
  return analyzeDeadlocks(r, units[0]!, options);
}

function deadlock(v: DeadlockVerdict): Extract<DeadlockVerdict, { kind: "deadlock" }> {
  expect(v.kind).toBe("deadlock");
  return v as Extract<DeadlockVerdict, { kind: "deadlock" }>;
}

const deadlockCodes = (ds: readonly Diagnostic[]) => ds.filter((d) => /^WSP09/.test(d.code));

/** `text` with a fix's edits applied (edits of one file, applied back to front). */
function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The runtime's view of the witness: the rule and who waits on what. */
function runtimeReplay(text: string, witness: readonly number[]) {
  const r = simulate(packageOf(text), { interleave: { kind: "order", steps: witness } });
  return r;
}

function blockedSet(v: Extract<DeadlockVerdict, { kind: "deadlock" }>): string[] {
  return v.blocked.map((b) => `${b.who}: ${"channel" in b.waitsOn ? `${b.waitsOn.channel} ${b.waitsOn.state}` : `window ${b.waitsOn.window}`}`);
}

/** The analysis's blocked set in the runtime's words (a window wait is just "window" there). */
function asRuntime(v: Extract<DeadlockVerdict, { kind: "deadlock" }>): string[] {
  return blockedSet(v).map((b) => b.replace(/window (full|scope-limit)$/, "window"));
}

/** The runtime's blocked set in the same words ("window" for a task-ring wait). */
function runtimeBlocked(r: ReturnType<typeof simulate>): string[] {
  return r.deadlock!.blocked.map((b) => `${b.who}: ${"channel" in b.waitsOn ? `${b.waitsOn.channel} ${b.waitsOn.state}` : "window"}`);
}

// ---------------------------------------------------------------------------------------------

const CAPACITY = `${H}
tensor X: f32[2, 3, 16] in
tensor Y: f32[2, 3, 16] out
kernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100
axis batches = dense(2)
axis parts = dense(3)
pipeline ahead {
  channel tiles depth 1
  channel headers
  process producer { for b in batches { for p in parts { send tiles(p) }; send headers(b) } }
  process consumer { for b in batches { recv h from headers; for p in parts { recv t from tiles; copy(X[h, t], Y[h, t]) } } }
}
`;

describe("channel capacity", () => {
  it("finds the producer that must run 3 ahead through depth 1, and fixes it with depth 3", () => {
    // The producer sends tile 0 (fill 1/1) and blocks on tile 1; the consumer waits for the header.
    const v = deadlock(verdictOf(CAPACITY));
    expect(v.rule).toBe("channel-capacity");
    expect(blockedSet(v)).toEqual(["process producer: tiles full", "process consumer: headers empty"]);
    expect(v.channels).toEqual([
      { name: "tiles", fill: 1, capacity: 1, closed: false },
      { name: "headers", fill: 0, capacity: 1, closed: false },
    ]);
    expect(v.witness).toEqual([0]);
    // Depth 2 still blocks on the third tile; depth 3 holds the batch.
    expect(v.fix?.edits).toEqual([{ file: "main.wsp", start: CAPACITY.indexOf("depth 1") + 6, end: CAPACITY.indexOf("depth 1") + 7, newText: "3" }]);
    expect(verdictOf(CAPACITY.replace("depth 1", "depth 2")).kind).toBe("deadlock");
    expect(verdictOf(applyFix(CAPACITY, v.fix!))).toEqual({ kind: "free", exhaustive: true });
  });

  it("inserts a depth where the channel has none", () => {
    const text = CAPACITY.replace("channel tiles depth 1", "channel tiles");
    const v = deadlock(verdictOf(text));
    const at = text.indexOf("channel tiles") + "channel tiles".length;
    expect(v.fix?.edits).toEqual([{ file: "main.wsp", start: at, end: at, newText: " depth 3" }]);
  });

  it("treats a rendezvous with no receiver waiting as full, and fixes it with depth 1", () => {
    const text = `${H}pipeline p {\n  channel c depth 0\n  channel d\n  process a { send c(0); send d(1) }\n  process b { recv y from d; recv x from c }\n}\n`;
    const v = deadlock(verdictOf(text));
    expect(v.rule).toBe("channel-capacity");
    expect(blockedSet(v)).toEqual(["process a: c full", "process b: d empty"]);
    expect(v.witness).toEqual([]);
    expect(v.fix?.edits[0]?.newText).toBe("1");
    const r = runtimeReplay(text, v.witness);
    expect([r.status, r.deadlock?.rule]).toEqual(["deadlock", "channel-capacity"]);
    expect(runtimeBlocked(r)).toEqual(asRuntime(v));
  });

  it("counts exactly with token values that decide a branch", () => {
    // Tokens 0..7; the filter forwards the even ones (0 2 4 6) on b, depth 1; the sink takes m.
    // m = 2: two taken, one buffered, the fourth send blocks: b needs depth 2. m = 3: free.
    const prog = (m: number) => `${H}axis n = dense(8)\naxis k = dense(${m})\npipeline p {\n  channel a\n  channel b\n  process src { for t in n { send a(t) } }\n  process filter { consume t from a { when t % 2 == 0 { send b(t) } } }\n  process sink { for i in k { recv x from b } }\n}\n`;
    const v = deadlock(verdictOf(prog(2)));
    expect(v.rule).toBe("channel-capacity");
    // By then src has sent its last token (7, into `a`) and ended, which closed `a`.
    expect(blockedSet(v)).toEqual(["process filter: b full"]);
    expect(v.channels.map((c) => [c.fill, c.closed])).toEqual([[1, true], [1, false]]);
    expect(v.fix?.edits[0]?.newText).toBe(" depth 2");
    expect(verdictOf(prog(3))).toEqual({ kind: "free", exhaustive: true });
  });
});

describe("channel cycle and starvation", () => {
  const RING = fs.readFileSync(path.join(REPO_ROOT, "examples/deadlock_ring.wsp"), "utf8");

  it("finds the ring, before any action, and fixes it by sending first", () => {
    const r = checkProgram([path.join(REPO_ROOT, "examples/deadlock_ring.wsp")], createNodeHost(REPO_ROOT));
    const v = deadlock(analyzeDeadlocks(r, unitsOf(r)[0]!));
    expect(v.rule).toBe("channel-cycle");
    expect(v.witness).toEqual([]);
    expect(blockedSet(v)).toEqual(["process left: pong empty", "process right: ping empty"]);
    const fix = v.fix!;
    expect(fix.edits).toHaveLength(1);
    expect(applyFix(RING, fix)).toContain("process left  { for i in n { send ping(i); recv v from pong; step(S[i]) } }");
    const fixed = checkText(applyFix(RING, fix).replace(/^module .*$/m, ""));
    expect(deadlockCodes(fixed.diagnostics)).toEqual([]);
  });

  it("calls a receiver starving when no live sender will send again", () => {
    // producer sends 1 then waits on done; consumer takes it and waits for a second token that
    // producer (alive, blocked) never sends, so `c` never closes.
    const text = `${H}pipeline p {\n  channel c\n  channel done\n  process producer { send c(1); recv d from done }\n  process consumer { recv a from c; recv b from c; send done(a + b) }\n}\n`;
    const v = deadlock(verdictOf(text));
    expect(v.rule).toBe("channel-starvation");
    expect(blockedSet(v)).toEqual(["process producer: done empty", "process consumer: c empty"]);
    expect(v.witness).toEqual([0, 1]);
    expect(v.fix).toBeUndefined();
    // The runtime names it by its pattern: every blocked process waits on an empty channel.
    const r = runtimeReplay(text, v.witness);
    expect(r.deadlock?.rule).toBe("channel-cycle");
    expect(runtimeBlocked(r)).toEqual(asRuntime(v));
  });

  it("finds a starving receiver at the end of 10^5 tokens, exactly", () => {
    // 10^5 tokens sent, 10^5 + 1 received: the last receive starves after 2·10^5 actions.
    const text = `${H}axis n = dense(100000)\naxis m = dense(100001)\npipeline p {\n  channel a depth 4\n  channel back\n  process src { for t in n { send a(t) }; recv z from back }\n  process dst { for t in m { recv x from a }; send back(0) }\n}\n`;
    const v = deadlock(verdictOf(text));
    expect(v.rule).toBe("channel-starvation");
    expect(v.witness).toHaveLength(200_000);
    expect(verdictOf(text.replace("dense(100001)", "dense(100000)"))).toEqual({ kind: "free", exhaustive: true });
  });
});

describe("scopes and the window", () => {
  it("a scope of 8 tasks under window 4 on a2a3sim: holds 4, the 5th waits; smallest window 8", () => {
    const text = `${H}tensor X: f32[8, 16] in\ntensor Y: f32[8, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis tiles = dense(8)\nworkload w { scope { parallel t in tiles { copy(X[t], Y[t]) } } }\nschedule w on a2a3sim { window 4 }\n`;
    const v = deadlock(verdictOf(text));
    expect(v.rule).toBe("scope-exceeds-window");
    expect(blockedSet(v)).toEqual(["workload w: window scope-limit"]);
    expect(v.window).toEqual({ size: 4, held: 4 });
    expect(v.witness).toEqual([0, 0, 0, 0]);
    expect(v.fix?.edits[0]?.newText).toBe("8");
    expect(verdictOf(text.replace("window 4", "window 7")).kind).toBe("deadlock");
    const r = runtimeReplay(text, v.witness);
    expect(r.deadlock?.rule).toBe("scope-exceeds-window");
    expect(simulate(packageOf(applyFix(text, v.fix!))).status).toBe("finished");
  });

  it("on pto-tmr a scope may hold window − 1 and the window is a power of two: 8 tasks need 16", () => {
    const text = `${H}tensor X: f32[8, 16] in\ntensor Y: f32[8, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis tiles = dense(8)\nworkload w { scope { parallel t in tiles { copy(X[t], Y[t]) } } }\nschedule w on a2a3 { window 4 }\n`;
    expect(deadlock(verdictOf(text)).fix?.edits[0]?.newText).toBe("16");
  });

  it("offers the scope split: one scope per iteration of the outer binding", () => {
    const text = `${H}tensor X: f32[4, 4, 16] in\ntensor Y: f32[4, 4, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis a = dense(4)\naxis b = dense(4)\nworkload w { scope { parallel i in a, j in b { copy(X[i, j], Y[i, j]) } } }\nschedule w on a2a3sim { window 8 }\n`;
    const d = checkText(text).diagnostics.find((x) => x.code === "WSP0904")!;
    expect(d.fixes.map((f) => f.edits[0]!.newText)).toEqual(["16", "parallel i in a { scope { parallel j in b { copy(X[i, j], Y[i, j]) } } }"]);
    expect(deadlockCodes(checkText(applyFix(text, d.fixes[1]!)).diagnostics)).toEqual([]);
  });

  const HELD = `${H}tensor X: f32[5, 16] in\ntensor Y: f32[5, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\npipeline p {\n  channel go\n  channel go2\n  process a { scope { copy(X[0], Y[0]); copy(X[1], Y[1]); recv t from go } }\n  process c { scope { copy(X[2], Y[2]); copy(X[3], Y[3]); recv t from go2 } }\n  process b { copy(X[4], Y[4]); send go(0); send go2(0) }\n}\nschedule p on a2a3sim { window 4 }\n`;

  it("finds the interleaving where two scopes fill the window before the producer submits", () => {
    // a and c each hold 2 tasks (4 of 4 places) and wait for tokens; b cannot submit the task
    // before its sends. Only that interleaving deadlocks: the runtime's default order finishes.
    const v = deadlock(verdictOf(HELD));
    expect(v.rule).toBe("scope-blocks-window");
    expect(v.witness).toEqual([0, 0, 1, 1]);
    expect(blockedSet(v)).toEqual(["process a: go empty", "process c: go2 empty", "process b: window full"]);
    expect(v.window).toEqual({ size: 4, held: 4 });
    expect(v.fix?.edits[0]?.newText).toBe("5");
    expect(simulate(packageOf(HELD)).status).toBe("finished");
    const r = runtimeReplay(HELD, v.witness);
    expect(r.deadlock?.rule).toBe("scope-blocks-window");
    expect(runtimeBlocked(r)).toEqual(asRuntime(v));
    const fixed = applyFix(HELD, v.fix!);
    expect(simulate(packageOf(fixed), { interleave: { kind: "order", steps: v.witness } }).status).toBe("finished");
    for (let seed = 1; seed <= 5; seed++) expect(simulate(packageOf(fixed), { interleave: { kind: "random", seed } }).status).toBe("finished");
  });

  it("says when the interleaving budget ran out, never `free`", () => {
    const prog = (n: number) => `${H}tensor X: f32[3, ${n}, 16] in\ntensor Y: f32[3, ${n}, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis n = dense(${n})\npipeline p {\n  process a { for i in n { scope { copy(X[0, i], Y[0, i]) } } }\n  process b { for i in n { scope { copy(X[1, i], Y[1, i]) } } }\n  process c { for i in n { scope { copy(X[2, i], Y[2, i]) } } }\n}\nschedule p on a2a3sim { window 2 }\n`;
    // 3 processes × 1000 iterations interleave in ~10^9 ways; 3 × 3 in at most 4^3 states.
    expect(verdictOf(prog(1000), { budget: 1000 })).toEqual({ kind: "free", exhaustive: false });
    expect(verdictOf(prog(3))).toEqual({ kind: "free", exhaustive: true });
    const d = checkText(prog(1000)).diagnostics.filter((x) => x.code === "WSP0908");
    expect(d.map((x) => x.severity)).toEqual(["info"]);
    expect(d[0]!.message).toContain("no deadlock found within the budget");
  });
});

describe("dynamic sizes and data", () => {
  it("says which launch-time values deadlock", () => {
    // The scope holds `batch` tasks; window 8 allows 8 on a2a3sim.
    const text = `${H}symbol batch: u64\ntensor X: f32[batch, 16] in\ntensor Y: f32[batch, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis b = dyn(batch)\nworkload w { scope { parallel i in b { copy(X[i], Y[i]) } } }\nschedule w on a2a3sim { window 8 }\n`;
    const v = verdictOf(text);
    expect(v.kind).toBe("inconclusive");
    if (v.kind !== "inconclusive") return;
    expect(v.dependsOn?.deadlocksFor[0]).toBe(9);
    expect(v.dependsOn?.deadlocksFor).toHaveLength(64 - 9 + 1);
    const d = deadlockCodes(checkText(text).diagnostics);
    expect(d.map((x) => [x.code, x.severity])).toEqual([["WSP0906", "warning"]]);
    expect(d[0]!.message).toContain("deadlocks when `batch` ≥ 9");
  });

  it("reports a deadlock that only some device data reaches as a hint, never an error", () => {
    const text = `${H}slot flag: u64\ntensor F: u64[1, 1] in\npipeline p {\n  channel c\n  channel ack\n  process producer { load flag <- F[0]; when flag > 0 { send c(1) }; recv a from ack }\n  process consumer { recv x from c; send ack(x) }\n}\n`;
    const d = deadlockCodes(checkText(text).diagnostics);
    expect(d.map((x) => [x.code, x.severity])).toEqual([["WSP0907", "hint"]]);
    expect(d[0]!.message).toContain("a `when` condition that reads device data");
  });

  it("needs no decision where every branch does the same to channels and tasks", () => {
    const text = `${H}slot flag: u64\ntensor F: u64[1, 1] in\ntensor X: f32[2, 16] out\nkernel k(y: out f32[16], s: u32) on aiv cycles 10\npipeline p {\n  channel c\n  process producer { load flag <- F[0]; when flag > 0 { k(X[0], s = 1); send c(1) } else { k(X[0], s = 2); send c(2) } }\n  process consumer { recv x from c; k(X[1], s = 0) }\n}\n`;
    expect(verdictOf(text)).toEqual({ kind: "free", exhaustive: true });
  });

  it("tells apart branches whose loops run over axes of different sizes", () => {
    // flag > 0 sends 2 tokens, otherwise 8, then waits for an ack; the consumer takes 8 tokens
    // before it acks. With 2, the consumer waits on `c` (open: the producer has not ended) and
    // the producer on `ack`: a deadlock that only some device data reaches. Both branches loop
    // once over one axis, so only the axes tell their effects apart.
    const text = `${H}slot flag: u64\ntensor F: u64[1, 1] in\naxis two = dense(2)\naxis eight = dense(8)\npipeline p {\n  channel c depth 8\n  channel ack\n  process producer { load flag <- F[0]; when flag > 0 { for i in two { send c(i) } } else { for i in eight { send c(i) } }; recv a from ack }\n  process consumer { for i in eight { recv x from c }; send ack(0) }\n}\n`;
    const d = deadlockCodes(checkText(text).diagnostics);
    expect(d.map((x) => [x.code, x.severity])).toEqual([["WSP0907", "hint"]]);
  });
});

describe("diagnostics", () => {
  it("one error per deadlock, on the channel its fix edits, with each blocked process related", () => {
    const ds = checkText(CAPACITY).diagnostics;
    const errors = ds.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["WSP0902"]);
    const e = errors[0]!;
    expect(CAPACITY.slice(e.start, e.end)).toBe("tiles");
    expect(e.message).toContain("schedule"); // no schedule: the default one is named
    expect(e.message).toContain("`tiles` 1/1, `headers` 0/1");
    expect(e.related.slice(0, 2).map((r) => CAPACITY.slice(r.start, r.end))).toEqual(["send tiles(p)", "recv h from headers"]);
    expect(e.related[0]!.message).toContain("full (1 of 1)");
    expect(e.fixes[0]!.message).toContain("depth of channel `tiles` to 3");
    // The consumer never gets past its first receive: the rest of its loop body never runs.
    const lint = ds.filter((d) => d.code === "WSP0909");
    expect(lint.map((d) => CAPACITY.slice(d.start, d.end))).toEqual(["for p in parts { recv t from tiles; copy(X[h, t], Y[h, t]) }"]);
  });

  it("analyses each schedule once and names it", () => {
    const text = `${H}tensor X: f32[8, 16] in\ntensor Y: f32[8, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis tiles = dense(8)\nworkload w { scope { parallel t in tiles { copy(X[t], Y[t]) } } }\nschedule w on a2a3sim { window 4 }\nschedule w on a2a3 { window 16 }\n`;
    const errors = checkText(text).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["WSP0904"]);
    expect(errors[0]!.message).toContain("schedule `w` on a2a3sim");
  });

  it("a unit without a schedule is analysed under the default one, and says so", () => {
    const text = `${H}tensor X: f32[16] out\nkernel k(y: out f32[16]) on aiv cycles 10\npipeline p {\n  channel c\n  process a { recv x from c; k(X) }\n  process b { recv y from c; send c(1) }\n}\n`;
    const errors = checkText(text).diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain("`p` under the default schedule on a2a3sim");
  });
});

describe("the examples", () => {
  const files = fs.readdirSync(path.join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".wsp")).sort();
  const check = (f: string) => checkProgram([path.join(REPO_ROOT, "examples", f)], createNodeHost(REPO_ROOT));

  it.each(files.filter((f) => !f.startsWith("deadlock_")))("%s has no deadlock diagnostic", (f) => {
    expect(deadlockCodes(check(f).diagnostics).map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  it.each([
    ["deadlock_ring.wsp", "WSP0901", "recv v from pong", "send ping(i); recv v from pong; step(S[i])"],
    ["deadlock_capacity.wsp", "WSP0902", "tiles", "3"],
    // 64 tasks in one scope: on a2a3sim a scope may hold the whole window, so the least window is 64.
    ["deadlock_scope.wsp", "WSP0904", "scope", "64"],
  ])("%s: exactly one deadlock error (%s) with the right fix", (f, code, range, fix) => {
    const ds = check(f).diagnostics.filter((d) => d.severity === "error");
    expect(ds.map((d) => d.code)).toEqual([code]);
    const text = fs.readFileSync(path.join(REPO_ROOT, "examples", f), "utf8");
    expect(text.slice(ds[0]!.start, ds[0]!.end)).toBe(range);
    expect(ds[0]!.fixes[0]!.edits[0]!.newText).toBe(fix);
  });

  it("deadlock_capacity: the runtime replays the witness to the same deadlock; depth 3 finishes", () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "examples/deadlock_capacity.wsp"), "utf8");
    const r = checkText(text);
    const v = deadlock(analyzeDeadlocks(r, unitsOf(r)[0]!));
    // producer: produce, send tiles(0), produce; then the second send finds `tiles` full.
    expect(v.witness).toEqual([0, 0, 0]);
    const run = runtimeReplay(text, v.witness);
    expect(run.deadlock?.rule).toBe("channel-capacity");
    expect(runtimeBlocked(run)).toEqual(asRuntime(v));
    expect(simulate(packageOf(applyFix(text, v.fix!))).status).toBe("finished");
  });
});

describe("wspc check --format json", () => {
  it("carries the related locations and the fix edit", () => {
    const run = memoryIO(REPO_ROOT);
    expect(runCli(["check", "--format", "json", "examples/deadlock_capacity.wsp"], run.io)).toBe(1);
    const out = JSON.parse(run.stdout()) as { code: string; range: unknown; related: { range: { start: { line: number } }; message: string }[]; fixes: { edits: { range: unknown; newText: string }[] }[] }[];
    const d = out.find((x) => x.code === "WSP0902")!;
    // examples/deadlock_capacity.wsp: `channel tiles depth 1` is line 20; the blocked send line 24,
    // the blocked receive line 30.
    expect(d.range).toEqual({ start: { line: 20, col: 11 }, end: { line: 20, col: 16 } });
    expect(d.related.slice(0, 2).map((r) => [r.range.start.line, r.message])).toEqual([
      [24, "`process producer` waits here to send on `tiles`: full (1 of 1)"],
      [30, "`process consumer` waits here to receive from `headers`: empty (0 of 1, not closed)"],
    ]);
    expect(d.fixes[0]!.edits).toEqual([{ file: "examples/deadlock_capacity.wsp", range: { start: { line: 20, col: 23 }, end: { line: 20, col: 24 } }, newText: "3" }]);
  });
});
