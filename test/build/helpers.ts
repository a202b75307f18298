import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { compile, type CompiledPackage, type CompileResult } from "../../compiler/index.js";
import { isDeadlockPrediction } from "../../compiler/analysis/deadlock/index.js";
import { REPO } from "../cli/helpers.js";

export { REPO, scratchDir, wspc, writeFiles } from "../cli/helpers.js";

/**
 * The example programs, as paths relative to the repository (`examples/bgemm.wsp`, ...). The
 * deliberate deadlocks (`examples/deadlock_*.wsp`) are built too: their only errors are the
 * deadlocks the analysis predicts, and their packages are what the runtime runs to show them.
 */
export const EXAMPLES = fs.readdirSync(path.join(REPO, "examples")).filter((f) => f.endsWith(".wsp")).sort().map((f) => `examples/${f}`);

/** Compiles files through the public API; fails the test on any error diagnostic but a predicted deadlock. */
export function compileClean(files: readonly string[], cwd: string = REPO, target?: string): CompileResult {
  const result = compile(files, { cwd, allowPredictedDeadlocks: true, ...(target === undefined ? {} : { target }) });
  const errors = result.diagnostics.filter((d) => d.severity === "error" && !isDeadlockPrediction(d.code)).map((d) => `${d.file}: ${d.code} ${d.message}`);
  expect(errors).toEqual([]);
  return result;
}

/** The one package of `result` with this name. */
export function packageNamed(result: CompileResult, name: string): CompiledPackage {
  const hits = result.packages.filter((p) => p.name === name);
  expect(hits.map((p) => p.name), `packages: ${result.packages.map((p) => p.name).join(", ")}`).toEqual([name]);
  return hits[0]!;
}

/** Loose JSON: tests read package files without the package types. */
export type Json = any;

export function manifestOf(pkg: CompiledPackage): Json {
  return JSON.parse(pkg.files.get("manifest.json")!);
}

export function planOf(pkg: CompiledPackage): Json {
  return JSON.parse(pkg.files.get("plan.json")!);
}

/** Every regular file below `dir`, by `/`-separated relative path, with its bytes; sorted by path. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk("");
  return out;
}

/** Names in `dir` (files and folders, hidden ones included), sorted. */
export function entries(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/**
 * FNV-1a 64 written out here, independently of runtime/package/ids.ts, so the tests check the
 * compiler's ids against the documented hash rather than against the compiler's own function.
 */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, "utf8")) h = ((h ^ BigInt(byte)) * 0x100000001b3n) % (1n << 64n);
  return h.toString(16).padStart(16, "0");
}
