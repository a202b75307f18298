import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../compiler/program.js";
import { REPO_ROOT, STDLIB_DIR, checkText } from "../helpers/memory-host.js";
import { constValue, expectClean, expectDiagnostics } from "./expect-diagnostics.js";

/** Every diagnostic (and related location) lies inside the text of the file it names. */
function expectRangesInside(result: CheckResult): void {
  const bad: string[] = [];
  for (const d of result.diagnostics) {
    for (const loc of [d, ...d.related]) {
      const length = result.files.get(loc.file)?.text.length;
      if (length === undefined || !(0 <= loc.start && loc.start <= loc.end && loc.end <= length)) {
        bad.push(`${d.code} ${loc.file} [${loc.start}, ${loc.end}) of ${length}: ${d.message}`);
      }
    }
  }
  expect(bad).toEqual([]);
}

describe("hostile programs", () => {
  it("a kernel with no parameters, called with none", () => {
    expectClean(checkText("kernel tick() on aiv cycles 1\nworkload w { tick() tick() }\n"));
  });

  it("10,000 constants, each defined by the next one declared", () => {
    const n = 10_000;
    const lines: string[] = [];
    for (let i = n - 1; i >= 1; i--) lines.push(`const C${i} = C${i - 1} + 1`);
    lines.push("const C0 = 0");
    const r = checkText(lines.join("\n"));
    expectClean(r);
    expect(constValue(r, `C${n - 1}`)).toBe(BigInt(n - 1));
  }, 30_000);

  it("a long cycle of constants is reported once", () => {
    const n = 3000;
    const lines = [`const C0 = C${n - 1}`];
    for (let i = 1; i < n; i++) lines.push(`const C${i} = C${i - 1}`);
    expectDiagnostics(checkText(lines.join("\n")), [["1:7 WSP0212", "constant `C0` is defined in terms of itself"]]);
  });

  it("1,500 unknown names among 1,500 declarations, each looked up for a suggestion", () => {
    const n = 1500;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`const D${i} = X${i}`);
    const r = checkText(lines.join("\n"));
    expect(r.diagnostics).toHaveLength(n);
    expect(r.diagnostics.every((d) => d.code === "WSP0101")).toBe(true);
  });

  it("operator chains far longer than the bracket nesting limit", () => {
    const n = 5000;
    const r = checkText(
      `const SUM = ${Array(n).fill("1").join(" + ")}\n` +
      `const NEG = ${"-".repeat(n + 1)}1\n` +
      `const NOT = ${"! ".repeat(n)}true\n` +
      `const MIX = ${Array(n).fill("2").join(" * 1 - 1 + ")}\n`,
    );
    expectClean(r);
    expect([constValue(r, "SUM"), constValue(r, "NEG"), constValue(r, "NOT"), constValue(r, "MIX")]).toEqual([BigInt(n), -1n, true, BigInt(n + 1)]);
  }, 30_000);

  it("an error deep inside a long chain is reported at its place", () => {
    const r = checkText(`const X = true + ${Array(3000).fill("1").join(" + ")}\n`);
    expectDiagnostics(r, [["1:11 WSP0201", "`+` needs integer operands, but this is bool"]]);
  });

  it("brackets nested up to the parser's limit", () => {
    const depth = 200;
    const r = checkText(`const X = ${"(".repeat(depth)}7${")".repeat(depth)}\nconst Y = ${"min(".repeat(depth)}1${", 2)".repeat(depth)}\n`);
    expectClean(r);
    expect([constValue(r, "X"), constValue(r, "Y")]).toEqual([7n, 1n]);
  });

  it("loops nested almost to the parser's bracket limit", () => {
    const depth = 250;
    let text = "kernel h(x: u64) on aiv cycles 1\naxis a = dense(2)\nworkload w {\n";
    for (let k = 0; k < depth; k++) text += `parallel v${k} in a { `;
    text += `h(v${depth - 1})` + " }".repeat(depth) + "\n}\n";
    const r = checkText(text);
    expectClean(r);
    expect([...r.taskSites.values()][0]![0]!.attributes.size).toBe(depth + 1);
  });

  it("huge and odd numbers", () => {
    const r = checkText(
      `const A = 0x${"F".repeat(40)}\n` +
      `const B = 0b${"1".repeat(64)}\n` +
      `const C = ${"9".repeat(400)} * 0\n`,
    );
    expectDiagnostics(r, [
      ["1:11 WSP0209", "does not fit in 64 bits"],
      ["3:11 WSP0209", "does not fit in 64 bits"],
    ]);
    expect(constValue(r, "B")).toBe(2n ** 64n - 1n);
  });

  it("a schedule for a kernel, a workload named like a target, a policy named like a kernel", () => {
    const r = checkText(
      "use std.targets.{a2a3sim}\n" +
      "kernel k() on aiv cycles 1\n" +
      "workload a2a3 { k() }\n" +
      "schedule k on a2a3sim { }\n" +
      "schedule a2a3 on a2a3 { }\n",
    );
    expectDiagnostics(r, [
      ["4:10 WSP0204", "`k` is a kernel, but a schedule names the workload or pipeline it schedules"],
      ["5:18 WSP0204", "`a2a3` is a workload, but a target is needed here"],
    ]);
  });

  it("binary garbage, a lone brace flood and an empty file", () => {
    let garbage = "";
    for (let i = 0; i < 2000; i++) garbage += String.fromCharCode((i * 7919) % 256);
    for (const text of [garbage, "{".repeat(100_000), "", "\uFEFF", "\r\n\t"]) {
      const r = checkText(text);
      expectRangesInside(r);
    }
  });
});

