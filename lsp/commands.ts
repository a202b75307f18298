/**
 * `workspace/executeCommand`: `wsp.build` and `wsp.simulate`, both with arguments
 * `[uri, scheduleName]` (scheduleName as the code lens gives it: `SUBJECT on TARGET`, or the bare
 * subject when the file has one schedule for it). They do what `wspc build` and `wspc run` do,
 * through the same APIs: `compile` (over the editor's buffers), `writePackage`, the runtime's
 * loader and `simulate`. Outcomes are shown with window/showMessage; a simulated deadlock also
 * becomes diagnostics at the blocked operations until the document next changes.
 */
import * as path from "node:path";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import { compile, writePackage, type CompileResult } from "../compiler/index.js";
import { sourcePathFor } from "../compiler/cli/build-command.js";
import { createNodeHost } from "../compiler/cli/node-host.js";
import { writePackageDir } from "../compiler/cli/package-writer.js";
import { loadBuilt } from "../compiler/cli/run-command.js";
import { findSchedule, type ScheduleEntry } from "../compiler/services/code-lens.js";
import { formatSummary, simulate } from "../runtime/sim/index.js";
import type { DeadlockReport } from "../runtime/sim/index.js";
import type { Workspace } from "./workspace.js";

export const BUILD_COMMAND = "wsp.build";
export const SIMULATE_COMMAND = "wsp.simulate";
export const COMMANDS = [BUILD_COMMAND, SIMULATE_COMMAND] as const;

/** Bad arguments to a command: answered as InvalidParams. */
export class CommandArgumentsError extends Error {}

export interface CommandIO {
  info(message: string): void;
  error(message: string): void;
  /** Diagnostics from a run, shown with the document's own until it changes. */
  runDiagnostics(uri: string, diagnostics: LspDiagnostic[]): void;
}

/** What a command answers (also to a client that shows results itself). */
export interface CommandOutcome {
  readonly ok: boolean;
  readonly message: string;
  /** `wsp.build`: the package folder written. */
  readonly packageDir?: string;
  /** `wsp.simulate`: finished, deadlock or error. */
  readonly status?: string;
}

export function executeCommand(command: string, args: unknown, workspace: Workspace, folders: readonly string[], io: CommandIO): CommandOutcome {
  const [uri, scheduleName] = Array.isArray(args) ? args : [];
  if (typeof uri !== "string" || typeof scheduleName !== "string") {
    throw new CommandArgumentsError(`${command} takes [uri, scheduleName], e.g. ["file:///w/ring.wsp", "ring on a2a3sim"]`);
  }
  const file = workspace.pathOf(uri);
  const result = workspace.resultFor(uri);
  if (!result) throw new CommandArgumentsError(`${command}: ${uri} is not open`);
  const entry = findSchedule(result, file, scheduleName);
  if (!entry) return fail(io, `${command}: ${path.basename(file)} has no schedule \`${scheduleName}\``);
  const project = projectFolder(file, folders);
  const compiled = compile([file], { host: workspace.editorHost(), target: entry.target, cwd: project });
  const errors = compiled.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const first = errors[0]!;
    return fail(io, `${entry.name}: cannot build, ${errors.length} error${errors.length === 1 ? "" : "s"} (first: ${first.code} ${first.message})`);
  }
  const pkg = compiled.packages.find((p) => p.subject === entry.subject && p.target === entry.target);
  if (!pkg) return fail(io, `${entry.name}: the build produced no package for it`);
  if (command === BUILD_COMMAND) {
    const dir = writePackage(pkg, path.join(project, "out"));
    io.info(`built ${entry.name}: ${dir}`);
    return { ok: true, message: `built ${dir}`, packageDir: dir };
  }
  return runSimulation(pkg.files, entry, compiled, uri, file, project, io);
}

function runSimulation(
  files: ReadonlyMap<string, string>,
  entry: ScheduleEntry,
  compiled: CompileResult,
  uri: string,
  file: string,
  project: string,
  io: CommandIO,
): CommandOutcome {
  const simPkg = loadBuilt(files, writePackageDir);
  // The defaults of `wspc run`: generated data from seed 1, the default interleaving.
  const result = simulate(simPkg, { seed: 1 });
  const summary = formatSummary(result, simPkg).trimEnd();
  if (result.status === "finished") {
    io.runDiagnostics(uri, []);
    io.info(summary);
    return { ok: true, message: summary, status: result.status };
  }
  if (result.deadlock) io.runDiagnostics(uri, deadlockDiagnostics(result.deadlock, compiled, file, project));
  io.error(summary);
  return { ok: false, message: summary, status: result.status };
}

/** One diagnostic per blocked operation of `file` the report locates (its `loc` is a recorded source path). */
function deadlockDiagnostics(report: DeadlockReport, compiled: CompileResult, file: string, project: string): LspDiagnostic[] {
  const recorded = sourcePathFor(createNodeHost(project), project, compiled.check.modules.values())(file);
  const source = compiled.check.files.get(file);
  const out: LspDiagnostic[] = [];
  for (const b of report.blocked) {
    const m = b.loc ? /^(.*):(\d+):(\d+)$/.exec(b.loc) : null;
    if (!m || m[1] !== recorded || !source) continue;
    const line = Number(m[2]) - 1;
    const character = Number(m[3]) - 1;
    const lineText = source.text.split("\n")[line] ?? "";
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(lineText.slice(character))?.[0] ?? "";
    const waits = "channel" in b.waitsOn ? `channel \`${b.waitsOn.channel}\` (${b.waitsOn.state})` : `${b.waitsOn.resource} (${b.waitsOn.detail})`;
    out.push({
      range: { start: { line, character }, end: { line, character: character + Math.max(1, word.length) } },
      severity: DiagnosticSeverity.Error,
      source: "wsp simulate",
      code: report.rule,
      message: `simulation deadlock at cycle ${report.at_cycles}: ${b.who} waits on ${waits}. ${report.explanation} ${report.suggestion}`,
    });
  }
  return out;
}

/** The workspace folder holding `file` (its `out/` receives packages, as `wspc build` run there would), else the file's folder. */
function projectFolder(file: string, folders: readonly string[]): string {
  const inside = folders.filter((f) => file.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
  return inside.sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);
}

function fail(io: CommandIO, message: string): CommandOutcome {
  io.error(message);
  return { ok: false, message };
}
