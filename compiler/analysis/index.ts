import type { Backend } from "../check/target-model.js";
import type { Diagnostic } from "../diagnostic.js";
import type { CheckResult } from "../program.js";
import { buildUnits, type BuildUnit } from "../units.js";
import { checkCapabilities } from "./capability-check.js";
import { deadlockDiagnostics } from "./deadlock/index.js";
import { lintStages } from "./lints/index.js";
import { checkTargetLimits } from "./target-limits.js";
import { checkTaskArguments } from "./task-arguments.js";

/** A build unit with its target's back end resolved: what every per-schedule analysis reads. */
export interface AnalysisUnit extends BuildUnit {
  readonly backend: Backend;
}

/** One analysis over the whole program (the benchmark times each on its own). */
export interface AnalysisStage {
  readonly name: string;
  readonly run: () => Diagnostic[];
}

/**
 * The analyses that run once a program checks without errors: per unit (a workload or pipeline
 * on a target, under its schedule or the default one), then over the whole program. Each is a
 * pure function of the checked program; work they share (the lowering of each body, memo tables)
 * is done once per program (shared.ts).
 */
export function runAnalyses(result: CheckResult): Diagnostic[] {
  return analysisStages(result).flatMap((s) => s.run());
}

/** The analyses in the order they run, each over every unit it applies to. */
export function analysisStages(result: CheckResult): AnalysisStage[] {
  const sem = result.semantics;
  const units = analysisUnits(result);
  const perUnit = (name: string, f: (unit: AnalysisUnit) => Diagnostic[]): AnalysisStage => ({ name, run: () => units.flatMap(f) });
  return [
    perUnit("capabilities", (u) => checkCapabilities(sem, u, u.backend)),
    perUnit("target limits", (u) => checkTargetLimits(sem, u, u.backend)),
    perUnit("task arguments", (u) => checkTaskArguments(sem, u, result.taskSites)),
    perUnit("deadlock", (u) => deadlockDiagnostics(result, u)),
    ...lintStages(result, units),
  ];
}

function analysisUnits(result: CheckResult): AnalysisUnit[] {
  const units: AnalysisUnit[] = [];
  for (const unit of buildUnits(result)) {
    const target = unit.target.decl.kind === "Target" ? result.semantics.targets.get(unit.target.decl) : undefined;
    const backend = target?.properties.get("backend");
    if (typeof backend === "string") units.push({ ...unit, backend: backend as Backend });
  }
  return units;
}
