import type { Span } from "../../grammar/ast.js";
import type { LineMap } from "../../grammar/line-map.js";
import type { Diagnostic } from "../diagnostic.js";
import { countBySeverity, lineMapOf, type LineMapLookup } from "./render-common.js";

export interface TextOptions {
  /**
   * Also show the offending source line with the range underlined, related locations and fix
   * hints (for a terminal). Without it every diagnostic is exactly one line, for tools.
   */
  readonly snippets: boolean;
}

/** Longest stretch of a source line shown in a snippet; a 1 MB line must not flood the terminal. */
const SNIPPET_WIDTH = 120;
/** How much of the line before the range a shortened snippet keeps. */
const SNIPPET_LEAD = 40;

/** `path:line:col: severity CODE: message` lines, optionally with source snippets. */
export function renderText(
  diagnostics: readonly Diagnostic[],
  lookup: LineMapLookup,
  options: TextOptions,
): string {
  if (!options.snippets) return diagnostics.map((d) => headline(d, lookup) + "\n").join("");
  return diagnostics.map((d) => detailed(d, lookup) + "\n").join("");
}

/** `2 errors, 1 warning` (info and hint counts only when there are any). */
export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const counts = countBySeverity(diagnostics);
  const parts = [plural(counts.error, "error"), plural(counts.warning, "warning")];
  if (counts.info > 0) parts.push(plural(counts.info, "info", "infos"));
  if (counts.hint > 0) parts.push(plural(counts.hint, "hint"));
  return parts.join(", ");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function headline(d: Diagnostic, lookup: LineMapLookup): string {
  return `${location(d.file, d.start, lookup)}: ${d.severity} ${d.code}: ${oneLine(d.message)}`;
}

function location(file: string, offset: number, lookup: LineMapLookup): string {
  const pos = lineMapOf(lookup, file).position(offset);
  return `${file}:${pos.line}:${pos.col}`;
}

function detailed(d: Diagnostic, lookup: LineMapLookup): string {
  const lines = [headline(d, lookup), ...snippet(lineMapOf(lookup, d.file), d, "  ")];
  for (const r of d.related) {
    lines.push(`  ${location(r.file, r.start, lookup)}: note: ${oneLine(r.message)}`);
    lines.push(...snippet(lineMapOf(lookup, r.file), r, "    "));
  }
  for (const f of d.fixes) lines.push(`  help: ${oneLine(f.message)}`);
  return lines.join("\n");
}

/**
 * The first line of `span` with a `^` under each of its characters (one `^` for an empty range;
 * a range running past the line is underlined to the line's end). Tabs before the range are
 * copied into the underline so it lines up whatever the terminal's tab width.
 */
export function snippet(map: LineMap, span: Span, indent: string): string[] {
  const start = map.position(span.start);
  const end = map.position(span.end);
  const text = map.lineText(start.line);
  const from = start.col - 1;
  const to = Math.max(from + 1, end.line === start.line ? end.col - 1 : text.length);

  let winStart = 0;
  let winEnd = text.length;
  if (text.length > SNIPPET_WIDTH) {
    winStart = Math.max(0, Math.min(from - SNIPPET_LEAD, text.length - SNIPPET_WIDTH));
    winEnd = winStart + SNIPPET_WIDTH;
  }
  const before = winStart > 0 ? "..." : "";
  const after = winEnd < text.length ? "..." : "";
  const shown = printable(text.slice(winStart, winEnd));
  const caretStart = from - winStart;
  const caretCount = Math.max(1, Math.min(to, winEnd) - from);

  const gutter = String(start.line);
  const blank = " ".repeat(gutter.length);
  const pad = before.replace(/./g, " ") + shown.slice(0, caretStart).replace(/[^\t]/g, " ");
  return [
    `${indent}${gutter} | ${before}${shown}${after}`.trimEnd(),
    `${indent}${blank} | ${pad}${"^".repeat(caretCount)}`,
  ];
}

/**
 * Control characters (including a lone CR, escape sequences and Unicode line breaks) would move
 * the terminal's cursor; each becomes U+FFFD so the underline still lines up.
 */
function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g, "\ufffd");
}

/** Messages are one line each in the text format; control characters are shown escaped. */
function oneLine(message: string): string {
  return message.replace(
    /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
