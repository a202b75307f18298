import { Command, CommanderError, Option } from "commander";
import { LineMap } from "../../grammar/line-map.js";
import { closestName } from "../check/suggest.js";
import { CATALOGUE, isDiagnosticCode, type Diagnostic, type DiagnosticCode } from "../diagnostic.js";
import { capabilitiesMarkdown } from "../capabilities-doc.js";
import { diagnosticSection, diagnosticsMarkdown } from "../diagnostics-doc.js";
import { formatSource, type FormatResult } from "../format.js";
import type { CompilerHost } from "../host.js";
import { checkProgram, type CheckResult } from "../program.js";
import type { SourceFile } from "../source-file.js";
import * as path from "node:path";
import type { SimPackage } from "../../runtime/sim/index.js";
import { isDeadlockPrediction } from "../analysis/deadlock/index.js";
import { compile, type CompiledPackage } from "../index.js";
import { writePackageDir } from "./package-writer.js";
import { BadInputError, UsageError, loadBuilt, loadForRun, runPackage, type RunFlags } from "./run-command.js";
import { formatValidationErrors, validatePackage } from "../../runtime/package/index.js";
import { writeFileAtomic } from "./atomic-write.js";
import { buildAll } from "./build-command.js";
import { doctor } from "./doctor.js";
import { EXIT_INTERNAL, internalErrorText } from "./internal-error.js";
import { createNodeHost, findPackage, ioReason, isDirectory, type NodeHost } from "./node-host.js";
import { exitStatusFor, type LineMapLookup } from "./render-common.js";
import { renderJson } from "./render-json.js";
import { renderSarif } from "./render-sarif.js";
import { renderText, summaryLine } from "./render-text.js";

/** Exit statuses: 0 clean (or warnings only), 1 problems found, 2 usage or I/O error, 70 a bug. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;
export { EXIT_INTERNAL };

/** Everything the CLI touches besides files, passed in so tests can run it in-process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The compiler entry points the CLI drives. */
export interface CliDeps {
  readonly checkProgram: (roots: readonly string[], host: CompilerHost) => CheckResult;
  readonly formatSource: (file: string, text: string) => FormatResult;
}

const DEFAULT_DEPS: CliDeps = { checkProgram, formatSource };

const FORMATS = ["text", "json", "sarif"] as const;
type OutputFormat = (typeof FORMATS)[number];

/**
 * Runs `wspc` with the user's arguments (without `node` and the script) and returns the exit
 * status. Never throws: a failure inside wspc becomes exit 70 with a one-line message.
 */
export function runCli(argv: readonly string[], io: CliIO, deps: CliDeps = DEFAULT_DEPS): number {
  try {
    return parseAndRun(argv, io, deps);
  } catch (e) {
    io.stderr(internalErrorText(e, io.env));
    return EXIT_INTERNAL;
  }
}

