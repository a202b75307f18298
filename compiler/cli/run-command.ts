import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadPackage, PackageError, formatValidationErrors, validatePackage } from "../../runtime/package/index.js";
import { SimError, decodeTensorData, exitCode, formatSummary, readInterleave, resultJson, simulate } from "../../runtime/sim/index.js";
import type { Interleave, SimOptions, SimPackage } from "../../runtime/sim/index.js";
import type { Dtype } from "../../runtime/package/types.js";

/** The `wspc run` options as commander hands them over. */
export interface RunFlags {
  readonly target?: string;
  readonly json?: boolean;
  readonly verify?: boolean;
  readonly trace?: string;
  readonly symbol: string[];
  readonly slot: string[];
  readonly input: string[];
  readonly seed: string;
  readonly interleave?: string;
}

/** A usage problem: one line, exit 2. */
export class UsageError extends Error {}

/** Input data that does not fit its tensor: a run-time error of the program's inputs, exit 1. */
export class BadInputError extends Error {}

/** Reads a package folder through the runtime's own loader: the runtime sees only the package. */
export function loadForRun(dir: string): SimPackage {
  const result = validatePackage(dir);
  if (!result.ok) throw new UsageError(formatValidationErrors({ ...result, dir }).slice(0, 5).join("\n"));
  return loadPackage(dir);
}

/**
 * Builds a compiled package into a scratch folder and loads it back with the runtime's loader,
 * so even `wspc run file.wsp` executes only what the package says.
 */
export function loadBuilt(files: ReadonlyMap<string, string>, write: (dir: string, files: ReadonlyMap<string, string>) => void): SimPackage {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wspc-run-"));
  try {
    const dir = path.join(scratch, "run.wsppkg");
    write(dir, files);
    return loadPackage(dir);
  } catch (e) {
    if (e instanceof PackageError) throw new Error(`the compiler produced an invalid package: ${e.message}`);
    throw e;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `NAME=VALUE` pairs of integers (decimal or 0x hex), for --symbol and --slot. */
function parseAssignments(pairs: readonly string[], flag: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const pair of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)=(-?(?:0x[0-9a-fA-F_]+|[0-9_]+))$/.exec(pair);
    if (!m) throw new UsageError(`${flag} takes NAME=INTEGER (e.g. ${flag} batch=4), not '${pair}'`);
    out.set(m[1]!, BigInt(m[2]!.replace(/_/g, "")));
  }
  return out;
}

/**
 * --interleave: `default`, `random:SEED`, or a file — a recorded interleaving (a JSON array, or a
 * `--json` result) to replay choice by choice, or `{"order": [...]}`, one orchestrator number per
 * action (a deadlock witness) to replay action by action.
 */
function parseInterleave(value: string | undefined, cwd: string): Interleave {
  if (value === undefined || value === "default") return { kind: "default" };
  const random = /^random:(\d+)$/.exec(value);
  if (random) return { kind: "random", seed: Number(random[1]) };
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, value), "utf8");
  } catch {
    throw new UsageError(`--interleave takes 'default', 'random:SEED' or a file with a recorded interleaving or an {"order": [...]}; cannot read '${value}'`);
  }
  try {
    return readInterleave(text);
  } catch (e) {
    throw new UsageError(`--interleave ${value}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** --input NAME=FILE: JSON or raw little-endian data of the tensor's declared dtype. */
function parseInputs(pairs: readonly string[], pkg: SimPackage, cwd: string): Map<string, ReturnType<typeof decodeTensorData>> {
  const out = new Map<string, ReturnType<typeof decodeTensorData>>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--input takes TENSOR=FILE, not '${pair}'`);
    const name = pair.slice(0, eq);
    const file = pair.slice(eq + 1);
    const tensor = pkg.manifest.tensors.find((t) => t.name === name || t.qualified_name === name);
    if (!tensor) {
      const names = pkg.manifest.tensors.map((t) => t.name).join(", ");
      throw new UsageError(`--input ${name}: the package has no tensor '${name}' (tensors: ${names})`);
    }
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(path.resolve(cwd, file));
    } catch {
      throw new UsageError(`--input ${name}: cannot read '${file}'`);
    }
    try {
      out.set(tensor.name, decodeTensorData(bytes, tensor.dtype as Dtype, `--input ${name}`));
    } catch (e) {
      if (e instanceof SimError) throw new BadInputError(e.message);
      throw e;
    }
  }
  return out;
}

export interface RunIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stderrIsTTY: boolean;
  readonly cwd: string;
}

/** Simulates a loaded package and prints the outcome; returns the exit status (0, 1 or 3). */
export function runPackage(pkg: SimPackage, flags: RunFlags, io: RunIO): number {
  const seed = Number(flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed takes a non-negative integer, not '${flags.seed}'`);
  const options: SimOptions = {
    symbols: parseAssignments(flags.symbol, "--symbol"),
    slots: parseAssignments(flags.slot, "--slot"),
    inputs: parseInputs(flags.input, pkg, io.cwd),
    seed,
    interleave: parseInterleave(flags.interleave, io.cwd),
    verify: flags.verify === true,
    trace: flags.trace !== undefined,
    progress: progressBar(io),
  };
  const result = simulate(pkg, options);
  clearProgress(io);
  if (flags.trace !== undefined && result.trace !== undefined) {
    fs.writeFileSync(path.resolve(io.cwd, flags.trace), JSON.stringify(result.trace));
  }
  io.stdout(flags.json ? resultJson(result) : formatSummary(result, pkg));
  return exitCode(result);
}

/** A progress line on stderr for runs longer than a second, only when stderr is a terminal. */
function progressBar(io: RunIO): ((done: number) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  const start = Date.now();
  return (done) => {
    if (Date.now() - start < 1000) return;
    io.stderr(`\r\x1b[2Ksimulating: ${done.toLocaleString("en-US")} tasks`);
  };
}

function clearProgress(io: RunIO): void {
  if (io.stderrIsTTY) io.stderr("\r\x1b[2K");
}
