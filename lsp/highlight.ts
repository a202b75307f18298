/** Document highlight: the mentions of the name under the cursor in this file, read or written. */
import { DocumentHighlightKind, type DocumentHighlight } from "vscode-languageserver/node";
import { documentHighlights, type HighlightKind } from "../compiler/services/highlight.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

const KIND: Readonly<Record<HighlightKind, DocumentHighlightKind>> = {
  text: DocumentHighlightKind.Text,
  read: DocumentHighlightKind.Read,
  write: DocumentHighlightKind.Write,
};

export function highlights(point: DocumentPoint): DocumentHighlight[] {
  return documentHighlights(point.result, point.file, point.offset)
    .map((h) => ({ range: rangeOf(point.source.lineMap, h), kind: KIND[h.kind] }));
}
