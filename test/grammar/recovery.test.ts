import { describe, expect, it } from "vitest";
import type * as A from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";
import { problemPositions, show, textOf } from "./util.js";

/** Five independent mistakes, each in a different declaration or statement. */
const FIVE_ERRORS = `module demo.broken

use std.targets.{a2a3sim}

const TILES = 4 +
tensor X: f32[TILES, 8, 8] in
tensor Y: f32[TILES, 8, 8] out

kernel k1(x: in f32[8, 8] y: out f32[8, 8]) on aiv cycles 100
kernel k2(x: in f32[8, 8], y: out f32[8, 8]) on aiv cycles 200

axis tiles = dense(TILES)

workload first {
  parallel t in tiles {
    k1(X[t], Y[t]) 42
    k2(X[t], Y[t])
  }
}

workload second {
  for t in tiles { load in <- X[t] }
}

schedule first on a2a3sim {
  dispatch round_robin(4
  window 64 tasks stall
}

kernel k3(x: in f32[8, 8]) on aiv cycles 300
workload third { k3(X[0]) }
`;

describe("recovery from five independent errors", () => {
  const result = parse(FIVE_ERRORS);

  it("reports exactly five problems, each at its offending token", () => {
    expect(result.problems.every((p) => p.kind === "unexpected-token")).toBe(true);
    expect(problemPositions(FIVE_ERRORS, result)).toEqual(["6:1", "9:27", "16:20", "22:25", "27:3"]);
    expect(result.problems.map((p) => textOf(FIVE_ERRORS, p))).toEqual(["tensor", "y", "42", "in", "window"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      "expected an expression after `+`, found keyword `tensor`",
      "expected `,` before `y`: parameters are separated by commas",
      "expected a statement or `}`, found `42`",
      "expected a name after `load`, found keyword `in`; `in` is a keyword and cannot be used as a name",
      "expected `,` or `)` to close the `(` opened at line 26, found `window`",
    ]);
  });

  it("keeps every declaration, in order, including those after the errors", () => {
    expect(result.ast.module?.name.parts.map((p) => p.text)).toEqual(["demo", "broken"]);
    expect(result.ast.uses).toHaveLength(1);
    expect(result.ast.decls.map((d) => `${d.kind}:${"name" in d ? d.name.text : d.subject.text}`)).toEqual([
      "Const:TILES",
      "Tensor:X",
      "Tensor:Y",
      "Kernel:k1",
      "Kernel:k2",
      "Axis:tiles",
      "Workload:first",
      "Workload:second",
      "Schedule:first",
      "Kernel:k3",
      "Workload:third",
    ]);
  });

  it("keeps what was readable inside the broken declarations", () => {
    const [tiles, , , k1, , , first, second, schedule] = result.ast.decls as A.Decl[];
    // `4 +` with nothing after it: the operand is Missing, placed right after the `+`.
    const value = (tiles as A.ConstDecl).value as A.BinaryExpr;
    expect(show(value)).toBe("(4 + <missing>)");
    expect(value.right).toEqual({ kind: "Missing", start: 64, end: 64 });
    // The forgotten comma costs nothing else: both parameters and all clauses are there.
    const kernel = k1 as A.KernelDecl;
    expect(kernel.params.map((p) => p.name.text)).toEqual(["x", "y"]);
    expect([kernel.executor?.text, show(kernel.cycles!)]).toEqual(["aiv", "100"]);
    // The junk `42` is skipped; the statements around it stay.
    const par = (first as A.WorkloadDecl).body.statements[0] as A.ParallelStmt;
    expect(par.body.statements.map((s) => (s as A.CallStmt).callee.text)).toEqual(["k1", "k2"]);
    // The `load` lost its slot name: an empty, zero-width name right after `load`.
    const load = ((second as A.WorkloadDecl).body.statements[0] as A.ForStmt).body.statements[0] as A.LoadStmt;
    expect(load.kind).toBe("Load");
    expect(load.slot).toEqual({ text: "", start: 410, end: 410 });
    expect(textOf(FIVE_ERRORS, second!)).toBe("workload second {\n  for t in tiles { load in <- X[t] }\n}");
    // The `)` is taken as inserted before `window`, so the next directive still counts.
    const directives = (schedule as A.ScheduleDecl).directives;
    expect(directives.map((d) => d.kind)).toEqual(["Dispatch", "Window"]);
    expect((directives[0] as A.DispatchDirective).policy.args.map((a) => show(a.value))).toEqual(["4"]);
  });
});

