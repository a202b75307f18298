import type { Span } from "../../grammar/ast.js";
import type { Fix } from "../diagnostic.js";

/**
 * Edit distance with adjacent transpositions (optimal string alignment), bounded for speed: gives
 * up (returning `limit + 1`) as soon as a row exceeds `limit`. `rows` are scratch buffers reused
 * across calls, so checking thousands of unknown names against thousands of candidates stays fast.
 */
export function editDistance(a: string, b: string, limit: number, rows: Rows = scratchRows(b.length)): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let [prev2, prev, cur] = rows[0].length > n ? rows : scratchRows(n);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    const oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  return prev[n]!;
}

/** Three rows of the distance table: two back (for transpositions), previous, current. */
type Rows = [Int32Array, Int32Array, Int32Array];

function scratchRows(length: number): Rows {
  return [new Int32Array(length + 1), new Int32Array(length + 1), new Int32Array(length + 1)];
}

/**
 * The candidate closest to `name`, if close enough to be a likely typo: at most a third of the
 * name's length in edits (at least one), or a case-insensitive match. Ties go to the
 * alphabetically first candidate so messages are deterministic.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length === 0) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  const rows = scratchRows(name.length + limit); // fits every candidate not skipped below
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === name || c.length === 0 || Math.abs(c.length - name.length) > limit) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(name, c, limit, rows);
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** "; did you mean `x`?" or "" — appended to unknown-name messages. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = closestName(name, candidates);
  return s === undefined ? "" : `; did you mean \`${s}\`?`;
}

/** A "did you mean" as message text and as the fix that makes the change (none without a suggestion). */
export interface Suggestion {
  readonly hint: string;
  readonly fixes: readonly Fix[];
}

/**
 * The suggestion for the unknown `name` written at `at` of `file`: the same text as `didYouMean`,
 * plus a fix replacing the name by the suggested one, which editors offer as a quick fix.
 */
export function suggestion(name: string, candidates: Iterable<string>, file: string, at: Span): Suggestion {
  const s = closestName(name, candidates);
  if (s === undefined) return { hint: "", fixes: [] };
  return {
    hint: `; did you mean \`${s}\`?`,
    fixes: [{ message: `change \`${name}\` to \`${s}\``, edits: [{ file, start: at.start, end: at.end, newText: s }] }],
  };
}
