import type { Span } from "../grammar/ast.js";
import catalogue from "./diagnostics.json" with { type: "json" };

export type Severity = "error" | "warning" | "info" | "hint";

/** A place in a file. Files are named by the host's path (or URI); the compiler never opens them. */
export interface Location extends Span {
  readonly file: string;
}

export interface RelatedInfo extends Location {
  readonly message: string;
}

/** A text edit: replace [start, end) of `file` by `newText`. */
export interface TextEdit extends Location {
  readonly newText: string;
}

/** A machine-applicable fix (the language server turns it into a quick fix). */
export interface Fix {
  readonly message: string;
  readonly edits: readonly TextEdit[];
}

export interface Diagnostic extends Location {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly related: readonly RelatedInfo[];
  readonly fixes: readonly Fix[];
  /** Editor tags: the declaration is unused, or deprecated. */
  readonly tags: readonly ("unnecessary" | "deprecated")[];
}

export interface CatalogueEntry {
  readonly name: string;
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
  /** A program that produces this diagnostic (tests check it does). */
  readonly example: string;
  /** The same program corrected (tests check it is clean of this code). */
  readonly fixed: string;
}

export type DiagnosticCode = keyof typeof catalogue & string;

export const CATALOGUE: Readonly<Record<DiagnosticCode, CatalogueEntry>> =
  catalogue as Record<DiagnosticCode, CatalogueEntry>;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, code);
}

export interface DiagnosticExtras {
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly Fix[];
  readonly tags?: readonly ("unnecessary" | "deprecated")[];
  /** Overrides the catalogue's severity (e.g. a lint raised to an error). */
  readonly severity?: Severity;
}

/** Builds a diagnostic whose severity comes from the one catalogue. */
export function makeDiagnostic(
  code: DiagnosticCode,
  file: string,
  span: Span,
  message: string,
  extras: DiagnosticExtras = {},
): Diagnostic {
  return {
    code,
    severity: extras.severity ?? CATALOGUE[code].severity,
    file,
    start: span.start,
    end: Math.max(span.start, span.end),
    message,
    related: extras.related ?? [],
    fixes: extras.fixes ?? [],
    tags: extras.tags ?? [],
  };
}

/** Orders diagnostics by file, then position, then code: output is deterministic. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.start !== b.start) return a.start - b.start;
  if (a.end !== b.end) return a.end - b.end;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
