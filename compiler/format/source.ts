import type { Comment } from "../../grammar/ast.js";

/**
 * Questions the formatter asks about the original text: where the next token starts, whether
 * the author put a line break somewhere, a comment's column. The tree has no punctuation or
 * line information, so the layout decisions that "respect the author's line structure" are
 * answered here from offsets. Comments are trivia: every scan steps over them whole.
 */
export class SourceText {
  readonly comments: readonly Comment[];
  private readonly byStart = new Map<number, Comment>();
  private readonly byEnd = new Map<number, Comment>();

  constructor(
    readonly text: string,
    comments: readonly Comment[],
  ) {
    this.comments = [...comments].sort((a, b) => a.start - b.start);
    for (const c of this.comments) {
      this.byStart.set(c.start, c);
      this.byEnd.set(c.end, c);
    }
  }

  /** Offset of the next token at or after `pos`, skipping whitespace, comments and `skip` chars. */
  nextToken(pos: number, skip = ""): number {
    const t = this.text;
    let i = pos;
    while (i < t.length) {
      const ch = t.charCodeAt(i);
      if (isSpace(ch)) {
        i++;
        continue;
      }
      const comment = ch === SLASH ? this.byStart.get(i) : undefined;
      if (comment !== undefined) i = Math.max(comment.end, i + 1);
      else if (skip !== "" && skip.includes(t[i]!)) i++;
      else break;
    }
    return i;
  }

  /** True when a line break separates the token at `pos` from the token before it. */
  lineBreakBefore(pos: number): boolean {
    const t = this.text;
    let i = pos - 1;
    while (i >= 0) {
      const ch = t.charCodeAt(i);
      if (ch === 10) return true;
      if (isSpace(ch)) {
        i--;
        continue;
      }
      // Only block comments need stepping over: a line comment always has a line feed after it.
      const comment = ch === SLASH ? this.byEnd.get(i + 1) : undefined;
      if (comment === undefined) return false;
      i = Math.min(comment.start, i) - 1;
    }
    return false;
  }

  /** True when only spaces and tabs lie between the start of its line and `pos`. */
  startsLine(pos: number): boolean {
    for (let i = pos - 1; i >= 0; i--) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10) return true;
      if (ch !== 32 && ch !== 9 && !(i === 0 && ch === 0xfeff)) return false;
    }
    return true;
  }

  /** True when [from, to) contains a line feed. (A bounded loop: `indexOf` would run on to the next one.) */
  hasNewline(from: number, to: number): boolean {
    const end = Math.min(to, this.text.length);
    for (let i = from; i < end; i++) if (this.text.charCodeAt(i) === 10) return true;
    return false;
  }

  /** Number of line feeds in [from, to). */
  newlines(from: number, to: number): number {
    const end = Math.min(to, this.text.length);
    let n = 0;
    for (let i = from; i < end; i++) if (this.text.charCodeAt(i) === 10) n++;
    return n;
  }

  /** True when some comment starts in [from, to). */
  hasCommentIn(from: number, to: number): boolean {
    const cs = this.comments;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cs[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < cs.length && cs[lo]!.start < to;
  }

  /**
   * The `///` comments that make up the doc of the declaration whose keyword is at `pos`, as
   * grammar/tree-build.ts (docBefore) finds them: consecutive doc lines, each starting its line, with
   * exactly one line break and only blanks after each.
   */
  docChain(pos: number): Comment[] {
    const chain: Comment[] = [];
    let i = this.lastCommentBefore(pos);
    let next = pos;
    while (i >= 0) {
      const c = this.comments[i]!;
      if (c.style !== "doc" || !this.oneLineBreak(c.end, next) || !this.startsLine(c.start)) break;
      chain.push(c);
      next = c.start;
      i--;
    }
    return chain;
  }

  private lastCommentBefore(pos: number): number {
    let lo = 0;
    let hi = this.comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.comments[mid]!.end <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private oneLineBreak(from: number, to: number): boolean {
    let breaks = 0;
    for (let i = from; i < to; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10) breaks++;
      else if (ch !== 32 && ch !== 9 && ch !== 13) return false;
    }
    return breaks === 1;
  }

  /** 0-based column of `pos` on its line (a leading BOM does not count). */
  column(pos: number): number {
    const lineStart = this.text.lastIndexOf("\n", pos - 1) + 1;
    const bom = lineStart === 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    return pos - lineStart - bom;
  }
}

const SLASH = 47;

function isSpace(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 0xfeff;
}

/** A comment's text as printed: LF line ends and no trailing blanks on any of its lines. */
export function commentText(c: Comment): string {
  if (c.style !== "block") return c.text.trimEnd();
  return c.text
    .split(/\r\n?|\n/)
    .map((line) => line.trimEnd())
    .join("\n");
}

/** A block comment that fits on one line can sit between tokens; others must end a line. */
export function isInlineComment(c: Comment): boolean {
  return c.style === "block" && !/[\r\n]/.test(c.text);
}
