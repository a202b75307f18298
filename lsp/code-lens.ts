/** Code lenses above each schedule: "Build package" and "Simulate" (run by lsp/commands.ts). */
import type { CodeLens } from "vscode-languageserver/node";
import { scheduleEntries } from "../compiler/services/code-lens.js";
import { BUILD_COMMAND, SIMULATE_COMMAND } from "./commands.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function codeLenses(doc: Omit<DocumentPoint, "offset">, uri: string): CodeLens[] {
  const out: CodeLens[] = [];
  for (const e of scheduleEntries(doc.result, doc.file)) {
    const range = rangeOf(doc.source.lineMap, e.span);
    out.push({ range, command: { title: "Build package", command: BUILD_COMMAND, arguments: [uri, e.name] } });
    out.push({ range, command: { title: "Simulate", command: SIMULATE_COMMAND, arguments: [uri, e.name] } });
  }
  return out;
}
