/** Hover: the declaration as written, its doc comment, and the stable id where the package uses one. */
import { MarkupKind, type Hover } from "vscode-languageserver/node";
import { describeTarget, symbolAt } from "../compiler/queries.js";
import { stableId } from "../runtime/package/ids.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function hover(point: DocumentPoint): Hover | null {
  const hit = symbolAt(point.result, point.file, point.offset);
  if (!hit) return null;
  const d = describeTarget(point.result, hit.target);
  const parts = [`(${d.what})`, "```wsp\n" + d.header + "\n```"];
  if (d.doc) parts.push(d.doc);
  if (d.idName) parts.push(`stable id \`${stableId(d.idName)}\` (of \`${d.idName}\`)`);
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join("\n\n") },
    range: rangeOf(point.source.lineMap, hit.ident),
  };
}
