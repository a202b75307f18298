/**
 * The fast path (grammar/fast-path.ts) against the full parser: on the differential corpus,
 * its mutations and a generated large program, whatever the fast path accepts, the full parser
 * reads without problems into the same tree — same values, same key order (passes walk nodes
 * by key) — and the same comments; and the fast path accepts every input the full parser
 * reads without problems, except the few kinds it deliberately leaves to it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseWithoutProblems } from "../../grammar/fast-path.js";
import { MAX_NESTING, parse, parseWithRecovery } from "../../grammar/parse.js";
import { mutatedCases, type Case } from "./differential-corpus.js";

// bench/generate.mjs is plain JavaScript without declarations: imported through a variable path.
const generator = "../../bench/generate.mjs";
const { largeProgram } = (await import(generator)) as { largeProgram: (lines: number) => string };

const corpus = JSON.parse(readFileSync(join(import.meta.dirname, "snapshots", "corpus.json"), "utf8")) as Case[];

/** JSON with bigints spelled out and undefined fields kept, in the objects' own key order. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? "\u0000undefined" : typeof v === "bigint" ? `\u0000bigint:${v}` : v));
}

/** Problem-free inputs the fast path leaves to the full parser on purpose. */
function leftToFullParser(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}

function compare(cases: readonly Case[]): { accepted: number; wrong: string[]; missed: string[] } {
  let accepted = 0;
  const wrong: string[] = [];
  const missed: string[] = [];
  for (const c of cases) {
    const fast = parseWithoutProblems(c.text, MAX_NESTING);
    const full = parseWithRecovery(c.text);
    if (fast === undefined) {
      if (full.problems.length === 0 && !leftToFullParser(c.text)) missed.push(c.name);
      continue;
    }
    accepted++;
    if (full.problems.length > 0 || exact(fast.ast) !== exact(full.ast) || exact(fast.comments) !== exact(full.comments)) wrong.push(c.name);
  }
  return { accepted, wrong, missed };
}

describe("the fast path reads problem-free files exactly as the full parser does", () => {
  it("on every base input of the differential corpus", () => {
    const { accepted, wrong, missed } = compare(corpus);
    expect(wrong).toEqual([]);
    expect(missed).toEqual([]);
    // The grammar fixtures and the examples are among them.
    expect(accepted).toBeGreaterThanOrEqual(6);
  });

  it("on 4000 mutations, accepting none that has a problem", () => {
    const mutations = mutatedCases(corpus, 4000, 0xfa57);
    const { accepted, wrong, missed } = compare(mutations);
    expect(wrong).toEqual([]);
    expect(missed).toEqual([]);
    // Some mutations keep a file valid (a duplicated declaration, a swapped name): those are read.
    expect(accepted).toBeGreaterThan(50);
  });

  it("on the generated benchmark program, with LF and with CRLF line ends", () => {
    const lf = largeProgram(2000);
    for (const text of [lf, lf.replace(/\n/g, "\r\n")]) {
      const fast = parseWithoutProblems(text, MAX_NESTING);
      expect(fast).toBeDefined();
      const full = parseWithRecovery(text);
      expect(full.problems).toEqual([]);
      expect(exact(fast!.ast)).toBe(exact(full.ast));
      expect(exact(fast!.comments)).toBe(exact(full.comments));
    }
  });

  it("leaves lexical trouble, deep nesting and misplaced lines to the full parser", () => {
    for (const text of [
      "const a = 0x", // invalid number
      'target t { backend "sim }', // unterminated string
      'target t { backend "s\\im" }', // unknown escape
      "/* open", // unterminated comment
      "const a = 1 # 2", // invalid character
      "const a = 1\nmodule m", // module after a declaration
      "const a = " + "(".repeat(MAX_NESTING + 1) + "1" + ")".repeat(MAX_NESTING + 1),
      "workload w { f(a b) }", // a forgotten comma
    ]) {
      expect(parseWithoutProblems(text, MAX_NESTING), text).toBeUndefined();
      expect(parse(text).problems.length, text).toBeGreaterThan(0);
    }
  });

  it("leaves a file starting with a byte-order mark to the full parser, which reads it", () => {
    const text = "\ufeffconst a = 1";
    expect(parseWithoutProblems(text, MAX_NESTING)).toBeUndefined();
    expect(parse(text).problems).toEqual([]);
  });
});