/** A small deterministic PRNG (mulberry32), so every run mutates the same way. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const TOKEN = /[A-Za-z_0-9]+|[^\sA-Za-z_0-9]/g;

/** One random edit: delete a token range, duplicate a line, swap two lines, or copy a token elsewhere. */
function mutate(text: string, random: (n: number) => number): string {
  const tokens = [...text.matchAll(TOKEN)];
  const lines = text.split("\n");
  switch (random(4)) {
    case 0: {
      if (tokens.length === 0) return text;
      const a = random(tokens.length);
      const b = Math.min(tokens.length - 1, a + random(6));
      return text.slice(0, tokens[a]!.index) + text.slice(tokens[b]!.index! + tokens[b]![0].length);
    }
    case 1: {
      const i = random(lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
    case 2: {
      const i = random(lines.length);
      const j = random(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
    default: {
      if (tokens.length === 0) return text;
      const from = tokens[random(tokens.length)]!;
      const at = tokens[random(tokens.length)]!.index!;
      return `${text.slice(0, at)}${from[0]} ${text.slice(at)}`;
    }
  }
}

describe("mutated examples", () => {
  const sources = [
    ...fs.readdirSync(path.join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".wsp")).sort().map((f) => path.join(REPO_ROOT, "examples", f)),
    ...fs.readdirSync(path.join(STDLIB_DIR, "std")).filter((f) => f.endsWith(".wsp")).sort().map((f) => path.join(STDLIB_DIR, "std", f)),
  ].map((f) => fs.readFileSync(f, "utf8"));

  it("never throw, and every diagnostic lies inside its file (300 variants)", () => {
    const random = prng(20240611);
    let withErrors = 0;
    for (let k = 0; k < 300; k++) {
      let text = sources[k % sources.length]!;
      const edits = 1 + random(4);
      for (let e = 0; e < edits; e++) text = mutate(text, random);
      let result: CheckResult | undefined;
      expect(() => { result = checkText(text); }, `variant ${k}:\n${text}`).not.toThrow();
      expectRangesInside(result!);
      if (result!.diagnostics.length > 0) withErrors++;
    }
    // The mutations must actually break most programs, or this test proves little.
    expect(withErrors).toBeGreaterThan(150);
  }, 120_000);

  it("give the same diagnostics when checked twice", () => {
    const random = prng(7);
    for (let k = 0; k < 30; k++) {
      const text = mutate(mutate(sources[k % sources.length]!, random), random);
      const once = JSON.stringify(checkText(text).diagnostics);
      expect(JSON.stringify(checkText(text).diagnostics)).toBe(once);
    }
  }, 60_000);
});
