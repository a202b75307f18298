/** Go to definition: where the name under the cursor is declared, in any file the program read (stdlib included). */
import type { Location } from "vscode-languageserver/node";
import { declarationOf, symbolAt } from "../compiler/queries.js";
import { lineMapOf } from "./diagnostics.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function definition(point: DocumentPoint, uriOf: (file: string) => string): Location | null {
  const hit = symbolAt(point.result, point.file, point.offset);
  if (!hit) return null;
  const at = declarationOf(hit.target);
  const map = lineMapOf(point.result, at.file);
  return map ? { uri: uriOf(at.file), range: rangeOf(map, at) } : null;
}
