import type { Span } from "../../grammar/ast.js";
import { LineMap, type LineCol } from "../../grammar/line-map.js";
import type { Diagnostic, Severity } from "../diagnostic.js";

/**
 * How a renderer finds the line map of a file named in a diagnostic. Undefined when the file is
 * unknown; positions then fall back to 1:1 rather than failing the whole report.
 */
export type LineMapLookup = (file: string) => LineMap | undefined;

/** A 1-based line/column range; `end` is the position just after the last character. */
export interface LineColRange {
  readonly start: LineCol;
  readonly end: LineCol;
}

const EMPTY = new LineMap("");

export function lineMapOf(lookup: LineMapLookup, file: string): LineMap {
  return lookup(file) ?? EMPTY;
}

export function toRange(lookup: LineMapLookup, file: string, span: Span): LineColRange {
  const map = lineMapOf(lookup, file);
  return { start: map.position(span.start), end: map.position(span.end) };
}

/** Per-severity counts, in the order users read them. */
export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

/** The process exit status a set of diagnostics calls for: 1 with any error, else 0. */
export function exitStatusFor(diagnostics: readonly Diagnostic[]): 0 | 1 {
  return diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}
