/**
 * What hover adds to a declaration: for a kernel call, the tasks it creates; for a schedule
 * directive, its capability status on the schedule's target (compiler/capabilities.ts, the same
 * matrix the capability analysis and docs/capabilities.md use).
 */
import type { Directive, ScheduleDecl } from "../../grammar/ast.js";
import { capability, type Capability, type Feature } from "../capabilities.js";
import type { CheckResult } from "../program.js";
import { showTaskCount, siteAt } from "./task-sites.js";

/** "creates 32 tasks per run" or why the number is not known; undefined when not on a call. */
export function taskCountNote(result: CheckResult, file: string, offset: number): string | undefined {
  const info = siteAt(result, file, offset);
  if (!info) return undefined;
  const shown = showTaskCount(info.count);
  if (shown !== undefined) return `this call creates ${shown} per run${info.count.kind === "at-most" ? " (it is under a `when` decided at run time)" : ""}`;
  return `the number of tasks this call creates is known only at run time: ${info.count.kind === "unknown" ? info.count.why : ""}`;
}

export interface DirectiveStatus {
  /** The directive keyword's span. */
  readonly start: number;
  readonly end: number;
  readonly directive: Feature;
  readonly target: string;
  readonly backend: string;
  readonly capability: Capability;
}

const FEATURE: Readonly<Record<Directive["kind"], Feature>> = {
  Dispatch: "dispatch",
  Window: "window",
  Ready: "ready",
  Start: "start",
  Pools: "pools",
};

/** The directive whose keyword is at `offset`, with what the schedule's target does with it. */
export function directiveStatusAt(result: CheckResult, file: string, offset: number): DirectiveStatus | undefined {
  const module = [...result.modules.values()].find((m) => m.file === file);
  const schedule = module?.source.ast.decls.find((d): d is ScheduleDecl => d.kind === "Schedule" && d.start <= offset && offset <= d.end);
  if (!schedule) return undefined;
  const directive = schedule.directives.find((d) => d.keyword.start <= offset && offset <= d.keyword.end);
  const target = result.semantics.schedules.get(schedule)?.target;
  if (!directive || target?.decl.kind !== "Target") return undefined;
  const backend = result.semantics.targets.get(target.decl)?.properties.get("backend");
  if (backend !== "sim" && backend !== "pto-tmr" && backend !== "pto-hbg") return undefined;
  const feature = FEATURE[directive.kind];
  return { start: directive.keyword.start, end: directive.keyword.end, directive: feature, target: target.name, backend, capability: capability(backend, feature) };
}
