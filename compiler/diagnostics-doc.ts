import type { CatalogueEntry } from "./diagnostic.js";

/**
 * Markdown text for the diagnostic catalogue. `docs/diagnostics.md` is exactly
 * `diagnosticsMarkdown(CATALOGUE)`, and `wspc explain CODE` prints `diagnosticSection` for one
 * code, so the two always say the same thing.
 */

/** Codes in ascending order: the catalogue file's key order must not leak into the output. */
export function sortedCodes(catalogue: Readonly<Record<string, CatalogueEntry>>): string[] {
  return Object.keys(catalogue).sort();
}

/** The heading of one entry, e.g. `WSP0001: Unexpected character`. */
export function sectionTitle(code: string, entry: CatalogueEntry): string {
  return `${code}: ${entry.title}`;
}

/** The markdown for one catalogue entry, starting with its `##` heading. */
export function diagnosticSection(code: string, entry: CatalogueEntry): string {
  return [
    `## ${sectionTitle(code, entry)}`,
    "",
    `- Severity: ${entry.severity}`,
    `- Name: \`${entry.name}\``,
    "",
    entry.explanation.trim(),
    "",
    `Example (reports ${code}):`,
    "",
    codeBlock(entry.example),
    "",
    "Fixed:",
    "",
    codeBlock(entry.fixed),
    "",
  ].join("\n");
}

/** The whole of docs/diagnostics.md. */
export function diagnosticsMarkdown(catalogue: Readonly<Record<string, CatalogueEntry>>): string {
  const codes = sortedCodes(catalogue);
  const index = codes.map((code) => {
    const entry = catalogue[code]!;
    const link = `[${code}](#${headingSlug(sectionTitle(code, entry))})`;
    return `| ${link} | ${entry.severity} | ${tableCell(entry.title)} |`;
  });
  const head = [
    "# Diagnostics",
    "",
    "<!-- Generated from compiler/diagnostics.json by `wspc docs-diagnostics`",
    "     (`npm run docs:diagnostics`). Do not edit by hand: a test checks it is up to date. -->",
    "",
    "Every problem `wspc` reports carries a code. `wspc explain CODE` prints the entry for one",
    "code as it appears below. Each entry has an example program that produces the diagnostic",
    "and the same program corrected.",
    "",
    "| Code | Severity | Title |",
    "| --- | --- | --- |",
    ...index,
    "",
  ].join("\n");
  return [head, ...codes.map((code) => diagnosticSection(code, catalogue[code]!))].join("\n");
}

/** A fenced `wsp` block; the fence is longer than any backtick run inside the program. */
function codeBlock(program: string): string {
  const body = program.replace(/\r?\n$/, "");
  const longestRun = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}wsp\n${body}\n${fence}`;
}

/** Escapes what would end or break a markdown table cell. */
function tableCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation other than `-` and `_` dropped,
 * spaces turned into `-`.
 */
export function headingSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}
