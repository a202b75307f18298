/** Go to type definition: a loop variable's axis, a token's channel, a view's tensor. */
import type { Location } from "vscode-languageserver/node";
import { typeDefinition } from "../compiler/services/type-definition.js";
import { lineMapOf } from "./diagnostics.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function typeDefinitionAt(point: DocumentPoint, uriOf: (file: string) => string): Location | null {
  const at = typeDefinition(point.result, point.file, point.offset);
  const map = at ? lineMapOf(point.result, at.file) : undefined;
  return at && map ? { uri: uriOf(at.file), range: rangeOf(map, at) } : null;
}
