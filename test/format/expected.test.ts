import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format.js";
import { parseSourceFile } from "../../compiler/source-file.js";
import { FIXTURES } from "./helpers.js";

function fmt(text: string): string {
  const result = formatSource("test.wsp", text);
  if (!result.ok) throw new Error(`not formatted: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.text;
}

const lines = (...ls: string[]): string => ls.map((l) => l + "\n").join("");

/** [what, input, expected output], expectations written by hand from docs/formatting.md. */
const CASES: readonly (readonly [string, string, string])[] = [
  ["spaces around binary operators, none after unary ones", "const   A=1+2*3\nconst B:u64=-(A+0x1F)*~2\n",
    lines("const A = 1 + 2 * 3", "const B: u64 = -(A + 0x1F) * ~2")],
  ["parentheses and literal text as written", "const A = ((1))+0b1_0", lines("const A = ((1)) + 0b1_0")],
  ["blank lines collapsed, none at the ends", "\n\n\nconst A = 1\n\n\n\nconst B = 2\nconst C = 3\n\n\n",
    lines("const A = 1", "", "const B = 2", "const C = 3")],
  ["one declaration per line", "const A = 1 const B = 2", lines("const A = 1", "const B = 2")],
  ["empty file", " \n\n\t\n", ""],
  ["use forms", "use std.policies.{ hash ,affinity as aff, }\nuse std.targets . a2a3sim\n",
    lines("use std.policies.{hash, affinity as aff}", "use std.targets.a2a3sim")],
  ["kernel clauses keep their lines",
    "kernel  k(a:in f32[8,8],n:i32)on aiv\n      cycles 800+(n/32)*128\n source \"k.cpp\"\n",
    lines("kernel k(a: in f32[8, 8], n: i32) on aiv", "  cycles 800 + (n / 32) * 128", "  source \"k.cpp\"")],
  ["a broken parameter list: one per line, trailing comma",
    "kernel k(a: in f32[8],\n  b: out f32[8]) on aiv\n",
    lines("kernel k(", "  a: in f32[8],", "  b: out f32[8],", ") on aiv")],
  ["a one-line block stays on one line", "workload w { a(1) ; b(2); }\n", lines("workload w { a(1); b(2) }")],
  ["a multi-line block: one statement per line", "workload w {\n  a(1); b(2)\n}\n",
    lines("workload w {", "  a(1)", "  b(2)", "}")],
  ["a one-line block longer than 100 columns is broken",
    "workload w { kernel_with_a_long_name(FirstTensor[0, 1], SecondTensor[2, 3], third = 4); kernel_with_a_long_name(A[0], B[1]) }",
    lines("workload w {", "  kernel_with_a_long_name(FirstTensor[0, 1], SecondTensor[2, 3], third = 4)",
      "  kernel_with_a_long_name(A[0], B[1])", "}")],
  ["nested one-line blocks", "pipeline ring { process left  { for i in n { recv v from pong; step(S[i]) } } }",
    lines("pipeline ring { process left { for i in n { recv v from pong; step(S[i]) } } }")],
  ["empty blocks", "workload w {\n\n}\nworkload v { /* c */ }\n",
    lines("workload w {}", "workload v { /* c */", "}")],
  ["else on the same line or on its own line, as written",
    "workload w {\n  when a{x()}else when b {y()}\n else{z()}\n}\n",
    lines("workload w {", "  when a { x() } else when b { y() }", "  else { z() }", "}")],
  ["else after a multi-line block", "workload w {\nwhen a {\nx()\n}\n\n\nelse {\ny()\n}\n}",
    lines("workload w {", "  when a {", "    x()", "  }", "  else {", "    y()", "  }", "}")],
  ["schedule on one line", "schedule s on t {dispatch rr( 4 );window 64 tasks stall;pools{tensormap 1,heap 2 MiB}}",
    lines("schedule s on t { dispatch rr(4); window 64 tasks stall; pools { tensormap 1, heap 2 MiB } }")],
  ["a policy body", "policy h(key: u64, n: u32): dispatch {\n let x = key ^ (key >> 30);\n return x % n; }",
    lines("policy h(key: u64, n: u32): dispatch {", "  let x = key ^ (key >> 30)", "  return x % n", "}")],
  ["a policy expression", "policy  p( n:u32 ) :dispatch=task.seq%n",
    lines("policy p(n: u32): dispatch = task.seq % n")],
  ["pipeline members", "pipeline p {\nchannel a depth 2 latency 10; channel b\nprocess q replicate 4 { send a(replica) }\n}",
    lines("pipeline p {", "  channel a depth 2 latency 10", "  channel b", "  process q replicate 4 { send a(replica) }", "}")],
  ["target properties", "target t {\n backend \"sim\"  schedulers 4;\n}", lines("target t {", "  backend \"sim\"", "  schedulers 4", "}")],
  ["CRLF, BOM and tabs", "\uFEFFworkload w {\r\n\tk(A)\r\n}\r\n", lines("workload w {", "  k(A)", "}")],
  ["trailing comments: aligned column kept, else one space",
    "const A   =   1 // c1\nconst B = 2          // c2\nconst C = 3// c3\n",
    lines("const A = 1     // c1", "const B = 2          // c2", "const C = 3 // c3")],
  ["a comment inside an expression moves to the end of the line", "const A = 1 + // why\n  2\n",
    lines("const A = 1 + 2 // why")],
  ["a second line comment on that line goes on its own line", "const A = 1 + // one\n  2 // two\nconst B = 3\n",
    lines("const A = 1 + 2 // one", "// two", "const B = 3")],
  ["a block comment between tokens stays in place", "const A = 1   /* one */+2", lines("const A = 1 /* one */ + 2")],
  ["a line comment in an argument list breaks it", "workload w { k(a, // first\n b) }",
    lines("workload w {", "  k(", "    a, // first", "    b,", "  )", "}")],
  ["doc comments stay above their declaration", "const A = 1\n\n\n/// doc\n   const B = 2",
    lines("const A = 1", "", "/// doc", "const B = 2")],
  ["own-line comments are reindented", "workload w {\n        // inside\n  k(A)\n      // last\n}",
    lines("workload w {", "  // inside", "  k(A)", "  // last", "}")],
  ["a comment at the end of a file without a newline", "const A = 1 // end", lines("const A = 1 // end")],
  ["two unary minuses stay apart", "const F = --1", lines("const F = - -1")],
  ["a moved `///` comment does not become a doc comment", "const A = 1 + // one\n  /// two\n  2\nconst B = 3\n",
    lines("const A = 1 + 2 // one", "/// two", "", "const B = 3")],
  ["comments waiting for a line stay inside the block", "workload w {\n  k(1 + // one\n    2) /* two */ // three\n}\n",
    lines("workload w {", "  k(1 + 2) // one", "  /* two */", "  // three", "}")],
  ["a comment before a closing bracket stays inside", "const A = f(x /* c */)\nkernel k(a: i32\n  // last\n)\n",
    lines("const A = f(x /* c */)", "kernel k(", "  a: i32,", "  // last", ")")],
];

