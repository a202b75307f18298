import type { Diagnostic, Severity } from "../diagnostic.js";
import { toRange, type LineColRange, type LineMapLookup } from "./render-common.js";

/** One diagnostic in `wspc check --format json` (1-based lines and columns, `end` exclusive). */
export interface JsonDiagnostic {
  readonly file: string;
  readonly range: LineColRange;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly related: readonly { readonly file: string; readonly range: LineColRange; readonly message: string }[];
  readonly fixes: readonly {
    readonly message: string;
    readonly edits: readonly { readonly file: string; readonly range: LineColRange; readonly newText: string }[];
  }[];
}

export function toJsonDiagnostic(d: Diagnostic, lookup: LineMapLookup): JsonDiagnostic {
  return {
    file: d.file,
    range: toRange(lookup, d.file, d),
    severity: d.severity,
    code: d.code,
    message: d.message,
    related: d.related.map((r) => ({ file: r.file, range: toRange(lookup, r.file, r), message: r.message })),
    fixes: d.fixes.map((f) => ({
      message: f.message,
      edits: f.edits.map((e) => ({ file: e.file, range: toRange(lookup, e.file, e), newText: e.newText })),
    })),
  };
}

/** The JSON array, pretty-printed, with a final newline. */
export function renderJson(diagnostics: readonly Diagnostic[], lookup: LineMapLookup): string {
  return JSON.stringify(diagnostics.map((d) => toJsonDiagnostic(d, lookup)), null, 2) + "\n";
}
