/**
 * Runs the TextMate grammar's syntax tests (`test/tmgrammar/*.wsp`, `// SYNTAX TEST "source.wsp"`
 * files) through vscode-tmgrammar-test, the same tokenizer engine VS Code uses, so `npm test`
 * fails when the grammar stops scoping a construct as the assertions say.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GRAMMAR = path.join(REPO, "grammar", "wsp.tmLanguage.json");
const RUNNER = path.join(REPO, "node_modules", "vscode-tmgrammar-test", "dist", "unit.js");
const HERE = path.join(REPO, "test", "tmgrammar");

/** One construct group per file; each must exist and pass. */
const GROUPS = [
  "comments", "modules", "declarations", "kernels", "policies", "workloads", "pipelines",
  "schedules", "targets", "literals", "soft-keywords",
];

function runTests(files: readonly string[]): { status: number | null; output: string } {
  // `--config` names a file that does not exist, so the runner takes the grammar only from -g
  // (not from whatever package.json is in the working folder).
  const result = spawnSync(process.execPath, [RUNNER, "--compact", "--config", path.join(os.tmpdir(), "wsp-no-config.json"), "-g", GRAMMAR, ...files], {
    cwd: REPO,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("TextMate grammar", () => {
  it("is valid JSON with the source.wsp scope", () => {
    const grammar = JSON.parse(fs.readFileSync(GRAMMAR, "utf8")) as { scopeName: string; patterns: unknown[] };
    expect(grammar.scopeName).toBe("source.wsp");
    expect(grammar.patterns.length).toBeGreaterThan(0);
  });

  it("has a syntax test file for every construct group", () => {
    const files = fs.readdirSync(HERE).filter((f) => f.endsWith(".wsp")).map((f) => f.slice(0, -4)).sort();
    expect(files).toEqual([...GROUPS].sort());
  });

  it("passes every syntax test", () => {
    const files = GROUPS.map((g) => path.join("test", "tmgrammar", `${g}.wsp`));
    const { status, output } = runTests(files);
    expect(output).not.toMatch(/failed|ERROR/);
    expect(status).toBe(0);
    // Every file was run (a file the runner could not parse would be reported, not skipped).
    for (const file of files) expect(output).toContain(file);
  });

  it("fails, with a non-zero exit status, when an assertion is wrong", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-tmgrammar-"));
    try {
      const file = path.join(dir, "wrong.wsp");
      fs.writeFileSync(file, ['// SYNTAX TEST "source.wsp" "a deliberately wrong assertion"', "const depth = 1", "//    ^^^^^ keyword.other.depth.wsp", ""].join("\n"));
      const { status, output } = runTests([file]);
      expect(status).not.toBe(0);
      expect(output).toContain("keyword.other.depth.wsp");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
