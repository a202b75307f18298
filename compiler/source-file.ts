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

/** Parses `text` as the file named `file`. Never throws: problems become diagnostics. */
export function parseSourceFile(file: string, raw: string): SourceFile {
  // A byte-order mark is not part of the program: editors neither show nor count it, so
  // positions are computed without it.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const result = parse(text);
  const syntaxDiagnostics = result.problems.map((p) =>
    makeDiagnostic(SYNTAX_CODES[p.kind], file, p, p.message),
  );
  return {
    file,
    text,
    lineMap: new LineMap(text),
    ast: result.ast,
    comments: result.comments,
    syntaxDiagnostics,
  };
}
