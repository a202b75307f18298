import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { expectClean, expectDiagnostics, relatedAt, single } from "./expect-diagnostics.js";

describe("symbolic dimensions", () => {
  const SYMBOLIC =
    "symbol batch: u64\n" +
    "tensor Q: f32[batch, 2, 8, 8] in\n" +
    "tensor O: f32[batch, 2, 8, 8] out\n" +
    "tensor R: f32[batch * 2, 8] in\n" +
    "tensor M: f32[max(batch, 1), 8] in\n" +
    "tensor S: f32[batch, 8] in\n" +
    "kernel k(q: in f32[8, 8], o: out f32[8, 8]) on aiv cycles 10\n" +
    "kernel k3(q: in f32[2, 8, 8]) on aiv cycles 10\n" +
    "kernel kr(r: in f32[8]) on aiv cycles 10\n" +
    "kernel ks(s: in f32[4, 8]) on aiv cycles 10\n" +
    "axis b = dyn(batch)\n" +
    "axis h = dense(2)\n";

  it("accepts leading symbolic dimensions, and launch-time expressions of symbols", () => {
    expectClean(checkText(SYMBOLIC +
      "workload w {\n" +
      "  parallel bi in b, hi in h {\n" +
      "    k(Q[bi, hi], O[bi, hi])\n" +
      "    k3(Q[bi])\n" +
      "    kr(R[bi])\n" +
      "    kr(M[bi])\n" +
      "  }\n" +
      "}\n"));
  });

  it("rejects a view that keeps a symbolic dimension where the tile has a fixed one", () => {
    const r = checkText(SYMBOLIC + "workload w { ks(S) k3(Q) }\n");
    expectDiagnostics(r, [
      ["13:17 WSP0312", "parameter `s` takes a [4, 8] tile, but this view is [batch, 8] (2-d `S` with 0 leading indices)"],
      ["13:23 WSP0312", "parameter `q` takes a [2, 8, 8] tile, but this view is [batch, 2, 8, 8] (4-d `Q` with 0 leading indices); index 1 leading dimension to get a 3-d tile"],
    ]);
    expect(relatedAt(r, r.diagnostics[1]!)).toEqual(["2:8 `Q` is declared f32[batch, 2, 8, 8] here"]);
  });

  it("rejects a slot and a bool symbol as dimensions", () => {
    const r = checkText("slot s: u64\nsymbol flag: bool\ntensor A: f32[s]\ntensor B: f32[flag, 2]\n");
    expectDiagnostics(r, [
      ["3:15 WSP0202", "slot `s` is only known at run time, but this must be a constant or a launch-time symbol"],
      ["4:15 WSP0201", "a dimension of tensor `B` must be an integer, but this is bool"],
    ]);
  });

  it("requires constant dimensions to be at least 1", () => {
    const r = checkText("const N = 4\ntensor A: f32[N - 4]\nkernel k(x: in f32[0, 8]) on aiv cycles 1\n");
    expectDiagnostics(r, [
      ["2:15 WSP0203", "a dimension of tensor `A` must be at least 1, but it is 0"],
      ["3:20 WSP0203", "a dimension of parameter `x` must be at least 1, but it is 0"],
    ]);
  });
});

const TILES =
  "tensor T: f32[4, 8] inout\n" +
  "tensor I: f32[4, 8] in\n" +
  "tensor H: f16[4, 8] in\n" +
  "tensor W: f32[8]\n" +
  "const FOUR = 4\n" +
  "kernel kin(x: in f32[8]) on aiv cycles 10\n" +
  "kernel kout(x: out f32[8]) on aiv cycles 10\n" +
  "kernel kio(x: inout f32[8]) on aiv cycles 10\n" +
  "kernel two(x: in f32[8], n: u32) on aiv cycles 10\n" +
  "kernel none() on aiv cycles 10\n" +
  "axis a = dense(4)\n" +
  "axis big = dense(5)\n";

function body(statements: string): string {
  return `${TILES}workload w {\n  parallel i in a {\n${statements}  }\n}\n`;
}

