/**
 * Semantic tokens, full and delta. The compiler classifies the names of a file; this encodes them
 * in LSP's relative form and remembers the last answer per document, so a delta request gets the
 * one changed stretch of the array (whole tokens) instead of everything.
 */
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensLegend } from "vscode-languageserver/node";
import type { LineMap } from "../grammar/line-map.js";
import { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES, type SemanticToken } from "../compiler/services/semantic-tokens.js";
import { positionAt } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

/** A token is five integers: line delta, start delta, length, type, modifier bits. */
const WIDTH = 5;

export class SemanticTokensProvider {
  private readonly last = new Map<string, { readonly resultId: string; readonly data: readonly number[] }>();
  private counter = 0;

  full(uri: string, point: Pick<DocumentPoint, "result" | "file" | "source">): SemanticTokens {
    return this.remember(uri, encode(semanticTokens(point.result, point.file), point.source.lineMap));
  }

  delta(uri: string, previousResultId: string, point: Pick<DocumentPoint, "result" | "file" | "source">): SemanticTokens | SemanticTokensDelta {
    const before = this.last.get(uri);
    const data = encode(semanticTokens(point.result, point.file), point.source.lineMap);
    if (!before || before.resultId !== previousResultId) return this.remember(uri, data);
    const { resultId } = this.remember(uri, data);
    const old = before.data;
    let prefix = 0;
    while (prefix < old.length && prefix < data.length && old[prefix] === data[prefix]) prefix++;
    prefix -= prefix % WIDTH;
    let suffix = 0;
    const room = Math.min(old.length, data.length) - prefix;
    while (suffix < room && old[old.length - 1 - suffix] === data[data.length - 1 - suffix]) suffix++;
    suffix -= suffix % WIDTH;
    const deleteCount = old.length - prefix - suffix;
    const inserted = data.slice(prefix, data.length - suffix);
    return { resultId, edits: deleteCount === 0 && inserted.length === 0 ? [] : [{ start: prefix, deleteCount, data: inserted }] };
  }

  /** A closed document's last answer is not needed any more. */
  forget(uri: string): void {
    this.last.delete(uri);
  }

  private remember(uri: string, data: number[]): SemanticTokens {
    const resultId = String(++this.counter);
    this.last.set(uri, { resultId, data });
    return { resultId, data };
  }
}

function encode(tokens: readonly SemanticToken[], map: LineMap): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const t of tokens) {
    const start = positionAt(map, t.start);
    const end = positionAt(map, t.end);
    if (end.line !== start.line) continue; // names never span lines; a token may not either
    const bits = t.modifiers.reduce((b, m) => b | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(start.line - line, start.line === line ? start.character - character : start.character, end.character - start.character, TOKEN_TYPES.indexOf(t.type), bits);
    line = start.line;
    character = start.character;
  }
  return data;
}
