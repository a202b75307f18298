/**
 * The programmatic API of the `wsp` package: `import { compile, loadPackage, validatePackage } from "wsp"`.
 * The CLI is a thin shell over these same functions.
 */
import * as path from "node:path";
import { BACKEND_EMITTERS } from "./backends/index.js";
import { sourceHashFor, sourcePathFor } from "./cli/build-command.js";
import { createNodeHost, findPackage, type NodeHost } from "./cli/node-host.js";
import { writePackageDir } from "./cli/package-writer.js";
import type { Diagnostic } from "./diagnostic.js";
import type { CompilerHost } from "./host.js";
import { isDeadlockPrediction } from "./analysis/deadlock/index.js";
import { buildPackage } from "./package/build.js";
import { checkProgram, type CheckResult } from "./program.js";
import { buildUnits, selectUnits, unitName } from "./units.js";

export { checkProgram, type CheckResult } from "./program.js";
export { formatSource, type FormatResult } from "./format.js";
export { parse } from "../grammar/parse.js";
export type { CompilerHost } from "./host.js";
export { CATALOGUE, type Diagnostic, type DiagnosticCode, type Severity } from "./diagnostic.js";
export { WSP_RUNTIME_ABI } from "./package/build.js";
export {
  loadPackage, validatePackage, formatValidationErrors, PackageError,
  type LoadedPackage, type ValidationResult, type ValidationError,
} from "../runtime/package/index.js";

export interface CompileOptions {
  /** Where files and modules come from; by default the file system (and the bundled stdlib). */
  readonly host?: CompilerHost;
  /** Build only the schedules for this target; one that no schedule names throws `CompileOptionsError`. */
  readonly target?: string;
  /** Folder relative paths are taken from (default: the process's working folder). */
  readonly cwd?: string;
  /**
   * Build packages even when the only errors are deadlocks the analysis predicts (WSP0901–0905):
   * the program is well-formed, and running it on the reference runtime shows the deadlock.
   */
  readonly allowPredictedDeadlocks?: boolean;
}

export interface CompiledPackage {
  /** Folder name without `.wsppkg`, e.g. `bgemm.a2a3`. */
  readonly name: string;
  readonly subject: string;
  readonly target: string;
  /** File contents by relative path (manifest.json, plan.json, pto-runtime/...). */
  readonly files: ReadonlyMap<string, string>;
}

export interface CompileResult {
  /** Every diagnostic, the checker's and the back ends'. */
  readonly diagnostics: readonly Diagnostic[];
  /** Empty when any diagnostic is an error (but see `allowPredictedDeadlocks`). */
  readonly packages: readonly CompiledPackage[];
  readonly check: CheckResult;
}

/** A wrong option to `compile` (a target no schedule names): a mistake in the caller, not in the program. */
export class CompileOptionsError extends Error {
  override readonly name = "CompileOptionsError";
}

/** Checks `files` and lowers each (workload or pipeline, target) to a package, in memory. */
export function compile(files: readonly string[], options: CompileOptions = {}): CompileResult {
  const cwd = options.cwd ?? process.cwd();
  const nodeHost = createNodeHost(cwd);
  const host = options.host ?? nodeHost;
  const check = checkProgram(options.host ? files : distinctFiles(files, nodeHost), host);
  const blocking = (d: Diagnostic): boolean => d.severity === "error" && !(options.allowPredictedDeadlocks === true && isDeadlockPrediction(d.code));
  if (check.diagnostics.some(blocking)) return { diagnostics: check.diagnostics, packages: [], check };
  const all = buildUnits(check);
  const selected = selectUnits(all, options.target);
  if ("error" in selected) throw new CompileOptionsError(selected.error);
  const units = selected.units;
  const version = findPackage().version;
  const sourcePath = sourcePathFor(nodeHost, cwd, check.modules.values());
  // A custom host's files need not be on disk: their hashes are those of the checked text.
  const sourceHash = options.host ? undefined : sourceHashFor(cwd);
  const built = units.map((unit) => ({ unit, pkg: buildPackage(check, unit, { compilerVersion: version, sourcePath, sourceHash }, BACKEND_EMITTERS) }));
  const diagnostics = [...check.diagnostics, ...built.flatMap((b) => b.pkg.diagnostics)];
  const failed = diagnostics.some(blocking);
  return {
    diagnostics,
    check,
    packages: failed ? [] : built.map(({ unit, pkg }) => ({ name: unitName(unit, all), subject: unit.subject.qualifiedName, target: unit.target.name, files: pkg.files })),
  };
}

/** The files, each once: a second spelling of a file (`./a.wsp` after `a.wsp`) is dropped, as `wspc` does. */
function distinctFiles(files: readonly string[], host: NodeHost): string[] {
  const out: string[] = [];
  for (const file of files) {
    host.readRoot(file);
    const name = host.canonicalName(file);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** Writes a compiled package to `<outDir>/<name>.wsppkg`, atomically; returns the folder. */
export function writePackage(pkg: CompiledPackage, outDir: string): string {
  const dir = path.join(outDir, `${pkg.name}.wsppkg`);
  writePackageDir(dir, pkg.files);
  return dir;
}