function parseAndRun(argv: readonly string[], io: CliIO, deps: CliDeps): number {
  const version = findPackage().version;
  let status: number = EXIT_OK;
  const program = new Command("wspc")
    .description("Compiler for .wsp workload/schedule programs (PTO-WSP).")
    .version(version, "-V, --version", "print the version")
    .helpOption("-h, --help", "print help")
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(`wspc: ${text.replace(/^error: /, "")}`),
    })
    .exitOverride()
    .showHelpAfterError("(run 'wspc --help' for usage)")
    .addHelpText("after", HELP_FOOTER);

  program
    .command("check")
    .description("check .wsp files (and the modules they import) and report every problem")
    .argument("<files...>", ".wsp files to check")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .showHelpAfterError("(run 'wspc check --help' for usage)")
    .action((files: string[], opts: { format: OutputFormat }) => {
      status = runCheck(files, opts.format, io, deps, version);
    });

  program
    .command("fmt")
    .description("format .wsp files: print the result, or --check / --write them")
    .argument("<files...>", ".wsp files to format")
    .addOption(new Option("--check", "list the files whose layout would change; exit 1 if any").conflicts("write"))
    .addOption(new Option("--write", "rewrite files in place (only those that change)"))
    .showHelpAfterError("(run 'wspc fmt --help' for usage)")
    .action((files: string[], opts: { check?: boolean; write?: boolean }) => {
      const mode: FmtMode = opts.check ? "check" : opts.write ? "write" : "print";
      status = runFmt(files, mode, io, deps);
    });

  program
    .command("build")
    .description("lower programs to runtime packages (one per schedule; default schedule on a2a3sim otherwise)")
    .argument("<files...>", ".wsp files to build")
    .option("-o, --out <dir>", "folder to write NAME.wsppkg/ packages into", "out")
    .option("--target <name>", "build only the schedules for this target")
    .showHelpAfterError("(run 'wspc build --help' for usage)")
    .action((files: string[], opts: { out: string; target?: string }) => {
      status = runBuild(files, opts, io, deps, version);
    });

  program
    .command("run")
    .description("simulate a program (or a built .wsppkg) on its target's machine model and report cycles, spread, stalls and resources")
    .argument("<input>", "a .wsp file (built in memory) or a NAME.wsppkg folder")
    .option("--target <name>", "which schedule to run (default: the a2a3sim one)")
    .option("--json", "print the statistics as one JSON document")
    .option("--verify", "check every invariant of the execution (memory grows with the task count)")
    .option("--trace <file>", "write a Chrome trace-event JSON file (Perfetto, chrome://tracing)")
    .option("--symbol <name=value>", "a launch-time symbol (repeatable)", collect, [])
    .option("--slot <name=value>", "a slot's value for this run (repeatable)", collect, [])
    .option("--input <tensor=file>", "tensor data: JSON array or raw little-endian (repeatable)", collect, [])
    .option("--seed <n>", "seed of the generated data for tensors without --input", "1")
    .option("--interleave <how>", "order of simultaneous orchestrator steps: default, random:SEED, or a file to replay (recorded choices, or {\"order\": [...]}, a deadlock witness)")
    .showHelpAfterError("(run 'wspc run --help' for usage)")
    .action((input: string, opts: RunFlags) => {
      status = runRun(input, opts, io, deps);
    });

  program
    .command("validate")
    .description("check that a package is well-formed and compatible with this runtime")
    .argument("<packages...>", "NAME.wsppkg folders")
    .showHelpAfterError("(run 'wspc validate --help' for usage)")
    .action((pkgs: string[]) => {
      status = runValidate(pkgs, io);
    });

  program
    .command("doctor")
    .description("report the toolchains around wsp (node, g++, python3, pto-runtime, Ascend) and how to get what is missing")
    .action(() => {
      for (const line of doctor(io.env)) io.stdout(`${line.ok ? "ok  " : "--  "} ${line.text}\n`);
      status = EXIT_OK;
    });

  program
    .command("explain")
    .description("explain a diagnostic code, with an example and its fix")
    .argument("<code>", "a code such as WSP0001 (or its name, such as unexpected-character)")
    .showHelpAfterError("(run 'wspc explain --help' for usage)")
    .action((query: string) => {
      status = runExplain(query, io);
    });

  program
    .command("docs-capabilities")
    .description("print docs/capabilities.md, what each back end enforces, records, diagnoses or refuses")
    .action(() => {
      io.stdout(capabilitiesMarkdown());
      status = EXIT_OK;
    });

  program
    .command("docs-diagnostics")
    .description("print docs/diagnostics.md, the reference of every diagnostic code")
    .showHelpAfterError("(run 'wspc docs-diagnostics --help' for usage)")
    .action(() => {
      io.stdout(diagnosticsMarkdown(CATALOGUE));
      status = EXIT_OK;
    });

  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help, `help` and --version end parsing with an exit code of 0; everything else is misuse.
    return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return status;
}

const HELP_FOOTER = `
Exit status: 0 no errors (warnings allowed), 1 errors found (or, with fmt --check, files
to reformat), 2 usage or file errors, 70 internal error in wspc.`;

// ---------------------------------------------------------------------------------------------
// Reading the files the user named
// ---------------------------------------------------------------------------------------------

