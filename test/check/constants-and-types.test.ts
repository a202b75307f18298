import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { exprType, exprValue } from "../../compiler/check/symbols.js";
import { constValue, expectClean, expectDiagnostics, relatedAt, single } from "./expect-diagnostics.js";

const U64_MAX = 2n ** 64n - 1n;

describe("constant folding", () => {
  it("folds nested constants", () => {
    const r = checkText("const A = 2\nconst B = A * 3\nconst C = (B + A) << 2\n");
    expectClean(r);
    expect(constValue(r, "C")).toBe(32n);
  });

  it("folds constants used before their declaration", () => {
    const r = checkText("const C = B + 1\nconst B = A * 2\nconst A = 5\n");
    expectClean(r);
    expect(constValue(r, "C")).toBe(11n);
  });

  it("records the type and folded value of every node of an operator chain", () => {
    const r = checkText("const X = 1 + 2 + 3\nconst N = - ~5\n");
    const [x, n] = r.files.get("main.wsp")!.ast.decls.map((d) => (d.kind === "Const" ? d.value : undefined));
    const inner = x?.kind === "Binary" ? x.left : undefined;
    const operand = n?.kind === "Unary" ? n.operand : undefined;
    expect([exprValue(r.semantics, x!), exprValue(r.semantics, inner!), exprType(r.semantics, inner!)]).toEqual([6n, 3n, "int"]);
    expect([exprValue(r.semantics, n!), exprValue(r.semantics, operand!)]).toEqual([6n, -6n]);
  });

  it("reads hex, binary and `_`-separated literals", () => {
    const r = checkText("const H = 0xFF\nconst B = 0b1010\nconst U = 1_000_000\nconst M = 0xFFFF_FFFF_FFFF_FFFF\n");
    expectClean(r);
    expect([constValue(r, "H"), constValue(r, "B"), constValue(r, "U"), constValue(r, "M")]).toEqual([255n, 10n, 1000000n, U64_MAX]);
  });

  it("truncates division towards zero, as C does", () => {
    const r = checkText("const Q = -7 / 2\nconst R = -7 % 2\n");
    expectClean(r);
    expect([constValue(r, "Q"), constValue(r, "R")]).toEqual([-3n, -1n]);
  });

  it("folds built-in functions and booleans", () => {
    const r = checkText("const A = select(1 < 2, 10, 20)\nconst B = min(3, max(1, 2))\nconst T = 1 < 2 && !false\nconst E = true == false\n");
    expectClean(r);
    expect([constValue(r, "A"), constValue(r, "B"), constValue(r, "T"), constValue(r, "E")]).toEqual([10n, 2n, true, false]);
  });

  it("wraps typed arithmetic at 64 bits", () => {
    const r = checkText("const U: u64 = 0\nconst W = U - 1\nconst I: i64 = 9223372036854775807\nconst J = I + 1\n");
    expectClean(r);
    expect([constValue(r, "W"), constValue(r, "J")]).toEqual([U64_MAX, -(2n ** 63n)]);
  });

  it("wraps negation of the smallest i64 to itself", () => {
    const r = checkText("const I: i64 = -9223372036854775808\nconst J = -I\nconst K = -(-9223372036854775808)\n");
    expectClean(r);
    expect([constValue(r, "J"), constValue(r, "K")]).toEqual([-(2n ** 63n), 2n ** 63n]);
  });

  it("converts between the classes with u64() and i64()", () => {
    const r = checkText("const A = i64(0xFFFF_FFFF_FFFF_FFFF)\nconst B = u64(-1)\n");
    expectClean(r);
    expect([constValue(r, "A"), constValue(r, "B")]).toEqual([-1n, U64_MAX]);
  });

  it("checks a typed constant's value against its type", () => {
    const r = checkText("const T: u8 = 255\nconst U: u8 = 256\nconst M: i32 = 2147483648\nconst N: i64 = -5\n");
    expectDiagnostics(r, [
      ["2:15 WSP0207", "256 does not fit constant `U`, a u8 (0 to 255)"],
      ["3:16 WSP0207", "2147483648 does not fit constant `M`, an i32 (-2147483648 to 2147483647)"],
    ]);
    expect(constValue(r, "N")).toBe(-5n);
  });

  it("reports a cycle once, at the constant it closes on", () => {
    expectDiagnostics(checkText("const X = Y + 1\nconst Y = X\n"), [["1:7 WSP0212", "constant `X` is defined in terms of itself"]]);
    expectDiagnostics(checkText("const S = S * 2\n"), [["1:7 WSP0212", "constant `S` is defined in terms of itself"]]);
  });

  it("reports an error inside a cycle's constant besides the cycle", () => {
    const r = checkText("const X = Y + nope\nconst Y = X\n");
    expectDiagnostics(r, [
      ["1:7 WSP0212", "constant `X` is defined in terms of itself"],
      ["1:15 WSP0101", "unknown name `nope`"],
    ]);
  });

  it("reports overflow past 64 bits, at the expression", () => {
    const r = checkText("const BIG = 0xFFFF_FFFF_FFFF_FFFF + 1\nconst NEG = -9223372036854775808 - 1\nconst OK = -9223372036854775808\n");
    expectDiagnostics(r, [
      ["1:13 WSP0209", "this constant expression overflows 64 bits (its value is 18446744073709551616)"],
      ["2:13 WSP0209", "(its value is -9223372036854775809)"],
    ]);
    expect(constValue(r, "OK")).toBe(-(2n ** 63n));
  });

  it("reports a literal too large for 64 bits", () => {
    const r = checkText("const L = 18446744073709551616\nconst D = 99999999999999999999999 - 99999999999999999999999\n");
    expectDiagnostics(r, [
      ["1:11 WSP0209", "18446744073709551616 does not fit in 64 bits"],
      ["2:11 WSP0209", "99999999999999999999999 does not fit in 64 bits"],
      ["2:37 WSP0209", "99999999999999999999999 does not fit in 64 bits"],
    ]);
  });

  it("reports division by zero at the divisor", () => {
    const r = checkText("const D = 7 / (2 - 2)\nconst M = 7 % 0\nsymbol n: u64\nconst T: u64 = 1\ntensor X: f32[n / (T - 1)]\n");
    expectDiagnostics(r, [
      ["1:15 WSP0208", "division by zero"],
      ["2:15 WSP0208", "division by zero"],
      ["5:19 WSP0208", "division by zero"],
    ]);
  });

  it("bounds shift amounts to 0..63, constant or not", () => {
    const r = checkText("const S = 1 << 63\nconst S2 = 1 << 64\nconst S3 = 8 >> -1\nsymbol n: u64\ntensor X: f32[n << 64]\n");
    expectDiagnostics(r, [
      ["2:17 WSP0203", "shift amount must be between 0 and 63, but it is 64"],
      ["3:17 WSP0203", "shift amount must be between 0 and 63, but it is -1"],
      ["5:20 WSP0203", "shift amount must be between 0 and 63, but it is 64"],
    ]);
    expect(constValue(r, "S")).toBe(2n ** 63n);
  });

  it("requires a compile-time value", () => {
    const r = checkText("slot s: u64\nsymbol n: u64\nconst C = s\nconst M = n + 1\n");
    expectDiagnostics(r, [
      ["3:11 WSP0202", "slot `s` is only known at run time, but this must be a compile-time constant"],
      ["4:11 WSP0202", "symbol `n` is only known at launch, but this must be a compile-time constant"],
    ]);
  });
});

