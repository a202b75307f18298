import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cosmetic, cppName, cppString, pyString } from "../../compiler/backends/common.js";
import { CPP_HELPERS, cppExpr, cppNarrow, type CppNames } from "../../compiler/backends/cpp-expr.js";
import { evaluate, type Code, type Instr } from "../../runtime/bytecode.js";

/**
 * The bytecode → C++ compiler against the bytecode evaluator (itself checked with hand-derived
 * values in bytecode.test.ts): every operation on edge values, compiled with g++ and run.
 */

const VALUES: readonly bigint[] = [
  0n, 1n, 2n, 7n, 63n, 64n, 65n, 1n << 32n,
  (1n << 63n) - 1n, // INT64_MAX
  1n << 63n, // INT64_MIN's bits
  (1n << 64n) - 1n, // -1
  (1n << 64n) - 7n, // -7
];
const BINARY = [
  "add", "sub", "mul", "div", "divs", "rem", "rems", "and", "or", "xor", "shl", "shr", "shrs",
  "eq", "ne", "lt", "lts", "le", "les", "gt", "gts", "ge", "ges", "land", "lor", "min", "mins", "max", "maxs",
];
const DIVIDES = new Set(["div", "divs", "rem", "rems"]);

const names: CppNames = {
  var: (k) => `v[${k}]`,
  slot: (k) => `s[${k}]`,
  sym: (k) => `y[${k}]`,
  task: (n) => `task_${n}`,
  replica: () => "replica",
};

interface Case {
  readonly cpp: string;
  readonly expected: bigint;
}

function runCpp(cases: readonly Case[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-cpp-expr-"));
  const source = [
    "#include <cstdint>",
    "#include <cstdio>",
    "#include <cstdlib>",
    "namespace {",
    CPP_HELPERS,
    "}  // namespace",
    "int main() {",
    // volatile: the values are not constants the compiler could fold (and fold differently)
    `  volatile uint64_t in[${VALUES.length}] = {${VALUES.map((v) => `UINT64_C(${v})`).join(", ")}};`,
    `  uint64_t v[${VALUES.length}];`,
    `  for (int i = 0; i < ${VALUES.length}; ++i) v[i] = in[i];`,
    "  [[maybe_unused]] uint64_t s[2] = {UINT64_C(5), UINT64_C(9)};",
    "  [[maybe_unused]] uint64_t y[1] = {UINT64_C(11)};",
    "  [[maybe_unused]] const uint64_t task_seq = in[3];",
    "  [[maybe_unused]] const uint64_t replica = in[2];",
    ...cases.map((c) => `  std::printf("%llu\\n", static_cast<unsigned long long>(${c.cpp}));`),
    "  return 0;",
    "}",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "t.cpp"), source);
  execFileSync("g++", ["-std=c++17", "-O0", "-Wall", "-Wextra", "-Werror", "-o", path.join(dir, "t"), path.join(dir, "t.cpp")]);
  return execFileSync(path.join(dir, "t"), { encoding: "utf8" }).trim().split("\n");
}

const v = (k: number): Instr => ["var", k];

describe("bytecode compiled to C++ computes what the evaluator computes", () => {
  it("for every operation on edge values (wrapping, signed division, shifts, comparisons)", () => {
    const env = { vars: [...VALUES], slots: [5n, 9n], symbols: [11n], task: (n: string) => (n === "seq" ? VALUES[3] : undefined), replica: VALUES[2] };
    const cases: Case[] = [];
    const add = (code: Code) => cases.push({ cpp: cppExpr(code, names, "test"), expected: evaluate(code, env) });
    VALUES.forEach((_, a) => {
      for (const op of ["neg", "not", "bnot"]) add([v(a), [op]]);
      VALUES.forEach((b, j) => {
        for (const op of BINARY) if (!(DIVIDES.has(op) && b === 0n)) add([v(a), v(j), [op]]);
      });
      add([v(a), v(1), v(2), ["select"]]);
    });
    add([["slot", 1], ["sym", 0], ["mul"], ["task", "seq"], ["sub"], ["replica"], ["shl"]]);
    add([["int", "-9223372036854775808"], ["int", "-1"], ["divs"]]);
    add([["int", "18446744073709551615"], ["int", "3"], ["rem"]]);
    const out = runCpp(cases);
    expect(out).toHaveLength(cases.length);
    const wrong = cases.flatMap((c, i) => (out[i] === c.expected.toString() ? [] : [`${c.cpp} = ${out[i]}, expected ${c.expected}`]));
    expect(wrong).toEqual([]);
  }, 120_000);

  it("narrows scalar arguments to their parameter type's low bits", () => {
    const cases: Case[] = [];
    for (const value of VALUES) {
      for (const bits of [8, 16, 32]) {
        cases.push({ cpp: cppNarrow(`v[${VALUES.indexOf(value)}]`, bits, false), expected: BigInt.asUintN(bits, value) });
        cases.push({ cpp: cppNarrow(`v[${VALUES.indexOf(value)}]`, bits, true), expected: BigInt.asUintN(64, BigInt.asIntN(bits, value)) });
      }
    }
    const out = runCpp(cases);
    expect(out).toEqual(cases.map((c) => c.expected.toString()));
  });

  it("stops with the expression's location on division by zero", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-cpp-div-"));
    const expr = cppExpr([v(0), v(1), ["divs"]], names, "main.wsp:3:7");
    fs.writeFileSync(path.join(dir, "t.cpp"), [
      "#include <cstdint>", "#include <cstdio>", "#include <cstdlib>", "namespace {", CPP_HELPERS, "}",
      "int main() { volatile uint64_t in[2] = {5, 0}; uint64_t v[2] = {in[0], in[1]};",
      `  std::printf("%llu\\n", static_cast<unsigned long long>(${expr})); return 0; }`,
    ].join("\n"));
    execFileSync("g++", ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-o", path.join(dir, "t"), path.join(dir, "t.cpp")]);
    const r = spawnSync(path.join(dir, "t"), { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("wsp: division by zero at main.wsp:3:7\n");
  });

  it("parenthesises every operation", () => {
    // (a - b) * c, not a - b * c
    expect(cppExpr([v(0), v(1), ["sub"], v(2), ["mul"]], names, "x")).toBe("((v[0] - v[1]) * v[2])");
    expect(cppExpr([v(0), ["neg"], v(1), ["shl"]], names, "x")).toBe("((UINT64_C(0) - v[0]) << (v[1] & UINT64_C(63)))");
  });
});

describe("generated names and literals", () => {
  it("keeps only ASCII letters and digits of a name, without double underscores", () => {
    expect(cosmetic("x__attribute__")).toBe("x_attribute");
    expect(cosmetic("__LINE__")).toBe("LINE");
    expect(cppName("k", 3, "gemm_tile")).toBe("k3_gemm_tile");
    expect(cppName("v", 0, "_")).toBe("v0");
  });

  it("escapes C++ and Python strings so they cannot end early or continue a line", () => {
    const hostile = 'a"; system("rm")\n*/ ??= \\';
    expect(cppString(hostile)).toBe('"a\\"; system(\\"rm\\")\\012*/ \\?\\?= \\\\"');
    expect(pyString(hostile)).toBe('"a\\"; system(\\"rm\\")\\x0a*/ ??= \\\\"');
    expect(cppString("é")).toBe('"\\303\\251"');
    expect(pyString("é€😀")).toBe('"\\xe9\\u20ac\\U0001f600"');
    const py = spawnSync("python3", ["-c", `import sys; sys.stdout.write(${pyString(hostile)})`], { encoding: "utf8" });
    expect(py.stdout).toBe(hostile);
  });
});
