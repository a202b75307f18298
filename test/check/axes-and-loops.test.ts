import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { expectClean, expectDiagnostics, relatedAt, single } from "./expect-diagnostics.js";

const AXES =
  "symbol n: u64\n" +
  "tensor L: u32[4] in\n" +
  "tensor P: i32[5] in\n" +
  "tensor I: i32[10] in\n" +
  "tensor K: f32[4, 8, 16] in\n" +
  "kernel g(x: in f32[16]) on aiv cycles 1\n" +
  "kernel h(x: u64) on aiv cycles 1\n" +
  "axis a = dense(4)\n" +
  "axis d = dyn(n)\n" +
  "axis r = ragged(a, lengths = L)\n" +
  "axis sp = sparse(a, indptr = P, indices = I)\n";

describe("axis declarations", () => {
  it("accepts every kind, with positional or named arguments, and an empty dense axis", () => {
    expectClean(checkText(AXES + "axis e = dense(0)\naxis r2 = ragged(d, L)\naxis sp2 = sparse(outer = d, indices = I, indptr = P)\n"));
  });

  it("reports an unknown kind with a suggestion", () => {
    const r = checkText("axis x = dens(4)\n");
    expectDiagnostics(r, [["1:10 WSP0401", "unknown axis kind `dens`; did you mean `dense`?"]]);
  });

  it("reports arguments of the wrong kind", () => {
    const r = checkText(
      AXES +
      "const C = 4\n" +
      "symbol flag: bool\n" +
      "tensor LF: f32[4] in\n" +
      "tensor L2: i32[4, 2] in\n" +
      "axis e1 = dense(n)\n" +
      "axis e2 = dyn(C)\n" +
      "axis e3 = dyn(flag)\n" +
      "axis e4 = ragged(r, lengths = L)\n" +
      "axis e5 = ragged(a, lengths = LF)\n" +
      "axis e6 = sparse(a, P, L2)\n" +
      "axis e7 = ragged(a, lengths = L + 1)\n",
    );
    expectDiagnostics(r, [
      ["16:17 WSP0202", "symbol `n` is only known at launch, but this must be a compile-time constant"],
      ["17:15 WSP0204", "`C` is a constant, but a symbol is needed here"],
      ["18:15 WSP0402", "the size of a dyn axis must be an integer symbol, but `flag` is bool"],
      ["19:18 WSP0402", "the outer axis must be dense or dyn, but `r` is ragged"],
      ["20:31 WSP0402", "`lengths` must be a one-dimensional integer tensor, but `LF` is f32[4]"],
      ["21:24 WSP0402", "`indices` must be a one-dimensional integer tensor, but `L2` is i32[4, 2]"],
      ["22:31 WSP0402", "this argument must name a tensor"],
    ]);
  });

  it("reports argument-list mistakes with the one rule for every call", () => {
    const r = checkText("axis a = dense(size = 2, size = 3)\naxis b = dense(n = 2)\naxis c = dense()\naxis d = dense(1, 2)\n");
    expectDiagnostics(r, [
      ["1:26 WSP0304", "parameter `size` of `dense` is given twice"],
      ["2:16 WSP0302", "`dense` has no parameter named `n`; its parameters are `size`"],
      ["3:10 WSP0301", "`dense` takes 1 argument, but `size` is missing"],
      ["4:19 WSP0301", "`dense` takes 1 argument, but 2 were given; remove this one"],
    ]);
  });
});

