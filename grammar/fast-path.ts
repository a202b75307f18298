/**
 * The fast path of `parse`: a hand-written scanner and recursive-descent parser for files
 * without any syntax problem, which is what the compiler reads almost always (the stdlib, a
 * project's modules, a file being checked before a build). It accepts exactly the EBNF of
 * docs/grammar.ebnf and builds the same tree as the chevrotain parser (parser.ts), node for
 * node and key for key. On anything else — a lexical problem, an unexpected token, nesting
 * deeper than MAX_NESTING, a construct it does not read — it gives up and returns undefined,
 * and `parse` runs the chevrotain parser, which alone knows how to recover and report.
 *
 * Giving up is always safe; accepting is not. So this file reads strictly: where the
 * chevrotain parser would take an input with a problem (a forgotten comma, a misplaced `use`,
 * junk), this one gives up. test/grammar/fast-path.test.ts checks on the differential corpus
 * and its mutations that whatever this accepts, the chevrotain parser reads identically and
 * without problems.
 *
 * Why a second parser: on large files chevrotain's per-rule machinery (lookahead functions,
 * recovery bookkeeping, token objects) cost about 5x this (issue 2's speed aim).
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import { isValidIntLiteral, parseIntLiteral } from "./lexer.js";
import { docBefore, foldBinary, stringLit } from "./tree-build.js";

// Token kinds. Soft keywords (also names) form one range, binary operators another.
const EOF = 0;
const NAME = 1;
const INT = 2;
const STRING = 3;
const MODULE = 10, USE = 11, CONST = 12, SLOT = 13, SYMBOL = 14, AXIS = 15, TENSOR = 16, KERNEL = 17;
const POLICY = 18, WORKLOAD = 19, PIPELINE = 20, SCHEDULE = 21, TARGET = 22, CHANNEL = 23, PROCESS = 24;
const PARALLEL = 25, FOR = 26, SELECT = 27, WHEN = 28, LOAD = 29, SCOPE = 30, SEND = 31, RECV = 32;
const CONSUME = 33, CLOSE = 34, AS = 35, ELSE = 36, LET = 37, RETURN = 38, TRUE = 39, FALSE = 40;
const TASK = 41, INOUT = 42, IN = 43, OUT = 44, ON = 45, FROM = 46;
const DEPTH = 50, LATENCY = 51, REPLICATE = 52, CYCLES = 53, SOURCE = 54;
const DISPATCH = 55, WINDOW = 56, READY = 57, START = 58, POOLS = 59;
const SOFT_FIRST = DEPTH, SOFT_LAST = POOLS;
const DIRECTIVE_FIRST = DISPATCH;
// Binary operators.
const OROR = 70, ANDAND = 71, EQEQ = 72, NOTEQ = 73, LTEQ = 74, GTEQ = 75, SHL = 76, SHR = 77;
const LT = 78, GT = 79, PIPE = 80, AMP = 81, CARET = 82, PLUS = 83, MINUS = 84, STAR = 85, SLASH = 86, PERCENT = 87;
const BIN_FIRST = OROR, BIN_LAST = PERCENT;
// Other punctuation.
const LARROW = 90, BANG = 91, TILDE = 92, EQUALS = 93, LPAREN = 94, RPAREN = 95, LBRACKET = 96, RBRACKET = 97;
const LCURLY = 98, RCURLY = 99, COMMA = 100, DOT = 101, COLON = 102, SEMICOLON = 103;

const KEYWORDS: ReadonlyMap<string, number> = new Map([
  ["module", MODULE], ["use", USE], ["const", CONST], ["slot", SLOT], ["symbol", SYMBOL], ["axis", AXIS],
  ["tensor", TENSOR], ["kernel", KERNEL], ["policy", POLICY], ["workload", WORKLOAD], ["pipeline", PIPELINE],
  ["schedule", SCHEDULE], ["target", TARGET], ["channel", CHANNEL], ["process", PROCESS], ["parallel", PARALLEL],
  ["for", FOR], ["select", SELECT], ["when", WHEN], ["load", LOAD], ["scope", SCOPE], ["send", SEND],
  ["recv", RECV], ["consume", CONSUME], ["close", CLOSE], ["as", AS], ["else", ELSE], ["let", LET],
  ["return", RETURN], ["true", TRUE], ["false", FALSE], ["task", TASK], ["inout", INOUT], ["in", IN],
  ["out", OUT], ["on", ON], ["from", FROM], ["depth", DEPTH], ["latency", LATENCY], ["replicate", REPLICATE],
  ["cycles", CYCLES], ["source", SOURCE], ["dispatch", DISPATCH], ["window", WINDOW], ["ready", READY],
  ["start", START], ["pools", POOLS],
]);

/**
 * The keywords by first letter and length (`(letter - 97) * 10 + length`): most names (`i`,
 * `tile`, `load3`) find no candidate, and the rest compare against one or two, with no hashing.
 */
