/**
 * Test-only glue: compile `.wsp` text or an example with the compiler, write the package to a
 * temporary folder, and load it back with `loadPackage` — the runtime itself never sees the
 * compiler, only the validated package, exactly as `wspc run` will.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildPackage } from "../../compiler/package/build.js";
import { checkProgram } from "../../compiler/program.js";
import { buildUnits } from "../../compiler/units.js";
import { writePackageDir } from "../../compiler/cli/package-writer.js";
import { loadPackage, type LoadedPackage } from "../../runtime/package/index.js";
import { memoryHost, REPO_ROOT } from "../helpers/memory-host.js";
import { isDeadlockPrediction } from "../../compiler/analysis/deadlock/index.js";

const roots: string[] = [];

/** Removes the temporary package folders (call from afterAll). */
export function cleanPackages(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** Builds every unit of `main.wsp` (text) and returns the packages, keyed `subject@target`. */
export function packagesOf(text: string): Map<string, LoadedPackage> {
  const result = checkProgram(["main.wsp"], memoryHost({ "main.wsp": text }));
  // A deadlock the static analysis found (WSP0901–WSP0905) is what the runtime must reproduce.
  const errors = result.diagnostics.filter((d) => d.severity === "error" && !isDeadlockPrediction(d.code));
  if (errors.length > 0) {
    const file = result.files.get("main.wsp");
    const lines = errors.map((d) => {
      const p = file?.lineMap.position(d.start);
      return `${p?.line}:${p?.col} ${d.code} ${d.message}`;
    });
    throw new Error(`test program does not check:\n${lines.join("\n")}`);
  }
  const out = new Map<string, LoadedPackage>();
  const root = mkdtempSync(path.join(tmpdir(), "wsp-sim-"));
  roots.push(root);
  for (const unit of buildUnits(result)) {
    const built = buildPackage(result, unit, { compilerVersion: "0.0.0-test", sourcePath: (f) => (f.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, f) : f) });
    const name = `${unit.subject.name}@${unit.target.name}`;
    const dir = path.join(root, `${name}.wsppkg`);
    writePackageDir(dir, built.files);
    out.set(name, loadPackage(dir));
  }
  return out;
}

/**
 * The package of `text` on `target` as the builder wrote it, without validation. Only for
 * pto-hbg targets: the builder writes `schedule.pools: null` for a target without pools, which
 * the validator currently refuses (reported to the lead); the simulator accepts it.
 */
export function unvalidatedPackageOf(text: string, target: string): { manifest: LoadedPackage["manifest"]; plan: LoadedPackage["plan"] } {
  const result = checkProgram(["main.wsp"], memoryHost({ "main.wsp": text }));
  if (result.diagnostics.some((d) => d.severity === "error")) throw new Error("test program does not check");
  const unit = buildUnits(result).find((u) => u.target.name === target);
  if (!unit) throw new Error(`no unit on ${target}`);
  const built = buildPackage(result, unit, { compilerVersion: "0.0.0-test", sourcePath: (f) => f });
  return { manifest: JSON.parse(built.files.get("manifest.json")!), plan: JSON.parse(built.files.get("plan.json")!) };
}

/** The one package of `text` on `target` (default a2a3sim). */
export function packageOf(text: string, target = "a2a3sim"): LoadedPackage {
  const all = packagesOf(text);
  const hit = [...all.entries()].find(([k]) => k.endsWith(`@${target}`));
  if (!hit) throw new Error(`no unit on ${target}; units: ${[...all.keys()].join(", ")}`);
  return hit[1];
}

/** The package of an example (examples/NAME.wsp) on `target`. */
export function examplePackage(name: string, target = "a2a3sim"): LoadedPackage {
  const text = readFileSync(path.join(REPO_ROOT, "examples", `${name}.wsp`), "utf8");
  // The examples declare `module examples.NAME`; compiled as main.wsp their root is the file's folder.
  return packageOf(text, target);
}
