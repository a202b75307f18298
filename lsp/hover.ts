/**
 * Hover: the declaration as written, its doc comment, and the stable id where the package uses
 * one; on a kernel call, the tasks it creates; on a schedule directive, its capability status on
 * the schedule's target.
 */
import { MarkupKind, type Hover } from "vscode-languageserver/node";
import { describeTarget, symbolAt } from "../compiler/queries.js";
import { directiveStatusAt, taskCountNote } from "../compiler/services/hover-extras.js";
import { stableId } from "../runtime/package/ids.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function hover(point: DocumentPoint): Hover | null {
  const directive = directiveHover(point);
  if (directive) return directive;
  const hit = symbolAt(point.result, point.file, point.offset);
  if (!hit) return null;
  const d = describeTarget(point.result, hit.target);
  const parts = [`(${d.what})`, "```wsp\n" + d.header + "\n```"];
  if (d.doc) parts.push(d.doc);
  if (d.idName) parts.push(`stable id \`${stableId(d.idName)}\` (of \`${d.idName}\`)`);
  const tasks = hit.isDeclaration ? undefined : taskCountNote(point.result, point.file, point.offset);
  if (tasks) parts.push(tasks);
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join("\n\n") },
    range: rangeOf(point.source.lineMap, hit.ident),
  };
}

function directiveHover(point: DocumentPoint): Hover | null {
  const s = directiveStatusAt(point.result, point.file, point.offset);
  if (!s) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: `\`${s.directive}\` on \`${s.target}\` (back end \`${s.backend}\`): **${s.capability.status}** — ${s.capability.reason}` },
    range: rangeOf(point.source.lineMap, s),
  };
}
