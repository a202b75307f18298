/** Edit distance with adjacent transpositions (optimal string alignment), bounded for speed. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `name`, if close enough to be a likely typo: at most a third of the
 * name's length in edits (at least one), or a case-insensitive match. Ties go to the
 * alphabetically first candidate so messages are deterministic.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length === 0) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === name || c.length === 0) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c, limit);
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
