/**
 * Range formatting through `wspc fmt`'s formatter: the whole file is formatted (the layout of a
 * line can depend on its surroundings), the result is compared with the text line by line, and
 * only the changes on the lines of the range are returned. A changed line becomes an edit of the
 * characters that differ; lines added or removed (blank lines) become one edit over their run.
 * A file with syntax errors gets no edits, as with whole-file formatting.
 */
import type { Span } from "../../grammar/ast.js";
import { LineMap } from "../../grammar/line-map.js";
import type { Diagnostic, TextEdit } from "../diagnostic.js";
import { formatSource } from "../format.js";

export type RangeFormatResult =
  | { readonly ok: true; readonly edits: readonly TextEdit[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Beyond this many differing lines (after common ends are set aside), the middle is one change. */
const MAX_DIFF = 1000;

/** Edits formatting the lines that `range` (offsets into `text`) touches. */
export function formatRange(file: string, text: string, range: Span): RangeFormatResult {
  const formatted = formatSource(file, text);
  if (!formatted.ok) return formatted;
  // The formatter drops a byte-order mark; a range format keeps it (it is outside every line).
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = text.slice(bom);
  const before = splitLines(body);
  const after = splitLines(formatted.text);
  const { first, last } = rangeLines(new LineMap(body), Math.max(0, range.start - bom), Math.max(0, range.end - bom));
  const starts = lineStarts(before);
  const edits: TextEdit[] = [];
  for (const h of diffLines(before, after)) {
    if (h.aStart === h.aEnd ? h.aStart < first || h.aStart > last : h.aEnd - 1 < first || h.aStart > last) continue;
    if (h.aEnd - h.aStart === h.bEnd - h.bStart) {
      for (let k = 0; k < h.aEnd - h.aStart; k++) {
        const line = h.aStart + k;
        if (line >= first && line <= last) edits.push(lineEdit(file, starts[line]! + bom, before[line]!, after[h.bStart + k]!));
      }
    } else {
      edits.push({ file, start: starts[h.aStart]! + bom, end: starts[h.aEnd]! + bom, newText: after.slice(h.bStart, h.bEnd).join("") });
    }
  }
  return { ok: true, edits };
}

/** Lines with their terminators, so that joining them gives the text back. */
function splitLines(text: string): string[] {
  return text.length === 0 ? [] : text.split(/(?<=\n)/);
}

function lineStarts(lines: readonly string[]): number[] {
  const starts = [0];
  for (const l of lines) starts.push(starts[starts.length - 1]! + l.length);
  return starts;
}

/** 0-based first and last line a range touches; a range ending at a line's start leaves that line out. */
function rangeLines(map: LineMap, start: number, end: number): { first: number; last: number } {
  const first = map.position(start).line - 1;
  const stop = map.position(end);
  const last = end > start && stop.col === 1 ? stop.line - 2 : stop.line - 1;
  return { first, last: Math.max(first, last) };
}

/** The smallest edit turning one line into another: the characters between their common ends. */
function lineEdit(file: string, at: number, from: string, to: string): TextEdit {
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  let s = 0;
  while (s < from.length - p && s < to.length - p && from[from.length - 1 - s] === to[to.length - 1 - s]) s++;
  return { file, start: at + p, end: at + from.length - s, newText: to.slice(p, to.length - s) };
}

/** A run of lines `a[aStart, aEnd)` replaced by `b[bStart, bEnd)`. */
interface Hunk {
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
}

/** The changed runs between two line lists (Myers' O(ND) diff over the part between common ends). */
export function diffLines(a: readonly string[], b: readonly string[]): Hunk[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return [];
  const matches = myers(midA, midB);
  const hunks: Hunk[] = [];
  if (!matches) return [{ aStart: head, aEnd: head + midA.length, bStart: head, bEnd: head + midB.length }];
  let i = 0;
  let j = 0;
  for (const [x, y] of [...matches, [midA.length, midB.length] as const]) {
    if (x > i || y > j) hunks.push({ aStart: head + i, aEnd: head + x, bStart: head + j, bEnd: head + y });
    i = x + 1;
    j = y + 1;
  }
  return hunks;
}

/** No point reached on a diagonal (yet, or within the edit graph). */
const NONE = -1;

/** Matched line pairs in order, or undefined when more than MAX_DIFF lines differ. */
function myers(a: readonly string[], b: readonly string[]): [number, number][] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_DIFF);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3).fill(NONE);
  v[1 + off] = 0; // the start, as if reached by a step down onto diagonal 0
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const from = step(v, k, off, n, m);
      if (from === undefined) {
        v[k + off] = NONE;
        continue;
      }
      let x = from.x;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[k + off] = x;
      if (x === n && y === m) return backtrack(trace, n, m, off);
    }
  }
  return undefined;
}

/**
 * The furthest x on diagonal k after one more step, and the diagonal it came from: down from
 * k+1 or right from k-1, whichever stays inside the edit graph and gets further.
 */
function step(v: Int32Array, k: number, off: number, n: number, m: number): { x: number; prevK: number } | undefined {
  const down = v[k + 1 + off]!;
  const right = v[k - 1 + off]!;
  const canDown = down !== NONE && down - k <= m;
  const canRight = right !== NONE && right + 1 <= n;
  if (canDown && (!canRight || down >= right + 1)) return { x: down, prevK: k + 1 };
  return canRight ? { x: right + 1, prevK: k - 1 } : undefined;
}

function backtrack(trace: readonly Int32Array[], n: number, m: number, off: number): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    let prevX = 0;
    let prevY = 0;
    if (d > 0) {
      // Round d reached diagonal x - y by the same step, from the state before it.
      const prevK = step(trace[d]!, x - y, off, n, m)!.prevK;
      prevX = trace[d]![prevK + off]!;
      prevY = prevX - prevK;
    }
    while (x > prevX && y > prevY) pairs.push([--x, --y]);
    x = prevX;
    y = prevY;
  }
  return pairs.reverse();
}
