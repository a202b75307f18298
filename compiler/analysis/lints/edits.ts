import type { Comment, Span } from "../../../grammar/ast.js";
import type { TextEdit } from "../../diagnostic.js";

/** What a removal needs to know about the file. */
export interface RemovalSource {
  readonly file: string;
  readonly text: string;
  readonly comments: readonly Comment[];
}

/**
 * The edit that deletes a declaration (or channel) together with its doc comment: whole lines
 * when it stands alone on its lines (with a trailing `;` and line comment), otherwise just its
 * text and a separating `;` so the rest of the line stays valid.
 */
export function removeNode(src: RemovalSource, node: Span, hasDoc: boolean): TextEdit {
  const text = src.text;
  const start = hasDoc ? docStart(src, node.start) : node.start;
  let end = skipBlanks(text, node.end);
  if (text[end] === ";") end = skipBlanks(text, end + 1);
  if (text.startsWith("//", end)) end = lineEnd(text, end);
  const lineStart = startOfLine(text, start);
  const atLineStart = text.slice(lineStart, start).trim().length === 0;
  const atLineEnd = end >= text.length || text[end] === "\n" || text[end] === "\r";
  if (atLineStart && atLineEnd) return { file: src.file, start: lineStart, end: afterNewline(text, end), newText: "" };
  // Shares its line: remove just it (and blanks after it), so that removing its neighbour too
  // never needs the same characters.
  return { file: src.file, start, end, newText: "" };
}

/** Start of the `///` lines directly above `start` (no blank line between). */
function docStart(src: RemovalSource, start: number): number {
  let at = start;
  for (let i = src.comments.length - 1; i >= 0; i--) {
    const c = src.comments[i]!;
    if (c.end > at) continue;
    const gap = src.text.slice(c.end, at);
    if (c.style !== "doc" || gap.trim().length > 0 || (gap.match(/\n/g)?.length ?? 0) > 1) break;
    at = c.start;
  }
  return at;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

function lineEnd(text: string, i: number): number {
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

function startOfLine(text: string, i: number): number {
  while (i > 0 && text[i - 1] !== "\n") i--;
  return i;
}

function afterNewline(text: string, i: number): number {
  if (text[i] === "\r") i++;
  if (text[i] === "\n") i++;
  return i;
}
