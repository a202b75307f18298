import type { ModuleInfo } from "../../check/symbols.js";
import type { Diagnostic } from "../../diagnostic.js";
import type { CheckResult } from "../../program.js";
import { lintDispatch, type LintUnit } from "./dispatch.js";
import { lintSendAfterClose } from "./send-after-close.js";
import { lintSlotBeforeLoad } from "./slot-before-load.js";
import { lintUnused } from "./unused.js";

/**
 * The lints (docs/lints.md): warnings and hints about programs that check, in the files being
 * checked (the roots; never the standard library). Whole-program lints run once; the dispatch
 * lints once per unit (a workload or pipeline under one schedule). All are bounded in work, as
 * they run on every keystroke in the editor.
 */
export function runLints(result: CheckResult, units: readonly LintUnit[]): Diagnostic[] {
  return lintStages(result, units).flatMap((s) => s.run());
}

/** The lints one by one, in the order they run (the benchmark times each). */
export function lintStages(result: CheckResult, units: readonly LintUnit[]): { readonly name: string; readonly run: () => Diagnostic[] }[] {
  const sem = result.semantics;
  const modules = checkedModules(result);
  return [
    { name: "lint unused", run: () => lintUnused(result) },
    { name: "lint slot-before-load", run: () => lintSlotBeforeLoad(modules, sem) },
    { name: "lint send-after-close", run: () => lintSendAfterClose(modules, sem) },
    { name: "lint dispatch", run: () => units.flatMap((u) => lintDispatch(result, u)) },
  ];
}

function checkedModules(result: CheckResult): ModuleInfo[] {
  const out: ModuleInfo[] = [];
  for (const root of result.roots) {
    const m = result.modules.get(root);
    if (m && m.name !== "std" && !m.name.startsWith("std.") && !out.includes(m)) out.push(m);
  }
  return out;
}
