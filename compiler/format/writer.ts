import type { Comment } from "../../grammar/ast.js";
import { commentText, isInlineComment, type SourceText } from "./source.js";

/** The width a block written on one line must fit in to stay on one line. */
export const MAX_WIDTH = 100;
const INDENT = "  ";
/** Never preceded by a space. */
const CLOSERS = "),];";

/**
 * The formatter's line builder. Printers emit tokens with their source offsets; the writer
 * owns the comments and places each one as it is passed:
 * - at the start of a line, a comment keeps its own line (a one-line block comment followed by
 *   code on its source line stays in front of that code);
 * - between two tokens of a line, a one-line block comment stays in place and any other
 *   comment waits for the end of the line;
 * - comments on the same source line as the last token printed become that line's trailing
 *   comments when the line ends. A `//` comment ends a line, so comments that would follow it
 *   there ("orphans") go on their own lines before the next line.
 * Blank lines from the source are kept (at most one) before items that allow them and before
 * own-line comments, never right after an opening bracket.
 */
export class Writer {
  indent = 0;
  /** > 0 while printing inside a block kept on one line: nested blocks need no width check. */
  flat = 0;
  /** Set when a measuring writer went past its width or had to break a line. */
  overflow = false;
  private readonly lines: string[] = [];
  private cur = "";
  private curIndent = 0;
  /** Source offset of the current line's first token or comment (-1: not from the source). */
  private lineFirst = -1;
  private space = false;
  private afterOpen = true;
  /** The `///` comments that are some declaration's doc (the others must not become one). */
  private readonly docs = new Set<Comment>();
  /** The comment the current line starts with, if any. */
  private lineComment: Comment | undefined;
  /** The last line written is a `///` comment alone that is no declaration's doc. */
  private strayDocAbove = false;
  private next = 0;
  private lastEnd = 0;
  private readonly pending: Comment[] = [];
  private orphans: Comment[] = [];

  /** `measure` is the width available to a measuring writer (which never ends a line). */
  constructor(
    private readonly src: SourceText,
    private readonly comments: readonly Comment[],
    private readonly measure?: number,
  ) {}

  /** The column the next token would start at. */
  column(): number {
    if (this.cur === "") return this.indent * INDENT.length;
    return this.curIndent * INDENT.length + this.cur.length + (this.space ? 1 : 0);
  }

  /** Emits the token `text` found at source offset `start`, after the comments before it. */
  tok(text: string, start: number, end = start + text.length): void {
    this.flushBefore(start);
    this.put(text, start);
    this.lastEnd = Math.max(this.lastEnd, end);
  }

  /** Emits punctuation whose source position is not known (comments wait for the next token). */
  punct(text: string): void {
    this.put(text);
  }

  /** Asks for one space before the next token (none at a line start or before `)],;`). */
  sp(): void {
    this.space = true;
  }

  /** Emits source text [start, end) unchanged but for line ends (its comments included). */
  verbatim(start: number, end: number): void {
    this.flushBefore(start);
    this.put(this.src.text.slice(start, end).replace(/\r\n?/g, "\n").trim(), start);
    while (this.next < this.comments.length && this.comments[this.next]!.start < end) this.next++;
    this.lastEnd = Math.max(this.lastEnd, end);
  }

  /** Ends the current line, collecting the comments that trail it in the source. */
  breakLine(): void {
    if (this.cur === "") return;
    while (this.next < this.comments.length) {
      const c = this.comments[this.next]!;
      if (c.start >= this.lastEnd && !this.trails(c)) break;
      this.pending.push(c);
      this.next++;
      this.lastEnd = Math.max(this.lastEnd, c.end);
    }
    this.finishLine();
  }

  /** True when only separators and comments lie between the last token and `c`, on one line. */
  private trails(c: Comment): boolean {
    return !this.src.hasNewline(this.lastEnd, c.start) && this.src.nextToken(this.lastEnd, ",;") >= c.start;
  }

  /**
   * Starts a line for an item (declaration, statement, list item, clause, closing bracket)
   * found at `pos`: ends the current line, places the own-line comments before the item, and
   * keeps one blank line before it if the source had one and `blank` allows it.
   */
  startItem(pos: number, blank: boolean): void {
    this.breakLine();
    this.emitOrphans();
    this.flushBefore(pos);
    if (this.cur === "" && blank && this.src.newlines(this.lastEnd, pos) >= 2) this.blankLine();
  }

  /** Declares `comments` to be doc comments of declarations. */
  markDocs(comments: readonly Comment[]): void {
    for (const c of comments) this.docs.add(c);
  }

