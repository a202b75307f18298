import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { CliIO } from "../../compiler/cli/run.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The `wspc` bin as installed: the bundle `npm run build` makes (compiler/cli/bundle.mjs). */
export const MAIN = path.join(REPO, "dist/bin/wspc.js");

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `wspc` in `cwd` (the repo by default), with stdout and stderr as pipes. */
export function wspc(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.env?.["WSP_DEBUG"] === undefined) delete env["WSP_DEBUG"];
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? REPO,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A fresh scratch folder (real path, so it compares equal to what a child's cwd reports),
 * removed when the current test ends. Call it inside a test.
 */
export function scratchDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "wspc-test-")));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (paths relative to `dir`, folders created) and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

/** An in-memory CliIO for running `runCli` in-process; collects what it prints. */
export function memoryIO(cwd: string, options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
    cwd,
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** A stack trace line, which must never reach a user. */
export const STACK_LINE = /^\s+at .+/m;