describe("slots and symbols where constants are needed", () => {
  it("rejects a slot in every compile-time position", () => {
    const r = checkText(
      "slot s: u64\n" +
      "tensor T: f32[s]\n" +
      "axis a = dense(s)\n" +
      "kernel k(x: u32) on aiv cycles s\n" +
      "kernel k2(x: in f32[s]) on aiv cycles 1\n",
    );
    expectDiagnostics(r, [
      ["2:15 WSP0202", "slot `s` is only known at run time, but this must be a constant or a launch-time symbol"],
      ["3:16 WSP0202", "slot `s` is only known at run time, but this must be a compile-time constant"],
      ["4:32 WSP0202", "slot `s` is only known at run time"],
      ["5:21 WSP0202", "slot `s` is only known at run time"],
    ]);
  });

  it("accepts a symbol in a tensor dimension but not in a tile shape or a cost", () => {
    const r = checkText("symbol n: u64\ntensor T: f32[n, 4]\nkernel k(x: in f32[n]) on aiv cycles n\n");
    expectDiagnostics(r, [
      ["3:20 WSP0202", "symbol `n` is only known at launch"],
      ["3:38 WSP0202", "symbol `n` is only known at launch"],
    ]);
  });
});

describe("scalar types", () => {
  it("keeps bool and integers apart", () => {
    const r = checkText("const X = true + 1\nconst Y: bool = 1\nconst Z = !1\nconst W = ~true\nconst V: u8 = false\n");
    expectDiagnostics(r, [
      ["1:11 WSP0201", "`+` needs integer operands, but this is bool"],
      ["2:17 WSP0201", "constant `Y` is bool, but this is integer literal"],
      ["3:12 WSP0201", "`!` needs a bool, but this is integer literal; for bitwise complement use `~`"],
      ["4:12 WSP0201", "`~` needs an integer, but this is bool; for logical not use `!`"],
      ["5:15 WSP0201", "constant `V` is u8, but this is bool"],
    ]);
  });

  it("rejects ordering comparisons of bools and a non-bool condition", () => {
    const r = checkText("const F = true < false\nconst C = select(1, 2, 3)\n");
    expectDiagnostics(r, [
      ["1:11 WSP0201", "`<` needs integer operands, but this is bool"],
      ["2:18 WSP0201", "the condition of `select` must be a bool, but this is integer literal"],
    ]);
  });

  it("rejects unknown and disallowed scalar types, with a suggestion", () => {
    const r = checkText("slot f: f32\nslot q: u65\nsymbol b: i32\nconst C: f16 = 1\n");
    expectDiagnostics(r, [
      ["1:9 WSP0211", "a slot (a u64 cell) cannot be f32; allowed: u64, i64, bool"],
      ["2:9 WSP0211", "unknown type `u65`; did you mean `u64`?"],
      ["3:11 WSP0211", "a symbol cannot be i32; allowed: u64, i64, bool"],
      ["4:10 WSP0211", "a constant cannot be f16"],
    ]);
  });

  const MIXING =
    "symbol su: u64\n" +
    "symbol si: i64\n" +
    "kernel k(a: u64, b: i64, c: bool) on aiv cycles 1\n" +
    "kernel k8(x: u8) on aiv cycles 1\n" +
    "workload w {\n";

  it("adapts integer literals to the other operand's class", () => {
    expectClean(checkText(MIXING + "  k(su + 1, si - 1, su < 2)\n  k(2 * su, -3 * si, -1 < si)\n  k(u64(si), i64(su), true)\n}\n"));
  });

  it("reports u64/i64 mixing at the operator, with both operands as related locations", () => {
    const r = checkText(MIXING + "  k(su + si, si, true)\n}\n");
    expectDiagnostics(r, [["6:8 WSP0206", "`+` mixes u64 and i64; convert one side explicitly"]]);
    expect(relatedAt(r, single(r, "WSP0206"))).toEqual(["6:5 this is u64", "6:10 this is i64"]);
  });

  it("reports an argument of the other class, and mixing in built-ins", () => {
    const r = checkText(MIXING + "  k(si, su, true)\n  k(min(su, si), 0, true)\n}\n");
    expectDiagnostics(r, [
      ["6:5 WSP0206", "parameter `a` is u64, but this is i64; convert it with `u64(...)`"],
      ["6:9 WSP0206", "parameter `b` is i64, but this is u64; convert it with `i64(...)`"],
      ["7:5 WSP0206", "`min` mixes u64 and i64"],
    ]);
  });

  it("names the class of a narrower declared type", () => {
    const r = checkText(MIXING + "  k8(si)\n}\n");
    expectDiagnostics(r, [["6:6 WSP0206", "parameter `x` is u8 (u64), but this is i64"]]);
  });

  it("reports literals that do not fit the class they adapt to", () => {
    const r = checkText(MIXING + "  k(su + -1, si + 9223372036854775808, true)\n  k8(300)\n}\n");
    expectDiagnostics(r, [
      ["6:10 WSP0207", "-1 is negative and cannot be a u64"],
      ["6:19 WSP0207", "9223372036854775808 does not fit in an i64"],
      ["7:6 WSP0207", "300 does not fit parameter `x`, a u8 (0 to 255)"],
    ]);
  });

  it("rejects negating an unsigned value", () => {
    const r = checkText(MIXING + "  k(0, -si, true)\n  k(-su, 0, true)\n}\n");
    expectDiagnostics(r, [["7:5 WSP0205", "cannot negate an unsigned (u64) value"]]);
  });

  it("passes bools only where bools are expected", () => {
    const r = checkText(MIXING + "  k(true, 0, 1)\n  k(su, 0, su)\n}\n");
    expectDiagnostics(r, [
      ["6:5 WSP0201", "parameter `a` is u64, but this is bool"],
      ["6:14 WSP0201", "parameter `c` is bool, but this is integer literal"],
      ["7:12 WSP0201", "parameter `c` is bool, but this is u64"],
    ]);
  });
});
