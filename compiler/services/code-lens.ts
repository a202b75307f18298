/**
 * The schedules of a file as things to build and simulate: one entry per `schedule` whose
 * subject and target resolved, named `SUBJECT on TARGET` as written (a subject has at most one
 * schedule per target, so the name is unique in its file).
 */
import type { Span } from "../../grammar/ast.js";
import type { CheckResult } from "../program.js";

export interface ScheduleEntry {
  /** The `schedule ... on ...` head, where an editor shows the lens. */
  readonly span: Span;
  /** `ring on a2a3sim`: the name commands take. */
  readonly name: string;
  /** Qualified name of the workload or pipeline, as packages record it. */
  readonly subject: string;
  readonly target: string;
}

export function scheduleEntries(result: CheckResult, file: string): ScheduleEntry[] {
  const module = [...result.modules.values()].find((m) => m.file === file);
  if (!module) return [];
  const out: ScheduleEntry[] = [];
  for (const d of module.source.ast.decls) {
    if (d.kind !== "Schedule") continue;
    const info = result.semantics.schedules.get(d);
    if (!info?.subject || !info.target) continue;
    out.push({
      span: { start: d.start, end: d.target.end },
      name: `${d.subject.text} on ${d.target.text}`,
      subject: info.subject.qualifiedName,
      target: info.target.name,
    });
  }
  return out;
}

/**
 * The schedule a command names: `SUBJECT on TARGET`, or the bare `SUBJECT` when the file has a
 * single schedule for it.
 */
export function findSchedule(result: CheckResult, file: string, name: string): ScheduleEntry | undefined {
  const entries = scheduleEntries(result, file);
  const exact = entries.find((e) => e.name === name.trim().replace(/\s+/g, " "));
  if (exact) return exact;
  const bySubject = entries.filter((e) => e.name.split(" on ")[0] === name.trim());
  return bySubject.length === 1 ? bySubject[0] : undefined;
}
