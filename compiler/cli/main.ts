#!/usr/bin/env node
/**
 * The `wspc` executable. All behaviour lives in run.ts (testable in-process); this file wires it
 * to the real process. The rest of the CLI is loaded dynamically so that even a failure to load
 * it is reported as an internal error rather than a stack trace.
 */
import { EXIT_INTERNAL, internalErrorText } from "./internal-error.js";

function failInternally(error: unknown): void {
  process.stderr.write(internalErrorText(error, process.env));
  process.exitCode = EXIT_INTERNAL;
}

process.on("uncaughtException", (error) => {
  failInternally(error);
  process.exit(EXIT_INTERNAL);
});

// A reader that goes away early (`wspc check ... | head`) is not an error worth a trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  failInternally(error);
  process.exit(EXIT_INTERNAL);
});

try {
  const { runCli } = await import("./run.js");
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  });
} catch (error) {
  failInternally(error);
}
