/**
 * Pins the parser's output to a frozen record. The parser builds the AST with embedded actions;
 * it replaced a CST parser plus a CST-to-AST visitor, and the record in snapshots/ was produced
 * by that old parser just before it was deleted, so these tests keep proving that trees,
 * comments and problems (messages, kinds, spans) did not change:
 * - grammar.json: the grammar chevrotain recorded (labels aside); recovery depends on it.
 * - corpus.json: the base inputs (fixtures, examples, stdlib, catalogue examples, snippets
 *   quoted in tests), frozen so later edits to those files do not disturb the record.
 * - fixtures/*.json: full results for test/grammar/fixtures, readable when a test fails.
 * - digests.json: a digest of the result for every base input and for 2000 deterministic
 *   mutations of them (which exercise error recovery).
 * After an intended change of the grammar or the tree, regenerate the record with
 * `UPDATE_PARSER_SNAPSHOTS=1 npx vitest run test/grammar/differential.test.ts` and review it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse.js";
import { serializedGrammar } from "../../grammar/parser.js";
import { baseCases, canonical, mutatedCases, type Case } from "./differential-corpus.js";

const SNAPSHOTS = join(import.meta.dirname, "snapshots");
const MUTATIONS = 2000;
const FIXTURE_PREFIX = "test/grammar/fixtures/";

function digest(c: Case): string {
  return createHash("sha256").update(canonical(parse(c.text))).digest("hex").slice(0, 16);
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(SNAPSHOTS, name), "utf8")) as T;
}

function writeJson(name: string, value: unknown): void {
  writeFileSync(join(SNAPSHOTS, name), JSON.stringify(value, null, 1) + "\n");
}

if (process.env["UPDATE_PARSER_SNAPSHOTS"]) {
  const bases = baseCases();
  mkdirSync(join(SNAPSHOTS, "fixtures"), { recursive: true });
  writeJson("grammar.json", serializedGrammar());
  writeJson("corpus.json", bases);
  for (const c of bases.filter((b) => b.name.startsWith(FIXTURE_PREFIX))) {
    writeJson(`fixtures/${basename(c.name, ".wsp")}.json`, JSON.parse(canonical(parse(c.text))));
  }
  const digests: Record<string, string> = {};
  for (const c of [...bases, ...mutatedCases(bases, MUTATIONS)]) digests[c.name] = digest(c);
  writeJson("digests.json", digests);
}

describe("the parser matches the frozen record of the CST parser it replaced", () => {
  const corpus = readJson<Case[]>("corpus.json");
  const digests = readJson<Record<string, string>>("digests.json");
  const mutations = mutatedCases(corpus, MUTATIONS);

  it("records the same grammar", () => {
    expect(serializedGrammar()).toStrictEqual(readJson("grammar.json"));
  });

  it("gives the recorded results for the grammar fixtures", () => {
    const fixtures = corpus.filter((c) => c.name.startsWith(FIXTURE_PREFIX));
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    for (const c of fixtures) {
      const expected = readJson(`fixtures/${basename(c.name, ".wsp")}.json`);
      expect(JSON.parse(canonical(parse(c.text))), c.name).toStrictEqual(expected);
    }
  });

  it("gives the recorded result for every base input and 2000 mutations", () => {
    const cases = [...corpus, ...mutations];
    expect(Object.keys(digests)).toHaveLength(cases.length);
    const wrong = cases.filter((c) => digest(c) !== digests[c.name]).map((c) => c.name);
    expect(wrong).toEqual([]);
  });

  it("exercises error recovery with the mutations", () => {
    const withProblems = mutations.filter((c) => parse(c.text).problems.length > 0).length;
    expect(withProblems).toBeGreaterThan(MUTATIONS * 0.75);
  });
});