describe("messages and positions", () => {
  const cases: [string, string, string][] = [
    ["const = 5", "1:7", "expected a name after `const`, found `=`"],
    ["const x = ", "1:10", "expected an expression after `=`, found the end of the file"],
    ["const x = (1 + 2", "1:17", "expected an operator or `)` to close the `(` opened at column 11, found the end of the file"],
    [
      "workload w { parallel i in b { f(X[i]) }\nschedule w on t { dispatch rr(4) }",
      "2:1",
      "expected `}` to close the `{` opened at line 1, found keyword `schedule`",
    ],
    ["workload w { f(1 2) g(2) }", "1:18", "expected `,` before `2`: arguments are separated by commas"],
    [
      "workload w { f = 3 }",
      "1:16",
      "expected `(` (a statement that starts with a name is a kernel call) after `f`, found `=`",
    ],
    [
      "workload w { when x { a() } else { b() } else { c() } }",
      "1:42",
      "expected a statement or `}`, found keyword `else`; `else` must directly follow the `}` of a `when` or `else when` block",
    ],
    [
      "use std",
      "1:8",
      "expected `.` and the name to import, or `.{` and a list of names (e.g. `use std.policies.hash`) after `std`, found the end of the file",
    ],
    ["use std.policies.{a, b", "1:23", "expected `,` or `}` to close the `{` opened at column 18, found the end of the file"],
    [
      "policy p(n: u32) dispatch = 1",
      "1:18",
      "expected `:` and the policy kind (`dispatch`, `ready` or `start`) after `)`, found `dispatch`",
    ],
    ["schedule s { dispatch rr }", "1:12", "expected `on` and a target name (e.g. `schedule w on a2a3sim`) after `s`, found `{`"],
    [
      "schedule s on t { dispach rr(4) }",
      "1:19",
      "expected a directive (`dispatch`, `window`, `ready`, `start` or `pools`) or `}`, found `dispach`",
    ],
    ["target t { backend \"sim\" 5 }", "1:26", "expected a property (`name value`) or `}`, found `5`"],
    [
      "pipeline p { process a { }\n for i in n { } }",
      "2:2",
      "expected `channel`, `process` or `}`, found keyword `for`; statements belong inside a `workload` or `process` body",
    ],
    [
      "process p { }",
      "1:1",
      "expected a declaration (`const`, `slot`, `symbol`, `axis`, `tensor`, `kernel`, `policy`, `workload`, `pipeline`, `schedule` or `target`), found keyword `process`; `process` declarations belong inside a `pipeline { ... }`",
    ],
    [
      "const a = 1\n}",
      "2:1",
      "expected a declaration (`const`, `slot`, `symbol`, `axis`, `tensor`, `kernel`, `policy`, `workload`, `pipeline`, `schedule` or `target`), found `}`; this `}` closes nothing",
    ],
    [
      "workload w { when x<-1 { } }",
      "1:20",
      "expected `{` after `x`, found `<-`; `<-` is the `load` arrow: to compare with a negative number write `< -`",
    ],
    ["tensor T: f32[4, 4 in", "1:20", "expected `,` or `]` to close the `[` opened at column 14, found keyword `in`"],
  ];

  it.each(cases)("%j", (text, position, message) => {
    const result = parse(text);
    expect(result.problems.map((p) => p.message)).toEqual([message]);
    expect(problemPositions(text, result)).toEqual([position]);
  });

  it("never uses chevrotain's own wording", () => {
    const texts = cases.map(([t]) => t).concat(["kernel", "workload w {", "axis a = (", "schedule s on t { window }"]);
    for (const text of texts) {
      for (const p of parse(text).problems) expect(p.message).not.toMatch(/Expecting|token sequences|but found/);
    }
  });
});

describe("one mistake, one problem", () => {
  it("characters the parser never sees are not reported twice", () => {
    const text = "workload w { f(a @ b) }\nconst x = #";
    const result = parse(text);
    expect(result.problems.map((p) => [p.kind, textOf(text, p)])).toEqual([
      ["unexpected-character", "@"],
      ["unexpected-character", "#"],
    ]);
  });

  it("a list left open at the end of a line stops there", () => {
    const text = "workload v {\n  f(X[i],\n    Y[j]\n    pad = 3)\n  g(1)\n}";
    const result = parse(text);
    expect(problemPositions(text, result)).toEqual(["4:5"]);
    expect(result.problems[0]!.message).toBe("expected `,` or `)` to close the `(` opened at line 2, found `pad`");
    const calls = (result.ast.decls[0] as A.WorkloadDecl).body.statements as A.CallStmt[];
    expect(calls.map((c) => c.callee.text)).toEqual(["f", "g"]);
  });

  it("missing closing braces at the end of the file are reported once", () => {
    const text = "workload w { parallel i in b { f(X[i])";
    const result = parse(text);
    expect(result.problems.map((p) => p.message)).toEqual([
      "expected `}` to close the `{` opened at column 30, found the end of the file",
    ]);
    const w = result.ast.decls[0] as A.WorkloadDecl;
    expect(((w.body.statements[0] as A.ParallelStmt).body.statements[0] as A.CallStmt).callee.text).toBe("f");
  });

  it("a stray group of tokens in a block is skipped whole", () => {
    const text = "workload w { a() 7 (x, { y() }) b() }";
    const result = parse(text);
    expect(result.problems.map((p) => textOf(text, p))).toEqual(["7"]);
    expect((result.ast.decls[0] as A.WorkloadDecl).body.statements.map((s) => (s as A.CallStmt).callee.text)).toEqual(["a", "b"]);
  });

  it("an unterminated comment does not also report the braces it swallowed", () => {
    const text = "workload w { f() /* oops\n g() }";
    const result = parse(text);
    expect(result.problems.map((p) => p.kind)).toEqual(["unterminated-comment"]);
    expect(problemPositions(text, result)).toEqual(["1:18"]);
  });

  it("a malformed number is one problem and a Missing expression", () => {
    const text = "const A = 12abc + 1";
    const result = parse(text);
    expect(result.problems.map((p) => [p.kind, textOf(text, p)])).toEqual([["invalid-number", "12abc"]]);
    const value = (result.ast.decls[0] as A.ConstDecl).value as A.BinaryExpr;
    expect(value.left).toEqual({ kind: "Missing", start: 10, end: 15 });
  });
});
