import { expect } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostic.js";
import type { CheckResult } from "../../compiler/program.js";
import { described } from "../helpers/memory-host.js";

/** One expected diagnostic: "line:col CODE" and a fragment its message must contain. */
export type Expected = readonly [at: string, fragment: string];

/**
 * Asserts that `file` has exactly the `expected` diagnostics, in order. A diagnostic that
 * matches is shown in the expected form, so a mismatch prints a readable diff of the rest.
 */
export function expectDiagnostics(result: CheckResult, expected: readonly Expected[], file = "main.wsp"): void {
  const got = described(result, file);
  const shown = got.map((line, i) => {
    const e = expected[i];
    return e && line.startsWith(`${e[0]} `) && line.includes(e[1]) ? `${e[0]} … ${e[1]}` : line;
  });
  expect(shown).toEqual(expected.map(([at, fragment]) => `${at} … ${fragment}`));
}

/**
 * Asserts the whole program (every file) is free of diagnostics, lints aside: the snippets here
 * test the checker, and declare things they never use; the lints (WSP10xx) have their own tests
 * in test/analysis/lints.test.ts.
 */
export function expectClean(result: CheckResult): void {
  expect(result.diagnostics.filter((d) => !isLint(d.code)).map((d) => `${d.file} ${d.code} ${d.message}`)).toEqual([]);
}

export function isLint(code: string): boolean {
  return code.startsWith("WSP10");
}

/** "line:col message" for each related location of `d` (in whichever file it points to). */
export function relatedAt(result: CheckResult, d: Diagnostic): string[] {
  return d.related.map((r) => {
    const source = result.files.get(r.file);
    const p = source ? source.lineMap.position(r.start) : { line: 0, col: 0 };
    return `${r.file === d.file ? "" : `${r.file}:`}${p.line}:${p.col} ${r.message}`;
  });
}

/** The only diagnostic with `code` (fails unless there is exactly one). */
export function single(result: CheckResult, code: string): Diagnostic {
  const found = result.diagnostics.filter((d) => d.code === code);
  expect(found.map((d) => d.message)).toHaveLength(1);
  return found[0]!;
}

/** The folded value of the constant `name` of `file`. */
export function constValue(result: CheckResult, name: string, file = "main.wsp"): unknown {
  const decl = result.files.get(file)?.ast.decls.find((d) => d.kind === "Const" && d.name.text === name);
  expect(decl, `constant ${name}`).toBeDefined();
  return decl?.kind === "Const" ? result.semantics.constValues.get(decl) : undefined;
}
