/** Selection ranges: from the token under each cursor out to the whole file. */
import type { Position, SelectionRange } from "vscode-languageserver/node";
import type { SourceFile } from "../compiler/source-file.js";
import { selectionRanges } from "../compiler/services/selection.js";
import { offsetAt, rangeOf } from "./positions.js";

export function selectionRangesAt(source: SourceFile, positions: readonly Position[]): SelectionRange[] {
  return positions.map((p) => {
    const spans = selectionRanges(source, offsetAt(source.lineMap, p));
    let range: SelectionRange | undefined;
    for (let i = spans.length - 1; i >= 0; i--) range = { range: rangeOf(source.lineMap, spans[i]!), ...(range ? { parent: range } : {}) };
    return range!;
  });
}
