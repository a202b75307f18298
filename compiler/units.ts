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
 * keeps only the units on that target.
 */
export function buildUnits(result: CheckResult, targetName?: string): BuildUnit[] {
  const units: BuildUnit[] = [];
  const scheduled = new Set<DeclSymbol>();
  const defaultTarget = findDefaultTarget(result);
  for (const root of result.roots) {
    const module = result.modules.get(root);
    if (!module) continue;
    for (const d of module.source.ast.decls) {
      if (d.kind !== "Schedule") continue;
      const info = result.semantics.schedules.get(d);
      if (!info?.subject || !info.target) continue;
      scheduled.add(info.subject);
      units.push({ subject: info.subject, target: info.target, schedule: d, scheduleFile: module.file });
    }
    for (const symbol of module.decls.values()) {
      if ((symbol.decl.kind === "Workload" || symbol.decl.kind === "Pipeline") && !scheduled.has(symbol) && defaultTarget) {
        units.push({ subject: symbol, target: defaultTarget, schedule: undefined, scheduleFile: undefined });
      }
    }
  }
  return targetName === undefined ? units : units.filter((u) => u.target.name === targetName);
}

export function findDefaultTarget(result: CheckResult): DeclSymbol | undefined {
  const moduleName = DEFAULT_TARGET.slice(0, -1).join(".");
  for (const m of result.modules.values()) {
    if (m.name === moduleName) return m.decls.get(DEFAULT_TARGET[DEFAULT_TARGET.length - 1]!);
  }
  return undefined;
}

/**
 * The package folder name (without `.wsppkg`) of a unit: the root file's name, then the subject
 * and/or target only where needed to tell the file's units apart.
 */
export function unitName(unit: BuildUnit, all: readonly BuildUnit[]): string {
  const base = unit.subject.module.file.replace(/\\/g, "/").split("/").pop()!.replace(/\.wsp$/, "");
  const siblings = all.filter((u) => u.subject.module === unit.subject.module);
  if (siblings.length <= 1) return base;
  const subjects = new Set(siblings.map((u) => u.subject));
  const targets = new Set(siblings.map((u) => u.target));
  const parts = [base];
  if (subjects.size > 1) parts.push(unit.subject.name);
  if (targets.size > 1) parts.push(unit.target.name);
  return parts.join(".");
}
