import { describe, expect, it } from "vitest";
import { LineMap } from "../../grammar/line-map.js";
import { exitStatusFor, type LineMapLookup } from "../../compiler/cli/render-common.js";
import { renderJson } from "../../compiler/cli/render-json.js";
import { artifactLocation, renderSarif, SARIF_SCHEMA } from "../../compiler/cli/render-sarif.js";
import { renderText, summaryLine } from "../../compiler/cli/render-text.js";
import { makeDiagnostic, type CatalogueEntry, type Diagnostic } from "../../compiler/diagnostic.js";

function lookupOf(files: Record<string, string>): LineMapLookup {
  const maps = new Map(Object.entries(files).map(([f, t]) => [f, new LineMap(t)]));
  return (file) => maps.get(file);
}

// `$` is the 13th character of the line (offset 12).
const BAD = "const N = 4 $\n";
const badDiag = makeDiagnostic("WSP0001", "bad.wsp", { start: 12, end: 13 }, "unexpected character `$`");

/** A duplicate in a.wsp (`Name` at offsets 6..10) first declared in b.wsp after a tab (7..11). */
const A = "const Name = 2\n";
const B = "\tconst Name = 1\n";
const dupDiag = makeDiagnostic("WSP0006", "a.wsp", { start: 6, end: 10 }, "duplicate `Name`", {
  related: [{ file: "b.wsp", start: 7, end: 11, message: "first declared here" }],
  fixes: [{ message: "rename it", edits: [{ file: "a.wsp", start: 6, end: 10, newText: "Name2" }] }],
});

describe("text rendering", () => {
  it("prints one path:line:col line per diagnostic without snippets", () => {
    const text = renderText([badDiag, dupDiag], lookupOf({ "bad.wsp": BAD, "a.wsp": A, "b.wsp": B }), { snippets: false });
    expect(text).toBe(
      "bad.wsp:1:13: error WSP0001: unexpected character `$`\n" + "a.wsp:1:7: error WSP0006: duplicate `Name`\n",
    );
  });

  it("underlines the range under the source line in snippet mode", () => {
    const text = renderText([badDiag], lookupOf({ "bad.wsp": BAD }), { snippets: true });
    expect(text).toBe(
      "bad.wsp:1:13: error WSP0001: unexpected character `$`\n" +
        "  1 | const N = 4 $\n" +
        "    |             ^\n",
    );
  });

  it("shows related locations (tabs kept in the underline) and fix hints", () => {
    const text = renderText([dupDiag], lookupOf({ "a.wsp": A, "b.wsp": B }), { snippets: true });
    expect(text).toBe(
      "a.wsp:1:7: error WSP0006: duplicate `Name`\n" +
        "  1 | const Name = 2\n" +
        "    |       ^^^^\n" +
        "  b.wsp:1:8: note: first declared here\n" +
        "    1 | \tconst Name = 1\n" +
        "      | \t      ^^^^\n" +
        "  help: rename it\n",
    );
  });

  it("underlines a range spanning lines to the end of its first line", () => {
    // offsets 1..6 of "abc\ndef\n" run from 1:2 to 2:3; the first line shows "bc" underlined.
    const d = makeDiagnostic("WSP0006", "m.wsp", { start: 1, end: 6 }, "m");
    expect(renderText([d], lookupOf({ "m.wsp": "abc\ndef\n" }), { snippets: true })).toBe(
      "m.wsp:1:2: error WSP0006: m\n  1 | abc\n    |  ^^\n",
    );
  });

  it("puts one caret after the line for an empty range at its end", () => {
    const d = makeDiagnostic("WSP0006", "e.wsp", { start: 3, end: 3 }, "expected `}`");
    expect(renderText([d], lookupOf({ "e.wsp": "abc\n" }), { snippets: true })).toBe(
      "e.wsp:1:4: error WSP0006: expected `}`\n  1 | abc\n    |    ^\n",
    );
  });

  it("widens the gutter for line numbers of two digits", () => {
    const text = "\n".repeat(11) + "x y\n"; // line 12; `y` at offset 13
    const d = makeDiagnostic("WSP0006", "g.wsp", { start: 13, end: 14 }, "g");
    expect(renderText([d], lookupOf({ "g.wsp": text }), { snippets: true })).toBe(
      "g.wsp:12:3: error WSP0006: g\n  12 | x y\n     |   ^\n",
    );
  });

  it("shows a 120-character window of a very long line", () => {
    // Offset 500: the window starts 40 before (460) and ends at 580; both ends are elided.
    const d = makeDiagnostic("WSP0007", "l.wsp", { start: 500, end: 501 }, "too deep");
    const text = renderText([d], lookupOf({ "l.wsp": "{".repeat(1000) }), { snippets: true });
    expect(text).toBe(
      "l.wsp:1:501: error WSP0007: too deep\n" +
        `  1 | ...${"{".repeat(120)}...\n` +
        `    | ${" ".repeat(43)}^\n`,
    );
  });

  it("replaces control characters in snippets and escapes them in messages", () => {
    const d = makeDiagnostic("WSP0001", "c.wsp", { start: 1, end: 2 }, "bad\ncharacter");
    expect(renderText([d], lookupOf({ "c.wsp": "a\x1b[31m\n" }), { snippets: true })).toBe(
      "c.wsp:1:2: error WSP0001: bad\\u000acharacter\n  1 | a\ufffd[31m\n    |  ^\n",
    );
  });

  it("falls back to 1:1 for a file it has no text for", () => {
    const d = makeDiagnostic("WSP0006", "gone.wsp", { start: 40, end: 41 }, "x");
    expect(renderText([d], () => undefined, { snippets: false })).toBe("gone.wsp:1:1: error WSP0006: x\n");
  });

  it("summarises counts per severity", () => {
    const warn = makeDiagnostic("WSP0006", "a.wsp", { start: 0, end: 1 }, "w", { severity: "warning" });
    const info = makeDiagnostic("WSP0006", "a.wsp", { start: 0, end: 1 }, "i", { severity: "info" });
    expect(summaryLine([])).toBe("0 errors, 0 warnings");
    expect(summaryLine([badDiag])).toBe("1 error, 0 warnings");
    expect(summaryLine([badDiag, dupDiag, warn])).toBe("2 errors, 1 warning");
    expect(summaryLine([warn, warn, info])).toBe("0 errors, 2 warnings, 1 info");
  });

  it("exits 1 only when some diagnostic is an error", () => {
    const warn = makeDiagnostic("WSP0006", "a.wsp", { start: 0, end: 1 }, "w", { severity: "warning" });
    expect(exitStatusFor([])).toBe(0);
    expect(exitStatusFor([warn])).toBe(0);
    expect(exitStatusFor([warn, badDiag])).toBe(1);
  });
});

