/** Inlay hints: tasks per kernel call and the static scheduler of its tasks (compiler/services/inlay-hints.ts). */
import { type InlayHint, type Range } from "vscode-languageserver/node";
import { inlayHints as computeHints } from "../compiler/services/inlay-hints.js";
import { offsetAt, positionAt } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function inlayHints(doc: Omit<DocumentPoint, "offset">, range: Range): InlayHint[] {
  const map = doc.source.lineMap;
  const span = { start: offsetAt(map, range.start), end: offsetAt(map, range.end) };
  return computeHints(doc.result, doc.file, span).map((h) => ({
    position: positionAt(map, h.offset),
    label: h.label,
    tooltip: h.tooltip,
    paddingLeft: true,
  }));
}
