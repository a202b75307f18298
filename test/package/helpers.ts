import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { validatePackage, type ValidationError, type ValidationResult } from "../../runtime/package/validate.js";
import { tinyPipeline, tinyWorkload, writePackage, type PackageSpec, type WriteOptions } from "./fixture.js";

/** A temporary folder for this test file's packages, removed after its tests. */
export function tempRoot(): () => string {
  const root = mkdtempSync(join(tmpdir(), "wsp-pkg-"));
  let n = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return () => join(root, `p${n++}`, "tiny.wsppkg");
}

export interface Built {
  readonly dir: string;
  readonly result: ValidationResult;
}

/** Writes a (mutated) tiny package, applies `disk` to the folder, and validates it. */
export function build(
  dir: string,
  options: { pipeline?: boolean; mutate?: (spec: PackageSpec) => void; disk?: (dir: string) => void } & WriteOptions = {},
): Built {
  const spec = options.pipeline ? tinyPipeline() : tinyWorkload();
  options.mutate?.(spec);
  writePackage(dir, spec, options);
  options.disk?.(dir);
  return { dir, result: validatePackage(dir) };
}

export function errorsOf(result: ValidationResult): readonly ValidationError[] {
  if (result.ok) throw new Error("expected the package to be invalid, but it validated");
  return result.errors;
}

/** The result lists a problem at exactly `pointer` whose message contains `fragment`. */
export function expectProblem(result: ValidationResult, pointer: string, fragment: string): void {
  const errors = errorsOf(result);
  const hit = errors.find((e) => e.pointer === pointer && e.message.includes(fragment));
  expect(hit, `no problem at ${pointer} containing ${JSON.stringify(fragment)}; got:\n${errors.map((e) => `${e.pointer}: ${e.message}`).join("\n")}`).toBeDefined();
}
