/** Folding ranges: blocks and declarations, comment runs, the `use` lines. */
import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver/node";
import type { SourceFile } from "../compiler/source-file.js";
import { foldingRanges } from "../compiler/services/folding.js";

const KIND = { region: FoldingRangeKind.Region, comment: FoldingRangeKind.Comment, imports: FoldingRangeKind.Imports } as const;

/** At most `limit` ranges (the client's `rangeLimit`), the first ones in the file. */
export function foldingRangesOf(source: SourceFile, limit: number | undefined): FoldingRange[] {
  const ranges = foldingRanges(source).map((r) => ({ startLine: r.startLine, endLine: r.endLine, kind: KIND[r.kind] }));
  return limit !== undefined && limit >= 0 ? ranges.slice(0, limit) : ranges;
}