describe("kernel calls: tensor arguments", () => {
  it("accepts views whose dtype and trailing shape match, and whole tensors", () => {
    expectClean(checkText(body("    kin(T[i])\n    kin(I[i])\n    kout(T[i])\n    kio(W)\n    two(I[3], n = 2)\n")));
  });

  it("reports a dtype mismatch with the tensor's declaration as related", () => {
    const r = checkText(body("    kin(H[i])\n"));
    expectDiagnostics(r, [["15:9 WSP0311", "parameter `x` takes f32, but `H` holds f16"]]);
    expect(relatedAt(r, single(r, "WSP0311"))).toEqual(["3:8 `H` is declared f16[4, 8] here"]);
  });

  it("reports a view of the wrong rank, saying how many indices to use", () => {
    const r = checkText(body("    kin(T)\n    kin(T[i, 0])\n"));
    expectDiagnostics(r, [
      ["15:9 WSP0312", "parameter `x` takes a [8] tile, but this view is [4, 8] (2-d `T` with 0 leading indices); index 1 leading dimension to get a 1-d tile"],
      ["16:9 WSP0312", "this view is [] (2-d `T` with 2 leading indices); index 1 leading dimension"],
    ]);
  });

  it("reports writing through an `in` tensor", () => {
    const r = checkText(body("    kout(I[i])\n    kio(I[i])\n"));
    expectDiagnostics(r, [
      ["15:10 WSP0313", "parameter `x` is `out` (the kernel writes it), but `I` is declared `in` (read-only)"],
      ["16:9 WSP0313", "parameter `x` is `inout` (the kernel writes it), but `I` is declared `in`"],
    ]);
  });

  it("reports too many indices and indices out of range", () => {
    const r = checkText(body("    kin(T[i, 0, 0])\n    kin(T[4])\n    kin(T[FOUR])\n    kin(T[-1])\n") +
      "workload v { parallel j in big { kin(T[j]) } }\n");
    expectDiagnostics(r, [
      ["15:9 WSP0309", "`T` has 2 dimensions, but 3 indices are given"],
      ["16:11 WSP0310", "index 4 is out of range: dimension 0 of `T` has size 4"],
      ["17:11 WSP0310", "index `FOUR` (= 4) is out of range: dimension 0 of `T` has size 4"],
      ["18:11 WSP0310", "index -1 is negative"],
      ["21:40 WSP0310", "`j` runs over axis `big` up to 4, but dimension 0 of `T` has size 4"],
    ]);
  });

  it("reports a scalar where a tile is expected and a view where a scalar is", () => {
    const r = checkText(body("    kin(3)\n    two(T[i], T[i])\n"));
    expectDiagnostics(r, [
      ["15:9 WSP0308", "parameter `x` of `kin` is a tensor tile f32[8]; pass a tensor view such as `T[i]`"],
      ["16:15 WSP0308", "parameter `n` is a scalar u32, but this is a tensor view"],
    ]);
  });

  it("lets a loop variable hide a tensor of the same name", () => {
    expectClean(checkText(`${TILES}kernel ks(v: u64) on aiv cycles 1\nworkload w { parallel W in a { ks(W) kin(T[W]) } }\n`));
  });
});

describe("kernel calls: arguments", () => {
  it("reports each arity and naming mistake at the right argument", () => {
    const r = checkText(body(
      "    two(T[i], 1, 2)\n" +
      "    two(T[i])\n" +
      "    two(T[i], m = 1)\n" +
      "    two(n = 1, T[i])\n" +
      "    two(T[i], n = 1, n = 2)\n" +
      "    none(1)\n",
    ));
    expectDiagnostics(r, [
      ["15:18 WSP0301", "kernel `two` takes 2 arguments, but 3 were given; remove this one"],
      ["16:5 WSP0301", "kernel `two` takes 2 arguments, but `n` is missing"],
      ["17:15 WSP0302", "kernel `two` has no parameter named `m`; did you mean `n`?"],
      ["18:16 WSP0303", "positional argument after a named one; move it before `n = ...` or name it"],
      ["19:22 WSP0304", "parameter `n` of kernel `two` is given twice"],
      ["20:10 WSP0301", "kernel `none` takes 0 arguments, but 1 was given; remove this one"],
    ]);
    expect(relatedAt(r, single(r, "WSP0304"))).toEqual(["19:15 first given here"]);
  });

  it("still checks the arguments of a call that could not be matched", () => {
    const r = checkText(body("    two(T[i], nope, 3)\n    ghost(T[9])\n"));
    expectDiagnostics(r, [
      ["15:15 WSP0101", "unknown name `nope`"],
      ["15:21 WSP0301", "takes 2 arguments, but 3 were given"],
      ["16:5 WSP0101", "unknown kernel `ghost`"],
      ["16:13 WSP0310", "index 9 is out of range"],
    ]);
  });
});