const KEYWORD_TABLE: readonly (readonly (readonly [string, number])[] | undefined)[] = (() => {
  const table: [string, number][][] = [];
  for (const [k, kind] of KEYWORDS) (table[(k.charCodeAt(0) - 97) * 10 + k.length] ??= []).push([k, kind]);
  return table;
})();

function keywordOrName(word: string, first: number): number {
  const candidates = KEYWORD_TABLE[(first - 97) * 10 + word.length];
  if (candidates) for (const [k, kind] of candidates) if (k === word) return kind;
  return NAME;
}

/** Thrown (once) to give up; never escapes this module. */
const GIVE_UP = new Error("not on the fast path");

function giveUp(): never {
  throw GIVE_UP;
}

export interface FastParse {
  readonly ast: A.SourceFileNode;
  readonly comments: A.Comment[];
}

/** The tree and comments of `text` if it has no syntax problem at all, else undefined. */
export function parseWithoutProblems(text: string, maxNesting: number): FastParse | undefined {
  try {
    const scanned = scan(text, maxNesting);
    return { ast: new Reader(text, scanned).file(), comments: scanned.comments };
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    // A stack overflow or a bug here must not lose the file: the full parser reads it.
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Scanner: the lexer's tokens, as kinds and offsets in typed arrays
// ---------------------------------------------------------------------------------------------

interface Scanned {
  /** The text of each name, keyword and integer token (read once, shared by the tree). */
  readonly words: (string | undefined)[];
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly comments: A.Comment[];
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** The token arrays being filled (grown by doubling). */
class TokenBuffer {
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Sized like the typed arrays (growing a pushed array re-copied it many times). */
  words: (string | undefined)[];
  count = 0;

  constructor(private capacity: number) {
    this.words = new Array<string | undefined>(capacity);
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  push(kind: number, start: number, end: number, word: string | undefined): void {
    if (this.count === this.capacity) this.grow();
    const k = this.count++;
    this.kinds[k] = kind;
    this.starts[k] = start;
    this.ends[k] = end;
    this.words[k] = word;
  }

  /** A one- or two-character operator at `i`; returns the offset after it. */
  operator(i: number, isLong: boolean, long: number, short: number): number {
    const end = isLong ? i + 2 : i + 1;
    this.push(isLong ? long : short, i, end, undefined);
    return end;
  }

  private grow(): void {
    this.capacity *= 2;
    const kinds = new Uint8Array(this.capacity), starts = new Int32Array(this.capacity), ends = new Int32Array(this.capacity);
    kinds.set(this.kinds);
    starts.set(this.starts);
    ends.set(this.ends);
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
    this.words.length = this.capacity;
  }
}

/** The longest keyword (`workload`, `pipeline`, `schedule`, `parallel`, `replicate`). */
const LONGEST_KEYWORD = 9;

/** Tokens as lexer.ts reads them; gives up on anything `lex` would report as a problem. */
function scan(text: string, maxNesting: number): Scanned {
  const n = text.length;
  // Programs run 3 to 4 characters per token; at half the length the buffer never grows in practice.
  const out = new TokenBuffer((n >> 1) + 16);
  const comments: A.Comment[] = [];
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) { i++; continue; }
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      // Keywords are lower-case and short: most names need no lookup.
      const kind = c >= 97 && j - i <= LONGEST_KEYWORD ? keywordOrName(word, c) : NAME;
      out.push(kind, i, j, word);
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (!isValidIntLiteral(word)) giveUp();
      out.push(INT, i, j, word);
      i = j;
      continue;
    }
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    switch (c) {
      case 0x2f: // /
        if (next === 0x2f) {
          let j = i + 2;
          while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          const image = text.slice(i, j);
          const doc = image.startsWith("///") && !image.startsWith("////");
          comments.push({ style: doc ? "doc" : "line", text: image, start: i, end: j });
          i = j;
        } else if (next === 0x2a) {
          const close = text.indexOf("*/", i + 2);
          if (close < 0) giveUp();
          comments.push({ style: "block", text: text.slice(i, close + 2), start: i, end: close + 2 });
          i = close + 2;
        } else i = out.operator(i, false, 0, SLASH);
        continue;
      case 0x22: { // "
        const end = scanString(text, i);
        if (end < 0) giveUp();
        out.push(STRING, i, end, undefined);
        i = end;
        continue;
      }
      case 0x7c: i = out.operator(i, next === 0x7c, OROR, PIPE); continue; // |
      case 0x26: i = out.operator(i, next === 0x26, ANDAND, AMP); continue; // &
      case 0x3d: i = out.operator(i, next === 0x3d, EQEQ, EQUALS); continue; // =
      case 0x21: i = out.operator(i, next === 0x3d, NOTEQ, BANG); continue; // !
      case 0x3e: i = next === 0x3d ? out.operator(i, true, GTEQ, 0) : out.operator(i, next === 0x3e, SHR, GT); continue; // >
      case 0x3c: // <
        if (next === 0x3d) i = out.operator(i, true, LTEQ, 0);
        else if (next === 0x3c) i = out.operator(i, true, SHL, 0);
        else i = out.operator(i, next === 0x2d, LARROW, LT);
        continue;
      case 0x5e: i = out.operator(i, false, 0, CARET); continue;
      case 0x2b: i = out.operator(i, false, 0, PLUS); continue;
      case 0x2d: i = out.operator(i, false, 0, MINUS); continue;
      case 0x2a: i = out.operator(i, false, 0, STAR); continue;
      case 0x25: i = out.operator(i, false, 0, PERCENT); continue;
      case 0x7e: i = out.operator(i, false, 0, TILDE); continue;
      case 0x28: case 0x5b: case 0x7b:
        if (++depth > maxNesting) giveUp();
        i = out.operator(i, false, 0, c === 0x28 ? LPAREN : c === 0x5b ? LBRACKET : LCURLY);
        continue;
      case 0x29: case 0x5d: case 0x7d:
        depth--;
        i = out.operator(i, false, 0, c === 0x29 ? RPAREN : c === 0x5d ? RBRACKET : RCURLY);
        continue;
      case 0x2c: i = out.operator(i, false, 0, COMMA); continue;
      case 0x2e: i = out.operator(i, false, 0, DOT); continue;
      case 0x3a: i = out.operator(i, false, 0, COLON); continue;
      case 0x3b: i = out.operator(i, false, 0, SEMICOLON); continue;
      default: giveUp(); // a character the lexer reports (or a BOM, which `lex` rewrites)
    }
  }
  out.push(EOF, n, n, undefined);
  return { words: out.words, kinds: out.kinds, starts: out.starts, ends: out.ends, comments };
}

/**
 * The end of the string literal at `start`, or -1 when `lex` would report it (unterminated,
 * or an escape other than `\" \\ \n \t`).
 */
function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 10 || c === 13) return -1;
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e !== 0x22 && e !== 0x5c && e !== 0x6e && e !== 0x74) return -1;
      i += 2;
    } else i++;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Reader: the grammar, building the nodes parser.ts builds (same shapes, same key order)
