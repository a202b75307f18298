/**
 * Workspace symbols: the declarations of many files, and a forgiving match of a query against
 * their names. Best matches first: the whole name, then a prefix, then a prefix of one of its
 * `_`-separated or camel-case words, then a substring, then the query's letters in order
 * (`rr` finds `round_robin`); case is ignored. Ties go by name, then file, then position.
 */
import type { Ident } from "../../grammar/ast.js";
import { moduleNameOf } from "../check/bind.js";
import type { NamedDecl } from "../check/symbols.js";
import type { SourceFile } from "../source-file.js";

export type DeclarationKind = NamedDecl["kind"] | "Channel" | "Process";

export interface DeclarationEntry {
  readonly name: string;
  readonly kind: DeclarationKind;
  /** The module, or `module.pipeline` for channels and processes. */
  readonly container: string;
  readonly file: string;
  /** The declaring name. */
  readonly start: number;
  readonly end: number;
}

/** The named declarations of a file: top-level ones, and the channels and processes of pipelines. */
export function declarationsOf(source: SourceFile): DeclarationEntry[] {
  const module = moduleNameOf(source);
  const out: DeclarationEntry[] = [];
  const add = (name: Ident, kind: DeclarationKind, container: string): void => {
    if (name.text.length > 0) out.push({ name: name.text, kind, container, file: source.file, start: name.start, end: name.end });
  };
  for (const d of source.ast.decls) {
    if (d.kind === "Schedule") continue;
    add(d.name, d.kind, module);
    if (d.kind === "Pipeline") for (const m of d.members) add(m.name, m.kind, `${module}.${d.name.text}`);
  }
  return out;
}

/** How well `query` matches `name`: 0 best, undefined for no match. */
export function matchScore(query: string, name: string): number | undefined {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  if (q.length === 0) return 4;
  if (n === q) return 0;
  if (n.startsWith(q)) return 1;
  if (wordStarts(name).some((i) => n.startsWith(q, i))) return 2;
  if (n.includes(q)) return 3;
  return inOrder(q, n) ? 4 : undefined;
}

/** Where the words of a name start: after `_`, and at a capital following a lower-case letter. */
function wordStarts(name: string): number[] {
  const starts: number[] = [];
  for (let i = 1; i < name.length; i++) {
    const prev = name[i - 1]!;
    const c = name[i]!;
    if ((prev === "_" && c !== "_") || (/[a-z0-9]/.test(prev) && /[A-Z]/.test(c))) starts.push(i);
  }
  return starts;
}

function inOrder(q: string, n: string): boolean {
  let j = 0;
  for (let i = 0; i < n.length && j < q.length; i++) if (n[i] === q[j]) j++;
  return j === q.length;
}

/** The entries matching `query`, best first, at most `limit`. */
export function searchDeclarations(entries: readonly DeclarationEntry[], query: string, limit: number): DeclarationEntry[] {
  const scored: { entry: DeclarationEntry; score: number }[] = [];
  for (const entry of entries) {
    const score = matchScore(query.trim(), entry.name);
    if (score !== undefined) scored.push({ entry, score });
  }
  scored.sort((a, b) => a.score - b.score || compare(a.entry.name, b.entry.name) || compare(a.entry.file, b.entry.file) || a.entry.start - b.entry.start);
  return scored.slice(0, limit).map((s) => s.entry);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
