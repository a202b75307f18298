/**
 * `simulate(pkg, options)`: runs a loaded package on its target's machine model and returns the
 * outcome, statistics and, on request, the verification and the trace. This is what `wspc run`
 * calls; `exitCode` maps the outcome to the CLI's exit status.
 */
import { deadlockReport } from "./deadlock.js";
import { Engine } from "./engine.js";
import { SimError } from "./errors.js";
import { collectStats, emptyStats } from "./stats.js";
import { buildTrace } from "./trace.js";
import type { RunError, RunResult, SimOptions, SimPackage } from "./types.js";
import { verifyRun } from "./verify.js";

export function simulate(pkg: SimPackage, options: SimOptions = {}): RunResult {
  let engine: Engine;
  try {
    engine = new Engine(pkg.manifest, pkg.plan, options);
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    return { status: "error", stats: emptyStats(pkg.manifest), error: runError(e), interleaving: [] };
  }
  let status: RunResult["status"];
  let error: RunError | undefined;
  try {
    status = engine.run() ? "finished" : "deadlock";
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    status = "error";
    error = runError(e);
  }
  options.progress?.(engine.nextSeq, engine.nextSeq);
  const stats = collectStats(engine);
  const result: RunResult = {
    status,
    stats,
    ...(status === "deadlock" ? { deadlock: deadlockReport(engine) } : {}),
    ...(error ? { error } : {}),
    ...(options.verify && engine.log ? { verify: verifyRun(pkg, engine.machine, engine.log, stats, engine.programs, status) } : {}),
    ...(options.trace && engine.log ? { trace: buildTrace(pkg, engine, stats) } : {}),
    interleaving: [...engine.chooser.taken],
  };
  return result;
}

function runError(e: SimError): RunError {
  return { message: e.message, loc: e.loc, who: e.who };
}

/** The `wspc run` exit status: 0 finished, 1 run-time error (or a failed --verify), 3 deadlock. */
export function exitCode(result: RunResult): number {
  if (result.status === "error") return 1;
  if (result.status === "deadlock") return 3;
  return result.verify && !result.verify.ok ? 1 : 0;
}
