/**
 * LSP positions (0-based line, UTF-16 character) to text offsets and back. The compiler's
 * `LineMap` already counts columns in UTF-16 code units, so this only shifts to 0-based and
 * clamps: a position past the end of a line or of the file means its end, never an error.
 */
import type { Position, Range } from "vscode-languageserver/node";
import type { Span } from "../grammar/ast.js";
import type { LineMap } from "../grammar/line-map.js";

/** Thrown for a position that is not a pair of numbers; the server answers it as InvalidParams. */
export class BadPositionError extends Error {}

export function offsetAt(map: LineMap, position: Position): number {
  const { line, character } = position ?? ({} as Position);
  if (!Number.isFinite(line) || !Number.isFinite(character)) {
    throw new BadPositionError(`not a position: ${JSON.stringify(position)}`);
  }
  if (line < 0) return 0;
  if (line >= map.lineCount) return map.text.length;
  return map.offset({ line: Math.floor(line) + 1, col: Math.max(0, Math.floor(character)) + 1 });
}

export function positionAt(map: LineMap, offset: number): Position {
  const { line, col } = map.position(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(map: LineMap, span: Span): Range {
  return { start: positionAt(map, span.start), end: positionAt(map, span.end) };
}
