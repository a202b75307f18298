/** Range formatting: `wspc fmt`'s changes on the lines of the range; none for a file with syntax errors. */
import type { Range, TextEdit } from "vscode-languageserver/node";
import { formatRange } from "../compiler/services/format-range.js";
import { LineMap } from "../grammar/line-map.js";
import { offsetAt, rangeOf } from "./positions.js";

export function formatDocumentRange(file: string, text: string, range: Range): TextEdit[] {
  const map = new LineMap(text);
  const result = formatRange(file, text, { start: offsetAt(map, range.start), end: offsetAt(map, range.end) });
  if (!result.ok) return [];
  return result.edits.map((e) => ({ range: rangeOf(map, e), newText: e.newText }));
}