interface InputFile {
  readonly file: string;
  readonly text: string;
}

/**
 * Reads every named file, dropping repeats (the same file under two spellings is kept under the
 * first). Undefined, after one `cannot read` line per failure, when any cannot be read.
 */
function readInputs(files: readonly string[], host: NodeHost, io: CliIO): InputFile[] | undefined {
  const inputs: InputFile[] = [];
  const seen = new Set<string>();
  let failed = false;
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    const outcome = host.readRoot(file);
    if (!outcome.ok) {
      io.stderr(`wspc: cannot read '${file}': ${outcome.reason}\n`);
      failed = true;
    } else if (host.canonicalName(file) === file) {
      inputs.push({ file, text: outcome.text });
    }
  }
  return failed ? undefined : inputs;
}

/** Line maps for rendering: the checked files', else built from the file's text. */
function lineMapLookup(files: ReadonlyMap<string, SourceFile>, readFile: (file: string) => string | undefined): LineMapLookup {
  const built = new Map<string, LineMap | undefined>();
  return (file) => {
    const known = files.get(file);
    if (known !== undefined) return known.lineMap;
    if (!built.has(file)) {
      const text = readFile(file);
      built.set(file, text === undefined ? undefined : new LineMap(text));
    }
    return built.get(file);
  };
}

// ---------------------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------------------

function runCheck(files: readonly string[], format: OutputFormat, io: CliIO, deps: CliDeps, version: string): number {
  const host = createNodeHost(io.cwd);
  const inputs = readInputs(files, host, io);
  if (inputs === undefined) return EXIT_USAGE;
  const result = deps.checkProgram(inputs.map((i) => i.file), host);
  const lookup = lineMapLookup(result.files, (f) => host.readFile(f));
  const diagnostics = result.diagnostics;
  switch (format) {
    case "json":
      io.stdout(renderJson(diagnostics, lookup));
      break;
    case "sarif":
      io.stdout(renderSarif(diagnostics, lookup, CATALOGUE, { toolName: "wspc", toolVersion: version, srcRoot: io.cwd }));
      break;
    case "text":
      io.stdout(renderText(diagnostics, lookup, { snippets: io.stdoutIsTTY }));
      io.stderr(`${summaryLine(diagnostics)}\n`);
      break;
  }
  return exitStatusFor(diagnostics);
}

// ---------------------------------------------------------------------------------------------
// fmt
// ---------------------------------------------------------------------------------------------

type FmtMode = "print" | "check" | "write";

/**
 * Formats each file. A file with syntax errors is left alone and its diagnostics go to stderr
 * (stdout carries the formatted text or the list of files to reformat).
 */
function runFmt(files: readonly string[], mode: FmtMode, io: CliIO, deps: CliDeps): number {
  const host = createNodeHost(io.cwd);
  const inputs = readInputs(files, host, io);
  if (inputs === undefined) return EXIT_USAGE;
  const texts = new Map(inputs.map((i) => [i.file, i.text]));
  const lookup = lineMapLookup(new Map(), (f) => texts.get(f) ?? host.readFile(f));
  const problems: Diagnostic[] = [];
  let changed = false;
  let writeFailed = false;
  for (const { file, text } of inputs) {
    const result = deps.formatSource(file, text);
    if (!result.ok) {
      io.stderr(renderText(result.diagnostics, lookup, { snippets: io.stderrIsTTY }));
      problems.push(...result.diagnostics);
      continue;
    }
    if (mode === "print") {
      io.stdout(result.text);
    } else if (result.text !== text) {
      changed = true;
      if (mode === "check") io.stdout(`${file}\n`);
      else writeFailed = !writeFormatted(file, result.text, io) || writeFailed;
    }
  }
  if (problems.length > 0) io.stderr(`${summaryLine(problems)}\n`);
  if (writeFailed) return EXIT_USAGE;
  if (problems.some((d) => d.severity === "error")) return EXIT_PROBLEMS;
  return mode === "check" && changed ? EXIT_PROBLEMS : EXIT_OK;
}

