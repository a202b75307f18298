/**
 * Inlay hints: after each kernel call, how many tasks it creates (when the trip counts are
 * constants) and the scheduler its tasks go to (when the dispatch is static, see
 * static-dispatch.ts). Editor-neutral: offsets into the file and plain labels.
 */
import type { Span } from "../../grammar/ast.js";
import type { CheckResult } from "../program.js";
import { staticDispatch } from "./static-dispatch.js";
import { showTaskCount, siteInfos, type SiteInfo } from "./task-sites.js";

export interface InlayHint {
  /** Where the hint stands: just after the call's closing parenthesis. */
  readonly offset: number;
  readonly label: string;
  readonly tooltip: string;
  readonly kind: "tasks" | "scheduler";
}

/** The hints of the calls of `file` that end inside `range`, in source order. */
export function inlayHints(result: CheckResult, file: string, range: Span): InlayHint[] {
  const out: InlayHint[] = [];
  const calls = [...siteInfos(result).values()]
    .filter((i) => i.site.file === file && i.site.call.end >= range.start && i.site.call.end <= range.end)
    .sort((a, b) => a.site.call.start - b.site.call.start);
  for (const info of calls) out.push(...hintsFor(result, info));
  return out;
}

function hintsFor(result: CheckResult, info: SiteInfo): InlayHint[] {
  const at = info.site.call.end;
  const out: InlayHint[] = [];
  const count = showTaskCount(info.count);
  if (count !== undefined) {
    const exact = info.count.kind === "exact";
    out.push({
      offset: at,
      label: exact ? count : `≤ ${count.replace("at most ", "")}`,
      tooltip: exact ? `this call creates ${count} per run` : `this call creates ${count} per run (it is under a \`when\` decided at run time)`,
      kind: "tasks",
    });
  }
  const dispatches = staticDispatch(result, info);
  const several = new Set(dispatches.map((d) => d.target)).size > 1;
  for (const d of dispatches) {
    out.push({
      offset: at,
      label: `→ sched ${d.text}${several ? ` on ${d.target}` : ""}`,
      tooltip: `on ${d.target}, \`${d.policy}\` sends each task of this call to scheduler ${d.text}`,
      kind: "scheduler",
    });
  }
  return out;
}
