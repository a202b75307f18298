/**
 * The `.wsp` lexer: chevrotain token definitions plus a `lex` function that turns lexical
 * trouble (bad characters, unterminated strings/comments, malformed numbers, bad escapes) into
 * syntax problems instead of extra tokens, so the parser sees a clean token stream.
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import type { Comment } from "./ast.js";
import type { SyntaxProblem } from "./syntax-problem.js";

// ---------------------------------------------------------------------------------------------
// Trivia
// ---------------------------------------------------------------------------------------------

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** `//` and `///` comments; the style is told apart by the image. */
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: "comments" });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});
/** A `/*` without its `*\/`: the rest of the file is the comment (and a problem). */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
  line_breaks: true,
});
/**
 * A run of characters that can start no token. Matching them as one token (kept out of the
 * parser's stream) gives one problem per run and avoids chevrotain's slow per-character resync.
 * Written as a positive set because complement sets defeat the first-char optimization.
 */
export const InvalidCharacters = createToken({
  name: "InvalidCharacters",
  pattern: /[\u0000-\u0008\u000b\u000c\u000e-\u001f#$'?@\\`\u007f-\uffff]+/,
  group: "invalid",
  line_breaks: true,
});

// ---------------------------------------------------------------------------------------------
// Recovery categories
// ---------------------------------------------------------------------------------------------

/**
 * "Junk" categories: for each list context of the grammar (file, statement block, pipeline
 * body, schedule body, target body), the tokens that can neither start an item there nor end
 * the list. The parser reads a run of them as one junk item — one problem, then it carries on
 * with the next item — instead of letting chevrotain's recovery skip blindly past brackets.
 */
export const JunkInFile = createToken({ name: "JunkInFile", pattern: Lexer.NA });
export const JunkInBlock = createToken({ name: "JunkInBlock", pattern: Lexer.NA });
export const JunkInPipeline = createToken({ name: "JunkInPipeline", pattern: Lexer.NA });
export const JunkInSchedule = createToken({ name: "JunkInSchedule", pattern: Lexer.NA });
export const JunkInTarget = createToken({ name: "JunkInTarget", pattern: Lexer.NA });

/**
 * What a token can start. Declaration keywords start file items and end every nested list
 * (a `kernel` inside a block means a `}` is missing); `channel`/`process` likewise inside
 * pipelines; names start statements and target properties.
 */
type Role = "declaration" | "member" | "statement" | "name" | "directive" | "closeCurly" | "other";

const JUNK_BY_ROLE: Readonly<Record<Role, TokenType[]>> = {
  declaration: [],
  member: [JunkInFile],
  statement: [JunkInFile, JunkInPipeline, JunkInSchedule, JunkInTarget],
  name: [JunkInFile, JunkInPipeline, JunkInSchedule],
  directive: [JunkInFile, JunkInPipeline],
  closeCurly: [JunkInFile],
  other: [JunkInFile, JunkInBlock, JunkInPipeline, JunkInSchedule, JunkInTarget],
};

// ---------------------------------------------------------------------------------------------
// Literals and names
// ---------------------------------------------------------------------------------------------

/** Category of everything usable as a name: plain names and the soft keywords. */
export const Identifier = createToken({ name: "Identifier", pattern: Lexer.NA, label: "a name" });
export const Name = createToken({
  name: "Name",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Identifier, ...JUNK_BY_ROLE.name],
  label: "a name",
});
/**
 * Any digit-led word, so `12abc`, `0x` and `1_` are one (invalid) token rather than two; `lex`
 * reports the invalid ones and the tree builder turns them into `Missing` expressions.
 */
export const Int = createToken({
  name: "Int",
  pattern: /[0-9][0-9A-Za-z_]*/,
  categories: JUNK_BY_ROLE.other,
  label: "an integer",
});
/**
 * A one-line string, terminated or not, with any escape; `lex` reports a missing closing quote
 * and unknown escapes, so the parser still gets a string token where the user meant one.
 */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?/,
  categories: JUNK_BY_ROLE.other,
  label: "a string",
});

