/**
 * `parse(text)`: lexer + parser + tree builder. Never throws: every kind of trouble becomes a
 * SyntaxProblem and the tree holds whatever could be read.
 */
import type { IToken } from "chevrotain";
import type { Comment, SourceFileNode } from "./ast.js";
import { parseWithoutProblems } from "./fast-path.js";
import { lex, nestingCutoff } from "./lexer.js";
import { LineMap } from "./line-map.js";
import { renderParseErrors } from "./messages.js";
import { parseToAst } from "./parser.js";
import type { SyntaxProblem } from "./syntax-problem.js";

export interface ParseResult {
  readonly ast: SourceFileNode;
  readonly comments: readonly Comment[];
  readonly problems: readonly SyntaxProblem[];
}

/**
 * Deepest `(`/`[`/`{` nesting the parser is given. Each level costs a few recursive rule calls;
 * 256 levels use well under half of Node's default stack (measured: about 600 levels of `a[`
 * overflow it), and no real program comes near.
 */
export const MAX_NESTING = 256;

export function parse(text: string): ParseResult {
  // Most files have no syntax problem: they take the fast path (fast-path.ts), which gives
  // the tree the full parser would; anything else, recovery and messages included, is the
  // full parser's.
  const fast = parseWithoutProblems(text, MAX_NESTING);
  if (fast !== undefined) return { ast: fast.ast, comments: fast.comments, problems: [] };
  return parseWithRecovery(text);
}

/** `parse` without the fast path: the chevrotain parser, for every input (tests compare the two). */
export function parseWithRecovery(text: string): ParseResult {
  try {
    return parseUnguarded(text);
  } catch (error) {
    // Not expected to happen (deep nesting is cut off before the parser sees it); if it does,
    // the caller still gets a result and a problem instead of an exception.
    const stack = error instanceof RangeError;
    const problem: SyntaxProblem = {
      kind: stack ? "nesting-too-deep" : "unexpected-token",
      start: 0,
      end: 0,
      message: stack
        ? "this file is nested too deeply to be parsed"
        : `the parser failed on this file (${String(error)}); please report this as a bug`,
    };
    return { ast: emptyFile(text), comments: [], problems: [problem] };
  }
}

function parseUnguarded(text: string): ParseResult {
  // Deep nesting is cut off before lexing: the parser recurses once or more per level.
  const cut = nestingCutoff(text, MAX_NESTING);
  const lexed = lex(cut === undefined ? text : text.slice(0, cut));
  const problems: SyntaxProblem[] = [...lexed.problems];
  const tokens = lexed.tokens;
  if (cut !== undefined) {
    problems.push({
      kind: "nesting-too-deep",
      start: cut,
      end: cut + 1,
      message: `brackets are nested more than ${MAX_NESTING} levels deep here; the rest of the file is not read`,
    });
  }

  const converted = parseToAst(tokens, text, lexed.comments);
  const lineMap = new LineMap(text);
  const grammarProblems = [...renderParseErrors(converted.errors, { text, lineMap, tokens }), ...converted.problems];

  // An unterminated comment or a nesting cut-off ends the input early: whatever the parser
  // then misses at the end of the file is a consequence, not a separate problem.
  const endIsCut = cut !== undefined || lexed.problems.some((p) => p.kind === "unterminated-comment");
  const endOfInput = tokens.length > 0 ? tokenEnd(tokens[tokens.length - 1]!) : 0;
  const kept = withoutCascades(grammarProblems, lexed.problems, tokens).filter((p) => !(endIsCut && p.start >= endOfInput));
  return { ast: converted.ast, comments: lexed.comments, problems: sortAndDedupe([...problems, ...kept]) };
}

/**
 * Drops follow-on errors, as ANTLR does: a problem at the token right after the previous one
 * (or at the same token) is most likely the same mistake seen again by the recovering parser.
 * A run of unexpected characters counts as a problem just before the token that follows it,
 * since the parser never saw those characters.
 */
function withoutCascades(
  grammarProblems: readonly SyntaxProblem[],
  lexProblems: readonly SyntaxProblem[],
  tokens: readonly IToken[],
): SyntaxProblem[] {
  const entries: { index: number; problem: SyntaxProblem | undefined; order: number }[] = [];
  grammarProblems.forEach((problem, order) => entries.push({ index: tokenIndexAt(tokens, problem.start), problem, order }));
  for (const p of lexProblems) {
    if (p.kind === "unexpected-character") entries.push({ index: tokenIndexAt(tokens, p.end) - 0.5, problem: undefined, order: -1 });
  }
  entries.sort((a, b) => a.index - b.index || a.order - b.order);
  const kept: SyntaxProblem[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const { index, problem } of entries) {
    if (problem && index > last + 1) kept.push(problem);
    last = Math.max(last, index);
  }
  return kept;
}

/** Index of the first token starting at or after `offset` (tokens.length past the end). */
function tokenIndexAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** By position; at most one problem per start offset (the lexer's, which comes first). */
function sortAndDedupe(problems: SyntaxProblem[]): SyntaxProblem[] {
  const sorted = problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.start - b.p.start || a.i - b.i)
    .map(({ p }) => p);
  const result: SyntaxProblem[] = [];
  for (const p of sorted) {
    const last = result[result.length - 1];
    if (last && last.start === p.start) continue;
    result.push(p);
  }
  return result;
}

function emptyFile(text: string): SourceFileNode {
  return { kind: "SourceFile", module: undefined, uses: [], decls: [], start: 0, end: text.length };
}