// ---------------------------------------------------------------------------------------------

class Reader {
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly comments: readonly A.Comment[];
  private readonly words: readonly (string | undefined)[];
  private pos = 0;

  constructor(private readonly text: string, scanned: Scanned) {
    this.kinds = scanned.kinds;
    this.starts = scanned.starts;
    this.ends = scanned.ends;
    this.comments = scanned.comments;
    this.words = scanned.words;
  }

  // --- tokens ------------------------------------------------------------------------------

  private kind(): number {
    return this.kinds[this.pos]!;
  }

  private isName(k: number): boolean {
    return k === NAME || (k >= SOFT_FIRST && k <= SOFT_LAST);
  }

  /** Consumes a token of kind `k` and returns its index. */
  private expect(k: number): number {
    if (this.kinds[this.pos] !== k) giveUp();
    return this.pos++;
  }

  /** Consumes a name (a plain name or a soft keyword) and returns its index. */
  private expectName(): number {
    if (!this.isName(this.kinds[this.pos]!)) giveUp();
    return this.pos++;
  }

  private accept(k: number): boolean {
    if (this.kinds[this.pos] !== k) return false;
    this.pos++;
    return true;
  }

  private image(t: number): string {
    return this.words[t] ?? this.text.slice(this.starts[t]!, this.ends[t]!);
  }