  /**
   * Before a declaration that has no doc comment: a `///` comment written right above it
   * (moved there from a line it was trailing, say) would become its doc, so a blank line
   * keeps the two apart. Doc comments get the same protection in `ownLine`.
   */
  keepDocApart(): void {
    if (this.cur === "" && this.strayDocAbove) this.lines.push("");
    this.strayDocAbove = false;
  }

  /** After an opening bracket: the following items go one level deeper, with no blank first. */
  openBlock(): void {
    this.breakLine();
    this.indent++;
    this.afterOpen = true;
  }

  /** Places the comments before the closing bracket at `pos` inside the block, then closes it. */
  closeBlock(pos: number, text: string): void {
    this.startItem(pos, false);
    this.dedent();
    this.tok(text, pos);
  }

  /**
   * Ends the current line and goes one level out. Orphans wait for the next item: that is
   * where they will be, as own-line comments, when the output is formatted again.
   */
  dedent(): void {
    this.breakLine();
    this.indent--;
  }

  /** Places every remaining comment and returns the text (LF line ends, one final newline). */
  finish(): string {
    this.breakLine();
    this.flushBefore(Infinity);
    this.breakLine();
    this.emitOrphans();
    return this.lines.length === 0 ? "" : this.lines.join("\n") + "\n";
  }

  private put(text: string, pos = -1): void {
    if (this.cur === "") {
      this.emitOrphans();
      this.curIndent = this.indent;
      this.lineFirst = pos;
      this.lineComment = undefined;
    } else if (this.space && !CLOSERS.includes(text[0]!)) {
      this.cur += " ";
    }
    this.cur += text;
    this.space = false;
    if (this.measure !== undefined && this.cur.length > this.measure) this.overflow = true;
  }

  private flushBefore(pos: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.start < pos) {
      const c = this.comments[this.next++]!;
      if (this.cur === "") this.ownLine(c, pos);
      else this.midLine(c);
    }
  }

  private ownLine(c: Comment, nextPos: number): void {
    if (this.src.newlines(this.lastEnd, c.start) >= 2) this.blankLine();
    if (this.strayDocAbove && this.docs.has(c)) this.keepDocApart();
    this.put(commentText(c), c.start);
    this.lineComment = c;
    this.lastEnd = Math.max(this.lastEnd, c.end);
    if (isInlineComment(c) && !this.src.hasNewline(c.end, nextPos)) this.space = true;
    else this.breakLine();
  }

  private midLine(c: Comment): void {
    this.lastEnd = Math.max(this.lastEnd, c.end);
    if (!isInlineComment(c)) {
      this.pending.push(c);
      return;
    }
    if (this.space || !/[([{]$/.test(this.cur)) this.cur += " ";
    this.cur += commentText(c);
    this.space = true;
  }

  private blankLine(): void {
    this.emitOrphans();
    if (this.afterOpen || this.lines.length === 0 || this.lines[this.lines.length - 1] === "") return;
    this.lines.push("");
    this.strayDocAbove = false;
  }

  private emitOrphans(): void {
    const orphans = this.orphans;
    if (orphans.length === 0) return;
    this.orphans = [];
    for (const c of orphans) {
      this.cur = commentText(c);
      this.curIndent = this.indent;
      this.lineFirst = c.start;
      this.lineComment = c;
      this.finishLine();
    }
  }

  /** The line starts where a source line started, and that source line holds `c`. */
  private keepsColumn(c: Comment): boolean {
    const first = this.lineFirst;
    return first >= 0 && this.src.startsLine(first) && !this.src.hasNewline(first, c.start);
  }

  private finishLine(): void {
    if (this.measure !== undefined) this.overflow = true;
    let line = INDENT.repeat(this.curIndent) + this.cur;
    const only = this.lineComment;
    this.strayDocAbove =
      only !== undefined && only.style === "doc" && this.pending.length === 0 && !this.docs.has(only) &&
      this.cur === commentText(only);
    if (this.pending.length > 0) line = this.withTrailing(line);
    this.lines.push(line);
    this.cur = "";
    this.space = false;
    this.afterOpen = false;
  }

  /**
   * Appends the pending comments to `line`: the first at its source column when that lies past
   * the code and the line was a line of the source too (aligned comments stay aligned), else
   * one space after the code; block comments may be followed by more, and whatever would
   * follow a `//` comment becomes an orphan.
   */
  private withTrailing(line: string): string {
    const pending = this.pending;
    const first = pending[0]!;
    const col = this.keepsColumn(first) ? this.src.column(first.start) : 0;
    let out = (col > line.length ? line.padEnd(col) : line + " ") + commentText(first);
    let i = 1;
    while (i < pending.length && pending[i - 1]!.style === "block") out += " " + commentText(pending[i++]!);
    this.orphans.push(...pending.slice(i));
    pending.length = 0;
    return out;
  }
}
