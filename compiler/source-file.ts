import type { Comment, SourceFileNode } from "../grammar/ast.js";
import { LineMap } from "../grammar/line-map.js";
import { parse } from "../grammar/parse.js";
import type { SyntaxProblemKind } from "../grammar/syntax-problem.js";
import { makeDiagnostic, type Diagnostic, type DiagnosticCode } from "./diagnostic.js";

/** One parsed file: its text, tree, comments, and the syntax diagnostics found on the way. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly lineMap: LineMap;
  readonly ast: SourceFileNode;
  readonly comments: readonly Comment[];
  readonly syntaxDiagnostics: readonly Diagnostic[];
}

const SYNTAX_CODES: Readonly<Record<SyntaxProblemKind, DiagnosticCode>> = {
  "unexpected-character": "WSP0001",
  "unterminated-string": "WSP0002",
  "invalid-escape": "WSP0003",
  "unterminated-comment": "WSP0004",
  "invalid-number": "WSP0005",
  "unexpected-token": "WSP0006",
  "nesting-too-deep": "WSP0007",
};

/** Beyond this many syntax errors in one file, the rest are counted, not listed. */
export const MAX_SYNTAX_DIAGNOSTICS = 200;

/** Parses `text` as the file named `file`. Never throws: problems become diagnostics. */
export function parseSourceFile(file: string, raw: string): SourceFile {
  // A byte-order mark is not part of the program: editors neither show nor count it, so
  // positions are computed without it.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const result = parse(text);
  const shown = result.problems.slice(0, MAX_SYNTAX_DIAGNOSTICS);
  const syntaxDiagnostics = shown.map((p) => makeDiagnostic(SYNTAX_CODES[p.kind], file, p, p.message));
  const hidden = result.problems.length - shown.length;
  if (hidden > 0) {
    // A binary or badly mangled file would otherwise flood the output with follow-on noise.
    const last = shown[shown.length - 1]!;
    syntaxDiagnostics.push(makeDiagnostic("WSP0006", file, { start: last.end, end: last.end },
      `${hidden} more syntax errors after this one are not shown; is this a .wsp source file?`));
  }
  return {
    file,
    text,
    lineMap: new LineMap(text),
    ast: result.ast,
    comments: result.comments,
    syntaxDiagnostics,
  };
}
