/** Code actions: the compiler's fixes of the diagnostics under the cursor, as quick fixes. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from "vscode-languageserver/node";
import { codeActions as computeActions, type ModulesDeclaring } from "../compiler/services/code-actions.js";
import type { CheckResult } from "../compiler/program.js";
import { lineMapOf, toLsp } from "./diagnostics.js";
import { offsetAt, rangeOf } from "./positions.js";

export function codeActions(
  params: CodeActionParams,
  result: CheckResult,
  file: string,
  uriOf: (file: string) => string,
  packageRoot: string,
  modulesDeclaring: ModulesDeclaring,
): CodeAction[] {
  const only = params.context?.only;
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const map = lineMapOf(result, file);
  if (!map) return [];
  const span = { start: offsetAt(map, params.range.start), end: offsetAt(map, params.range.end) };
  const out: CodeAction[] = [];
  for (const a of computeActions(result, file, span, modulesDeclaring)) {
    const changes: Record<string, TextEdit[]> = {};
    let complete = true;
    for (const e of a.edits) {
      const emap = lineMapOf(result, e.file);
      if (!emap) complete = false;
      else (changes[uriOf(e.file)] ??= []).push({ range: rangeOf(emap, e), newText: e.newText });
    }
    // A fix touching a file the program did not read cannot be expressed safely: leave it out.
    if (!complete) continue;
    out.push({
      title: a.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLsp(a.diagnostic, map, result, uriOf, packageRoot)],
      isPreferred: a.isPreferred,
      edit: { changes },
    });
  }
  return out;
}
