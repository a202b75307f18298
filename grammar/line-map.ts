/** 1-based line and column; columns count UTF-16 code units, as editors and LSP do. */
export interface LineCol {
  readonly line: number;
  readonly col: number;
}

/**
 * Converts offsets to line/column and back. Built once per file text; lookups are a binary
 * search over line starts. A line ends at LF; a CR before it belongs to the line's end.
 */
export class LineMap {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    // indexOf scans far faster than a loop over char codes.
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset (clamped into the text) to a 1-based line and column. */
  position(offset: number): LineCol {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - this.starts[lo]! + 1 };
  }

  /** 1-based line and column to an offset, clamped to the line and the text. */
  offset(pos: LineCol): number {
    const line = Math.max(1, Math.min(pos.line, this.starts.length));
    const start = this.starts[line - 1]!;
    const end = this.lineEnd(line);
    return Math.max(start, Math.min(start + pos.col - 1, end));
  }

  /** The text of a 1-based line without its line terminator. */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return "";
    return this.text.slice(this.starts[line - 1]!, this.lineEnd(line));
  }

  private lineEnd(line: number): number {
    let end = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    if (end > this.starts[line - 1]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}
