import * as path from "node:path";
import { BACKEND_EMITTERS } from "../backends/index.js";
import { buildPackage, type BuiltPackage } from "../package/build.js";
import type { CheckResult } from "../program.js";
import { buildUnits, unitName, type BuildUnit } from "../units.js";
import type { NodeHost } from "./node-host.js";
import { ioReason } from "./node-host.js";
import { writePackageDir } from "./package-writer.js";

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
 * Recorded source paths: stdlib files as `std/...`, others relative to the working folder with
 * `/` separators — never absolute, so packages are the same wherever they are built.
 */
export function sourcePathFor(host: NodeHost, cwd: string): (file: string) => string {
  const std = path.join(host.stdlibDir, "std");
  return (file) => {
    const abs = path.resolve(cwd, file);
    const rel = abs.startsWith(std + path.sep) ? `std/${path.relative(std, abs)}` : path.relative(cwd, abs);
    return rel.split(path.sep).join("/");
  };
}

/**
 * Builds every unit of a checked, error-free program in memory first; only when all succeed are
 * packages written, each atomically. A failing build therefore writes nothing.
 */
export function buildAll(result: CheckResult, host: NodeHost, req: BuildRequest): BuildOutcome {
  const all = buildUnits(result);
  const units = req.target === undefined ? all : all.filter((u) => u.target.name === req.target);
  if (units.length === 0) {
    if (all.length === 0) return { kind: "usage", message: "nothing to build: the files declare no workload or pipeline" };
    const targets = [...new Set(all.map((u) => u.target.name))].sort().join(", ");
    return { kind: "usage", message: `no schedule targets '${req.target}'; the targets here are: ${targets}` };
  }
  const sourcePath = sourcePathFor(host, req.cwd);
  const built = units.map((unit) => ({
    unit,
    dir: path.join(req.outDir, `${unitName(unit, all)}.wsppkg`),
    pkg: buildPackage(result, unit, { compilerVersion: req.compilerVersion, sourcePath }, BACKEND_EMITTERS),
  }));
  if (built.some((b) => b.pkg.diagnostics.some((d) => d.severity === "error"))) {
    return { kind: "diagnostics", pkgs: built.map((b) => b.pkg) };
  }
  for (const b of built) {
    try {
      writePackageDir(path.resolve(req.cwd, b.dir), b.pkg.files);
    } catch (e) {
      return { kind: "io", message: `cannot write '${b.dir}': ${ioReason(e)}` };
    }
  }
  return { kind: "built", written: built };
}