describe("formatter expected output", () => {
  for (const [what, input, expected] of CASES) {
    it(what, () => {
      expect(fmt(input)).toBe(expected);
    });
  }
});

describe("files with syntax errors", () => {
  const broken: readonly (readonly [string, string])[] = [
    ["a missing name", "const = 1\n"],
    ["an unclosed block", "workload w {\n  k(A)\n"],
    ["an unterminated string", "kernel k() source \"k.cpp\n"],
    ["an unterminated comment", "const A = 1 /* never closed\n"],
    ["a stray character", "const A = 1 # 2\n"],
  ];
  for (const [what, input] of broken) {
    it(`are not formatted: ${what}`, () => {
      const result = formatSource("bad.wsp", input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expect(result.diagnostics).toEqual(parseSourceFile("bad.wsp", input).syntaxDiagnostics);
      expect(result).not.toHaveProperty("text");
    });
  }
});

describe("the issue's examples", () => {
  for (const name of ["csp_pipeline", "attention", "indexer", "bgemm", "moe"]) {
    it(`${name} is already canonical`, () => {
      const text = readFileSync(join(FIXTURES, "issue", `${name}.wsp`), "utf8");
      expect(fmt(text)).toBe(text);
    });
  }
  it("deadlock_ring only loses the double space after `left`", () => {
    const text = readFileSync(join(FIXTURES, "issue", "deadlock_ring.wsp"), "utf8");
    expect(fmt(text)).toBe(text.replace("process left  {", "process left {"));
  });
});
