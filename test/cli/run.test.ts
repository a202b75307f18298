import { describe, expect, it } from "vitest";
import { EXIT_INTERNAL, runCli, type CliDeps } from "../../compiler/cli/run.js";
import { makeDiagnostic, type Diagnostic } from "../../compiler/diagnostic.js";
import { formatSource } from "../../compiler/format.js";
import { checkProgram } from "../../compiler/program.js";
import { memoryIO, scratchDir, STACK_LINE, writeFiles } from "./helpers.js";

/** A checker that reports the given diagnostics against the first root, for exit-status tests. */
function reporting(make: (file: string) => Diagnostic[]): CliDeps {
  return {
    formatSource,
    checkProgram: (roots, host) => {
      const result = checkProgram(roots, host);
      return { ...result, diagnostics: make(roots[0]!) };
    },
  };
}

const failing: CliDeps = {
  checkProgram: () => {
    throw new Error("boom");
  },
  formatSource: () => {
    throw new TypeError("kaput");
  },
};

describe("runCli in-process", () => {
  it("exits 0 when there are only warnings, and 1 with an error", () => {
    const dir = writeFiles(scratchDir(), { "a.wsp": "const A = 1\n" });
    const warn = (f: string) => makeDiagnostic("WSP0006", f, { start: 6, end: 7 }, "just a warning", { severity: "warning" });
    const err = (f: string) => makeDiagnostic("WSP0006", f, { start: 10, end: 11 }, "an error");

    const warned = memoryIO(dir);
    expect(runCli(["check", "a.wsp"], warned.io, reporting((f) => [warn(f)]))).toBe(0);
    expect(warned.stdout()).toBe("a.wsp:1:7: warning WSP0006: just a warning\n");
    expect(warned.stderr()).toBe("0 errors, 1 warning\n");

    const failed = memoryIO(dir);
    expect(runCli(["check", "a.wsp"], failed.io, reporting((f) => [warn(f), err(f)]))).toBe(1);
    expect(failed.stderr()).toBe("1 error, 1 warning\n");
  });

  it("shows source snippets when stdout is a terminal", () => {
    const dir = writeFiles(scratchDir(), { "a.wsp": "const A = 1\n" });
    const tty = memoryIO(dir, { tty: true });
    const deps = reporting((f) => [makeDiagnostic("WSP0006", f, { start: 6, end: 7 }, "look here")]);
    expect(runCli(["check", "a.wsp"], tty.io, deps)).toBe(1);
    expect(tty.stdout()).toBe("a.wsp:1:7: error WSP0006: look here\n  1 | const A = 1\n    |       ^\n");
  });

  it("turns an exception inside wspc into exit 70 and a request to report it, without a trace", () => {
    const dir = writeFiles(scratchDir(), { "a.wsp": "const A = 1\n" });
    for (const args of [["check", "a.wsp"], ["fmt", "a.wsp"]]) {
      const run = memoryIO(dir);
      expect(runCli(args, run.io, failing)).toBe(EXIT_INTERNAL);
      expect(run.stderr()).toMatch(/^wspc: internal error: (boom|kaput)\n.*please report this/);
      expect(run.stderr()).not.toMatch(STACK_LINE);
    }
  });

  it("adds the stack trace with WSP_DEBUG=1", () => {
    const dir = writeFiles(scratchDir(), { "a.wsp": "const A = 1\n" });
    const run = memoryIO(dir, { env: { WSP_DEBUG: "1" } });
    expect(runCli(["check", "a.wsp"], run.io, failing)).toBe(EXIT_INTERNAL);
    expect(run.stderr()).toMatch(/^wspc: internal error: boom\n/);
    expect(run.stderr()).toMatch(STACK_LINE);
  });
});