  private ident(t: number): A.Ident {
    return { text: this.image(t), start: this.starts[t]!, end: this.ends[t]! };
  }

  private scalarType(t: number): A.ScalarTypeRef {
    return { name: this.image(t), start: this.starts[t]!, end: this.ends[t]! };
  }

  private span(t: number): A.Span {
    return { start: this.starts[t]!, end: this.ends[t]! };
  }

  /** The end of the last consumed token: every node ends there. */
  private lastEnd(): number {
    return this.ends[this.pos - 1]!;
  }

  private doc(start: number): string | undefined {
    return docBefore(this.text, this.comments, start);
  }

  private token(t: number): IToken {
    return { image: this.image(t), startOffset: this.starts[t]! } as IToken;
  }

  // --- file and declarations ---------------------------------------------------------------

  file(): A.SourceFileNode {
    let module: A.ModuleDecl | undefined;
    const uses: A.UseDecl[] = [];
    const decls: A.Decl[] = [];
    for (;;) {
      const k = this.kind();
      if (k === EOF) break;
      if (k === MODULE) {
        if (module || uses.length > 0 || decls.length > 0) giveUp();
        module = this.moduleDecl();
      } else if (k === USE) {
        if (decls.length > 0) giveUp();
        uses.push(this.useDecl());
      } else decls.push(this.decl(k));
    }
    return { kind: "SourceFile", module, uses, decls, start: 0, end: this.text.length };
  }

  private decl(k: number): A.Decl {
    switch (k) {
      case CONST: return this.constDecl();
      case SLOT: return this.slotOrSymbol("Slot");
      case SYMBOL: return this.slotOrSymbol("Symbol");
      case AXIS: return this.axisDecl();
      case TENSOR: return this.tensorDecl();
      case KERNEL: return this.kernelDecl();
      case POLICY: return this.policyDecl();
      case WORKLOAD: return this.workloadDecl();
      case PIPELINE: return this.pipelineDecl();
      case SCHEDULE: return this.scheduleDecl();
      case TARGET: return this.targetDecl();
      default: return giveUp();
    }
  }

