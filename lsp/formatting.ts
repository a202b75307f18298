/** Whole-document formatting through `wspc fmt`'s formatter; a file with syntax errors is left alone. */
import type { TextEdit } from "vscode-languageserver/node";
import { formatSource } from "../compiler/format.js";
import { LineMap } from "../grammar/line-map.js";
import { positionAt } from "./positions.js";

export function formatDocument(file: string, text: string): TextEdit[] {
  const formatted = formatSource(file, text);
  if (!formatted.ok || formatted.text === text) return [];
  // One edit over the whole text (a byte-order mark the formatter drops goes with it).
  const map = new LineMap(text);
  return [{ range: { start: { line: 0, character: 0 }, end: positionAt(map, text.length) }, newText: formatted.text }];
}
