/**
 * The static deadlock analysis (issue 5; docs/deadlocks.md): `analyzeDeadlocks` gives a unit's
 * verdict (the contract the runtime agreement tests check), `deadlockDiagnostics` what the
 * compiler and the language server report for it.
 */
import type { CheckResult } from "../../program.js";
import type { AnalysisUnit } from "../index.js";
import { analyzeUnit } from "./analyze.js";
import type { DeadlockVerdict } from "./verdict.js";

export { deadlockDiagnostics, isDeadlockPrediction } from "./diagnostics.js";
export type * from "./verdict.js";

/** The verdict for one unit; `budget` bounds the states the interleaving search visits. */
export function analyzeDeadlocks(result: CheckResult, unit: AnalysisUnit, options: { budget?: number } = {}): DeadlockVerdict {
  return analyzeUnit(result, unit, options).verdict;
}
