import type { Span } from "./ast.js";

/**
 * What the lexer and parser can find wrong. The grammar layer knows nothing of diagnostic
 * codes: the compiler maps each kind to its catalogue entry (compiler/diagnostics.json).
 */
export type SyntaxProblemKind =
  | "unexpected-character"
  | "unterminated-string"
  | "invalid-escape"
  | "unterminated-comment"
  | "invalid-number"
  | "unexpected-token"
  | "nesting-too-deep";

export interface SyntaxProblem extends Span {
  readonly kind: SyntaxProblemKind;
  readonly message: string;
}
