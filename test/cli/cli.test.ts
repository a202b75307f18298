import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../compiler/diagnostic.js";
import { diagnosticSection } from "../../compiler/diagnostics-doc.js";
import { runCli } from "../../compiler/cli/run.js";
import { formatSource } from "../../compiler/format.js";
import { memoryIO, REPO, scratchDir, STACK_LINE, wspc, writeFiles } from "./helpers.js";

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
const EXAMPLES = fs
  .readdirSync(path.join(REPO, "examples"))
  .filter((f) => f.endsWith(".wsp") && !f.startsWith("deadlock_")) // deliberate deadlocks are errors
  .sort()
  .map((f) => `examples/${f}`);

// `$` cannot start a token; it is the 13th character of line 1. Line 2 has no problem.
const BAD = "const N = 4 $\nconst M = 5\n";
const BAD_LINE = /^bad\.wsp:1:13: error WSP0001: .+$/m;
/** Each test spawns node a few times; on a busy 2-core machine that takes seconds, not ms. */
const SPAWNING = { timeout: 60_000 };
/** What every line of the plain text format looks like. */
const TEXT_LINE = /^[^\n]+:\d+:\d+: (error|warning|info|hint) WSP\d{4}: [^\n]*$/;

describe("wspc check", SPAWNING, () => {
  it("passes every example: no errors (warnings allowed), exit 0", () => {
    const r = wspc(["check", ...EXAMPLES]);
    expect(r.stderr).toMatch(/^0 errors, \d+ warnings?(, \d+ hints?)?\n$/);
    for (const line of r.stdout.split("\n").filter((l) => l !== "")) {
      expect(line).toMatch(/^examples\/\w+\.wsp:\d+:\d+: (warning|info|hint) WSP\d{4}: /);
    }
    expect(r.status).toBe(0);
  });

  it("reports a syntax error as path:line:col with its code, one line each, and exits 1", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    const r = wspc(["check", "bad.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(BAD_LINE);
    for (const line of r.stdout.trimEnd().split("\n")) expect(line).toMatch(TEXT_LINE);
    expect(r.stderr).toMatch(/^[1-9]\d* errors?, \d+ warnings?\n$/);
  });

  it("names files as they were given: relative stays relative, absolute stays absolute", () => {
    const dir = writeFiles(scratchDir(), { "sub/bad.wsp": BAD });
    expect(wspc(["check", "sub/bad.wsp"], { cwd: dir }).stdout).toMatch(/^sub\/bad\.wsp:1:13: error WSP0001: /m);
    const absolute = path.join(dir, "sub/bad.wsp");
    expect(wspc(["check", absolute]).stdout).toContain(`${absolute}:1:13: error WSP0001: `);
  });

  it("checks the same file once when it is named twice", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    const once = wspc(["check", "bad.wsp"], { cwd: dir });
    const twice = wspc(["check", "bad.wsp", "./bad.wsp", "bad.wsp"], { cwd: dir });
    expect(twice.stdout).toBe(once.stdout);
    expect(twice.status).toBe(1);
  });

  it("prints the json format", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    const r = wspc(["check", "--format", "json", "bad.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    const bad = list.find((d) => d["code"] === "WSP0001")!;
    expect(Object.keys(bad).sort()).toEqual(["code", "file", "fixes", "message", "range", "related", "severity"]);
    expect(bad).toMatchObject({
      file: "bad.wsp",
      range: { start: { line: 1, col: 13 }, end: { line: 1, col: 14 } },
      severity: "error",
      code: "WSP0001",
    });
    expect(typeof bad["message"]).toBe("string");
    const clean = wspc(["check", "--format=json", ...EXAMPLES]);
    expect(clean.status).toBe(0);
    expect((JSON.parse(clean.stdout) as { severity: string }[]).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("gives related locations in json", () => {
    // The second `N` (line 2, column 7) duplicates the first (line 1, column 7).
    const dir = writeFiles(scratchDir(), { "dup.wsp": "const N = 1\nconst N = 2\n" });
    const r = wspc(["check", "--format", "json", "dup.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    const dup = (JSON.parse(r.stdout) as { code: string }[]).find((d) => d.code === "WSP0102");
    expect(dup).toMatchObject({
      file: "dup.wsp",
      range: { start: { line: 2, col: 7 }, end: { line: 2, col: 8 } },
      related: [{ file: "dup.wsp", range: { start: { line: 1, col: 7 }, end: { line: 1, col: 8 } } }],
    });
  });

  it("prints valid SARIF 2.1.0", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    const r = wspc(["check", "--format", "sarif", "bad.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0.*\.json$/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("wspc");
    expect(run.tool.driver.version).toBe(VERSION);
    const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
    expect(rules.map((rule) => rule.id)).toEqual(Object.keys(CATALOGUE).sort());
    for (const rule of rules) {
      expect(rule.shortDescription.text).toBe(CATALOGUE[rule.id as keyof typeof CATALOGUE].title);
      expect(["error", "warning", "note"]).toContain(rule.defaultConfiguration.level);
    }
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe(`${pathToFileURL(dir).href}/`);
    expect(run.results.length).toBeGreaterThan(0);
    for (const result of run.results) {
      expect(rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(["error", "warning", "note"]).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(Array.isArray(result.relatedLocations)).toBe(true);
    }
    const bad = run.results.find((res: { ruleId: string }) => res.ruleId === "WSP0001");
    expect(bad.level).toBe("error");
    expect(bad.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "bad.wsp", uriBaseId: "%SRCROOT%" },
      region: { startLine: 1, startColumn: 13, endLine: 1, endColumn: 14 },
    });
  });

  it("survives binary garbage, CRLF, a BOM and 100 000 open braces with diagnostics, not a crash", () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const dir = writeFiles(scratchDir(), {
      "crlf.wsp": "\ufeffconst N = 4 $\r\nconst M = 5\r\n",
      "braces.wsp": "{".repeat(100_000),
    });
    fs.writeFileSync(path.join(dir, "garbage.wsp"), garbage);
    for (const file of ["garbage.wsp", "crlf.wsp", "braces.wsp"]) {
      const r = wspc(["check", file], { cwd: dir });
      expect(r.status, `${file}: ${r.stderr}`).toBe(1);
      expect(r.stderr).not.toMatch(STACK_LINE);
      for (const line of r.stdout.trimEnd().split("\n")) expect(line).toMatch(TEXT_LINE);
    }
    // The CR of a CRLF ends the line: the error on line 1 is reported there, not on a line 2.
    expect(wspc(["check", "crlf.wsp"], { cwd: dir }).stdout).toMatch(/^crlf\.wsp:1:\d+: error WSP0001: /m);
  });

  it("exits 2 with one clear line for a missing file, a directory, or a file below a non-directory", () => {
    const dir = writeFiles(scratchDir(), { "sub/ok.wsp": "", "plain.wsp": "" });
    const missing = wspc(["check", "nope.wsp"], { cwd: dir });
    expect(missing).toEqual({ status: 2, stdout: "", stderr: "wspc: cannot read 'nope.wsp': no such file\n" });
    const folder = wspc(["check", "sub"], { cwd: dir });
    expect(folder).toEqual({ status: 2, stdout: "", stderr: "wspc: cannot read 'sub': is a directory\n" });
    const below = wspc(["check", "plain.wsp/x.wsp"], { cwd: dir });
    expect(below.stderr).toBe("wspc: cannot read 'plain.wsp/x.wsp': a parent is not a directory\n");
    expect(below.status).toBe(2);
  });

  it("reports every unreadable file and checks nothing when one is missing", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    const r = wspc(["check", "a.wsp", "bad.wsp", "b.wsp"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("wspc: cannot read 'a.wsp': no such file\nwspc: cannot read 'b.wsp': no such file\n");
  });

  it("exits 2 on a bad format, an unknown flag or no files", () => {
    const format = wspc(["check", "--format", "xml", "x.wsp"]);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/^wspc: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, sarif\.\n/);
    const flag = wspc(["check", "--pretty", "x.wsp"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^wspc: unknown option '--pretty'\n\(run 'wspc check --help' for usage\)\n$/);
    const none = wspc(["check"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^wspc: missing required argument 'files'\n/);
  });

  it("produces the same bytes on every run", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD, "sub/bad2.wsp": "axis a = dense(\n" });
    for (const format of ["text", "json", "sarif"]) {
      const args = ["check", "--format", format, "sub/bad2.wsp", "bad.wsp"];
      expect(wspc(args, { cwd: dir })).toEqual(wspc(args, { cwd: dir }));
    }
  });
});

describe("wspc fmt", SPAWNING, () => {
  const example = fs.readFileSync(path.join(REPO, "examples/csp_pipeline.wsp"), "utf8");
  // Without any indentation the layout is certainly not canonical.
  const messy = example.replace(/^[ \t]+/gm, "");

  function formatted(text: string): string {
    const r = formatSource("x.wsp", text);
    if (!r.ok) throw new Error("the example has syntax errors");
    return r.text;
  }

  it("accepts the README's example as formatted (--check exits 0 and prints nothing)", () => {
    expect(wspc(["fmt", "--check", "examples/csp_pipeline.wsp"])).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("prints the formatted text by default", () => {
    const dir = writeFiles(scratchDir(), { "messy.wsp": messy });
    const r = wspc(["fmt", "messy.wsp"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(formatted(messy));
    expect(fs.readFileSync(path.join(dir, "messy.wsp"), "utf8")).toBe(messy);
  });

  it("--check lists the files that would change and exits 1", () => {
    expect(formatted(messy)).not.toBe(messy);
    const dir = writeFiles(scratchDir(), { "messy.wsp": messy, "tidy.wsp": formatted(messy) });
    const r = wspc(["fmt", "--check", "tidy.wsp", "messy.wsp"], { cwd: dir });
    expect(r).toEqual({ status: 1, stdout: "messy.wsp\n", stderr: "" });
    expect(fs.readFileSync(path.join(dir, "messy.wsp"), "utf8")).toBe(messy);
  });

  it("--write rewrites only the files that change, keeping their permissions", () => {
    const tidy = formatted(messy);
    const dir = writeFiles(scratchDir(), { "messy.wsp": messy, "tidy.wsp": tidy });
    fs.chmodSync(path.join(dir, "messy.wsp"), 0o640);
    const tidyInode = fs.statSync(path.join(dir, "tidy.wsp")).ino;
    const r = wspc(["fmt", "--write", "messy.wsp", "tidy.wsp"], { cwd: dir });
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(fs.readFileSync(path.join(dir, "messy.wsp"), "utf8")).toBe(tidy);
    expect(fs.statSync(path.join(dir, "messy.wsp")).mode & 0o777).toBe(0o640);
    // An unchanged file is not even rewritten (a rename would give it a new inode).
    expect(fs.statSync(path.join(dir, "tidy.wsp")).ino).toBe(tidyInode);
    expect(fs.readdirSync(dir).sort()).toEqual(["messy.wsp", "tidy.wsp"]);
    expect(wspc(["fmt", "--check", "messy.wsp"], { cwd: dir }).status).toBe(0);
  });

  it("does not format a file with syntax errors: diagnostics, exit 1, file untouched", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD });
    for (const mode of [[], ["--check"], ["--write"]]) {
      const r = wspc(["fmt", ...mode, "bad.wsp"], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(BAD_LINE);
      expect(r.stderr).toMatch(/^[1-9]\d* errors?, \d+ warnings?$/m);
    }
    expect(fs.readFileSync(path.join(dir, "bad.wsp"), "utf8")).toBe(BAD);
    expect(fs.readdirSync(dir)).toEqual(["bad.wsp"]);
  });

  it("still writes the good files when another has syntax errors", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": BAD, "messy.wsp": messy });
    const r = wspc(["fmt", "--write", "bad.wsp", "messy.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(fs.readFileSync(path.join(dir, "messy.wsp"), "utf8")).toBe(formatted(messy));
    expect(fs.readFileSync(path.join(dir, "bad.wsp"), "utf8")).toBe(BAD);
  });

  it("exits 2 for --check with --write, and for a missing file (writing nothing)", () => {
    const dir = writeFiles(scratchDir(), { "messy.wsp": messy });
    const both = wspc(["fmt", "--check", "--write", "messy.wsp"], { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^wspc: option '--check' cannot be used with option '--write'\n/);
    const missing = wspc(["fmt", "--write", "messy.wsp", "nope.wsp"], { cwd: dir });
    expect(missing).toEqual({ status: 2, stdout: "", stderr: "wspc: cannot read 'nope.wsp': no such file\n" });
    expect(fs.readFileSync(path.join(dir, "messy.wsp"), "utf8")).toBe(messy);
  });
});

describe("wspc explain", SPAWNING, () => {
  const section = diagnosticSection("WSP0001", CATALOGUE.WSP0001);

  it("prints the catalogue entry: title, explanation, example and fix", () => {
    const r = wspc(["explain", "WSP0001"]);
    expect(r).toEqual({ status: 0, stdout: section, stderr: "" });
    const e = CATALOGUE.WSP0001;
    for (const part of [e.title, e.explanation.trim(), e.example.trim(), e.fixed.trim()]) expect(r.stdout).toContain(part);
  });

  it("accepts lower case, bare digits and the diagnostic's name", () => {
    for (const query of ["wsp0001", "1", "0001", "unexpected-character"]) {
      const run = memoryIO(REPO);
      expect(runCli(["explain", query], run.io)).toBe(0);
      expect(run.stdout()).toBe(section);
    }
  });

  it("exits 2 for an unknown code, suggesting a close one", () => {
    const close = wspc(["explain", "WSP001"]);
    expect(close.status).toBe(2);
    expect(close.stdout).toBe("");
    expect(close.stderr).toMatch(/^wspc: unknown diagnostic code 'WSP001'; did you mean WSP0001\?\n/);
    const byName = memoryIO(REPO);
    expect(runCli(["explain", "unexpected-charater"], byName.io)).toBe(2);
    expect(byName.stderr()).toMatch(/did you mean WSP0001\?/);
    const far = memoryIO(REPO);
    expect(runCli(["explain", "completely-unrelated-words"], far.io)).toBe(2);
    expect(far.stderr()).toMatch(/^wspc: unknown diagnostic code 'completely-unrelated-words'\n/);
  });
});

describe("wspc docs-diagnostics", SPAWNING, () => {
  it("prints docs/diagnostics.md exactly", () => {
    const r = wspc(["docs-diagnostics"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(REPO, "docs/diagnostics.md"), "utf8"));
  });
});

describe("usage", SPAWNING, () => {
  it("prints the version", () => {
    expect(wspc(["--version"])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it("prints help naming every command and the exit codes", () => {
    const r = wspc(["--help"]);
    expect(r.status).toBe(0);
    for (const word of ["check", "fmt", "explain", "docs-diagnostics", "Exit status"]) expect(r.stdout).toContain(word);
    const check = wspc(["check", "--help"]);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain("--format <format>");
    const viaHelp = wspc(["help", "fmt"]);
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toContain("--write");
  });

  it("exits 2 for an unknown command (with a suggestion), an unknown flag, or no command", () => {
    const command = wspc(["chek", "x.wsp"]);
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/^wspc: unknown command 'chek'\n\(Did you mean check\?\)\n/);
    const flag = wspc(["--frobnicate"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^wspc: unknown option '--frobnicate'\n/);
    const none = wspc([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toContain("Usage: wspc");
    for (const r of [command, flag, none]) expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