function writeFormatted(file: string, text: string, io: CliIO): boolean {
  try {
    writeFileAtomic(file, text);
    return true;
  } catch (e) {
    io.stderr(`wspc: cannot write '${file}': ${ioReason(e)}\n`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// build and validate
// ---------------------------------------------------------------------------------------------

function runBuild(files: readonly string[], opts: { out: string; target?: string }, io: CliIO, deps: CliDeps, version: string): number {
  const host = createNodeHost(io.cwd);
  const inputs = readInputs(files, host, io);
  if (inputs === undefined) return EXIT_USAGE;
  const result = deps.checkProgram(inputs.map((i) => i.file), host);
  const lookup = lineMapLookup(result.files, (f) => host.readFile(f));
  const report = (diagnostics: readonly Diagnostic[]): void => {
    if (diagnostics.length === 0) return;
    io.stderr(renderText(diagnostics, lookup, { snippets: io.stderrIsTTY }));
    io.stderr(`${summaryLine(diagnostics)}\n`);
  };
  if (exitStatusFor(result.diagnostics) !== EXIT_OK) {
    report(result.diagnostics);
    io.stderr("wspc: no package written\n");
    return EXIT_PROBLEMS;
  }
  const outcome = buildAll(result, host, { outDir: opts.out, target: opts.target, compilerVersion: version, cwd: io.cwd });
  switch (outcome.kind) {
    case "usage":
      report(result.diagnostics);
      io.stderr(`wspc: ${outcome.message}\n`);
      return EXIT_USAGE;
    case "io":
      io.stderr(`wspc: ${outcome.message}\n`);
      return EXIT_USAGE;
    case "diagnostics":
      report([...result.diagnostics, ...outcome.pkgs.flatMap((p) => p.diagnostics)]);
      io.stderr("wspc: no package written\n");
      return EXIT_PROBLEMS;
    case "built":
      report([...result.diagnostics, ...outcome.written.flatMap((w) => w.pkg.diagnostics)]);
      for (const w of outcome.written) {
        const bytes = [...w.pkg.files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
        io.stdout(`wrote ${w.dir} (${w.unit.subject.name} on ${w.unit.target.name}, ${w.pkg.backend}: ${w.pkg.files.size} files, ${bytes} bytes)\n`);
      }
      return EXIT_OK;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function runRun(input: string, flags: RunFlags, io: CliIO, deps: CliDeps): number {
  try {
    const pkg = isDirectory(path.resolve(io.cwd, input)) ? loadForRun(path.resolve(io.cwd, input)) : buildForRun(input, flags, io, deps);
    if (pkg === undefined) return EXIT_USAGE;
    return runPackage(pkg, flags, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`wspc: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof BadInputError) {
      io.stderr(`wspc: ${e.message}\n`);
      return EXIT_PROBLEMS;
    }
    throw e;
  }
}

/** Checks and builds a .wsp file in memory and picks the unit to run; undefined after reporting why not. */
function buildForRun(input: string, flags: RunFlags, io: CliIO, deps: CliDeps): SimPackage | undefined {
  const host = createNodeHost(io.cwd);
  const inputs = readInputs([input], host, io);
  if (inputs === undefined) return undefined;
  const result = deps.checkProgram(inputs.map((i) => i.file), host);
  const lookup = lineMapLookup(result.files, (f) => host.readFile(f));
  // A predicted deadlock does not stop a run: the program is well-formed, and running it is how
  // one sees the runtime's own report of that deadlock.
  const blocking = result.diagnostics.filter((d) => !(d.severity === "error" && isDeadlockPrediction(d.code)));
  if (exitStatusFor(blocking) !== EXIT_OK) {
    io.stderr(renderText(result.diagnostics, lookup, { snippets: io.stderrIsTTY }));
    io.stderr(`${summaryLine(result.diagnostics)}\nwspc: nothing was run\n`);
    return undefined;
  }
  const predicted = result.diagnostics.filter((d) => d.severity === "error" && isDeadlockPrediction(d.code));
  if (predicted.length > 0) {
    io.stderr(renderText(predicted, lookup, { snippets: io.stderrIsTTY }));
    io.stderr("wspc: the analysis predicts a deadlock; running the program anyway to show the runtime's report\n");
  }
  const built = compile(inputs.map((i) => i.file), { host, cwd: io.cwd, allowPredictedDeadlocks: true });
  const choice = chooseRunPackage(built.packages, flags.target);
  if (typeof choice === "string") throw new UsageError(choice);
  // Back-end errors (the checker's were reported above).
  const errors = built.diagnostics.filter((d) => d.severity === "error" && !isDeadlockPrediction(d.code));
  if (errors.length > 0) {
    io.stderr(renderText(errors, lookup, { snippets: io.stderrIsTTY }));
    return undefined;
  }
  return loadBuilt(choice.files, writePackageDir);
}

/** The package a `.wsp` file runs: its a2a3sim one unless --target says otherwise. */
function chooseRunPackage(pkgs: readonly CompiledPackage[], target: string | undefined): CompiledPackage | string {
  const wanted = target ?? "a2a3sim";
  const matching = pkgs.filter((p) => p.target === wanted);
  const list = pkgs.map((p) => `${p.subject} on ${p.target}`).join(", ");
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0 && target === undefined && pkgs.length === 1) return pkgs[0]!;
  if (pkgs.length === 0) return "nothing to run: the file declares no workload or pipeline";
  if (matching.length === 0) return `no schedule targets '${wanted}'; the file has: ${list} (pick one with --target)`;
  return `the file has several programs on '${wanted}' (${list}); build them with 'wspc build' and run one package folder`;
}

function runValidate(pkgs: readonly string[], io: CliIO): number {
  let status: number = EXIT_OK;
  for (const pkg of pkgs) {
    const result = validatePackage(path.resolve(io.cwd, pkg));
    if (result.ok) {
      io.stdout(`${pkg}: valid (ABI ${result.manifest.wsp_runtime_abi}, ${result.manifest.subject.name} on ${result.manifest.target.name})\n`);
      continue;
    }
    for (const line of formatValidationErrors({ ...result, dir: pkg })) io.stderr(`${line}\n`);
    status = Math.max(status, result.ioError ? EXIT_USAGE : EXIT_PROBLEMS);
  }
  return status;
}

// ---------------------------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------------------------

function runExplain(query: string, io: CliIO): number {
  const code = findCode(query);
  if (code !== undefined) {
    io.stdout(diagnosticSection(code, CATALOGUE[code]));
    return EXIT_OK;
  }
  const suggestion = suggestCode(query);
  const hint = suggestion === undefined ? "" : `; did you mean ${suggestion}?`;
  io.stderr(`wspc: unknown diagnostic code '${query}'${hint}\n`);
  io.stderr("(docs/diagnostics.md lists every code; `wspc docs-diagnostics` prints it)\n");
  return EXIT_USAGE;
}

/** Accepts `WSP0001` in any case, bare digits (`1`, `0001`), or the name (`unexpected-character`). */
function findCode(query: string): DiagnosticCode | undefined {
  const q = query.trim();
  const upper = q.toUpperCase();
  if (isDiagnosticCode(upper)) return upper;
  if (/^\d{1,4}$/.test(q)) {
    const padded = `WSP${q.padStart(4, "0")}`;
    if (isDiagnosticCode(padded)) return padded;
  }
  return codesByName().get(q.toLowerCase());
}

function suggestCode(query: string): DiagnosticCode | undefined {
  const byName = codesByName();
  const q = query.trim();
  const closeCode = closestName(q.toUpperCase(), Object.keys(CATALOGUE));
  if (closeCode !== undefined && isDiagnosticCode(closeCode)) return closeCode;
  const closeName = closestName(q.toLowerCase(), byName.keys());
  return closeName === undefined ? undefined : byName.get(closeName);
}

function codesByName(): Map<string, DiagnosticCode> {
  const map = new Map<string, DiagnosticCode>();
  for (const code of Object.keys(CATALOGUE).sort()) {
    if (isDiagnosticCode(code)) map.set(CATALOGUE[code].name, code);
  }
  return map;
}