describe("json rendering", () => {
  it("gives 1-based ranges with an exclusive end, related locations and fixes", () => {
    // "ab\ncd\n": offsets 1..4 ("b\nc") run from 1:2 to 2:2; offset 4..5 ("d") is 2:2..2:3.
    const d = makeDiagnostic("WSP0006", "f.wsp", { start: 1, end: 4 }, "msg", {
      related: [{ file: "g.wsp", start: 0, end: 3, message: "see" }],
      fixes: [{ message: "do it", edits: [{ file: "f.wsp", start: 4, end: 5, newText: "D" }] }],
    });
    const parsed: unknown = JSON.parse(renderJson([d], lookupOf({ "f.wsp": "ab\ncd\n", "g.wsp": "xyz" })));
    expect(parsed).toEqual([
      {
        file: "f.wsp",
        range: { start: { line: 1, col: 2 }, end: { line: 2, col: 2 } },
        severity: "error",
        code: "WSP0006",
        message: "msg",
        related: [{ file: "g.wsp", range: { start: { line: 1, col: 1 }, end: { line: 1, col: 4 } }, message: "see" }],
        fixes: [
          {
            message: "do it",
            edits: [{ file: "f.wsp", range: { start: { line: 2, col: 2 }, end: { line: 2, col: 3 } }, newText: "D" }],
          },
        ],
      },
    ]);
  });

  it("prints an empty array for a clean program", () => {
    expect(renderJson([], () => undefined)).toBe("[]\n");
  });
});