// ---------------------------------------------------------------------------------------------
// Keywords
// ---------------------------------------------------------------------------------------------

function hardKeyword(word: string, role: Role): TokenType {
  return createToken({
    name: keywordTokenName(word),
    pattern: word,
    longer_alt: Name,
    categories: JUNK_BY_ROLE[role],
    label: `\`${word}\``,
  });
}

/** Soft keywords are also identifiers, so `CONSUME(Identifier)` accepts them as names. */
function softKeyword(word: string, role: "name" | "directive"): TokenType {
  return createToken({
    name: keywordTokenName(word),
    pattern: word,
    longer_alt: Name,
    categories: [Identifier, ...JUNK_BY_ROLE[role]],
    label: `\`${word}\``,
  });
}

function keywordTokenName(word: string): string {
  return `Kw_${word}`;
}

export const Module = hardKeyword("module", "declaration");
export const Use = hardKeyword("use", "declaration");
export const Const = hardKeyword("const", "declaration");
export const Slot = hardKeyword("slot", "declaration");
export const SymbolKw = hardKeyword("symbol", "declaration");
export const Axis = hardKeyword("axis", "declaration");
export const Tensor = hardKeyword("tensor", "declaration");
export const Kernel = hardKeyword("kernel", "declaration");
export const Policy = hardKeyword("policy", "declaration");
export const Workload = hardKeyword("workload", "declaration");
export const Pipeline = hardKeyword("pipeline", "declaration");
export const Schedule = hardKeyword("schedule", "declaration");
export const Target = hardKeyword("target", "declaration");
export const Channel = hardKeyword("channel", "member");
export const Process = hardKeyword("process", "member");
export const Parallel = hardKeyword("parallel", "statement");
export const For = hardKeyword("for", "statement");
export const Select = hardKeyword("select", "statement");
export const When = hardKeyword("when", "statement");
export const Load = hardKeyword("load", "statement");
export const Scope = hardKeyword("scope", "statement");
export const Send = hardKeyword("send", "statement");
export const Recv = hardKeyword("recv", "statement");
export const Consume = hardKeyword("consume", "statement");
export const Close = hardKeyword("close", "statement");
export const As = hardKeyword("as", "other");
export const Else = hardKeyword("else", "other");
export const Let = hardKeyword("let", "other");
export const Return = hardKeyword("return", "other");
export const True = hardKeyword("true", "other");
export const False = hardKeyword("false", "other");
export const Task = hardKeyword("task", "other");
// `inout` before `in`: chevrotain takes the first pattern that matches, not the longest.
export const Inout = hardKeyword("inout", "other");
export const In = hardKeyword("in", "other");
export const Out = hardKeyword("out", "other");
export const On = hardKeyword("on", "other");
export const From = hardKeyword("from", "other");

export const Depth = softKeyword("depth", "name");
export const Latency = softKeyword("latency", "name");
export const Replicate = softKeyword("replicate", "name");
export const Cycles = softKeyword("cycles", "name");
export const Source = softKeyword("source", "name");
export const Dispatch = softKeyword("dispatch", "directive");
export const Window = softKeyword("window", "directive");
export const Ready = softKeyword("ready", "directive");
export const Start = softKeyword("start", "directive");
export const Pools = softKeyword("pools", "directive");

/** Keywords that start a top-level item; inside any nested list they mean a `}` is missing. */
export const DECLARATION_KEYWORDS: readonly TokenType[] = [
  Module, Use, Const, Slot, SymbolKw, Axis, Tensor, Kernel, Policy, Workload, Pipeline, Schedule, Target,
];
export const HARD_KEYWORDS: readonly TokenType[] = [
  ...DECLARATION_KEYWORDS, Channel, Process, Parallel, For, Select, When, Load, Scope, Send, Recv,
  Consume, Close, As, Else, Let, Return, True, False, Task, Inout, In, Out, On, From,
];
export const SOFT_KEYWORDS: readonly TokenType[] = [
  Depth, Latency, Replicate, Cycles, Source, Dispatch, Window, Ready, Start, Pools,
];

