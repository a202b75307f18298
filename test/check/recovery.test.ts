import { describe, expect, it } from "vitest";
import { checkText, described } from "../helpers/memory-host.js";
import { expectDiagnostics } from "./expect-diagnostics.js";

describe("checking after syntax errors", () => {
  it("reports five syntax errors and still checks the declarations after them", () => {
    const r = checkText(
      "const A = = 3\n" +
      "kernel k(x: in f32[8] on aiv cycles 1\n" +
      "tensor T f32[4, 8]\n" +
      "slot 5: u64\n" +
      "axis a = dense(2\n" +
      "const B = undefined_name + 1\n" +
      "workload w { parallel i in a { kk(T[i]) } }\n" +
      "schedule w on nowhere { }\n",
    );
    expectDiagnostics(r, [
      ["1:11 WSP0006", "expected"],
      ["2:23 WSP0006", "expected"],
      ["3:10 WSP0006", "expected"],
      ["4:6 WSP0006", "expected"],
      ["6:1 WSP0006", "expected"],
      ["6:11 WSP0101", "unknown name `undefined_name`"],
      ["7:32 WSP0101", "unknown kernel `kk`; did you mean `k`?"],
      ["8:15 WSP0101", "unknown target `nowhere`"],
    ]);
  });

  it("does not add 'missing' errors to a construct cut short by a syntax error", () => {
    const r = checkText(
      "tensor T: f32[4, 8] inout\n" +
      "kernel two(x: in f32[8], n: u32) on aiv cycles 1\n" +
      "axis b = dense(\n" +
      "workload w { parallel i in b { two(T[i]) } }\n" +
      "target t { backend \"sim\" schedulers\n",
    );
    // Line 4's call is complete, so its missing argument is still an error.
    expectDiagnostics(r, [
      ["4:1 WSP0006", "expected"],
      ["4:32 WSP0301", "kernel `two` takes 2 arguments, but `n` is missing"],
      ["5:36 WSP0006", "expected"],
    ]);
  });

  it("does not report the missing arguments of a call cut short", () => {
    const r = checkText(
      "tensor T: f32[4, 8] inout\n" +
      "kernel two(x: in f32[8], n: u32) on aiv cycles 1\n" +
      "axis a = dense(4)\n" +
      "workload w { parallel i in a { two(T[i], \n }\n" +
      "const Z = zz\n",
    );
    expectDiagnostics(r, [
      ["5:2 WSP0006", "expected"],
      ["6:11 WSP0101", "unknown name `zz`"],
    ]);
  });

  it("still reports the missing argument of a complete call followed by a syntax error", () => {
    const r = checkText(
      "tensor T: f32[4, 8] inout\n" +
      "kernel two(x: in f32[8], n: u32) on aiv cycles 1\n" +
      "axis a = dense(4)\n" +
      "workload w { parallel i in a { two(T[i]) @ } }\n",
    );
    expectDiagnostics(r, [
      ["4:32 WSP0301", "kernel `two` takes 2 arguments, but `n` is missing"],
      ["4:42 WSP0001", "unexpected character `@`"],
    ]);
  });

  it("does not report the arguments after a syntax error in a call as missing", () => {
    const r = checkText("const A = select(true, 1,\nconst B = nope\nconst C = min(1, 2 +)\n");
    expectDiagnostics(r, [
      ["2:1 WSP0006", "expected"],
      ["2:11 WSP0101", "unknown name `nope`"],
      ["3:21 WSP0006", "expected"],
    ]);
  });

  it("checks an unterminated workload body", () => {
    const r = checkText("tensor T: f32[4, 8] inout\nkernel k(x: in f32[8]) on aiv cycles 1\naxis a = dense(4)\nworkload w { parallel i in a { k(T[nope]) \n");
    expectDiagnostics(r, [
      ["4:36 WSP0101", "unknown name `nope`"],
      ["4:42 WSP0006", "expected `}`"],
    ]);
  });

  it("never reports an empty name left by parse recovery", () => {
    const r = checkText(
      "use .{x}\n" +
      "use std.policies.{ as y}\n" +
      "tensor : f32[4] in\n" +
      "axis = dense(2)\n" +
      "policy (): dispatch = 1\n" +
      "schedule  on  { dispatch () window }\n" +
      "kernel k(: in f32[4], : u32) on aiv cycles 1\n" +
      "workload { k(,) }\n" +
      "pipeline p { channel depth 1 process { send (1) recv from consume from { } close } }\n" +
      "const = \n" +
      "target { 3 }\n",
    );
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const line of described(r)) expect(line).not.toMatch(/``|` `/);
    expect(r.diagnostics.filter((d) => !/^WSP000/.test(d.code)).map((d) => d.message)).toEqual([]);
  });
});

describe("a file that is not a program", () => {
  it("lists at most 200 syntax errors and counts the rest in one more", () => {
    let seed = 7;
    const bytes: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes.push(String.fromCharCode(seed % 256));
    }
    const r = checkText(bytes.join(""));
    const syntax = r.diagnostics.filter((d) => d.code.startsWith("WSP000"));
    expect(syntax.length).toBe(201);
    expect(syntax[200]!.message).toMatch(/^\d+ more syntax errors after this one are not shown/);
  });
});