describe("sarif rendering", () => {
  const entry = (name: string, severity: CatalogueEntry["severity"]): CatalogueEntry => ({
    name,
    severity,
    title: `Title of ${name}`,
    explanation: `Explanation of ${name}.`,
    example: "const A = 1\n",
    fixed: "const A = 2\n",
  });
  // Deliberately out of order: rules must come out sorted by code.
  const catalogue = { WSP0006: entry("syntax-error", "error"), WSP0001: entry("unexpected-character", "error") };

  function sarif(diagnostics: readonly Diagnostic[], files: Record<string, string>) {
    const text = renderSarif(diagnostics, lookupOf(files), catalogue, { toolName: "wspc", toolVersion: "9.9.9", srcRoot: "/work/x" });
    return JSON.parse(text) as {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; rules: { id: string; name: string; defaultConfiguration: { level: string } }[] } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: Record<string, unknown>[];
      }[];
    };
  }

  it("has the SARIF 2.1.0 envelope, the driver and its rules", () => {
    const log = sarif([], {});
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe("wspc");
    expect(driver.version).toBe("9.9.9");
    expect(driver.rules.map((r) => r.id)).toEqual(["WSP0001", "WSP0006"]);
    expect(driver.rules[0]).toMatchObject({
      name: "unexpected-character",
      shortDescription: { text: "Title of unexpected-character" },
      fullDescription: { text: "Explanation of unexpected-character." },
      defaultConfiguration: { level: "error" },
    });
    expect(log.runs[0]!.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/x/" } });
    expect(log.runs[0]!.results).toEqual([]);
  });

  it("maps a diagnostic to a result with region, related locations and fixes", () => {
    const info = makeDiagnostic("WSP0006", "/abs/my file.wsp", { start: 0, end: 1 }, "fyi", { severity: "info" });
    const log = sarif([dupDiag, info], { "a.wsp": A, "b.wsp": B, "/abs/my file.wsp": "x\n" });
    const [dup, note] = log.runs[0]!.results;
    expect(dup).toEqual({
      ruleId: "WSP0006",
      ruleIndex: 1,
      level: "error",
      message: { text: "duplicate `Name`" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "a.wsp", uriBaseId: "%SRCROOT%" },
            region: { startLine: 1, startColumn: 7, endLine: 1, endColumn: 11 },
          },
        },
      ],
      relatedLocations: [
        {
          id: 0,
          physicalLocation: {
            artifactLocation: { uri: "b.wsp", uriBaseId: "%SRCROOT%" },
            region: { startLine: 1, startColumn: 8, endLine: 1, endColumn: 12 },
          },
          message: { text: "first declared here" },
        },
      ],
      fixes: [
        {
          description: { text: "rename it" },
          artifactChanges: [
            {
              artifactLocation: { uri: "a.wsp", uriBaseId: "%SRCROOT%" },
              replacements: [
                {
                  deletedRegion: { startLine: 1, startColumn: 7, endLine: 1, endColumn: 11 },
                  insertedContent: { text: "Name2" },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(note).toMatchObject({
      level: "note",
      locations: [{ physicalLocation: { artifactLocation: { uri: "file:///abs/my%20file.wsp" } } }],
    });
  });

  it("groups a fix's edits by file", () => {
    const d = makeDiagnostic("WSP0006", "a.wsp", { start: 0, end: 1 }, "m", {
      fixes: [
        {
          message: "both",
          edits: [
            { file: "a.wsp", start: 0, end: 1, newText: "1" },
            { file: "b.wsp", start: 1, end: 2, newText: "2" },
            { file: "a.wsp", start: 2, end: 3, newText: "3" },
          ],
        },
      ],
    });
    const result = sarif([d], { "a.wsp": A, "b.wsp": B }).runs[0]!.results[0] as {
      fixes: { artifactChanges: { artifactLocation: { uri: string }; replacements: unknown[] }[] }[];
    };
    const changes = result.fixes[0]!.artifactChanges;
    expect(changes.map((c) => [c.artifactLocation.uri, c.replacements.length])).toEqual([
      ["a.wsp", 2],
      ["b.wsp", 1],
    ]);
  });

  it("makes artifact URIs from paths", () => {
    expect(artifactLocation("sub/x y.wsp", {})).toEqual({ uri: "sub/x%20y.wsp" });
    expect(artifactLocation("../x.wsp", { srcRoot: "/r" })).toEqual({ uri: "../x.wsp", uriBaseId: "%SRCROOT%" });
    expect(artifactLocation("/a/b#c.wsp", { srcRoot: "/r" })).toEqual({ uri: "file:///a/b%23c.wsp" });
    expect(artifactLocation("C:\\work\\x.wsp", {})).toEqual({ uri: "file:///C:/work/x.wsp" });
  });
});
