import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, type CatalogueEntry } from "../../compiler/diagnostic.js";
import { diagnosticSection, diagnosticsMarkdown, headingSlug } from "../../compiler/diagnostics-doc.js";
import { REPO } from "./helpers.js";

const entry: CatalogueEntry = {
  name: "unexpected-character",
  severity: "error",
  title: "Unexpected character",
  explanation: "The file contains a `$`.\n",
  example: "const N = 4 $\n",
  fixed: "const N = 4\n",
};

describe("diagnostics reference", () => {
  it("docs/diagnostics.md is up to date with compiler/diagnostics.json (run `npm run docs:diagnostics`)", () => {
    const onDisk = fs.readFileSync(path.join(REPO, "docs/diagnostics.md"), "utf8");
    expect(onDisk).toBe(diagnosticsMarkdown(CATALOGUE));
  });

  it("documents every catalogue code with its title, severity, explanation and both programs", () => {
    const doc = diagnosticsMarkdown(CATALOGUE);
    for (const [code, e] of Object.entries(CATALOGUE)) {
      expect(doc).toContain(`## ${code}: ${e.title}\n`);
      expect(doc).toContain(diagnosticSection(code, e));
    }
  });

  it("lays out one entry as a markdown section", () => {
    expect(diagnosticSection("WSP0001", entry)).toBe(
      [
        "## WSP0001: Unexpected character",
        "",
        "- Severity: error",
        "- Name: `unexpected-character`",
        "",
        "The file contains a `$`.",
        "",
        "Example (reports WSP0001):",
        "",
        "```wsp",
        "const N = 4 $",
        "```",
        "",
        "Fixed:",
        "",
        "```wsp",
        "const N = 4",
        "```",
        "",
      ].join("\n"),
    );
  });

  it("lengthens the code fence past backticks inside a program", () => {
    const section = diagnosticSection("WSP0002", { ...entry, example: "// ``` inside\n" });
    expect(section).toContain("\n````wsp\n// ``` inside\n````\n");
  });

  it("indexes codes in ascending order with links to their sections", () => {
    const doc = diagnosticsMarkdown({ WSP0002: { ...entry, title: "Second | one" }, WSP0001: entry });
    expect(doc).toContain(
      "| [WSP0001](#wsp0001-unexpected-character) | error | Unexpected character |\n" +
        "| [WSP0002](#wsp0002-second--one) | error | Second \\| one |\n",
    );
    expect(doc.indexOf("## WSP0001")).toBeLessThan(doc.indexOf("## WSP0002"));
  });

  it("computes GitHub's heading anchors", () => {
    expect(headingSlug("WSP0001: Unexpected character")).toBe("wsp0001-unexpected-character");
    expect(headingSlug("WSP0042: `replica` outside a replicated process")).toBe(
      "wsp0042-replica-outside-a-replicated-process",
    );
    expect(headingSlug("WSP0100: u64/i64 mixing")).toBe("wsp0100-u64i64-mixing");
  });
});
