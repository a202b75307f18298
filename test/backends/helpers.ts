import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import { BACKEND_EMITTERS } from "../../compiler/backends/index.js";
import type { Diagnostic } from "../../compiler/diagnostic.js";
import { buildPackage, type BuiltPackage } from "../../compiler/package/build.js";
import type { CheckResult } from "../../compiler/program.js";
import { buildUnits } from "../../compiler/units.js";
import { REPO_ROOT, checkText } from "../helpers/memory-host.js";

export const STUB_INCLUDE = path.join(REPO_ROOT, "test/pto-runtime-stub/include");

export interface Built {
  readonly result: CheckResult;
  readonly pkg: BuiltPackage;
  /** The back end's diagnostics as "line:col CODE message". */
  readonly diagnostics: string[];
  readonly raw: readonly Diagnostic[];
}

/** Checks `text` as main.wsp (it must check without errors) and builds its package for `target`. */
export function build(text: string, target: string): Built {
  const result = checkText(text);
  const errors = result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
  expect(errors).toEqual([]);
  const units = buildUnits(result, target);
  expect(units.length).toBe(1);
  const pkg = buildPackage(result, units[0]!, { compilerVersion: "0.0.0-test", sourcePath: (f) => f }, BACKEND_EMITTERS);
  const lineMap = result.files.get("main.wsp")!.lineMap;
  const diagnostics = pkg.diagnostics.map((d) => {
    const p = lineMap.position(d.start);
    return `${p.line}:${p.col} ${d.code} ${d.message}`;
  });
  return { result, pkg, diagnostics, raw: pkg.diagnostics };
}

export function example(name: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, "examples", `${name}.wsp`), "utf8");
}

/** The one file of the package whose path matches. */
export function file(b: Built, pattern: RegExp): string {
  const hits = [...b.pkg.files.keys()].filter((k) => pattern.test(k));
  expect(hits).toHaveLength(1);
  return b.pkg.files.get(hits[0]!)!;
}

/** Writes the package's files below a fresh temporary folder; returns the folder. */
export function writeTree(b: Built): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-backend-"));
  for (const [rel, text] of b.pkg.files) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** `g++ -std=c++17 -fsyntax-only` with the stand-in headers, warnings as errors; returns the compiler's complaint or "". */
export function syntaxCheck(cppFile: string): string {
  const r = spawnSync("g++", ["-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-I", STUB_INCLUDE, cppFile], { encoding: "utf8" });
  return r.status === 0 ? "" : `${r.stdout}${r.stderr}`;
}

export function pyCompile(pyFile: string): string {
  const r = spawnSync("python3", ["-m", "py_compile", pyFile], { encoding: "utf8" });
  return r.status === 0 ? "" : `${r.stdout}${r.stderr}`;
}

/** Runs scene.py and returns its module globals as JSON (so tests can read back the literals). */
export function sceneValues(pyFile: string): Record<string, unknown> {
  const script = "import json, runpy, sys\nd = runpy.run_path(sys.argv[1])\nprint(json.dumps({k: v for k, v in d.items() if k.isupper()}, default=str))";
  return JSON.parse(execFileSync("python3", ["-c", script, pyFile], { encoding: "utf8" })) as Record<string, unknown>;
}

/** Builds, writes, and checks every .cpp and scene.py of the tree; returns the tree's folder. */
export function compileTree(b: Built): string {
  const dir = writeTree(b);
  const sources = [...b.pkg.files.keys()].filter((k) => k.endsWith(".cpp"));
  expect(sources.length).toBeGreaterThan(0);
  for (const s of sources) expect(syntaxCheck(path.join(dir, s)), s).toBe("");
  expect(pyCompile(path.join(dir, "pto-runtime/scene.py"))).toBe("");
  return dir;
}

/** Occurrences of `needle` in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