// ---------------------------------------------------------------------------------------------
// Operators and punctuation
// ---------------------------------------------------------------------------------------------

/** Category of every binary operator token, so the expression rule needs one CONSUME. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, label: "an operator" });

function operator(name: string, image: string, binary: boolean, role: Role = "other"): TokenType {
  return createToken({
    name,
    pattern: image,
    label: `\`${image}\``,
    categories: binary ? [BinaryOperator, ...JUNK_BY_ROLE[role]] : JUNK_BY_ROLE[role],
  });
}

// Multi-character operators come before their one-character prefixes.
export const OrOr = operator("OrOr", "||", true);
export const AndAnd = operator("AndAnd", "&&", true);
export const EqEq = operator("EqEq", "==", true);
export const NotEq = operator("NotEq", "!=", true);
export const LtEq = operator("LtEq", "<=", true);
export const GtEq = operator("GtEq", ">=", true);
export const Shl = operator("Shl", "<<", true);
export const Shr = operator("Shr", ">>", true);
export const LArrow = operator("LArrow", "<-", false);
export const Lt = operator("Lt", "<", true);
export const Gt = operator("Gt", ">", true);
export const Pipe = operator("Pipe", "|", true);
export const Amp = operator("Amp", "&", true);
export const Caret = operator("Caret", "^", true);
export const Plus = operator("Plus", "+", true);
export const Minus = operator("Minus", "-", true);
export const Star = operator("Star", "*", true);
export const Slash = operator("Slash", "/", true);
export const Percent = operator("Percent", "%", true);
export const Bang = operator("Bang", "!", false);
export const Tilde = operator("Tilde", "~", false);
export const Equals = operator("Equals", "=", false);
export const LParen = operator("LParen", "(", false);
export const RParen = operator("RParen", ")", false);
export const LBracket = operator("LBracket", "[", false);
export const RBracket = operator("RBracket", "]", false);
export const LCurly = operator("LCurly", "{", false);
export const RCurly = operator("RCurly", "}", false, "closeCurly");
export const Comma = operator("Comma", ",", false);
export const Dot = operator("Dot", ".", false);
export const Colon = operator("Colon", ":", false);
export const Semicolon = operator("Semicolon", ";", false);

export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringLiteral,
  Int,
  ...HARD_KEYWORDS,
  ...SOFT_KEYWORDS,
  Name,
  Identifier,
  BinaryOperator,
  JunkInFile,
  JunkInBlock,
  JunkInPipeline,
  JunkInSchedule,
  JunkInTarget,
  OrOr, AndAnd, EqEq, NotEq, LtEq, GtEq, Shl, Shr, LArrow, Lt, Gt, Pipe, Amp, Caret,
  Plus, Minus, Star, Slash, Percent, Bang, Tilde, Equals,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Dot, Colon, Semicolon,
  InvalidCharacters,
];

let builtLexer: Lexer | undefined;

/**
 * Built once, on first use: files without problems never need it (grammar/fast-path.ts), and
 * building it is a good part of a CLI run's start-up. `ensureOptimizations` makes construction
 * throw if any pattern would defeat the first-character dispatch table; offsets are all the
 * tree needs (LineMap gives lines).
 */
export function wspLexer(): Lexer {
  builtLexer ??= new Lexer(ALL_TOKENS as TokenType[], { positionTracking: "onlyOffset", ensureOptimizations: true });
  return builtLexer;
}

// ---------------------------------------------------------------------------------------------
// lex()
// ---------------------------------------------------------------------------------------------

export interface LexResult {
  /** Tokens for the parser (no whitespace, comments or invalid characters). */
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly problems: SyntaxProblem[];
}