describe("loops over axes", () => {
  it("iterates each axis kind the right way, rows from enclosing or earlier variables", () => {
    expectClean(checkText(AXES +
      "workload w {\n" +
      "  parallel i in a, j in r[i] { g(K[i, j]) }\n" +
      "  for b in d { h(b) }\n" +
      "  parallel t in a { select e in sp[t] { h(e) } }\n" +
      "  parallel t in a { for j in r[t] { g(K[t, j]) } }\n" +
      "}\n"));
  });

  it("reports rows on rectangular axes and missing rows on ragged and sparse ones", () => {
    const r = checkText(AXES +
      "workload w {\n" +
      "  parallel i in a {\n" +
      "    parallel j in r { }\n" +
      "    parallel x in a[i] { }\n" +
      "    select z in sp { }\n" +
      "  }\n" +
      "}\n");
    expectDiagnostics(r, [
      ["14:19 WSP0404", "ragged axis `r` has one row per outer index: write `r[i]` with the row index"],
      ["15:21 WSP0403", "dense axis `a` is rectangular and takes no row index; write `x in a`"],
      ["16:17 WSP0404", "sparse axis `sp` has one row per outer index"],
    ]);
  });

  it("keeps sparse axes to `select` and `select` to sparse axes", () => {
    const r = checkText(AXES + "workload w {\n  parallel t in a {\n    for y in sp[t] { }\n    select z in a { }\n    select q in r[t] { }\n  }\n}\n");
    expectDiagnostics(r, [
      ["14:14 WSP0405", "sparse axis `sp` can only be iterated with `select y in sp[row] { ... }`"],
      ["15:17 WSP0408", "`select` iterates the entries of a sparse row, but `a` is a dense axis; use `parallel` or `for`"],
      ["16:17 WSP0408", "but `r` is a ragged axis"],
    ]);
  });

  it("reports an unknown axis and a name that is not an axis", () => {
    const r = checkText(AXES + "const C = 2\nworkload w { parallel q in nope { } parallel q2 in C { } parallel q3 in aa { } }\n");
    expectDiagnostics(r, [
      ["13:28 WSP0101", "unknown axis `nope`"],
      ["13:52 WSP0204", "`C` is a constant, but an axis is needed here"],
      ["13:73 WSP0101", "unknown axis `aa`; did you mean `a`?"],
    ]);
  });

  it("does not let a row index use the variable it defines", () => {
    const r = checkText(AXES + "workload w { parallel j in r[j] { } }\n");
    expectDiagnostics(r, [["12:30 WSP0101", "unknown name `j`"]]);
  });

  it("reports a shadowed loop variable, pointing at the outer one", () => {
    const r = checkText(AXES + "workload w {\n  parallel i in a {\n    for i in a { }\n  }\n}\n");
    expectDiagnostics(r, [["14:9 WSP0406", "variable `i` shadows an enclosing variable of the same name; use another name so `task.i` stays unambiguous"]]);
    expect(relatedAt(r, single(r, "WSP0406"))).toEqual(["13:12 first bound here"]);
  });

  it("reports a variable bound twice by one statement", () => {
    const r = checkText(AXES + "workload w { parallel i in a, i in a { } }\n");
    expectDiagnostics(r, [["12:31 WSP0406", "variable `i` is bound twice here; use another name"]]);
  });

  it("allows the same name in sibling loops and a loop variable named like a declaration", () => {
    expectClean(checkText(AXES + "workload w {\n  parallel i in a { h(i) }\n  for i in a { h(i) }\n  parallel a in a { h(a) }\n}\n"));
  });

  it("reserves `seq`, `replica` and `task` as variable names", () => {
    const r = checkText(AXES + "workload w { parallel seq in a { } for replica in a { } }\n");
    expectDiagnostics(r, [
      ["12:23 WSP0407", "`seq` is reserved"],
      ["12:40 WSP0407", "`replica` is reserved"],
    ]);
  });

  it("handles deeply nested loops", () => {
    const depth = 60;
    let text = "kernel h(x: u64) on aiv cycles 1\naxis a = dense(2)\nworkload w {\n";
    for (let k = 0; k < depth; k++) text += `for v${k} in a {\n`;
    text += `h(v${depth - 1} + v0)\n` + "}\n".repeat(depth) + "}\n";
    const r = checkText(text);
    expectClean(r);
    const sites = [...r.taskSites.values()][0]!;
    expect(sites).toHaveLength(1);
    expect(sites[0]!.attributes.size).toBe(depth + 1);
  });
});
