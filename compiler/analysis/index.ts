import type { Backend } from "../check/target-model.js";
import type { Diagnostic } from "../diagnostic.js";
import type { CheckResult } from "../program.js";
import { buildUnits, type BuildUnit } from "../units.js";
import { checkCapabilities } from "./capability-check.js";
import { deadlockDiagnostics } from "./deadlock/index.js";
import { runLints } from "./lints/index.js";
import { checkTargetLimits } from "./target-limits.js";
import { checkTaskArguments } from "./task-arguments.js";

/** A build unit with its target's back end resolved: what every per-schedule analysis reads. */
export interface AnalysisUnit extends BuildUnit {
  readonly backend: Backend;
}

/**
 * The analyses that run once a program checks without errors: per unit (a workload or pipeline
 * on a target, under its schedule or the default one), then over the whole program. Each is a
 * pure function of the checked program; their order here is the only order there is.
 */
export function runAnalyses(result: CheckResult): Diagnostic[] {
  const sem = result.semantics;
  const units = analysisUnits(result);
  const out: Diagnostic[] = [];
  for (const unit of units) {
    out.push(...checkCapabilities(sem, unit, unit.backend), ...checkTargetLimits(sem, unit, unit.backend), ...checkTaskArguments(sem, unit, result.taskSites));
    out.push(...deadlockDiagnostics(result, unit));
  }
  out.push(...runLints(result, units));
  return out;
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