const BOM = 0xfeff;

export function lex(text: string): LexResult {
  // A leading BOM is replaced by a space of the same length, so every offset stays an offset
  // into the caller's text.
  const input = text.charCodeAt(0) === BOM ? " " + text.slice(1) : text;
  const result = wspLexer().tokenize(input);
  const problems: SyntaxProblem[] = [];

  for (const token of result.tokens) {
    if (token.tokenType === StringLiteral) checkString(token, problems);
    else if (token.tokenType === Int && !isValidIntLiteral(token.image)) {
      problems.push({
        kind: "invalid-number",
        start: token.startOffset,
        end: token.startOffset + token.image.length,
        message: invalidNumberMessage(token.image),
      });
    }
  }
  for (const token of result.groups["invalid"] ?? []) {
    problems.push(unexpectedCharacters(token.startOffset, token.image));
  }
  // Every character can start some token (InvalidCharacters covers the rest), so chevrotain's
  // own lexing errors should never happen; if one does, it is still reported, not thrown.
  for (const error of result.errors) {
    problems.push(unexpectedCharacters(error.offset, input.slice(error.offset, error.offset + error.length)));
  }

  const comments = (result.groups["comments"] ?? []).map((token) => toComment(token, problems));
  return { tokens: result.tokens, comments, problems };
}

function toComment(token: IToken, problems: SyntaxProblem[]): Comment {
  const start = token.startOffset;
  const end = start + token.image.length;
  if (token.tokenType === LineComment) {
    // `////` is an ordinary comment (a separator line), as in Rust.
    const doc = token.image.startsWith("///") && !token.image.startsWith("////");
    return { style: doc ? "doc" : "line", text: token.image, start, end };
  }
  if (token.tokenType === UnterminatedBlockComment) {
    problems.push({
      kind: "unterminated-comment",
      start,
      end: start + 2,
      message: "this block comment is never closed: add `*/` where it should end",
    });
  }
  return { style: "block", text: token.image, start, end };
}

function unexpectedCharacters(start: number, image: string): SyntaxProblem {
  const shown = describeCharacters(image);
  const message =
    Array.from(image.slice(0, 3)).length === 1
      ? `unexpected character ${shown}: it cannot appear in a .wsp program outside a string or comment`
      : `unexpected characters ${shown}: they cannot appear in a .wsp program outside a string or comment`;
  const nonAscii = /[\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]/.test(image.slice(0, 16));
  const hint = nonAscii ? " (names may only use ASCII letters, digits and `_`)" : "";
  return { kind: "unexpected-character", start, end: start + image.length, message: message + hint };
}

