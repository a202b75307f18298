/**
 * Small pure helpers the parser's actions use to build AST nodes from tokens. Recovery may
 * leave any token missing or invented (`isInsertedInRecovery`, no offsets): a missing name
 * becomes an empty zero-width Ident, a missing expression `Missing` — each placed right after
 * the last token that is there (see `after`).
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE } from "./ast.js";

/** A token that is really in the text (not inserted by recovery). */
export function isReal(token: IToken): boolean {
  return token.isInsertedInRecovery !== true && !Number.isNaN(token.startOffset);
}

/** The token if it is real, else undefined. */
export function real(token: IToken): IToken | undefined {
  return token.isInsertedInRecovery !== true && !Number.isNaN(token.startOffset) ? token : undefined;
}

export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

export function tokenSpan(token: IToken): A.Span {
  return { start: token.startOffset, end: tokenEnd(token) };
}

/** The end of the last item, or `fallback` for none. */
export function lastEnd(items: readonly A.Span[], fallback: number): number {
  return items.length > 0 ? Math.max(fallback, items[items.length - 1]!.end) : fallback;
}

/** The end of the last of the given pieces that exists: where something missing would go. */
export function after(fallback: number, ...pieces: (IToken | A.Span | undefined)[]): number {
  let end = fallback;
  for (const piece of pieces) {
    if (piece === undefined) continue;
    const e = "image" in piece ? tokenEnd(piece) : piece.end;
    if (e > end) end = e;
  }
  return end;
}

export function ident(token: IToken | undefined, at: number): A.Ident {
  if (!token) return { text: "", start: at, end: at };
  return { text: token.image, start: token.startOffset, end: tokenEnd(token) };
}

export function optIdent(token: IToken | undefined): A.Ident | undefined {
  return token ? ident(token, 0) : undefined;
}

export function scalarType(token: IToken | undefined, at: number): A.ScalarTypeRef {
  if (!token) return { name: "", start: at, end: at };
  return { name: token.image, start: token.startOffset, end: tokenEnd(token) };
}

export function missing(at: number): A.MissingExpr {
  return { kind: "Missing", start: at, end: at };
}

/** Folds `a op b op c ...` by BINARY_PRECEDENCE, left-associative (operator-precedence parsing). */
export function foldBinary(operands: readonly A.Expr[], operators: readonly IToken[]): A.Expr {
  const values: A.Expr[] = [operands[0]!];
  const pending: IToken[] = [];
  const reduce = (): void => {
    const op = pending.pop()!;
    const right = values.pop()!;
    const left = values.pop()!;
    const opSpan = tokenSpan(op);
    values.push({
      kind: "Binary",
      op: op.image as A.BinaryOp,
      opSpan,
      left,
      right,
      start: Math.min(left.start, opSpan.start),
      end: Math.max(right.end, opSpan.end),
    });
  };
  for (let i = 0; i < operators.length; i++) {
    const op = operators[i]!;
    const precedence = BINARY_PRECEDENCE[op.image as A.BinaryOp];
    while (pending.length > 0 && BINARY_PRECEDENCE[pending[pending.length - 1]!.image as A.BinaryOp] >= precedence) reduce();
    pending.push(op);
    values.push(operands[i + 1]!);
  }
  while (pending.length > 0) reduce();
  return values[0]!;
}

// ---------------------------------------------------------------------------------------------
// Doc comments
// ---------------------------------------------------------------------------------------------

/**
 * The `///` lines directly above `offset`: consecutive lines, each starting its line, the last
 * one on the line right before the declaration keyword.
 */
export function docBefore(text: string, comments: readonly A.Comment[], offset: number): string | undefined {
  let i = lastCommentEndingBefore(comments, offset);
  const lines: string[] = [];
  let next = offset;
  while (i >= 0) {
    const c = comments[i]!;
    if (c.style !== "doc" || !isOneLineBreak(text, c.end, next) || !startsItsLine(text, c.start)) break;
    lines.push(docLine(c.text));
    next = c.start;
    i--;
  }
  return lines.length === 0 ? undefined : lines.reverse().join("\n");
}

function lastCommentEndingBefore(comments: readonly A.Comment[], offset: number): number {
  let lo = 0;
  let hi = comments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.end <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function isOneLineBreak(text: string, from: number, to: number): boolean {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) breaks++;
    else if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return breaks === 1;
}

function startsItsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && !(i === 0 && c === 0xfeff)) return false;
  }
  return true;
}

/** `/// text` → `text`: the slashes and one following space go. */
function docLine(comment: string): string {
  const body = comment.slice(3);
  return body.startsWith(" ") ? body.slice(1) : body;
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

export function stringLit(token: IToken): A.StringLit {
  return { kind: "String", value: decodeString(token.image), start: token.startOffset, end: tokenEnd(token) };
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

/** The value of a string token; unknown escapes (already reported) are kept as written. */
function decodeString(image: string): string {
  if (image.length >= 2 && image.endsWith('"') && !image.includes("\\")) return image.slice(1, -1);
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedQuoteAtEnd(image);
  const body = image.slice(1, terminated ? -1 : undefined);
  return body.replace(/\\(.?)/g, (whole, c: string) => ESCAPES[c] ?? whole);
}

function isEscapedQuoteAtEnd(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}
