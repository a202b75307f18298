import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { BACKEND_EMITTERS } from "../backends/index.js";
import { buildPackage, type BuiltPackage } from "../package/build.js";
import type { CheckResult } from "../program.js";
import { buildUnits, nameClash, selectUnits, unitName, type BuildUnit } from "../units.js";
import type { ModuleInfo } from "../check/symbols.js";
import type { NodeHost } from "./node-host.js";
import { ioReason } from "./node-host.js";
import { writePackageDirs } from "./package-writer.js";

export interface BuildRequest {
  readonly outDir: string;
  readonly target: string | undefined;
  readonly compilerVersion: string;
  readonly cwd: string;
}

export type BuildOutcome =
  | { readonly kind: "built"; readonly written: readonly { readonly dir: string; readonly unit: BuildUnit; readonly pkg: BuiltPackage }[] }
  | { readonly kind: "diagnostics"; readonly pkgs: readonly BuiltPackage[] }
  | { readonly kind: "usage"; readonly message: string }
  | { readonly kind: "io"; readonly message: string };

/**
 * Recorded source paths: stdlib files as `std/...`; every other file relative to the program's
 * source root, the innermost folder holding every non-stdlib module's root (the folder `R` of a
 * file `R/a/b/c.wsp` declaring `module a.b.c`, else the file's own folder, as for module
 * resolution). So `examples/indexer.wsp` (module `examples.indexer`) is recorded as that from
 * any working folder: a package does not depend on where wspc ran, and a recorded path is never
 * absolute and never has a `..` segment (which the package validator would refuse).
 */
export function sourcePathFor(host: NodeHost, cwd: string, modules: Iterable<ModuleInfo>): (file: string) => string {
  const std = path.join(host.stdlibDir, "std");
  const inStd = (abs: string) => abs.startsWith(std + path.sep);
  const roots = [...modules].flatMap((m) => {
    const abs = path.resolve(cwd, m.file);
    return inStd(abs) ? [] : [moduleRoot(abs, m.name)];
  });
  const base = roots.length === 0 ? cwd : commonFolder(roots);
  return (file) => {
    const abs = path.resolve(cwd, file);
    const rel = inStd(abs) ? `std/${path.relative(std, abs)}` : path.relative(base, abs);
    return rel.split(path.sep).join("/");
  };
}

/**
 * The SHA-256 of a source file's bytes as they are on disk (what `sha256sum` prints), so a byte-order
 * mark or bytes that are not UTF-8 count too; undefined for a file not on disk (an in-memory host).
 */
export function sourceHashFor(cwd: string): (file: string) => string | undefined {
  return (file) => {
    try {
      return createHash("sha256").update(fs.readFileSync(path.resolve(cwd, file))).digest("hex");
    } catch {
      return undefined;
    }
  };
}

/** The folder `R` when `file` is `R/a/b/c.wsp` for module `a.b.c`; else the file's folder. */
function moduleRoot(file: string, moduleName: string): string {
  const tail = path.join(...moduleName.split(".")) + ".wsp";
  return file.endsWith(path.sep + tail) ? path.resolve(file.slice(0, file.length - tail.length)) : path.dirname(file);
}

/** The innermost folder holding every one of `dirs` (absolute paths). */
function commonFolder(dirs: readonly string[]): string {
  let common = dirs[0]!;
  for (const d of dirs) {
    while (!isWithin(d, common) && path.dirname(common) !== common) common = path.dirname(common);
  }
  return common;
}

function isWithin(dir: string, folder: string): boolean {
  const rel = path.relative(folder, dir);
  return !path.isAbsolute(rel) && rel.split(path.sep)[0] !== "..";
}

/**
 * Builds every unit of a checked, error-free program in memory first; only when all succeed are
 * the packages written, together and atomically. A failing build therefore changes nothing.
 */
export function buildAll(result: CheckResult, host: NodeHost, req: BuildRequest): BuildOutcome {
  const all = buildUnits(result);
  const selected = selectUnits(all, req.target);
  if ("error" in selected) return { kind: "usage", message: selected.error };
  const units = selected.units;
  if (units.length === 0) return { kind: "usage", message: "nothing to build: the files declare no workload or pipeline" };
  const clash = nameClash(units, all);
  if (clash !== undefined) return { kind: "usage", message: clash };
  const sourcePath = sourcePathFor(host, req.cwd, result.modules.values());
  const sourceHash = sourceHashFor(req.cwd);
  const built = units.map((unit) => ({
    unit,
    dir: path.join(req.outDir, `${unitName(unit, all)}.wsppkg`),
    pkg: buildPackage(result, unit, { compilerVersion: req.compilerVersion, sourcePath, sourceHash }, BACKEND_EMITTERS),
  }));
  if (built.some((b) => b.pkg.diagnostics.some((d) => d.severity === "error"))) {
    return { kind: "diagnostics", pkgs: built.map((b) => b.pkg) };
  }
  try {
    writePackageDirs(built.map((b) => ({ dest: path.resolve(req.cwd, b.dir), files: b.pkg.files })));
  } catch (e) {
    return { kind: "io", message: `cannot write the packages into '${req.outDir}': ${ioReason(e)}` };
  }
  return { kind: "built", written: built };
}