/** Printable text in backticks; control and other invisible characters as U+XXXX codes. */
function describeCharacters(image: string): string {
  const shown = image.slice(0, 16);
  let printable = true;
  for (let i = 0; i < shown.length && printable; i++) printable = isVisible(shown.charCodeAt(i));
  if (printable) {
    // A backtick is quoted the Markdown way, so renderers that format `code` still show it.
    const quoted = shown.includes("`") ? `\`\` ${shown} \`\`` : `\`${shown}\``;
    return quoted + (image.length > shown.length ? "..." : "");
  }
  const codes = Array.from(image.slice(0, 8)).slice(0, 4);
  const text = codes.map((c) => "U+" + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")).join(" ");
  return text + (image.length > codes.join("").length ? " ..." : "");
}

/** False for control characters, invisible spaces and formatting marks, and lone surrogates. */
function isVisible(code: number): boolean {
  return !(
    code < 0x20 ||
    (code >= 0x7f && code <= 0xa0) ||
    code === 0xad ||
    (code >= 0x2000 && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202f) ||
    code === 0xfeff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

/** Reports a missing closing quote and escapes other than `\" \\ \n \t`. */
function checkString(token: IToken, problems: SyntaxProblem[]): void {
  const image = token.image;
  const start = token.startOffset;
  let i = 1;
  while (i < image.length) {
    const c = image[i];
    if (c === "\\") {
      const next = image[i + 1];
      if (next === undefined || !'"\\nt'.includes(next)) {
        const shown = next === undefined ? "`\\` at the end of the line" : `\`\\${next}\``;
        problems.push({
          kind: "invalid-escape",
          start: start + i,
          end: start + i + (next === undefined ? 1 : 2),
          message: `unknown escape ${shown}: a string may only use \\" \\\\ \\n and \\t`,
        });
      }
      i += 2;
    } else if (c === '"') {
      return; // the pattern ends a string at its first unescaped quote
    } else {
      i++;
    }
  }
  problems.push({
    kind: "unterminated-string",
    start,
    end: start + image.length,
    message: 'this string is never closed: add `"` before the end of the line (strings cannot span lines)',
  });
}

/**
 * Offset of the first `(`, `[` or `{` that opens a level beyond `maxDepth`, scanning the raw
 * text with the lexer's own rules for strings and comments (brackets inside them do not
 * count), or undefined. Run before lexing so that a megabyte of `{` costs a few hundred
 * characters of lexing, not a million tokens.
 */
export function nestingCutoff(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
      i++;
    } else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
      i++;
    } else if (c === 0x22) i = skipString(text, i);
    else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) i = skipToLineEnd(text, i);
    else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else i++;
  }
  return undefined;
}

/** End of the string starting at `start`, as StringLiteral's pattern reads it. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x0a || c === 0x0d) return i;
    if (c === 0x5c) {
      const next = text.charCodeAt(i + 1);
      i += next === 0x0a || next === 0x0d || Number.isNaN(next) ? 1 : 2;
    } else i++;
  }
  return i;
}

function skipToLineEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
  return i;
}

const DECIMAL = /^[0-9](?:[0-9_]*[0-9])?$/;
const HEX = /^0x[0-9a-fA-F](?:[0-9a-fA-F_]*[0-9a-fA-F])?$/;
const BINARY = /^0b[01](?:[01_]*[01])?$/;

const PLAIN_DECIMAL = /^[0-9]+$/;

export function isValidIntLiteral(image: string): boolean {
  return smallDecimal(image) >= 0 || PLAIN_DECIMAL.test(image) || DECIMAL.test(image) || HEX.test(image) || BINARY.test(image);
}

/** Values of small literals, made once: most literals are dimensions, indices and counts. */
const SMALL_VALUES: bigint[] = [];
const SMALL_LIMIT = 4096;

/** The value of an image of at most four decimal digits, or −1. */
function smallDecimal(image: string): number {
  const n = image.length;
  if (n === 0 || n > 4) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = image.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The exact value of an integer literal, or undefined when it is malformed. */
export function parseIntLiteral(image: string): bigint | undefined {
  const small = smallDecimal(image);
  if (small >= 0) return small < SMALL_LIMIT ? (SMALL_VALUES[small] ??= BigInt(small)) : BigInt(small);
  if (PLAIN_DECIMAL.test(image)) return BigInt(image);
  if (!isValidIntLiteral(image)) return undefined;
  return BigInt(image.replace(/_/g, ""));
}

function invalidNumberMessage(image: string): string {
  const shown = image.length > 24 ? image.slice(0, 24) + "..." : image;
  let hint = "write a decimal (`1_000`), hex (`0xff`) or binary (`0b1010`) integer; `_` may only separate digits";
  if (/^0[xX]$|^0[bB]$/.test(image)) hint = "digits must follow the `0x` / `0b` prefix";
  else if (/^0X|^0B/.test(image)) hint = "the prefix is lower-case: `0x` or `0b`";
  else if (/^[0-9][0-9_]*[A-Za-z]/.test(image) && !/^0[xb]/.test(image)) {
    hint = "a name cannot start with a digit; a number cannot contain letters (use `0x` for hex)";
  }
  return `invalid number \`${shown}\`: ${hint}`;
}
