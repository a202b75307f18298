/**
 * Turns the parser's raw errors (parser.ts `RawParseError`) into messages a newcomer can act
 * on: what was expected in words, what was found, and for a missing closing bracket which
 * opening bracket it belongs to ("expected `}` to close the `{` opened at line 3, found ...").
 */
import { EOF, tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type { LineMap } from "./line-map.js";
import * as T from "./lexer.js";
import type { RawParseError } from "./parser.js";
import type { SyntaxProblem } from "./syntax-problem.js";

const LABELS = new Map<string, string>();
for (const t of T.ALL_TOKENS) LABELS.set(t.name, typeof t.LABEL === "string" ? t.LABEL : t.name);
LABELS.set(EOF.name, "the end of the file");

const HARD_KEYWORDS = new Set<TokenType>(T.HARD_KEYWORDS);
const CLOSERS: Readonly<Record<string, string>> = { RCurly: "{", RParen: "(", RBracket: "[" };
const OPENER_TYPES = new Set<TokenType>([T.LCurly, T.LParen, T.LBracket]);
const CLOSER_TYPES = new Set<TokenType>([T.RCurly, T.RParen, T.RBracket]);

const DECLARATION_LIST =
  "a declaration (`const`, `slot`, `symbol`, `axis`, `tensor`, `kernel`, `policy`, `workload`, `pipeline`, `schedule` or `target`)";
const DIRECTIVE_LIST = "a directive (`dispatch`, `window`, `ready`, `start` or `pools`)";

/** What may stand where a closing bracket was expected, by rule: the words before "or `}`". */
const BEFORE_CLOSER: Readonly<Record<string, string>> = {
  "useBraced:RCurly": "`,` or `}`",
  "poolsDirective:RCurly": "`,` or `}`",
  "policyBody:RCurly": "`}`",
  "callStmt:RParen": "`,` or `)`",
  "unary:RParen": "`,` or `)`",
  "expression:RParen": "`,` or `)`",
  "expression:RBracket": "`,` or `]`",
  "axisDecl:RParen": "`,` or `)`",
  "policyRef:RParen": "`,` or `)`",
  "kernelDecl:RParen": "`,` or `)`",
  "policyDecl:RParen": "`,` or `)`",
  "tensorType:RBracket": "`,` or `]`",
  "kernelParam:RBracket": "`,` or `]`",
  "loadStmt:RBracket": "`,` or `]`",
  "unary:RBracket": "`,` or `]`",
};

/** Better words than the bare token for some expected tokens, by `rule:TokenName`. */
const EXPECTED_WORDS: Readonly<Record<string, string>> = {
  "file:EOF": DECLARATION_LIST,
  "policyDecl:Colon": "`:` and the policy kind (`dispatch`, `ready` or `start`)",
  "policyBody:Kw_return": "`let` or `return`",
  "scheduleDecl:Kw_on": "`on` and a target name (e.g. `schedule w on a2a3sim`)",
  "scheduleDecl:LCurly": "`{` and the schedule's directives",
  "loadStmt:LArrow": "`<-` and a tensor view (e.g. `load s <- T[i]`)",
  "binding:Kw_in": "`in` and an axis (e.g. `i in rows`)",
  "recvStmt:Kw_from": "`from` and a channel name",
  "consumeStmt:Kw_from": "`from` and a channel name",
  "axisDecl:Equals": "`=` and the axis kind (e.g. `axis b = dense(4)`)",
  "axisDecl:LParen": "`(` and the axis arguments (e.g. `dense(4)`)",
  "constDecl:Equals": "`=` and the constant's value",
  "callStmt:LParen": "`(` (a statement that starts with a name is a kernel call)",
  "sendStmt:LParen": "`(` and the value to send (e.g. `send ch(t)`)",
  "tensorType:LBracket": "`[` and the shape (e.g. `f32[8, 8]`)",
  "slotDecl:Colon": "`:` and a scalar type (e.g. `u64`)",
  "symbolDecl:Colon": "`:` and a scalar type (e.g. `u64`)",
  "tensorDecl:Colon": "`:` and a tensor type (e.g. `f32[8, 8]`)",
  "kernelParam:Colon": "`:` and the parameter's type",
  "policyParam:Colon": "`:` and the parameter's type",
  "unary:Dot": "`.` and an attribute (e.g. `task.seq`)",
  "expression:Dot": "`.` and an attribute (e.g. `task.seq`)",
  "kernelDecl:LParen": "`(` and the kernel's parameters",
  "policyDecl:LParen": "`(` and the policy's parameters",
  "workloadDecl:LCurly": "`{` and the workload's body",
  "processDecl:LCurly": "`{` and the process body",
  "pipelineDecl:LCurly": "`{` and the pipeline's channels and processes",
  "targetDecl:LCurly": "`{` and the target's properties",
  "poolsDirective:LCurly": "`{` and the pool sizes (e.g. `pools { heap 256 MiB }`)",
};

/** Words for a failed choice (no alternative matched), by rule. */
const CHOICE_WORDS: Readonly<Record<string, string>> = {
  unary: "an expression",
  expression: "an expression",
  kernelParam: "a type (a scalar such as `i32`, or a tensor such as `in f32[8, 8]`)",
  policyDecl: "`=` and an expression, or a `{ let ... return ... }` body",
  targetProperty: "a value (a number, a name or a string)",
  useDecl: "`.` and the name to import, or `.{` and a list of names (e.g. `use std.policies.hash`)",
  direction: "`in`, `out` or `inout`",
};

/** What each list expects, for junk found in it (see the junk rules in parser.ts). */
const LIST_WORDS: Readonly<Record<string, string>> = {
  fileJunk: DECLARATION_LIST,
  blockJunk: "a statement or `}`",
  pipelineJunk: "`channel`, `process` or `}`",
  scheduleJunk: `${DIRECTIVE_LIST} or \`}\``,
  targetJunk: "a property (`name value`) or `}`",
};

const STATEMENT_KEYWORDS = new Set<TokenType>([
  T.Parallel, T.For, T.Select, T.When, T.Load, T.Scope, T.Send, T.Recv, T.Consume, T.Close,
]);

/** The message for a token that cannot start an item of the list it stands in. */
export function junkMessage(rule: string, token: IToken): string {
  const found = describeFound(token, false);
  const type = token.tokenType;
  let hint = "";
  if (type === T.Else) hint = "; `else` must directly follow the `}` of a `when` or `else when` block";
  else if (rule === "fileJunk" && (type === T.Channel || type === T.Process)) {
    hint = `; \`${token.image}\` declarations belong inside a \`pipeline { ... }\``;
  } else if (STATEMENT_KEYWORDS.has(type) && rule !== "blockJunk") {
    hint = "; statements belong inside a `workload` or `process` body";
  } else if (rule === "fileJunk" && type === T.RCurly) hint = "; this `}` closes nothing";
  return `expected ${LIST_WORDS[rule] ?? "something else"}, found ${found}${hint || arrowHint(token)}`;
}

export interface MessageContext {
  readonly text: string;
  readonly lineMap: LineMap;
  /** The tokens the parser saw. */
  readonly tokens: readonly IToken[];
}

/** Problems for the parser's errors, in token order. */
export function renderParseErrors(errors: readonly RawParseError[], ctx: MessageContext): SyntaxProblem[] {
  const indexed = errors.map((error) => ({ error, index: tokenIndex(ctx.tokens, error.token) }));
  indexed.sort((a, b) => a.index - b.index);
  const openers = new OpenBrackets(ctx.tokens);
  return indexed.map(({ error, index }) => render(error, openers.at(index), index, ctx));
}

function render(error: RawParseError, open: readonly IToken[], index: number, ctx: MessageContext): SyntaxProblem {
  const { info, token } = error;
  const atEnd = token.tokenType === EOF || Number.isNaN(token.startOffset);
  const previous = index > 0 ? ctx.tokens[index - 1] : undefined;
  const span = atEnd
    ? { start: previous ? tokenEnd(previous) : 0, end: previous ? tokenEnd(previous) : 0 }
    : { start: token.startOffset, end: tokenEnd(token) };
  const found = describeFound(token, atEnd);
  const hint = keywordHint(error, token) || arrowHint(token);
  const message = `expected ${expectedWords(error, open, span.start, previous, ctx)}, found ${found}${hint}`;
  return { kind: "unexpected-token", ...span, message };
}

function expectedWords(
  error: RawParseError,
  open: readonly IToken[],
  at: number,
  previous: IToken | undefined,
  ctx: MessageContext,
): string {
  const { info } = error;
  const afterPrevious = previous ? ` after \`${shorten(previous.image)}\`` : "";
  if (info.kind === "mismatch" || info.kind === "redundant") {
    const expected = info.expected[0] ?? EOF.name;
    const opener = CLOSERS[expected];
    if (opener) {
      const match = innermost(open, opener);
      const words = match && isGroupingParen(match, ctx.tokens)
        ? "an operator or `)`"
        : BEFORE_CLOSER[`${info.rule}:${expected}`] ?? LABELS.get(expected) ?? expected;
      return match ? `${words} to close the \`${opener}\` ${where(match, at, ctx)}` : words;
    }
    const rule = info.kind === "redundant" ? "file" : info.rule;
    const special = EXPECTED_WORDS[`${rule}:${expected}`];
    if (special) return expected === EOF.name ? special : special + afterPrevious;
    return (LABELS.get(expected) ?? expected) + afterPrevious;
  }
  const choice = CHOICE_WORDS[info.rule];
  if (choice) return choice + afterPrevious;
  return listOf(info.expected.map((name) => LABELS.get(name) ?? name)) + afterPrevious;
}

/** ` (keywords cannot be names)` when a hard keyword stands where a name was expected. */
function keywordHint(error: RawParseError, token: IToken): string {
  if (!HARD_KEYWORDS.has(token.tokenType)) return "";
  if (error.info.kind !== "mismatch" || error.info.expected[0] !== T.Identifier.name) return "";
  return `; \`${token.image}\` is a keyword and cannot be used as a name`;
}

/** A `(` that groups an expression rather than opening an argument list. */
function isGroupingParen(open: IToken, tokens: readonly IToken[]): boolean {
  if (open.tokenType !== T.LParen) return false;
  const before = tokens[tokenIndex(tokens, open) - 1];
  return before === undefined || !(tokenMatcher(before, T.Identifier) || before.tokenType === T.Select);
}

function innermost(open: readonly IToken[], image: string): IToken | undefined {
  for (let i = open.length - 1; i >= 0; i--) if (open[i]!.image === image) return open[i];
  return undefined;
}

/** `x<-1` lexes as `x <- 1`; say how to write the comparison the user probably meant. */
function arrowHint(token: IToken): string {
  return token.tokenType === T.LArrow ? "; `<-` is the `load` arrow: to compare with a negative number write `< -`" : "";
}

function where(opener: IToken, at: number, ctx: MessageContext): string {
  const open = ctx.lineMap.position(opener.startOffset);
  const here = ctx.lineMap.position(at);
  return open.line === here.line ? `opened at column ${open.col}` : `opened at line ${open.line}`;
}

function describeFound(token: IToken, atEnd: boolean): string {
  if (atEnd) return "the end of the file";
  if (HARD_KEYWORDS.has(token.tokenType)) return `keyword \`${token.image}\``;
  if (token.tokenType === T.StringLiteral) return `the string ${shorten(token.image)}`;
  return `\`${shorten(token.image)}\``;
}

function shorten(image: string): string {
  return image.length > 24 ? image.slice(0, 24) + "..." : image;
}

function listOf(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  const shown = unique.slice(0, 6);
  const rest = unique.length > shown.length ? ", ..." : "";
  return `one of ${shown.slice(0, -1).join(", ")}${rest ? "" : " or"} ${rest ? shown[shown.length - 1] + rest : shown[shown.length - 1]}`;
}

function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

/** Index of `token` in `tokens` (tokens.length for EOF or an invented token). */
function tokenIndex(tokens: readonly IToken[], token: IToken): number {
  if (token.tokenType === EOF || Number.isNaN(token.startOffset)) return tokens.length;
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const offset = tokens[mid]!.startOffset;
    if (offset === token.startOffset) return mid;
    if (offset < token.startOffset) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The brackets still open before a token index, computed in one forward pass for errors
 * visited in increasing index order (garbage input can have thousands of errors).
 */
class OpenBrackets {
  private readonly stack: IToken[] = [];
  private next = 0;

  constructor(private readonly tokens: readonly IToken[]) {}

  at(index: number): readonly IToken[] {
    for (; this.next < index && this.next < this.tokens.length; this.next++) {
      const token = this.tokens[this.next]!;
      if (OPENER_TYPES.has(token.tokenType)) this.stack.push(token);
      else if (CLOSER_TYPES.has(token.tokenType)) this.close(token);
    }
    return this.stack;
  }

  /** Pops the innermost bracket of the matching kind (a stray closer pops nothing). */
  private close(closer: IToken): void {
    const opener = CLOSERS[closer.tokenType.name];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      if (this.stack[i]!.image === opener) {
        this.stack.length = i;
        return;
      }
    }
  }
}
