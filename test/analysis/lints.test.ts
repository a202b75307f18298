import { describe, expect, it } from "vitest";
import type { Diagnostic, TextEdit } from "../../compiler/diagnostic.js";
import { checkProgram, type CheckResult } from "../../compiler/program.js";
import { checkText, described, memoryHost } from "../helpers/memory-host.js";

const LINT_CODES = ["WSP1001", "WSP1002", "WSP1003", "WSP1004", "WSP1005", "WSP1006", "WSP1007"];

/** "line:col CODE message" of the lint diagnostics of main.wsp (of `codes` only, when given); fails on errors. */
function lints(result: CheckResult, ...codes: string[]): string[] {
  expect(errors(result)).toEqual([]);
  const wanted = codes.length > 0 ? codes : LINT_CODES;
  return described(result).filter((l) => wanted.some((c) => l.includes(` ${c} `)));
}

/** `lints` restricted to some codes. */
function only(...codes: string[]): (result: CheckResult) => string[] {
  return (result) => lints(result, ...codes);
}

function errors(result: CheckResult): string[] {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
}

/** Applies every fix of `diagnostics` to `text` (identical edits once; overlapping ones are a test failure). */
function applyFixes(text: string, diagnostics: readonly Diagnostic[]): string {
  const edits: TextEdit[] = diagnostics.flatMap((d) => d.fixes.flatMap((f) => f.edits));
  const unique = [...new Map(edits.map((e) => [`${e.start}:${e.end}:${e.newText}`, e])).values()].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of unique) {
    expect(e.end <= limit, `edits overlap at ${e.start}`).toBe(true);
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** Checks `text`, applies the fixes of `code`, and returns the fixed text after checking it has no errors and none of `code`. */
function fixedClean(text: string, code: string): string {
  const result = checkText(text);
  const fixed = applyFixes(text, result.diagnostics.filter((d) => d.code === code));
  const again = checkText(fixed);
  expect(errors(again)).toEqual([]);
  expect(again.diagnostics.filter((d) => d.code === code).map((d) => d.message)).toEqual([]);
  return fixed;
}

const COPY = "kernel copy(src: in f32[64], dst: out f32[64]) on aiv cycles 100";

describe("WSP1001 unused declarations", () => {
  const text = [
    "use std.targets.{a2a3sim}",                                   // 1
    "const N = 8",                                                 // 2
    "const FACTOR = 3",                                            // 3 used only by `scaled`
    "/// A scratch buffer nobody needs.",                          // 4
    "/// (two doc lines)",                                         // 5
    "tensor Scratch: f32[N, 64]",                                  // 6
    "tensor X: f32[N, 64] in",                                     // 7
    "tensor Y: f32[N, 64] out",                                    // 8
    "tensor Lost: f32[N, 64] out",                                 // 9
    COPY,                                                          // 10
    "kernel scaled(src: in f32[64], dst: out f32[64]) on aiv cycles 100 * FACTOR", // 11
    "axis tiles = dense(N)",                                       // 12
    "axis spare = dense(2)",                                       // 13
    "slot s: u64 symbol batch: u64",                              // 14
    "policy mine(): dispatch = 0",                                 // 15
    "target tiny { backend \"sim\" schedulers 1 aic_cores 1 aiv_cores 1 }", // 16
    "pipeline p {",                                                // 17
    "  channel jobs",                                              // 18
    "  channel idle depth 2 // never used",                        // 19
    "  process a { for t in tiles { copy(X[t], Y[t]); send jobs(t) } }", // 20
    "  process b { consume t from jobs { } }",                     // 21
    "}",                                                           // 22
    "schedule p on a2a3sim { window 64 }",                         // 23
    "",
  ].join("\n");

  it("reports each unused declaration at its name, with a message naming what it is", () => {
    expect(only("WSP1001")(checkText(text))).toEqual([
      "3:7 WSP1001 constant `FACTOR` is used only by `scaled`, which is unused too",
      "6:8 WSP1001 tensor `Scratch` is never used",
      "9:8 WSP1001 tensor `Lost` is never used: no workload or pipeline reads or writes it, so no package lists it as a launch output",
      "11:8 WSP1001 kernel `scaled` is never used: no workload or pipeline calls it",
      "13:6 WSP1001 axis `spare` is never used: no loop iterates it",
      "14:6 WSP1001 slot `s` is never used",
      "14:20 WSP1001 symbol `batch` is never used",
      "15:8 WSP1001 policy `mine` is never used",
      "16:8 WSP1001 target `tiny` is never used",
      "19:11 WSP1001 channel `idle` is never used: no process sends on it, receives from it or closes it",
    ]);
    const d = checkText(text).diagnostics.find((x) => x.code === "WSP1001")!;
    expect(d.severity).toBe("warning");
    expect(d.tags).toEqual(["unnecessary"]);
  });

  it("removes a declaration with its doc comment; a constant goes with the unused kernel that uses it", () => {
    const result = checkText(text);
    const factor = result.diagnostics.find((d) => d.message.includes("`FACTOR`"))!;
    expect(factor.fixes.map((f) => f.message)).toEqual(["remove `FACTOR` and `scaled`, which uses it"]);
    const scratch = result.diagnostics.find((d) => d.message.includes("`Scratch`"))!;
    expect(applyFixes(text, [scratch]).split("\n").slice(2, 5)).toEqual(["const FACTOR = 3", "tensor X: f32[N, 64] in", "tensor Y: f32[N, 64] out"]);
    // `slot s; symbol batch` share a line: each fix keeps the other valid.
    const slot = result.diagnostics.find((d) => d.message.includes("slot `s`"))!;
    expect(applyFixes(text, [slot]).split("\n")[13]).toBe("symbol batch: u64");
    const symbol = result.diagnostics.find((d) => d.message.includes("symbol `batch`"))!;
    expect(applyFixes(text, [symbol]).split("\n")[13]).toBe("slot s: u64 ");
    const fixed = fixedClean(text, "WSP1001");
    expect(fixed.split("\n")).toEqual([
      "use std.targets.{a2a3sim}",
      "const N = 8",
      "tensor X: f32[N, 64] in",
      "tensor Y: f32[N, 64] out",
      COPY,
      "axis tiles = dense(N)",
      "", // `slot s` and `symbol batch` shared a line: each removal keeps to its own text
      "pipeline p {",
      "  channel jobs",
      "  process a { for t in tiles { copy(X[t], Y[t]); send jobs(t) } }",
      "  process b { consume t from jobs { } }",
      "}",
      "schedule p on a2a3sim { window 64 }",
      "",
    ]);
  });

  it("counts a use by another module of the program, and says nothing about library files or std", () => {
    const main = ["module main", "use std.targets.{a2a3sim}", "tensor Shared: f32[4, 64] out", "tensor X: f32[4, 64] in", COPY, "axis n = dense(4)", "workload w { parallel i in n { copy(X[i], X2[i]) } }", "tensor X2: f32[4, 64] out", ""].join("\n");
    const other = ["module other", "use main.{Shared, X, copy, n}", "workload v { parallel i in n { copy(X[i], Shared[i]) } }", ""].join("\n");
    const both = checkProgram(["main.wsp", "other.wsp"], memoryHost({ "main.wsp": main, "other.wsp": other }));
    expect(errors(both)).toEqual([]);
    expect(both.diagnostics.filter((d) => d.code === "WSP1001")).toEqual([]);
    // Alone, `Shared` is unused in main.
    expect(only("WSP1001")(checkText(main))).toEqual(["3:8 WSP1001 tensor `Shared` is never used: no workload or pipeline reads or writes it, so no package lists it as a launch output"]);
    // A file with declarations only is a library: its interface is everything in it.
    expect(only("WSP1001")(checkText(["tensor A: f32[4] in", "kernel k(a: in f32[4]) on aiv cycles 1", ""].join("\n")))).toEqual([]);
  });
});

describe("WSP1002 unused imports", () => {
  it("flags the item as a hint; removes it from the list, or the whole line when nothing of it is used", () => {
    const text = [
      "use std.targets.{a2a3sim, a2a3}",
      "use std.policies.{hash, round_robin as rr, affinity}",
      "use std.prelude.{lifo}",
      "tensor X: f32[4, 64] in",
      "tensor Y: f32[4, 64] out",
      COPY,
      "axis n = dense(4)",
      "workload w { parallel i in n { copy(X[i], Y[i]) } }",
      "schedule w on a2a3sim { dispatch rr(4) }",
      "",
    ].join("\n");
    const result = checkText(text);
    expect(only("WSP1002")(result)).toEqual([
      "1:27 WSP1002 `a2a3` is imported but never used",
      "2:19 WSP1002 `hash` is imported but never used",
      "2:44 WSP1002 `affinity` is imported but never used",
      "3:18 WSP1002 `lifo` is imported but never used",
    ]);
    expect(result.diagnostics.filter((d) => d.code === "WSP1002").map((d) => d.severity)).toEqual(["hint", "hint", "hint", "hint"]);
    expect(fixedClean(text, "WSP1002").split("\n").slice(0, 3)).toEqual([
      "use std.targets.{a2a3sim}",
      "use std.policies.{round_robin as rr}",
      "tensor X: f32[4, 64] in",
    ]);
  });
});

describe("WSP1002 unused imports: what counts as a use", () => {
  it("counts a name reached only through an alias, even of the module's own declaration", () => {
    const text = ["module main", "use std.targets.{a2a3sim}", "use main.{X as Xin}", "tensor X: f32[4, 64] in", "tensor Y: f32[4, 64] out", COPY, "axis n = dense(4)",
      "workload w { parallel i in n { copy(Xin[i], Y[i]) } }", "schedule w on a2a3sim { window 64 }", ""].join("\n");
    const result = checkProgram(["main.wsp"], memoryHost({ "main.wsp": text }));
    expect(errors(result)).toEqual([]);
    expect(result.diagnostics.filter((d) => d.code === "WSP1002" || d.code === "WSP1001")).toEqual([]);
    // Without the alias the name does not reach the import: the module's declaration is found first.
    const shadowed = text.replace("copy(Xin[i]", "copy(X[i]");
    const again = checkProgram(["main.wsp"], memoryHost({ "main.wsp": shadowed }));
    expect(only("WSP1002")(again)).toEqual(["3:11 WSP1002 `Xin` is imported but never used"]);
  });
});

describe("WSP1003 slot read before load", () => {
  const head = ["use std.targets.{a2a3sim}", "slot len: u64", "slot host: u64", "tensor Lens: u64[4] in", "tensor X: f32[4, 64] in", "tensor Y: f32[4, 64] out",
    "kernel scaled(src: in f32[64], dst: out f32[64], n: u64) on aiv cycles 100 + n", "axis n = dense(4)", "axis none = dense(0)"]; // 9 lines

  it("reports a read before the orchestrator's first load of that slot, on the read", () => {
    const text = [...head,
      "workload w {",                                               // 10
      "  parallel i in n {",                                        // 11
      "    scaled(X[i], Y[i], n = len + host)",                     // 12: `len` not loaded yet (first iteration)
      "    load len <- Lens[i]",                                    // 13
      "    scaled(X[i], Y[i], n = len)",                            // 14: fine
      "  }",
      "}",
      "schedule w on a2a3sim { window 64 }", ""].join("\n");
    const result = checkText(text);
    expect(only("WSP1003")(result)).toEqual([
      "12:28 WSP1003 slot `len` is read here before any `load` into it in workload `w`: the first time, it holds the launch value (the host's, or 0); load it before this read, or move the read after the load",
    ]);
    const d = result.diagnostics.find((x) => x.code === "WSP1003")!;
    expect(text.slice(d.start, d.end)).toBe("len");
    expect(d.related.map((r) => text.slice(r.start, r.end))).toEqual(["load len <- Lens[i]"]);
  });

  it("needs the load on every path: both branches with an else, or a loop that surely runs", () => {
    const workload = (body: string[]) => checkText([...head, "workload w {", ...body, "}", "schedule w on a2a3sim { window 64 }", ""].join("\n"));
    // Line 11 onwards is the body.
    expect(only("WSP1003")(workload([
      "  when true { load len <- Lens[0] }",
      "  scaled(X[0], Y[0], n = len)",
    ]))).toEqual(["12:26 WSP1003 slot `len` is read here before any `load` into it in workload `w`: the first time, it holds the launch value (the host's, or 0); load it before this read, or move the read after the load"]);
    expect(only("WSP1003")(workload([
      "  when host > 0 { load len <- Lens[0] } else { load len <- Lens[1] }",
      "  parallel i in n { load len <- Lens[i] }",
      "  scaled(X[0], Y[0], n = len)",
    ]))).toEqual([]);
    expect(only("WSP1003")(workload([
      "  parallel i in n { load len <- Lens[i] }",
      "  scaled(X[0], Y[0], n = len)",
    ]))).toEqual([]);
    expect(only("WSP1003")(workload([
      "  parallel i in none { load len <- Lens[i] }",
      "  scaled(X[0], Y[0], n = len)",
    ])).map((l) => l.slice(0, 19))).toEqual(["12:26 WSP1003 slot "]);
  });

  it("is silent for host slots (never loaded by this orchestrator), also in pipelines", () => {
    const text = [...head,
      "pipeline p {",
      "  channel c",
      "  process a { load len <- Lens[0]; send c(len) }",
      "  process b { consume t from c { scaled(X[t], Y[t], n = len + host) } }",
      "}",
      "schedule p on a2a3sim { window 64 }", ""].join("\n");
    expect(only("WSP1003")(checkText(text))).toEqual([]);
  });

  it("follows a slot imported under another name, whichever name the load and the read use", () => {
    const lib = ["module lib", "slot len: u64", ""].join("\n");
    const main = ["module main", "use std.targets.{a2a3sim}", "use lib.{len as count, len}", "tensor Lens: u64[4] in", "tensor X: f32[4, 64] in", "tensor Y: f32[4, 64] out",
      "kernel scaled(src: in f32[64], dst: out f32[64], n: u64) on aiv cycles 100 + n", "axis n = dense(4)",
      "workload w { parallel i in n { scaled(X[i], Y[i], n = count); load len <- Lens[i] } }", "schedule w on a2a3sim { window 64 }", ""].join("\n");
    const result = checkProgram(["main.wsp"], memoryHost({ "main.wsp": main, "lib.wsp": lib }));
    expect(errors(result)).toEqual([]);
    expect(only("WSP1003")(result).map((l) => l.slice(0, 35))).toEqual(["9:55 WSP1003 slot `count` is read h"]);
  });
});

describe("WSP1006 send after close", () => {
  const head = ["use std.targets.{a2a3sim}", "slot flag: bool", "tensor X: f32[4, 64] in", "tensor Y: f32[4, 64] out", COPY, "axis n = dense(4)", "axis one = dense(1)"]; // 7 lines
  const pipeline = (producer: string) => checkText([...head,
    "pipeline p {",                                                  // 8
    "  channel jobs depth 4",                                        // 9
    `  process producer { ${producer} }`,                            // 10
    "  process consumer { consume t from jobs { copy(X[t], Y[t]) } }",
    "}",
    "schedule p on a2a3sim { window 64 }", ""].join("\n"));

  it("reports the send, with the close as related location", () => {
    const result = pipeline("send jobs(0); close jobs; send jobs(1)");
    expect(only("WSP1006")(result)).toEqual([
      "10:48 WSP1006 `send jobs(…)` can run after `close jobs` in process `producer`: sending on a closed channel is a run-time error; close the channel after the last send (or leave it to close by itself when its senders end)",
    ]);
    const d = result.diagnostics.find((x) => x.code === "WSP1006")!;
    expect(d.end - d.start).toBe("send jobs(1)".length);
    expect(d.related.map((r) => r.message)).toEqual(["`jobs` is closed here first"]);
    expect(d.fixes).toEqual([]);
  });

  it("follows branches and loop iterations", () => {
    expect(only("WSP1006")(pipeline("when flag { close jobs }; send jobs(1)")).map((l) => l.slice(0, 13))).toEqual(["10:48 WSP1006"]);
    expect(only("WSP1006")(pipeline("for t in n { send jobs(t); close jobs }")).map((l) => l.slice(0, 13))).toEqual(["10:35 WSP1006"]);
    expect(only("WSP1006")(pipeline("for t in one { send jobs(t); close jobs }"))).toEqual([]);
    expect(only("WSP1006")(pipeline("for t in n { send jobs(t) }; close jobs"))).toEqual([]);
    expect(only("WSP1006")(pipeline("when flag { close jobs } else { send jobs(1) }"))).toEqual([]);
  });
});

describe("WSP1004 / WSP1005 dispatch", () => {
  const grid = (schedule: string, extraUse = "use std.policies.{affinity}") => [
    "use std.targets.{a2a3sim, a2a3}",                                // 1
    extraUse,                                                         // 2
    "slot seqlen: u64",                                               // 3
    "tensor L: u64[2, 4] in",                                         // 4
    "tensor X: f32[2, 4, 64] in",                                     // 5
    "tensor Y: f32[2, 4, 64] out",                                    // 6
    COPY,                                                             // 7
    "axis b = dense(2)",                                              // 8
    "axis s = dense(4)",                                              // 9
    "workload w { parallel i in b, j in s { load seqlen <- L[i, j]; when seqlen < 8 { copy(X[i, j], Y[i, j]) } else { copy(X[i, j], Y[i, j]) } } }", // 10
    schedule,                                                         // 11
    "",
  ].join("\n");

  it("names the idle schedulers (tasks under a `when` with an `else` still count) and fixes with round_robin", () => {
    const text = grid("schedule w on a2a3sim { dispatch affinity(task.i, 4) }");
    const result = checkText(text);
    expect(only("WSP1004", "WSP1005", "WSP1007")(result)).toEqual([
      "11:34 WSP1004 `affinity(task.i, 4)` places this program's 8 tasks on schedulers 0 and 1 only: schedulers 2 and 3 of a2a3sim get no task; `round_robin(4)` would spread them over 4",
    ]);
    const d = result.diagnostics.find((x) => x.code === "WSP1004")!;
    expect(text.slice(d.start, d.end)).toBe("affinity(task.i, 4)");
    const fixed = fixedClean(text, "WSP1004");
    expect(fixed.split("\n")[1]).toBe("use std.policies.{affinity, round_robin}");
    expect(fixed.split("\n")[10]).toBe("schedule w on a2a3sim { dispatch round_robin(4) }");
  });

  it("adds a use line when std.policies is not imported with braces", () => {
    const text = grid("schedule w on a2a3sim { dispatch pin(task.i) }", "policy pin(k: u64): dispatch = k % 4");
    const fixed = fixedClean(text, "WSP1004");
    expect(fixed.split("\n").slice(0, 3)).toEqual(["use std.targets.{a2a3sim, a2a3}", "use std.policies.{round_robin}", "policy pin(k: u64): dispatch = k % 4"]);
  });

  it("stays silent when every scheduler is used, when there are fewer tasks than schedulers, or on targets that only record dispatch", () => {
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(grid("schedule w on a2a3sim { dispatch affinity(task.i * 4 + task.j, 4) }")))).toEqual([]);
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(grid("schedule w on a2a3sim { dispatch affinity(task.j, 4) }")))).toEqual([]);
    // 2 tasks on 4 schedulers: round robin would use 2 as well.
    const two = ["use std.targets.{a2a3sim}", "use std.policies.{affinity}", "tensor X: f32[2, 64] in", "tensor Y: f32[2, 64] out", COPY, "axis b = dense(2)",
      "workload w { parallel i in b { copy(X[i], Y[i]) } }", "schedule w on a2a3sim { dispatch affinity(task.i, 4) }", ""].join("\n");
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(two))).toEqual([]);
    // a2a3 (pto-tmr) records dispatch without acting on it: 3 schedulers, index 3 would not fail there.
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(grid("schedule w on a2a3 { dispatch affinity(task.i, 4) }"))).filter((l) => l.includes("WSP100"))).toEqual([]);
  });

  it("warns on the argument when an index reaches the scheduler count, and fixes it to the count", () => {
    const text = grid("schedule w on a2a3sim { dispatch round_robin(8) }", "use std.policies.{round_robin}");
    const result = checkText(text);
    expect(only("WSP1004", "WSP1005", "WSP1007")(result)).toEqual([
      "11:46 WSP1005 `round_robin(8)` sends task 4 to scheduler 4, but a2a3sim has 4 schedulers (0 … 3): a dispatch index ≥ 4 stops the run with an error; use 4",
    ]);
    const d = result.diagnostics.find((x) => x.code === "WSP1005")!;
    expect(text.slice(d.start, d.end)).toBe("8");
    expect(fixedClean(text, "WSP1005").split("\n")[10]).toBe("schedule w on a2a3sim { dispatch round_robin(4) }");
    // affinity(task.i, 8): i is 0 or 1, so the index never reaches 4 — but the idle lint fires.
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(grid("schedule w on a2a3sim { dispatch affinity(task.i, 8) }"))).map((l) => l.slice(0, 13))).toEqual(["11:34 WSP1004"]);
  });

  it("names each unit's own kernel when alike units share one computed verdict", () => {
    // w1 and w2 have the same shape (8 tasks of one call) and policy: one enumeration serves both,
    // and each message must still name its own kernel. round_robin(8): task 4 goes to scheduler 4.
    const text = ["use std.targets.{a2a3sim}", "use std.policies.{round_robin}", "tensor X: f32[8, 64] in", "tensor Y: f32[8, 64] out", "tensor Z: f32[8, 64] out",
      "kernel k1(src: in f32[64], dst: out f32[64]) on aiv cycles 10", "kernel k2(src: in f32[64], dst: out f32[64]) on aiv cycles 10", "axis b = dense(8)",
      "workload w1 { parallel i in b { k1(X[i], Y[i]) } }", "workload w2 { parallel i in b { k2(X[i], Z[i]) } }",
      "schedule w1 on a2a3sim { dispatch round_robin(8) }", "schedule w2 on a2a3sim { dispatch round_robin(8) }", ""].join("\n");
    expect(only("WSP1005")(checkText(text))).toEqual([
      "11:47 WSP1005 `round_robin(8)` sends task 4 (`k1`) to scheduler 4, but a2a3sim has 4 schedulers (0 … 3): a dispatch index ≥ 4 stops the run with an error; use 4",
      "12:47 WSP1005 `round_robin(8)` sends task 4 (`k2`) to scheduler 4, but a2a3sim has 4 schedulers (0 … 3): a dispatch index ≥ 4 stops the run with an error; use 4",
    ]);
  });

  it("says `can` for tasks whose existence depends on launch values, and offers no fix when no constant argument bounds the index", () => {
    const dyn = ["use std.targets.{a2a3sim}", "use std.policies.{round_robin}", "symbol batch: u64", "tensor X: f32[batch, 64] in", "tensor Y: f32[batch, 64] out", COPY, "axis b = dyn(batch)",
      "workload w { parallel i in b { copy(X[i], Y[i]) } }", "schedule w on a2a3sim { dispatch round_robin(6) }", ""].join("\n");
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(dyn))).toEqual([
      "9:46 WSP1005 `round_robin(6)` can send task 4 to scheduler 4, but a2a3sim has 4 schedulers (0 … 3): a dispatch index ≥ 4 stops the run with an error; use 4",
    ]);
    const custom = grid("schedule w on a2a3sim { dispatch spread }", "policy spread(): dispatch = task.j + 2");
    const result = checkText(custom);
    expect(only("WSP1004", "WSP1005", "WSP1007")(result)).toEqual([
      "11:34 WSP1005 `spread` can send tasks of `copy` to scheduler 4, but a2a3sim has 4 schedulers (0 … 3): a dispatch index ≥ 4 stops the run with an error",
    ]);
    expect(result.diagnostics.find((x) => x.code === "WSP1005")!.fixes).toEqual([]);
  });

  it("stops at its budget and says so (WSP1007) unless what it saw settles the verdicts", () => {
    const big = (policy: string) => ["use std.targets.{a2a3sim}", "use std.policies.{affinity}", "tensor X: f32[6000, 64] in", "tensor Y: f32[6000, 64] out", COPY, "axis t = dense(6000)",
      "workload w { parallel i in t { copy(X[i], Y[i]) } }", `schedule w on a2a3sim { dispatch ${policy} }`, ""].join("\n");
    const result = checkText(big("affinity(task.i / 5500, 4)"));
    expect(only("WSP1004", "WSP1005", "WSP1007")(result)).toEqual([
      "8:34 WSP1007 the dispatch check of `affinity(task.i / 5500, 4)` stopped after 5000 steps (tasks, loop iterations or attribute values): whether it leaves schedulers idle or exceeds a2a3sim's 4 schedulers is not known",
    ]);
    expect(result.diagnostics.find((d) => d.code === "WSP1007")!.severity).toBe("hint");
    expect(only("WSP1004", "WSP1005", "WSP1007")(checkText(big("affinity(task.i, 4)")))).toEqual([]);
  });
});
