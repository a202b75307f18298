/**
 * What the extension makes of `wspc run --json`: a short summary for the output channel and
 * the places (blocked operations of a deadlock, the operation that hit a run-time error) to show
 * as diagnostics. Pure: no VS Code API and no IO, so it is tested on its own.
 */
import type { BlockedEntry, RunResult } from "../../runtime/sim/types.js";

/** The `--json` document: the run result without its trace. */
export type RunJson = Omit<RunResult, "trace">;

/** A 0-based place in a source file, as `wspc` recorded it (a path relative to the program's source root). */
export interface SourcePlace {
  readonly file: string;
  readonly line: number;
  readonly character: number;
}

export interface Finding extends SourcePlace {
  readonly message: string;
  /** The deadlock rule, or `run-time-error`. */
  readonly code: string;
  /** The other blocked operations of the same deadlock. */
  readonly related: readonly (SourcePlace & { readonly message: string })[];
}

/** The run result, or undefined when `text` is not a `wspc run --json` document. */
export function parseRunJson(text: string): RunJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const run = value as Partial<RunJson>;
  const known = run.status === "finished" || run.status === "deadlock" || run.status === "error";
  return known && typeof run.stats === "object" && run.stats !== null ? (run as RunJson) : undefined;
}

/** `file:line:col` (1-based, as the runtime reports locations) to a 0-based place. */
export function parseLoc(loc: string | null | undefined): SourcePlace | undefined {
  const m = loc ? /^(.+):(\d+):(\d+)$/.exec(loc) : null;
  if (!m) return undefined;
  return { file: m[1]!, line: Math.max(0, Number(m[2]) - 1), character: Math.max(0, Number(m[3]) - 1) };
}

/**
 * The file a recorded source path names. Recorded paths are relative to the program's source
 * root, a folder above the file that was run, so the nearest ancestor of `runFile` under which
 * the path exists is taken. Stdlib paths (`std/...`) and paths that exist nowhere give undefined.
 */
export function resolveRecordedPath(recorded: string, runFile: string, exists: (file: string) => boolean, join: (...parts: string[]) => string, dirname: (p: string) => string): string | undefined {
  if (recorded.startsWith("std/")) return undefined;
  for (let dir = dirname(runFile); ; dir = dirname(dir)) {
    const candidate = join(dir, recorded);
    if (exists(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The human summary: outcome, makespan, tasks, and for a deadlock who waits on what and the fix. */
export function summaryLines(run: RunJson, label: string): string[] {
  const s = run.stats;
  const lines: string[] = [];
  if (run.status === "finished") lines.push(`${label}: finished`);
  else if (run.status === "deadlock" && run.deadlock) {
    const d = run.deadlock;
    lines.push(`${label}: DEADLOCK at cycle ${d.at_cycles} (rule: ${d.rule})`, `  ${d.explanation}.`);
    for (const b of d.blocked) lines.push(`  blocked: ${b.who} ${waitText(b)}${b.loc ? ` at ${b.loc}` : ""}, since cycle ${b.since}`);
    lines.push(`  fix: ${d.suggestion}`);
  } else if (run.error) {
    const e = run.error;
    lines.push(`${label}: run-time error${e.who ? ` in ${e.who}` : ""}${e.loc ? ` at ${e.loc}` : ""}: ${e.message}`);
  }
  lines.push(`  makespan ${cyclesText(s.total_cycles, s.clock_mhz)}; ${s.tasks} task${s.tasks === 1 ? "" : "s"}`);
  if (s.schedulers.length > 0) lines.push(`  schedulers: ${s.schedulers.map((k) => `s${k.index} ${k.tasks}`).join(", ")} tasks`);
  for (const o of s.orchestrators) {
    const stalled = o.stalls.reduce((n, x) => n + x.cycles, 0);
    if (stalled > 0) lines.push(`  ${o.who}: ${stalled} cycles stalled (${o.stalls.map((x) => `${x.reason} ${x.cycles}`).join(", ")})`);
  }
  if (run.verify) lines.push(run.verify.ok ? "  verify: ok" : `  verify: FAILED, ${run.verify.violations.length} violation(s)`);
  return lines;
}

/** Diagnostics-to-be: each located blocked operation of a deadlock, or the located run-time error. */
export function findings(run: RunJson): Finding[] {
  if (run.status === "deadlock" && run.deadlock) {
    const d = run.deadlock;
    const located = d.blocked.flatMap((b) => {
      const place = parseLoc(b.loc);
      return place ? [{ place, b }] : [];
    });
    return located.map(({ place, b }) => ({
      ...place,
      code: d.rule,
      message: `Simulation deadlock at cycle ${d.at_cycles}: ${b.who} ${waitText(b)}. ${d.explanation}. Fix: ${d.suggestion}`,
      related: located.filter((x) => x.b !== b).map((x) => ({ ...x.place, message: `${x.b.who} ${waitText(x.b)}` })),
    }));
  }
  if (run.status === "error" && run.error) {
    const place = parseLoc(run.error.loc);
    const who = run.error.who ? ` (${run.error.who})` : "";
    return place ? [{ ...place, code: "run-time-error", message: `Simulation run-time error${who}: ${run.error.message}`, related: [] }] : [];
  }
  return [];
}

function waitText(b: BlockedEntry): string {
  const w = b.waitsOn;
  return "channel" in w ? `waits on channel \`${w.channel}\` (${w.state})` : `is stalled on ${w.resource}: ${w.detail}`;
}

function cyclesText(cycles: number, mhz: number | null): string {
  if (!mhz) return `${cycles} cycles`;
  return `${cycles} cycles (${(cycles / mhz).toFixed(2)} µs at ${mhz} MHz)`;
}