describe("kernel declarations", () => {
  it("reports parameter mistakes", () => {
    const r = checkText("kernel k(x: f32[8], n: f64, x: in f32[8]) on aiv cycles 1\n");
    expectDiagnostics(r, [
      ["1:10 WSP0305", "tensor parameter `x` needs a direction"],
      ["1:24 WSP0211", "a scalar parameter cannot be f64"],
      ["1:29 WSP0102", "parameter `x` is declared twice"],
    ]);
    expect(relatedAt(r, single(r, "WSP0102"))).toEqual(["1:10 first declared here"]);
  });

  it("reports clause mistakes", () => {
    const r = checkText(
      "kernel a() on avi cycles 1\n" +
      "kernel b()\n" +
      "kernel c() on aiv on aic cycles 1\n" +
      "kernel d() on aiv cycles 1 source \"x.cpp\" source \"y.cpp\"\n",
    );
    expectDiagnostics(r, [
      ["1:15 WSP0306", "unknown executor `avi`; did you mean `aiv`?"],
      ["2:8 WSP0307", "kernel `b` needs `on` and `cycles`: add e.g. `on aiv cycles 100` after its parameters"],
      ["3:19 WSP0307", "the `on` clause is given twice for kernel `c`"],
      ["4:43 WSP0307", "the `source` clause is given twice for kernel `d`"],
    ]);
  });

  it("checks the cycle cost over scalar parameters only, and requires it to be non-negative", () => {
    const r = checkText(
      "kernel a(t: in f32[8], n: u32) on aiv cycles 100 + n * 2\n" +
      "kernel b(t: in f32[8]) on aiv cycles t\n" +
      "kernel c() on aiv cycles 10 - 20\n" +
      "kernel d(p: i32) on aiv cycles 800 + (p / 32) * 128\n" +
      "kernel e(f: bool) on aiv cycles f\n",
    );
    expectDiagnostics(r, [
      ["2:38 WSP0204", "`t` is a tensor parameter; a kernel's cycle cost can use its scalar parameters and constants"],
      ["3:26 WSP0203", "a kernel's cycle cost must be at least 0, but it is -10"],
      ["5:33 WSP0201", "a kernel's cycle cost must be an integer, but this is bool"],
    ]);
  });
});

describe("load", () => {
  const LOAD =
    "slot su: u64\nslot si: i64\nslot sb: bool\nconst C = 1\n" +
    "tensor TU: u32[4] in\ntensor TI: i32[4] in\ntensor TF: f16[4] in\ntensor TB: bool[4] in\n" +
    "axis a = dense(4)\n";

  it("reads an element of a matching class into a slot", () => {
    expectClean(checkText(`${LOAD}workload w { parallel i in a { load su <- TU[i] load si <- TI[i] load sb <- TB[i] } }\n`));
  });

  it("reports mismatched types and names of the wrong kind", () => {
    const r = checkText(
      `${LOAD}workload w {\n  parallel i in a {\n` +
      "    load su <- TI[i]\n" +
      "    load si <- TF[i]\n" +
      "    load C <- TU[i]\n" +
      "    load su <- a[i]\n" +
      "  }\n}\n",
    );
    expectDiagnostics(r, [
      ["12:16 WSP0314", "slot `su` is u64, but `TI` holds i32; load it into a slot of matching type"],
      ["13:16 WSP0314", "slot `si` is i64, but `TF` holds f16 (a float)"],
      ["14:10 WSP0204", "`C` is a constant, but a slot is needed here"],
      ["15:16 WSP0204", "`a` is an axis, but a tensor is needed here"],
    ]);
  });
});
