/**
 * Find references: every mention of the declaration under the cursor across the programs of all
 * open documents (so files that import this one are searched when they are open).
 */
import type { Location } from "vscode-languageserver/node";
import type { CheckResult } from "../compiler/program.js";
import { referencesTo, symbolAt, targetKey } from "../compiler/queries.js";
import { lineMapOf } from "./diagnostics.js";
import { rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function references(
  point: DocumentPoint,
  includeDeclaration: boolean,
  programs: readonly CheckResult[],
  uriOf: (file: string) => string,
): Location[] {
  const hit = symbolAt(point.result, point.file, point.offset);
  if (!hit) return [];
  const key = targetKey(hit.target);
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const result of [point.result, ...programs]) {
    for (const at of referencesTo(result, key, includeDeclaration)) {
      const id = `${at.file}\0${at.start}`;
      const map = lineMapOf(result, at.file);
      if (seen.has(id) || !map) continue;
      seen.add(id);
      out.push({ uri: uriOf(at.file), range: rangeOf(map, at) });
    }
  }
  return out;
}
