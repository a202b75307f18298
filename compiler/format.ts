/**
 * `wspc fmt`: the one canonical layout of a `.wsp` file (docs/formatting.md). Like gofmt it
 * normalises spacing and indentation but keeps the author's line structure: blank lines (at
 * most one), one-line blocks that fit, broken argument lists, clauses on their own lines.
 */
import { makeDiagnostic, type Diagnostic } from "./diagnostic.js";
import { printFile } from "./format/print.js";
import { SourceText } from "./format/source.js";
import { Writer } from "./format/writer.js";
import { parseSourceFile } from "./source-file.js";

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Formats `text` (the contents of `file`). A file with syntax errors is left alone. */
export function formatSource(file: string, text: string): FormatResult {
  const parsed = parseSourceFile(file, text);
  if (parsed.syntaxDiagnostics.length > 0) return { ok: false, diagnostics: parsed.syntaxDiagnostics };
  // The tree's offsets are into `parsed.text` (the file without a byte-order mark).
  const src = new SourceText(parsed.text, parsed.comments);
  const w = new Writer(src, src.comments);
  try {
    printFile({ src, w }, parsed.ast);
    return { ok: true, text: w.finish() };
  } catch (error) {
    // Not expected (the parser bounds nesting); as in grammar/parse.ts the caller still gets a
    // result, not an exception.
    const stack = error instanceof RangeError;
    const diagnostic = stack
      ? makeDiagnostic("WSP0007", file, { start: 0, end: 0 }, "this file is nested too deeply to be formatted")
      : makeDiagnostic("WSP0006", file, { start: 0, end: 0 },
          `the formatter failed on this file (${String(error)}); please report this as a bug`);
    return { ok: false, diagnostics: [diagnostic] };
  }
}
