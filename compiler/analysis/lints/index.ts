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
  const sem = result.semantics;
  const modules = checkedModules(result);
  const out: Diagnostic[] = [...lintUnused(result), ...lintSlotBeforeLoad(modules, sem), ...lintSendAfterClose(modules, sem)];
  for (const unit of units) out.push(...lintDispatch(result, unit));
  return out;
}

function checkedModules(result: CheckResult): ModuleInfo[] {
  const out: ModuleInfo[] = [];
  for (const root of result.roots) {
    const m = result.modules.get(root);
    if (m && m.name !== "std" && !m.name.startsWith("std.") && !out.includes(m)) out.push(m);
  }
  return out;
}