  private moduleDecl(): A.ModuleDecl {
    const start = this.starts[this.pos++]!;
    const parts = this.qualifiedName();
    const name: A.QualifiedName = { parts, start: parts[0]!.start, end: parts[parts.length - 1]!.end };
    return { kind: "Module", name, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private qualifiedName(): A.Ident[] {
    const parts = [this.ident(this.expectName())];
    while (this.accept(DOT)) parts.push(this.ident(this.expectName()));
    return parts;
  }

  private useDecl(): A.UseDecl {
    const start = this.starts[this.pos++]!;
    const parts = [this.ident(this.expectName())];
    let items: A.UseItem[] | undefined;
    this.expect(DOT);
    do {
      if (this.kind() === LCURLY) items = this.useBraced();
      else parts.push(this.ident(this.expectName()));
    } while (items === undefined && this.accept(DOT));
    if (items !== undefined) {
      // Nothing may follow the braces (the full parser reports it).
      if (this.kind() === DOT || this.kind() === AS) giveUp();
      const module: A.QualifiedName = { parts, start: parts[0]!.start, end: parts[parts.length - 1]!.end };
      return { kind: "Use", module, items, braced: true, start, end: this.lastEnd() };
    }
    let alias: A.Ident | undefined;
    if (this.accept(AS)) alias = this.ident(this.expectName());
    const itemName = parts[parts.length - 1]!;
    const modulePath = parts.slice(0, -1);
    const item: A.UseItem = { name: itemName, alias, start: itemName.start, end: alias ? alias.end : itemName.end };
    const module: A.QualifiedName = { parts: modulePath, start: modulePath[0]!.start, end: modulePath[modulePath.length - 1]!.end };
    return { kind: "Use", module, items: [item], braced: false, start, end: this.lastEnd() };
  }

  private useBraced(): A.UseItem[] {
    this.expect(LCURLY);
    const items: A.UseItem[] = [];
    if (this.kind() !== RCURLY) {
      items.push(this.useItem());
      while (this.accept(COMMA) && this.kind() !== RCURLY) items.push(this.useItem());
    }
    this.expect(RCURLY);
    return items;
  }

  private useItem(): A.UseItem {
    const t = this.expectName();
    let alias: A.Ident | undefined;
    if (this.accept(AS)) alias = this.ident(this.expectName());
    return { name: this.ident(t), alias, start: this.starts[t]!, end: this.lastEnd() };
  }

  private constDecl(): A.ConstDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    let type: A.ScalarTypeRef | undefined;
    if (this.accept(COLON)) type = this.scalarType(this.expectName());
    this.expect(EQUALS);
    const value = this.expression();
    return { kind: "Const", name, type, value, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private slotOrSymbol(kind: "Slot" | "Symbol"): A.SlotDecl | A.SymbolDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(COLON);
    const type = this.scalarType(this.expectName());
    return { kind, name, type, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private axisDecl(): A.AxisDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(EQUALS);
    const axisKind = this.ident(this.expectName());
    this.expect(LPAREN);
    const args = this.kind() === RPAREN ? [] : this.args();
    this.expect(RPAREN);
    return { kind: "Axis", name, axisKind, args, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private tensorDecl(): A.TensorDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(COLON);
    const type = this.tensorType();
    const direction = this.direction();
    return { kind: "Tensor", name, type, direction, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private direction(): A.DirectionRef | undefined {
    const k = this.kind();
    if (k !== IN && k !== OUT && k !== INOUT) return undefined;
    const t = this.pos++;
    return { value: this.image(t) as A.TensorDirection, start: this.starts[t]!, end: this.ends[t]! };
  }

  private tensorType(): A.TensorTypeRef {
    const dtype = this.scalarType(this.expectName());
    this.expect(LBRACKET);
    const dims = this.exprList();
    this.expect(RBRACKET);
    return { dtype, dims, start: dtype.start, end: this.lastEnd() };
  }

  private kernelDecl(): A.KernelDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(LPAREN);
    const params: A.KernelParam[] = [];
    if (this.kind() !== RPAREN) {
      params.push(this.kernelParam());
      while (this.accept(COMMA) && this.kind() !== RPAREN) params.push(this.kernelParam());
    }
    this.expect(RPAREN);
    const clauses: A.KernelClause[] = [];
    let executor: A.Ident | undefined;
    let cycles: A.Expr | undefined;
    let source: A.StringLit | undefined;
    // Repeated clauses: the first of each kind counts (the checker reports the others).
    for (;;) {
      const k = this.kind();
      if (k !== ON && k !== CYCLES && k !== SOURCE) break;
      const t = this.pos++;
      clauses.push({ clause: k === ON ? "on" : k === CYCLES ? "cycles" : "source", start: this.starts[t]!, end: this.ends[t]! });
      if (k === ON) {
        const e = this.ident(this.expectName());
        executor ??= e;
      } else if (k === CYCLES) {
        const value = this.expression();
        cycles ??= value;
      } else {
        const s = stringLit(this.token(this.expect(STRING)));
        source ??= s;
      }
    }
    return { kind: "Kernel", name, params, executor, cycles, source, clauses, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private kernelParam(): A.KernelParam {
    const first = this.expectName();
    const start = this.starts[first]!;
    this.expect(COLON);
    const direction = this.direction();
    let type: A.TensorTypeRef | A.ScalarTypeRef;
    let isTensor: boolean;
    if (direction) {
      type = this.tensorType();
      isTensor = true;
    } else {
      const dtype = this.scalarType(this.expectName());
      isTensor = this.accept(LBRACKET);
      if (isTensor) {
        const dims = this.exprList();
        this.expect(RBRACKET);
        type = { dtype, dims, start: dtype.start, end: this.lastEnd() };
      } else type = dtype;
    }
    return { name: this.ident(first), direction, type, isTensor, start, end: this.lastEnd() };
  }

  private policyDecl(): A.PolicyDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(LPAREN);
    const params: A.PolicyParam[] = [];
    if (this.kind() !== RPAREN) {
      params.push(this.policyParam());
      while (this.accept(COMMA) && this.kind() !== RPAREN) params.push(this.policyParam());
    }
    this.expect(RPAREN);
    this.expect(COLON);
    const policyKind = this.ident(this.expectName());
    let lets: A.LetBinding[] = [];
    let result: A.Expr;
    const block = this.kind() === LCURLY;
    if (block) {
      this.pos++;
      while (this.kind() === LET) {
        lets.push(this.letBinding());
        this.accept(SEMICOLON);
      }
      this.expect(RETURN);
      result = this.expression();
      this.accept(SEMICOLON);
      this.expect(RCURLY);
    } else {
      this.expect(EQUALS);
      lets = [];
      result = this.expression();
    }
    return { kind: "Policy", name, params, policyKind, lets, result, block, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private policyParam(): A.PolicyParam {
    const first = this.expectName();
    this.expect(COLON);
    const type = this.scalarType(this.expectName());
    return { name: this.ident(first), type, start: this.starts[first]!, end: this.lastEnd() };
  }

  private letBinding(): A.LetBinding {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(EQUALS);
    const value = this.expression();
    return { name, value, start, end: this.lastEnd() };
  }

  private workloadDecl(): A.WorkloadDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    const body = this.block();
    return { kind: "Workload", name, body, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private pipelineDecl(): A.PipelineDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(LCURLY);
    const members: A.PipelineMember[] = [];
    for (;;) {
      const k = this.kind();
      if (k === CHANNEL) members.push(this.channelDecl());
      else if (k === PROCESS) members.push(this.processDecl());
      else break;
    }
    this.expect(RCURLY);
    return { kind: "Pipeline", name, members, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private channelDecl(): A.ChannelDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    const depth = this.accept(DEPTH) ? this.expression() : undefined;
    const latency = this.accept(LATENCY) ? this.expression() : undefined;
    this.accept(SEMICOLON); // part of the channel's span, as in the full parser
    return { kind: "Channel", name, depth, latency, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private processDecl(): A.ProcessDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    const replicate = this.accept(REPLICATE) ? this.expression() : undefined;
    const body = this.block();
    return { kind: "Process", name, replicate, body, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private scheduleDecl(): A.ScheduleDecl {
    const start = this.starts[this.pos++]!;
    const subject = this.ident(this.expectName());
    this.expect(ON);
    const target = this.ident(this.expectName());
    this.expect(LCURLY);
    const directives: A.Directive[] = [];
    for (;;) {
      const k = this.kind();
      if (k === DISPATCH) directives.push(this.policyDirective("Dispatch"));
      else if (k === READY) directives.push(this.policyDirective("Ready"));
      else if (k === START) directives.push(this.policyDirective("Start"));
      else if (k === WINDOW) directives.push(this.windowDirective());
      else if (k === POOLS) directives.push(this.poolsDirective());
      else break;
      this.accept(SEMICOLON);
    }
    this.expect(RCURLY);
    return { kind: "Schedule", subject, target, directives, doc: this.doc(start), start, end: this.lastEnd() };
  }

  private policyDirective(kind: "Dispatch" | "Ready" | "Start"): A.Directive {
    const keywordTok = this.pos++;
    const keyword = this.span(keywordTok);
    const first = this.expectName();
    let args: A.Arg[] = [];
    const hasParens = this.accept(LPAREN);
    if (hasParens) {
      if (this.kind() !== RPAREN) args = this.args();
      this.expect(RPAREN);
    }
    const policy: A.PolicyRef = { name: this.ident(first), args, hasParens, start: this.starts[first]!, end: this.lastEnd() };
    return { kind, keyword, policy, start: keyword.start, end: this.lastEnd() } as A.Directive;
  }

  /** `window SIZE [unit [mode]]`: unit and mode are names other than directive keywords. */
  private windowDirective(): A.WindowDirective {
    const keyword = this.span(this.pos++);
    const size = this.expression();
    let unit: A.Ident | undefined;
    let mode: A.Ident | undefined;
    if (this.isWindowWord(this.kind())) {
      unit = this.ident(this.pos++);
      if (this.isWindowWord(this.kind())) mode = this.ident(this.pos++);
    }
    return { kind: "Window", keyword, size, unit, mode, start: keyword.start, end: this.lastEnd() };
  }

  private isWindowWord(k: number): boolean {
    return this.isName(k) && !(k >= DIRECTIVE_FIRST && k <= SOFT_LAST);
  }

  private poolsDirective(): A.PoolsDirective {
    const keyword = this.span(this.pos++);
    this.expect(LCURLY);
    const entries: A.PoolEntry[] = [];
    if (this.kind() !== RCURLY) {
      entries.push(this.poolEntry());
      while (this.accept(COMMA) && this.kind() !== RCURLY) entries.push(this.poolEntry());
    }
    this.expect(RCURLY);
    return { kind: "Pools", keyword, entries, start: keyword.start, end: this.lastEnd() };
  }

  private poolEntry(): A.PoolEntry {
    const first = this.expectName();
    const size = this.expression();
    const unit = this.isName(this.kind()) ? this.ident(this.pos++) : undefined;
    return { name: this.ident(first), size, unit, start: this.starts[first]!, end: this.lastEnd() };
  }

  private targetDecl(): A.TargetDecl {
    const start = this.starts[this.pos++]!;
    const name = this.ident(this.expectName());
    this.expect(LCURLY);
    const properties: A.TargetProperty[] = [];
    while (this.isName(this.kind())) {
      const keyTok = this.pos++;
      const value: A.Expr | A.StringLit = this.kind() === STRING ? stringLit(this.token(this.pos++)) : this.expression();
      properties.push({ key: this.ident(keyTok), value, start: this.starts[keyTok]!, end: this.lastEnd() });
      this.accept(SEMICOLON);
    }
    this.expect(RCURLY);
    return { kind: "Target", name, properties, doc: this.doc(start), start, end: this.lastEnd() };
  }

  // --- statements --------------------------------------------------------------------------

  private block(): A.Block {
    const start = this.starts[this.expect(LCURLY)]!;
    const statements: A.Stmt[] = [];
    while (this.kind() !== RCURLY) {
      statements.push(this.statement(this.kind()));
      this.accept(SEMICOLON);
    }
    this.pos++;
    return { statements, start, end: this.lastEnd() };
  }

  private statement(k: number): A.Stmt {
    switch (k) {
      case PARALLEL: return this.loopStmt("Parallel");
      case FOR: return this.loopStmt("For");
      case SELECT: return this.selectStmt();
      case WHEN: return this.whenStmt();
      case LOAD: return this.loadStmt();
      case SCOPE: {
        const start = this.starts[this.pos++]!;
        const body = this.block();
        return { kind: "Scope", body, start, end: this.lastEnd() };
      }
      case SEND: {
        const start = this.starts[this.pos++]!;
        const channel = this.ident(this.expectName());
        this.expect(LPAREN);
        const value = this.expression();
        this.expect(RPAREN);
        return { kind: "Send", channel, value, start, end: this.lastEnd() };
      }
      case RECV: case CONSUME: {
        const start = this.starts[this.pos++]!;
        const variable = this.ident(this.expectName());
        this.expect(FROM);
        const channel = this.ident(this.expectName());
        if (k === RECV) return { kind: "Recv", variable, channel, start, end: this.lastEnd() };
        const body = this.block();
        return { kind: "Consume", variable, channel, body, start, end: this.lastEnd() };
      }
      case CLOSE: {
        const start = this.starts[this.pos++]!;
        const channel = this.ident(this.expectName());
        return { kind: "Close", channel, start, end: this.lastEnd() };
      }
      default: {
        // A kernel call: the only statement that starts with a name.
        const calleeTok = this.expectName();
        this.expect(LPAREN);
        const args = this.kind() === RPAREN ? [] : this.args();
        this.expect(RPAREN);
        return { kind: "Call", callee: this.ident(calleeTok), args, start: this.starts[calleeTok]!, end: this.lastEnd() };
      }
    }
  }

  private loopStmt(kind: "Parallel" | "For"): A.ParallelStmt | A.ForStmt {
    const start = this.starts[this.pos++]!;
    const bindings = [this.binding()];
    while (this.accept(COMMA)) bindings.push(this.binding());
    const body = this.block();
    return { kind, bindings, body, start, end: this.lastEnd() };
  }

  private selectStmt(): A.SelectStmt {
    const start = this.starts[this.pos++]!;
    const binding = this.binding();
    const body = this.block();
    return { kind: "Select", binding, body, start, end: this.lastEnd() };
  }

  private binding(): A.LoopBinding {
    const first = this.expectName();
    this.expect(IN);
    const axis = this.ident(this.expectName());
    let row: A.Expr | undefined;
    if (this.accept(LBRACKET)) {
      row = this.expression();
      this.expect(RBRACKET);
    }
    return { variable: this.ident(first), axis, row, start: this.starts[first]!, end: this.lastEnd() };
  }

  private whenStmt(): A.WhenStmt {
    const start = this.starts[this.pos]!;
    const branches = [this.whenBranch()];
    let otherwise: A.Block | undefined;
    while (this.accept(ELSE)) {
      if (this.kind() === WHEN) branches.push(this.whenBranch());
      else {
        otherwise = this.block();
        break;
      }
    }
    return { kind: "When", branches, otherwise, start, end: this.lastEnd() };
  }

  private whenBranch(): A.WhenBranch {
    const start = this.starts[this.expect(WHEN)]!;
    const condition = this.expression();
    const body = this.block();
    return { condition, body, start, end: body.end };
  }

  private loadStmt(): A.LoadStmt {
    const start = this.starts[this.pos++]!;
    const slot = this.ident(this.expectName());
    this.expect(LARROW);
    const tensor = this.ident(this.expectName());
    this.expect(LBRACKET);
    const indices = this.exprList();
    this.expect(RBRACKET);
    const view: A.TensorView = { kind: "View", tensor, indices, start: tensor.start, end: this.lastEnd() };
    return { kind: "Load", slot, view, start, end: this.lastEnd() };
  }

  // --- expressions -------------------------------------------------------------------------

  /** `[name =] expr {, [name =] expr} [,]` up to (not including) the `)`. */
  private args(): A.Arg[] {
    const args: A.Arg[] = [];
    do {
      let name: A.Ident | undefined;
      if (this.isName(this.kind()) && this.kinds[this.pos + 1] === EQUALS) {
        name = this.ident(this.pos);
        this.pos += 2;
      }
      const value = this.expression();
      args.push({ name, value, start: name ? name.start : value.start, end: value.end });
    } while (this.accept(COMMA) && this.kind() !== RPAREN);
    return args;
  }

  /** `expr {, expr} [,]` up to (not including) the `]`. */
  private exprList(): A.Expr[] {
    const exprs = [this.expression()];
    while (this.accept(COMMA) && this.kind() !== RBRACKET) exprs.push(this.expression());
    return exprs;
  }

  private expression(): A.Expr {
    const first = this.operand();
    let k = this.kind();
    if (k < BIN_FIRST || k > BIN_LAST) return first;
    const operands = [first];
    const operators: IToken[] = [];
    do {
      operators.push(this.token(this.pos++));
      operands.push(this.operand());
      k = this.kind();
    } while (k >= BIN_FIRST && k <= BIN_LAST);
    return foldBinary(operands, operators);
  }

  private operand(): A.Expr {
    const firstPrefix = this.pos;
    while (this.kind() === MINUS || this.kind() === BANG || this.kind() === TILDE) this.pos++;
    const lastPrefix = this.pos - 1;
    let result = this.primary();
    for (let t = lastPrefix; t >= firstPrefix; t--) {
      const end = this.ends[t]!;
      result = { kind: "Unary", op: this.image(t) as A.UnaryOp, operand: result, start: this.starts[t]!, end: Math.max(result.end, end) };
    }
    return result;
  }

  private primary(): A.Expr {
    const t = this.pos;
    const k = this.kind();
    const start = this.starts[t]!;
    const end = this.ends[t]!;
    switch (k) {
      case INT: {
        this.pos++;
        const text = this.image(t);
        return { kind: "Int", value: parseIntLiteral(text)!, text, start, end };
      }
      case TRUE: this.pos++; return { kind: "Bool", value: true, start, end };
      case FALSE: this.pos++; return { kind: "Bool", value: false, start, end };
      case TASK: {
        this.pos++;
        this.expect(DOT);
        const attribute = this.ident(this.expectName());
        return { kind: "TaskAttr", attribute, start, end: attribute.end };
      }
      case SELECT:
        this.pos++;
        return this.callExpr(t);
      case LPAREN: {
        this.pos++;
        const inner = this.expression();
        this.expect(RPAREN);
        return { kind: "Paren", inner, start, end: this.lastEnd() };
      }
      default: {
        this.expectName();
        const next = this.kind();
        if (next === LPAREN) return this.callExpr(t);
        if (next === LBRACKET) {
          this.pos++;
          const tensor = this.ident(t);
          const indices = this.exprList();
          this.expect(RBRACKET);
          return { kind: "View", tensor, indices, start: tensor.start, end: this.lastEnd() };
        }
        const name = this.ident(t);
        return { kind: "Name", name, start: name.start, end: name.end };
      }
    }
  }

  /** `name ( [args] )` with the name already consumed. */
  private callExpr(nameTok: number): A.CallExpr {
    const callee = this.ident(nameTok);
    this.expect(LPAREN);
    const args = this.kind() === RPAREN ? [] : this.args();
    this.expect(RPAREN);
    return { kind: "CallExpr", callee, args, start: callee.start, end: this.lastEnd() };
  }
}
