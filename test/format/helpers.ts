import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSourceFile } from "../../compiler/source-file.js";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, "..", "..");
export const FIXTURES = join(here, "fixtures");

/** Position fields: everything the formatter may legitimately change. */
const SPAN_KEYS = new Set(["start", "end", "opSpan", "keyword"]);

/** A deep copy of a syntax tree without offsets, so trees of differently laid-out text compare. */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (SPAN_KEYS.has(key)) continue;
    out[key] = key === "doc" && typeof value === "string" ? normaliseLines(value) : stripSpans(value);
  }
  return out;
}

/**
 * Doc text and comments lose trailing blanks and CRs in the formatter (the output has no
 * trailing spaces and LF line ends); nothing else in them may change.
 */
function normaliseLines(text: string): string {
  return text
    .split(/\r\n?|\n/)
    .map((line) => line.trimEnd())
    .join("\n");
}

/** The tree of `text` without spans; throws on syntax errors (test inputs must parse). */
export function astOf(text: string): unknown {
  const parsed = parseSourceFile("test.wsp", text);
  if (parsed.syntaxDiagnostics.length > 0) {
    throw new Error(`test input does not parse: ${parsed.syntaxDiagnostics.map((d) => d.message).join("; ")}`);
  }
  return stripSpans(parsed.ast);
}

/** The comment texts of `text`, normalised as above and sorted (a multiset). */
export function commentTexts(text: string): string[] {
  return parseSourceFile("test.wsp", text)
    .comments.map((c) => normaliseLines(c.text))
    .sort();
}

export function wspFiles(dir: string): { name: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".wsp"))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));
}

/** Layout variants of a program that must format to the same text as the program itself. */
export const VARIANTS: Readonly<Record<string, (text: string) => string>> = {
  crlf: (t) => t.replace(/\n/g, "\r\n"),
  bom: (t) => "\uFEFF" + t,
  tabs: (t) => t.replace(/^( {2})+/gm, (m) => "\t".repeat(m.length / 2)),
  "trailing blanks": (t) => t.replace(/\n/g, " \t\n"),
  "blank-line runs": (t) => t.replace(/\n\n/g, "\n\n\n\n"),
};
