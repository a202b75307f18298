import type { ScheduleDecl } from "../grammar/ast.js";
import type { DeclSymbol } from "./check/symbols.js";
import type { CheckResult } from "./program.js";

/** One package to build: a workload or pipeline on a target, with its schedule if written. */
export interface BuildUnit {
  readonly subject: DeclSymbol;
  readonly target: DeclSymbol;
  /** Undefined: the documented default schedule applies. */
  readonly schedule: ScheduleDecl | undefined;
  /** The file the schedule is written in. */
  readonly scheduleFile: string | undefined;
}

/** The target a subject without a schedule is built for (docs/language.md, "Default schedule"). */
export const DEFAULT_TARGET = ["std", "targets", "a2a3sim"] as const;

/**
 * The packages a build of the root files produces: one per schedule in them, plus one on the
 * default target for each workload or pipeline that has no schedule at all. `targetName`
 * keeps only the units on that target. Every root's schedules are collected before any default
 * is added, so a schedule in a later root still counts (the result does not depend on the order
 * the files are named in, beyond the order of the units).
 */
export function buildUnits(result: CheckResult, targetName?: string): BuildUnit[] {
  const units: BuildUnit[] = [];
  const scheduled = new Set<DeclSymbol>();
  const defaultTarget = findDefaultTarget(result);
  const modules = result.roots.flatMap((root) => result.modules.get(root) ?? []);
  for (const module of modules) {
    for (const d of module.source.ast.decls) {
      if (d.kind !== "Schedule") continue;
      const info = result.semantics.schedules.get(d);
      if (!info?.subject || !info.target) continue;
      scheduled.add(info.subject);
      units.push({ subject: info.subject, target: info.target, schedule: d, scheduleFile: module.file });
    }
  }
  for (const module of modules) {
    for (const symbol of module.decls.values()) {
      if ((symbol.decl.kind === "Workload" || symbol.decl.kind === "Pipeline") && !scheduled.has(symbol) && defaultTarget) {
        units.push({ subject: symbol, target: defaultTarget, schedule: undefined, scheduleFile: undefined });
      }
    }
  }
  return targetName === undefined ? units : units.filter((u) => u.target.name === targetName);
}

/**
 * The units built for `target` (all of them when undefined), or why none can be: the one rule the
 * CLI and the API share for a target that no schedule names.
 */
export function selectUnits(all: readonly BuildUnit[], target: string | undefined): { units: BuildUnit[] } | { error: string } {
  const units = target === undefined ? [...all] : all.filter((u) => u.target.name === target);
  if (units.length > 0 || target === undefined) return { units };
  if (all.length === 0) return { error: "nothing to build: the files declare no workload or pipeline" };
  const targets = [...new Set(all.map((u) => u.target.name))].sort().join(", ");
  return { error: `no schedule targets '${target}'; the targets here are: ${targets}` };
}

export function findDefaultTarget(result: CheckResult): DeclSymbol | undefined {
  const moduleName = DEFAULT_TARGET.slice(0, -1).join(".");
  for (const m of result.modules.values()) {
    if (m.name === moduleName) return m.decls.get(DEFAULT_TARGET[DEFAULT_TARGET.length - 1]!);
  }
  return undefined;
}

/**
 * The package folder name (without `.wsppkg`) of a unit: the subject's file name — or, when
 * files of other modules share that name (`x/m.wsp`, `y/m.wsp`), its module's name, which is
 * unique in a program — then the subject and/or target only where needed to tell apart the
 * units with that base.
 */
export function unitName(unit: BuildUnit, all: readonly BuildUnit[]): string {
  const base = baseName(unit, all);
  const siblings = all.filter((u) => baseName(u, all) === base);
  if (siblings.length <= 1) return base;
  const subjects = new Set(siblings.map((u) => u.subject));
  const targets = new Set(siblings.map((u) => u.target));
  const parts = [base];
  if (subjects.size > 1) parts.push(unit.subject.name);
  if (targets.size > 1) parts.push(unit.target.name);
  return parts.join(".");
}

function baseName(unit: BuildUnit, all: readonly BuildUnit[]): string {
  const name = fileName(unit);
  const shared = all.some((u) => u.subject.module !== unit.subject.module && fileName(u) === name);
  return shared ? unit.subject.module.name : name;
}

function fileName(unit: BuildUnit): string {
  return unit.subject.module.file.replace(/\\/g, "/").split("/").pop()!.replace(/\.wsp$/, "");
}

/**
 * A message when two of `units` would get the same package name, which would make one package
 * overwrite the other. (The names are built to differ; this guards what the checker lets by.)
 */
export function nameClash(units: readonly BuildUnit[], all: readonly BuildUnit[]): string | undefined {
  const seen = new Map<string, BuildUnit>();
  for (const u of units) {
    const name = unitName(u, all);
    const first = seen.get(name);
    if (first) {
      return `${first.subject.qualifiedName} (${first.subject.module.file}) and ${u.subject.qualifiedName} (${u.subject.module.file}) on ${u.target.name} would both be written to ${name}.wsppkg; build them separately, with different -o folders`;
    }
    seen.set(name, u);
  }
  return undefined;
}
