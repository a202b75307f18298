/**
 * The `.wsp` grammar (docs/grammar.ebnf) as one chevrotain parser with embedded actions: the
 * rules build the AST (ast.ts) directly, with no concrete syntax tree in between. Error
 * recovery is on, so a tree always comes back; the raw errors carry a machine-readable
 * description (see `ParseErrorInfo`) that messages.ts turns into text for people.
 *
 * Where this reads more than the EBNF, the actions report the extra as a problem, so the
 * programs without problems are exactly the EBNF's. The extras exist for error recovery:
 * - `module`, `use` and declarations are read in one loop (a misplaced line: one problem).
 * - List separators are optional when the next item is on the same line (a forgotten comma:
 *   one problem, and the rest of the list is still read).
 * - Each list of items (file, block, pipeline, schedule, target) has a "junk" item: a run of
 *   tokens that cannot start an item there, skipped as one problem (see `junk`).
 * Binary expressions are read flat (`unary { op unary }`) and folded by BINARY_PRECEDENCE;
 * prefix operators are a loop, not recursion, so long chains cannot exhaust the stack.
 *
 * Partial results. When recovery abandons a rule part-way, what the rule had read so far must
 * still reach the tree. Each rule therefore catches recognition errors, builds its partial
 * node from what it has read, and attaches it to the error (`partial`). If chevrotain then
 * re-syncs inside that rule, the rule's `recoveryValueFunc` hands the partial node back as the
 * rule's value; otherwise the error travels on to the calling rule, which takes the partial
 * node (`caught`) as if the sub-rule had returned it and attaches its own partial node in turn.
 *
 * Spans. A node's span runs from the first to the last real token consumed while its rule ran
 * (tokens skipped by recovery do not count): the start of every consumed real token is
 * recorded (`starts`, `consumed`, `lastEnd`), and a rule remembers `consumed` when it starts.
 *
 * Allocation. On large files the parser's cost is mostly allocation and garbage collection, so
 * the hot rules (file, block, expressions, argument and index lists, kernel parameters) keep
 * their state in a per-depth `Frame` and pass DSL callbacks and OR alternatives built once per
 * parser, and MANY is re-implemented without chevrotain's per-call allocations.
 * Never guard a DSL call (CONSUME, SUBRULE, OR...) by `RECORDING_PHASE`: chevrotain records
 * the grammar by running the rules once, and a skipped call silently changes the grammar
 * (test/grammar/differential compares the recorded grammar with a frozen copy).
 *
 * Files without any problem never reach this parser: grammar/fast-path.ts reads them, building
 * the same trees. A change to the grammar or to the nodes built here needs the same change
 * there (test/grammar/fast-path.test.ts compares the two on the differential corpus).
 */
import {
  EmbeddedActionsParser,
  EOF,
  isRecognitionException,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import type * as A from "./ast.js";
import * as T from "./lexer.js";
import { junkMessage } from "./messages.js";
import type { SyntaxProblem } from "./syntax-problem.js";
import {
  after,
  docBefore,
  foldBinary,
  ident,
  isReal,
  lastEnd,
  missing,
  optIdent,
  real,
  scalarType,
  stringLit,
  tokenEnd,
  tokenSpan,
} from "./tree-build.js";

/** What a raw chevrotain error means, JSON-encoded into its message by the provider below. */
export interface ParseErrorInfo {
  readonly kind: "mismatch" | "no-alternative" | "early-exit" | "redundant";
  /** Names of the token types that would have been accepted (first tokens of each path). */
  readonly expected: readonly string[];
  readonly rule: string;
}

export interface RawParseError {
  readonly info: ParseErrorInfo;
  /** The offending token (chevrotain's EOF token, with NaN offsets, at the end of input). */
  readonly token: IToken;
  /** The last token consumed before the error, if any. */
  readonly previous: IToken | undefined;
}

function firstTokenNames(paths: readonly (readonly TokenType[])[]): string[] {
  const names = new Set<string>();
  for (const path of paths) if (path[0]) names.add(path[0].name);
  return [...names];
}

function encode(info: ParseErrorInfo): string {
  return JSON.stringify(info);
}

const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    encode({ kind: "mismatch", expected: [expected.name], rule: ruleName }),
  buildNotAllInputParsedMessage: ({ ruleName }) => encode({ kind: "redundant", expected: [EOF.name], rule: ruleName }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    encode({ kind: "no-alternative", expected: firstTokenNames(expectedPathsPerAlt.flat()), rule: ruleName }),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    encode({ kind: "early-exit", expected: firstTokenNames(expectedIterationPaths), rule: ruleName }),
};

/** Tokens that start a schedule directive; a window's unit/mode name must not swallow them. */
const DIRECTIVE_KEYWORDS: ReadonlySet<TokenType> = new Set([T.Dispatch, T.Window, T.Ready, T.Start, T.Pools]);

const CLOSER_OF: ReadonlyMap<TokenType, TokenType> = new Map([
  [T.LParen, T.RParen],
  [T.LBracket, T.RBracket],
  [T.LCurly, T.RCurly],
]);
const CLOSERS: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RCurly]);
const DECLARATION_STARTS: ReadonlySet<TokenType> = new Set(T.DECLARATION_KEYWORDS);

/** Rule-stack suffix used to compute in-rule recovery follows (see getFollowsForInRuleRecovery). */
const FOLLOW_PATH_DEPTH = 12;
const FOLLOW_CACHE_LIMIT = 4096;

interface GrammarPath {
  ruleStack: string[];
  occurrenceStack: number[];
  lastTok: TokenType;
  lastTokOccurrence: number;
}

/** Chevrotain internals used by the recovery overrides below (pinned to chevrotain 11.2). */
interface RecoveryInternals {
  getCurrentGrammarPath(tokType: TokenType, tokIdxInRule: number): GrammarPath;
  flattenFollowSet(): TokenType[];
  getCurrFollowKey(): unknown;
  getFollowSetFromFollowKey(key: unknown): TokenType[] | undefined;
}

/** Chevrotain internals used by the MANY override (pinned to chevrotain 11.2). */
interface ManyInternals {
  getKeyForAutomaticLookahead(dslMethodIdx: number, occurrence: number): number;
  getLaFuncFromCache(key: number): () => boolean;
  firstAfterRepMap: Record<number, unknown>;
  doSingleRepetition(action: () => void): boolean;
  attemptInRepetitionRecovery(
    prodFunc: unknown,
    args: unknown[],
    lookahead: () => boolean,
    dslMethodIdx: number,
    prodOccurrence: number,
    nextToksWalker: unknown,
    notStuck: boolean,
  ): void;
}

/** chevrotain's MANY_IDX (grammar/keys.js: 3 << BITS_FOR_OCCURRENCE_IDX). */
const MANY_IDX = 3 << 8;
const ORIGINAL_MANY_INTERNAL = (EmbeddedActionsParser.prototype as unknown as { manyInternal: (...args: unknown[]) => void }).manyInternal;

// ---------------------------------------------------------------------------------------------
// Partial results carried on recognition errors
// ---------------------------------------------------------------------------------------------

/** The fields a recognition error carries while it unwinds (see the header comment). */
interface Carrier {
  /** A rule's partial value is attached. */
  wspHas?: boolean;
  wspValue?: unknown;
  /** The sub-rule's label or name, set where the calling rule sees the error. */
  wspKey?: string;
  /** The partial operand of `operand()` (a helper, not a rule) is attached. */
  wspOperandHas?: boolean;
  wspOperand?: A.Expr | undefined;
}

const NONE: unique symbol = Symbol("none");

/** A rule's value when chevrotain re-syncs inside it: the partial value it attached. */
function recovered(e: unknown): never {
  const carrier = e as Carrier;
  if (carrier.wspHas !== true) return undefined as never;
  carrier.wspHas = false;
  const value = carrier.wspValue;
  carrier.wspValue = undefined;
  return value as never; // the value the rule built from what it had read
}

const RECOVERY = { recoveryValueFunc: recovered };

// ---------------------------------------------------------------------------------------------
// Values of rules that need their caller's context to finish
// ---------------------------------------------------------------------------------------------

/** `Expr { , Expr } [ , ]`: expressions (undefined: no real token) and the real commas. */
interface ExprListRaw {
  readonly exprs: (A.Expr | undefined)[];
  readonly commas: IToken[];
}

interface ArgsRaw {
  readonly names: IToken[];
  readonly equals: IToken[];
  readonly exprs: (A.Expr | undefined)[];
  readonly commas: IToken[];
}

interface TensorTypeRaw {
  readonly span: A.Span | undefined;
  readonly dtype: IToken | undefined;
  readonly bracket: IToken | undefined;
  readonly list: ExprListRaw | undefined;
}

interface PolicyRefRaw {
  readonly span: A.Span | undefined;
  readonly name: IToken | undefined;
  readonly open: IToken | undefined;
  readonly args: ArgsRaw | undefined;
}

interface PolicyBodyRaw {
  readonly span: A.Span | undefined;
  readonly lets: A.LetBinding[];
  readonly ret: IToken | undefined;
  readonly result: A.Expr | undefined;
}

interface UseBracedRaw {
  readonly span: A.Span | undefined;
  readonly items: A.UseItem[];
  readonly commas: IToken[];
}

const NO_TOKENS: IToken[] = [];

function growStarts(starts: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(16, starts.length * 2));
  grown.set(starts);
  return grown;
}

function push<X>(list: X[] | undefined, x: X | undefined): X[] | undefined {
  if (x === undefined) return list;
  if (list === undefined) return [x];
  list.push(x);
  return list;
}

/**
 * The state of one running rule invocation, kept in a pool indexed by rule depth instead of in
 * closure variables: the hot rules' DSL callbacks are then built once per parser, not once per
 * invocation, which was most of the parser's allocation (and garbage-collection) cost. Only
 * the fields of the rule running at that depth (and of `operand()`, which runs inside
 * `expression` and `unary`) are meaningful; every rule resets the fields it reads.
 */
class Frame {
  // file
  module: A.ModuleDecl | undefined = undefined;
  uses: A.UseDecl[] | undefined = undefined;
  decls: A.Decl[] | undefined = undefined;
  // block
  items: unknown[] | undefined = undefined;
  // args, exprList
  names: IToken[] | undefined = undefined;
  equals: IToken[] | undefined = undefined;
  exprs: (A.Expr | undefined)[] | undefined = undefined;
  commas: IToken[] | undefined = undefined;
  // expression
  first: A.Expr | undefined = undefined;
  operators: IToken[] | undefined = undefined;
  operands: (A.Expr | undefined)[] | undefined = undefined;
  /** Problem-list length before each operand after an operator (for left-out operands). */
  operandMarks: number[] | undefined = undefined;
  // operand (and callStmt: nameTok, open, args)
  operandMark = 0;
  prefixes: IToken[] | undefined = undefined;
  primary: A.Expr | undefined = undefined;
  nameTok: IToken | undefined = undefined;
  open: IToken | undefined = undefined;
  args: ArgsRaw | undefined = undefined;
  bracket: IToken | undefined = undefined;
  list: ExprListRaw | undefined = undefined;
  paren: IToken | undefined = undefined;
  inner: A.Expr | undefined = undefined;
  task: IToken | undefined = undefined;
  dot: IToken | undefined = undefined;
  // kernelParam (also nameTok, open, list)
  colon: IToken | undefined = undefined;
  directionTok: IToken | undefined = undefined;
  tensorType: TensorTypeRaw | undefined = undefined;
  tensorSeen = false;
  dtype: IToken | undefined = undefined;
  close: IToken | undefined = undefined;
}

class WspParser extends EmbeddedActionsParser {
  private readonly followCache = new Map<string, TokenType[]>();
  /** The text being parsed (set per parse), for line-break tests and doc comments. */
  text = "";
  comments: readonly A.Comment[] = [];
  /** Problems the grammar leaves to its actions: junk, missing commas, misplaced lines. */
  problems: SyntaxProblem[] = [];
  /** The file's tokens (set per parse). */
  tokens: readonly IToken[] = [];
  /** How many real tokens were consumed so far, the start offset of each, the end of the last. */
  consumed = 0;
  starts: Int32Array<ArrayBuffer> = new Int32Array(0);
  lastEnd = 0;
  /** Label or rule name of the sub-rule whose partial value `caught` last returned. */
  private childKey = "";
  private readonly frames: Frame[] = [];

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion...). They halve
   * start-up time, so the shared instance skips them and a test runs them (`checkGrammar`).
   */
  constructor(validate: boolean) {
    super(T.ALL_TOKENS as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider,
      skipValidations: !validate,
    });
    // Chevrotain calls this hook for every consumed token (a no-op without CST output).
    (this as unknown as { cstPostTerminal: (key: string, token: IToken) => void }).cstPostTerminal = (_key, token) => {
      if (isReal(token)) {
        if (this.consumed === this.starts.length) this.starts = growStarts(this.starts);
        this.starts[this.consumed++] = token.startOffset;
        this.lastEnd = token.startOffset + token.image.length;
      }
    };
    this.performSelfAnalysis();
  }

  // -------------------------------------------------------------------------------------------
  // Recovery overrides (behaviour pinned by test/grammar/recovery and test/grammar/differential)
  // -------------------------------------------------------------------------------------------

  /**
   * Replaces chevrotain's computation of "what may follow the expected token" for single-token
   * insertion. The original walks the grammar along the whole rule stack, recursively and
   * without caching: at 256 levels of nesting it overflows the stack, and a file with
   * thousands of errors pays for it thousands of times. Here only the innermost
   * FOLLOW_PATH_DEPTH rules are walked (deeper context only matters when everything after
   * the token up to there is optional), and results are cached per path.
   */
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    const path = (this as unknown as RecoveryInternals).getCurrentGrammarPath(tokType, tokIdxInRule);
    const ruleStack = path.ruleStack.slice(-FOLLOW_PATH_DEPTH);
    const occurrenceStack = path.occurrenceStack.slice(-FOLLOW_PATH_DEPTH);
    const key = `${ruleStack.join(",")}|${occurrenceStack.join(",")}|${tokType.name}|${tokIdxInRule}`;
    let follows = this.followCache.get(key);
    if (follows === undefined) {
      follows = this.getNextPossibleTokenTypes({ ruleStack, occurrenceStack, lastTok: tokType, lastTokOccurrence: tokIdxInRule });
      if (this.followCache.size >= FOLLOW_CACHE_LIMIT) this.followCache.clear();
      this.followCache.set(key, follows);
    }
    return follows;
  }

  /**
   * Recovery may pretend a missing closer or name was there, never an opener: an invented
   * `{` would pair with a real `}` further on and shift every block after it.
   */
  override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return tokType !== T.LCurly && tokType !== T.LParen && tokType !== T.LBracket;
  }

  /**
   * Re-sync recovery, made aware of token categories. Chevrotain finds the first upcoming token
   * that may follow any rule on the stack and returns the *follow entry* it matched, then lets
   * the innermost rule whose own follow set contains that entry recover. When the entry is a
   * category (a junk category, `Identifier`), the outermost rule's category is found first
   * and an error in a statement unwinds the whole declaration. Returning the token's own type,
   * and matching it against categories, lets the innermost rule that can continue do so.
   */
  findReSyncTokenType(): TokenType {
    const follows = (this as unknown as RecoveryInternals).flattenFollowSet();
    for (let k = 1; ; k++) {
      // Terminates: EOF is always in the follow set and LA past the end is EOF.
      const token = this.LA(k);
      for (const follow of follows) if (tokenMatcher(token, follow)) return token.tokenType;
    }
  }

  isInCurrentRuleReSyncSet(tokenType: TokenType): boolean {
    const internals = this as unknown as RecoveryInternals;
    const follows = internals.getFollowSetFromFollowKey(internals.getCurrFollowKey()) ?? [];
    for (const follow of follows) {
      if (follow === tokenType || follow.categoryMatchesMap?.[tokenType.tokenTypeIdx!] === true) return true;
    }
    return false;
  }

  /**
   * Chevrotain's MANY (pinned to chevrotain 11.2's `manyInternalLogic`), minus its per-call
   * allocations: a gate wrapper closure and an argument array, a quarter of all the parser
   * allocated on large files. The gate wrapper is built once per repetition and rule position;
   * the argument array, only read by repetition recovery before any other MANY can run, is
   * reused. Until a position's "first token after the repetition" is cached by chevrotain (its
   * first run), the original runs, since only it knows how to compute that.
   */
  manyInternal(prodOccurrence: number, actionOrDef: (() => void) | { GATE?: () => boolean; DEF: () => void }): void {
    const internals = this as unknown as ManyInternals;
    const key = internals.getKeyForAutomaticLookahead(MANY_IDX, prodOccurrence);
    if (this.RECORDING_PHASE || internals.firstAfterRepMap[key] === undefined) {
      return ORIGINAL_MANY_INTERNAL.call(this, prodOccurrence, actionOrDef);
    }
    let lookahead = internals.getLaFuncFromCache(key);
    let action: () => void;
    if (typeof actionOrDef === "function") action = actionOrDef;
    else {
      action = actionOrDef.DEF;
      const gate = actionOrDef.GATE;
      if (gate !== undefined) lookahead = this.gatedLookahead(actionOrDef, key, gate, lookahead);
    }
    let notStuck = true;
    while (lookahead.call(this) === true && notStuck === true) notStuck = internals.doSingleRepetition(action);
    const args = this.manyArgs;
    args[0] = prodOccurrence;
    args[1] = actionOrDef;
    internals.attemptInRepetitionRecovery(this.manyInternal, args, lookahead, MANY_IDX, prodOccurrence, undefined, notStuck);
  }

  private readonly manyArgs: unknown[] = [0, undefined];
  private readonly gatedLookaheads = new WeakMap<object, Map<number, () => boolean>>();

  /** `gate() && lookahead()` as chevrotain builds it, cached per repetition object and position. */
  private gatedLookahead(def: object, key: number, gate: () => boolean, lookahead: () => boolean): () => boolean {
    let byKey = this.gatedLookaheads.get(def);
    if (byKey === undefined) this.gatedLookaheads.set(def, (byKey = new Map()));
    let gated = byKey.get(key);
    if (gated === undefined) byKey.set(key, (gated = () => gate.call(this) && lookahead.call(this)));
    return gated;
  }

  /** Chevrotain's hook where a failed sub-rule's error passes its caller: name the partial value. */
  subruleInternalError(e: unknown, options: { LABEL?: string } | undefined, ruleName: string): never {
    const carrier = e as Carrier;
    if (carrier.wspHas === true) carrier.wspKey = options?.LABEL ?? ruleName;
    throw e;
  }

  /**
   * In a rule's catch: rethrows anything but a recognition error, else returns the partial
   * value of the failed sub-rule (its key in `childKey`), or NONE when the rule itself failed.
   */
  private caught(e: unknown): unknown {
    if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
    const carrier = e as Carrier;
    if (carrier.wspHas !== true) return NONE;
    carrier.wspHas = false;
    const value = carrier.wspValue;
    carrier.wspValue = undefined;
    this.childKey = carrier.wspKey ?? "";
    return value;
  }

  /** Attaches a rule's partial value to the error that abandons it. */
  private partial(e: unknown, value: unknown): unknown {
    const carrier = e as Carrier;
    carrier.wspHas = true;
    carrier.wspValue = value;
    carrier.wspKey = undefined;
    return e;
  }

  /** The frame of the running rule (chevrotain's rule depth; 0 while recording the grammar). */
  private frame(): Frame {
    const depth = Math.max(0, (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX);
    return (this.frames[depth] ??= new Frame());
  }

  /** The span of the real tokens consumed since `consumed` was `mark`. */
  private spanSince(mark: number): A.Span | undefined {
    if (this.consumed <= mark) return undefined;
    return { start: this.starts[mark]!, end: this.lastEnd };
  }

  private doc(start: number): string | undefined {
    return docBefore(this.text, this.comments, start);
  }

  private report(token: IToken, message: string): void {
    this.problems.push({ kind: "unexpected-token", start: token.startOffset, end: tokenEnd(token), message });
  }

  private reportJunk(key: string, first: IToken | undefined): void {
    if (first) this.report(first, junkMessage(key, first));
  }

  /** Removes the problems reported since `mark` (for parts the tree leaves out). */
  private dropProblemsSince(mark: number): void {
    if (this.problems.length > mark) this.problems.length = mark;
  }

  /**
   * Whether a comma-separated list goes on: after a comma, or — the comma forgotten — when the
   * next item starts on the same line. A list left unclosed at the end of a line therefore
   * stops there instead of swallowing the next line's statement as one more item.
   */
  private readonly nextItemFollows = (): boolean => this.listContinues(undefined);
  /** As nextItemFollows, for items of the form `name : ...` (parameters). */
  private readonly nextParamFollows = (): boolean => this.listContinues(T.Colon);
  /** As nextItemFollows, for loop bindings `name in axis`. */
  private readonly nextBindingFollows = (): boolean => this.listContinues(T.In);

  private listContinues(second: TokenType | undefined): boolean {
    const next = this.LA(1);
    if (next.tokenType === T.Comma) return true;
    if (second && this.LA(2).tokenType !== second) return false;
    const previous = this.LA(0);
    const from = previous.startOffset + previous.image.length;
    if (!(from <= next.startOffset)) return false; // an invented token: play safe
    for (let i = from; i < next.startOffset; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Lists: a forgotten comma is one problem per gap
  // -------------------------------------------------------------------------------------------

  /**
   * The grammar reads list separators as optional, so that a forgotten comma costs one precise
   * problem instead of the rest of the list; here each gap without a comma is reported.
   */
  private commaList<S extends A.Span>(commas: readonly IToken[], items: S[], what: string): S[] {
    let c = 0;
    for (let i = 1; i < items.length; i++) {
      const previous = items[i - 1]!;
      const item = items[i]!;
      if (item.start === item.end) continue; // a missing item was already reported
      while (c < commas.length && commas[c]!.startOffset < previous.end) c++;
      if (c < commas.length && commas[c]!.startOffset < item.start) continue;
      const word = /^(?:[A-Za-z0-9_]+|.)/.exec(this.text.slice(item.start, item.start + 64))![0];
      this.problems.push({
        kind: "unexpected-token",
        start: item.start,
        end: item.start + word.length,
        message: `expected \`,\` before \`${word}\`: ${what} are separated by commas`,
      });
    }
    return items;
  }

  /**
   * Arguments from the flat `args` rule: each `name =` belongs to the expression that follows
   * it, told apart by offsets.
   */
  private finishArgs(raw: ArgsRaw | undefined, at: number): A.Arg[] {
    const result: A.Arg[] = [];
    if (raw === undefined) return result;
    const { names, equals } = raw;
    let n = 0;
    let position = at;
    for (const expr of raw.exprs) {
      const exprStart = expr !== undefined ? expr.start : Number.POSITIVE_INFINITY;
      let nameTok: IToken | undefined;
      let equalsTok: IToken | undefined;
      while (n < names.length && names[n]!.startOffset < exprStart) {
        nameTok = names[n];
        equalsTok = equals.find((e) => e.startOffset > nameTok!.startOffset && e.startOffset < exprStart);
        n++;
        if (exprStart === Number.POSITIVE_INFINITY) break;
      }
      const value = expr ?? missing(equalsTok ? tokenEnd(equalsTok) : nameTok ? tokenEnd(nameTok) : position);
      const name = nameTok ? ident(nameTok, 0) : undefined;
      const end = equalsTok ? Math.max(value.end, tokenEnd(equalsTok)) : value.end;
      result.push({ name, value, start: name ? name.start : value.start, end });
      position = result[result.length - 1]!.end;
    }
    return this.commaList(raw.commas, result, "arguments");
  }

  private finishExprList(raw: ExprListRaw | undefined, at: number): A.Expr[] {
    const result: A.Expr[] = [];
    let position = at;
    if (raw !== undefined) {
      for (const e of raw.exprs) {
        const value = e ?? missing(position);
        result.push(value);
        position = value.end;
      }
    }
    if (result.length === 0) result.push(missing(at));
    return this.commaList(raw?.commas ?? NO_TOKENS, result, "indices");
  }

  private finishTensorType(raw: TensorTypeRaw | undefined, at: number): A.TensorTypeRef {
    const span = raw?.span ?? { start: at, end: at };
    const dtypeTok = raw?.dtype;
    const dtype = scalarType(dtypeTok, span.start);
    const dims = this.finishExprList(raw?.list, after(span.start, dtypeTok, raw?.bracket));
    return { dtype, dims, start: span.start, end: span.end };
  }

  private finishPolicyRef(raw: PolicyRefRaw | undefined, at: number): A.PolicyRef {
    const span = raw?.span ?? { start: at, end: at };
    const open = raw?.open;
    return {
      name: ident(raw?.name, at),
      args: open ? this.finishArgs(raw!.args, tokenEnd(open)) : [],
      hasParens: open !== undefined,
      start: span.start,
      end: span.end,
    };
  }

  private emptyBlock(at: number): A.Block {
    return { statements: [], start: at, end: at };
  }

  // -------------------------------------------------------------------------------------------
  // File and declarations
  // -------------------------------------------------------------------------------------------

  file = this.RULE(
    "file",
    (): A.SourceFileNode => {
      const f = this.frame();
      f.module = undefined;
      f.uses = [];
      f.decls = [];
      try {
        this.MANY(this.fileItem);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) this.takeFileItem(this.childKey, child);
        throw this.partial(e, this.buildFile(f));
      }
      return this.buildFile(f);
    },
    RECOVERY,
  );

  private buildFile(f: Frame): A.SourceFileNode {
    return { kind: "SourceFile", module: f.module, uses: f.uses!, decls: f.decls!, start: 0, end: this.text.length };
  }

  // The alternatives of the hot lists are built once (see the header comment on allocation).
  private readonly fileAlts = [
    { ALT: () => this.takeFileItem("moduleDecl", this.SUBRULE(this.moduleDecl)) },
    { ALT: () => this.takeFileItem("useDecl", this.SUBRULE(this.useDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.constDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.slotDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.symbolDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.axisDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.tensorDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.kernelDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.policyDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.workloadDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.pipelineDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.scheduleDecl)) },
    { ALT: () => this.takeFileItem("decl", this.SUBRULE(this.targetDecl)) },
    { ALT: () => this.takeFileItem("fileJunk", this.SUBRULE(this.fileJunk)) },
  ];
  private readonly fileItem = (): void => {
    this.OR(this.fileAlts);
  };

  /** Adds a file item (the value of rule `key`, a declaration for any other key). */
  private takeFileItem(key: string, value: unknown): void {
    if (value === undefined || this.RECORDING_PHASE) return;
    if (key === "fileJunk") return this.reportJunk(key, value as IToken);
    const f = this.frame();
    if (key === "moduleDecl") {
      const node = value as A.ModuleDecl;
      const keyword = this.keywordAt(node.start);
      if (f.module) this.report(keyword, "a file has only one `module` line: remove this one");
      else if (f.uses!.length > 0 || f.decls!.length > 0) {
        this.report(keyword, "`module` must be the first line of the file, before any `use` or declaration");
      }
      f.module ??= node;
    } else if (key === "useDecl") {
      if (f.decls!.length > 0) {
        this.report(this.keywordAt((value as A.UseDecl).start), "`use` must come before the declarations: move it to the top of the file");
      }
      f.uses!.push(value as A.UseDecl);
    } else f.decls!.push(value as A.Decl);
  }

  /** The leading keyword of an item starting at `start` (a `module`/`use` line's first token). */
  private keywordAt(start: number): IToken {
    // The keyword is the item's first real token: binary search by offset.
    const tokens = this.tokens;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const offset = tokens[mid]!.startOffset;
      if (offset === start) return tokens[mid]!;
      if (offset < start) lo = mid + 1;
      else hi = mid - 1;
    }
    return { image: "", startOffset: start } as IToken;
  }

  moduleDecl = this.RULE(
    "moduleDecl",
    (): A.ModuleDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let parts: A.Ident[] | undefined;
      const build = (): A.ModuleDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const at = tokenEnd(keyword);
        const name: A.QualifiedName =
          parts && parts.length > 0
            ? { parts, start: parts[0]!.start, end: parts[parts.length - 1]!.end }
            : { parts: [ident(undefined, at)], start: at, end: at };
        return { kind: "Module", name, doc: this.doc(keyword.startOffset), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Module));
        parts = this.SUBRULE(this.qualifiedName);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) parts = child as A.Ident[] | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  qualifiedName = this.RULE(
    "qualifiedName",
    (): A.Ident[] => {
      const parts: A.Ident[] = [];
      try {
        const first = real(this.CONSUME(T.Identifier, { LABEL: "part" }));
        if (first) parts.push(ident(first, 0));
        this.MANY(() => {
          this.CONSUME(T.Dot);
          const part = real(this.CONSUME2(T.Identifier, { LABEL: "part" }));
          if (part) parts.push(ident(part, 0));
        });
      } catch (e) {
        this.caught(e);
        throw this.partial(e, parts);
      }
      return parts;
    },
    RECOVERY,
  );

  /** `use a.b.c` / `use a.b.c as d` / `use a.b.{c, d as e}`: the path and items are one loop. */
  useDecl = this.RULE(
    "useDecl",
    (): A.UseDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      const parts: IToken[] = [];
      let braced: UseBracedRaw | undefined;
      let bracedSeen = false;
      /** A second `{...}` after the first (`use a.{x}.{y}`): reported, not imported. */
      let extraBraced: A.Span | undefined;
      let as: IToken | undefined;
      let aliasTok: IToken | undefined;
      const takeBraced = (value: UseBracedRaw | undefined): void => {
        if (!bracedSeen) braced = value;
        else extraBraced ??= value?.span;
        bracedSeen = true;
      };
      const build = (): A.UseDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return this.finishUse(keyword, parts, bracedSeen ? braced : undefined, bracedSeen, as, aliasTok, span, extraBraced);
      };
      try {
        keyword = real(this.CONSUME(T.Use));
        const first = real(this.CONSUME(T.Identifier, { LABEL: "part" }));
        if (first) parts.push(first);
        this.AT_LEAST_ONE(() => {
          this.CONSUME(T.Dot);
          this.OR([
            { ALT: () => takeBraced(this.SUBRULE(this.useBraced)) },
            {
              ALT: () => {
                const part = real(this.CONSUME2(T.Identifier, { LABEL: "part" }));
                if (part) parts.push(part);
              },
            },
          ]);
        });
        this.OPTION(() => {
          as = real(this.CONSUME(T.As));
          aliasTok = real(this.CONSUME3(T.Identifier, { LABEL: "alias" }));
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) takeBraced(child as UseBracedRaw | undefined);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  private finishUse(
    keyword: IToken,
    partTokens: readonly IToken[],
    braced: UseBracedRaw | undefined,
    bracedSeen: boolean,
    as: IToken | undefined,
    aliasTok: IToken | undefined,
    span: A.Span,
    extraBraced: A.Span | undefined,
  ): A.UseDecl {
    const parts = partTokens.map((t) => ident(t, 0));
    let modulePath: A.Ident[];
    let items: A.UseItem[];
    if (bracedSeen) {
      const bracedEnd = braced?.span ? braced.span.end : 0;
      modulePath = parts.filter((p) => p.start < bracedEnd);
      const stray = partTokens.find((t) => t.startOffset >= bracedEnd);
      const message = "nothing may follow the `}` of an import list: write one `use` per module";
      if (stray && (!extraBraced || stray.startOffset < extraBraced.start)) this.report(stray, message);
      else if (extraBraced) this.problems.push({ kind: "unexpected-token", start: extraBraced.start, end: extraBraced.end, message });
      items = this.commaList(braced?.commas ?? NO_TOKENS, braced ? braced.items : [], "imported names");
      if (as) this.report(as, "`as` renames one imported item: write it inside the braces, e.g. `{name as alias}`");
    } else {
      // The last segment is the imported item; a path of one segment lacks the item.
      const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
      modulePath = last ? parts.slice(0, -1) : parts;
      const alias = optIdent(aliasTok);
      const itemName = last ?? ident(undefined, span.end);
      items = [{ name: itemName, alias, start: itemName.start, end: alias ? alias.end : itemName.end }];
    }
    const moduleName: A.QualifiedName =
      modulePath.length > 0
        ? { parts: modulePath, start: modulePath[0]!.start, end: modulePath[modulePath.length - 1]!.end }
        : { parts: [ident(undefined, tokenEnd(keyword))], start: tokenEnd(keyword), end: tokenEnd(keyword) };
    return { kind: "Use", module: moduleName, items, braced: bracedSeen, start: span.start, end: span.end };
  }

  useBraced = this.RULE(
    "useBraced",
    (): UseBracedRaw | undefined => {
      const mark = this.consumed;
      const items: A.UseItem[] = [];
      const commas: IToken[] = [];
      const take = (item: A.UseItem | undefined): void => {
        if (item) items.push(item);
      };
      const comma = (token: IToken): void => {
        if (isReal(token)) commas.push(token);
      };
      const build = (): UseBracedRaw | undefined =>
        this.RECORDING_PHASE ? undefined : { span: this.spanSince(mark), items, commas };
      try {
        this.CONSUME(T.LCurly);
        this.OPTION(() => {
          take(this.SUBRULE(this.useItem));
          this.MANY({
            GATE: this.nextItemFollows,
            DEF: () => {
              this.OPTION9(() => comma(this.CONSUME(T.Comma))); // a missing comma is reported by commaList
              take(this.SUBRULE2(this.useItem));
            },
          });
          this.OPTION2(() => comma(this.CONSUME2(T.Comma)));
        });
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) take(child as A.UseItem | undefined);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  useItem = this.RULE(
    "useItem",
    (): A.UseItem | undefined => {
      const mark = this.consumed;
      let nameTok: IToken | undefined;
      let aliasTok: IToken | undefined;
      const build = (): A.UseItem | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        const name = ident(nameTok, span.start);
        return { name, alias: optIdent(aliasTok), start: span.start, end: span.end };
      };
      try {
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.OPTION(() => {
          this.CONSUME(T.As);
          aliasTok = real(this.CONSUME2(T.Identifier, { LABEL: "alias" }));
        });
      } catch (e) {
        this.caught(e);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  constDecl = this.RULE(
    "constDecl",
    (): A.ConstDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let colon: IToken | undefined;
      let typeTok: IToken | undefined;
      let equals: IToken | undefined;
      let value: A.Expr | undefined;
      const build = (): A.ConstDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const type = colon || typeTok ? scalarType(typeTok, after(0, keyword, nameTok, colon)) : undefined;
        return {
          kind: "Const",
          name: ident(nameTok, tokenEnd(keyword)),
          type,
          value: value ?? missing(after(0, keyword, nameTok, colon, typeTok, equals)),
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Const));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.OPTION(() => {
          colon = real(this.CONSUME(T.Colon));
          typeTok = real(this.CONSUME2(T.Identifier, { LABEL: "type" }));
        });
        equals = real(this.CONSUME(T.Equals));
        value = this.SUBRULE(this.expression);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) value = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  private slotOrSymbol(kind: "Slot" | "Symbol", keywordType: TokenType): A.SlotDecl | A.SymbolDecl | undefined {
    const mark = this.consumed;
    let keyword: IToken | undefined;
    let nameTok: IToken | undefined;
    let colon: IToken | undefined;
    let typeTok: IToken | undefined;
    const build = (): A.SlotDecl | A.SymbolDecl | undefined => {
      const span = this.spanSince(mark);
      if (this.RECORDING_PHASE || !span || !keyword) return undefined;
      return {
        kind,
        name: ident(nameTok, tokenEnd(keyword)),
        type: scalarType(typeTok, after(0, keyword, nameTok, colon)),
        doc: this.doc(span.start),
        start: span.start,
        end: span.end,
      };
    };
    try {
      keyword = real(this.CONSUME(keywordType));
      nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
      colon = real(this.CONSUME(T.Colon));
      typeTok = real(this.CONSUME2(T.Identifier, { LABEL: "type" }));
    } catch (e) {
      this.caught(e);
      throw this.partial(e, build());
    }
    return build();
  }

  slotDecl = this.RULE("slotDecl", () => this.slotOrSymbol("Slot", T.Slot), RECOVERY);
  symbolDecl = this.RULE("symbolDecl", () => this.slotOrSymbol("Symbol", T.SymbolKw), RECOVERY);

  axisDecl = this.RULE(
    "axisDecl",
    (): A.AxisDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let equals: IToken | undefined;
      let kindTok: IToken | undefined;
      let open: IToken | undefined;
      let args: ArgsRaw | undefined;
      const build = (): A.AxisDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return {
          kind: "Axis",
          name: ident(nameTok, tokenEnd(keyword)),
          axisKind: ident(kindTok, after(0, keyword, nameTok, equals)),
          args: this.finishArgs(args, after(0, keyword, nameTok, equals, kindTok, open)),
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Axis));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        equals = real(this.CONSUME(T.Equals));
        kindTok = real(this.CONSUME2(T.Identifier, { LABEL: "axisKind" }));
        open = real(this.CONSUME(T.LParen));
        this.OPTION(() => {
          args = this.SUBRULE(this.args);
        });
        this.CONSUME(T.RParen);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) args = child as ArgsRaw | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  tensorDecl = this.RULE(
    "tensorDecl",
    (): A.TensorDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let colon: IToken | undefined;
      let type: TensorTypeRaw | undefined;
      let direction: IToken | undefined;
      const build = (): A.TensorDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const at = after(0, keyword, nameTok, colon);
        return {
          kind: "Tensor",
          name: ident(nameTok, tokenEnd(keyword)),
          type: this.finishTensorType(type, at),
          direction: direction ? { value: direction.image as A.TensorDirection, start: direction.startOffset, end: tokenEnd(direction) } : undefined,
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Tensor));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        colon = real(this.CONSUME(T.Colon));
        type = this.SUBRULE(this.tensorType);
        this.OPTION(() => {
          direction = this.SUBRULE(this.direction);
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "tensorType") type = child as TensorTypeRaw | undefined;
          else direction = child as IToken | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  tensorType = this.RULE(
    "tensorType",
    (): TensorTypeRaw | undefined => {
      const mark = this.consumed;
      let dtype: IToken | undefined;
      let bracket: IToken | undefined;
      let list: ExprListRaw | undefined;
      try {
        dtype = real(this.CONSUME(T.Identifier));
        bracket = real(this.CONSUME(T.LBracket));
        list = this.SUBRULE(this.exprList);
        this.CONSUME(T.RBracket);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) list = child as ExprListRaw | undefined;
        throw this.partial(e, this.tensorTypeRaw(mark, dtype, bracket, list));
      }
      return this.tensorTypeRaw(mark, dtype, bracket, list);
    },
    RECOVERY,
  );

  private tensorTypeRaw(mark: number, dtype: IToken | undefined, bracket: IToken | undefined, list: ExprListRaw | undefined): TensorTypeRaw | undefined {
    return this.RECORDING_PHASE ? undefined : { span: this.spanSince(mark), dtype, bracket, list };
  }

  /** The direction keyword, if real. */
  direction = this.RULE(
    "direction",
    (): IToken | undefined => {
      try {
        return this.OR(this.directionAlts);
      } catch (e) {
        this.caught(e);
        throw this.partial(e, undefined);
      }
    },
    RECOVERY,
  );

  private readonly directionAlts = [
    { ALT: () => real(this.CONSUME(T.In)) },
    { ALT: () => real(this.CONSUME(T.Out)) },
    { ALT: () => real(this.CONSUME(T.Inout)) },
  ];

  kernelDecl = this.RULE(
    "kernelDecl",
    (): A.KernelDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      const params: A.KernelParam[] = [];
      const commas: IToken[] = [];
      let clauseTokens: A.KernelClause[] | undefined;
      let on: IToken | undefined;
      let executorTok: IToken | undefined;
      let cyclesTok: IToken | undefined;
      let cycles: A.Expr | undefined;
      let cyclesSeen = false;
      /** Problems inside a second `cycles` expression are left out with it. */
      let dropFrom = -1;
      let sourceTok: IToken | undefined;
      let stringTok: IToken | undefined;
      const takeParam = (param: A.KernelParam | undefined): void => {
        if (param) params.push(param);
      };
      const takeCycles = (value: A.Expr | undefined): void => {
        if (!cyclesSeen) cycles = value;
        cyclesSeen = true;
      };
      const clause = (kind: A.KernelClause["clause"], token: IToken | undefined): void => {
        if (token) clauseTokens = push(clauseTokens, { clause: kind, start: token.startOffset, end: tokenEnd(token) });
      };
      const build = (): A.KernelDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        if (dropFrom >= 0) this.dropProblemsSince(dropFrom);
        const clauses = clauseTokens ?? [];
        clauses.sort((a, b) => a.start - b.start);
        return {
          kind: "Kernel",
          name: ident(nameTok, tokenEnd(keyword)),
          params: this.commaList(commas, params, "parameters"),
          executor: on ? ident(executorTok, tokenEnd(on)) : undefined,
          cycles: cyclesTok ? (cycles ?? missing(tokenEnd(cyclesTok))) : undefined,
          source: sourceTok && stringTok ? stringLit(stringTok) : undefined,
          clauses,
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Kernel));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.CONSUME(T.LParen);
        this.OPTION(() => {
          takeParam(this.SUBRULE(this.kernelParam));
          this.MANY({
            GATE: this.nextParamFollows,
            DEF: () => {
              this.OPTION9(() => {
                const comma = real(this.CONSUME(T.Comma)); // a missing comma is reported by commaList
                if (comma) commas.push(comma);
              });
              takeParam(this.SUBRULE2(this.kernelParam));
            },
          });
          this.OPTION2(() => {
            const comma = real(this.CONSUME2(T.Comma));
            if (comma) commas.push(comma);
          });
        });
        this.CONSUME(T.RParen);
        this.MANY2(() => {
          this.OR([
            {
              ALT: () => {
                const token = real(this.CONSUME(T.On));
                on ??= token;
                clause("on", token);
                const executor = real(this.CONSUME2(T.Identifier, { LABEL: "executor" }));
                executorTok ??= executor;
              },
            },
            {
              ALT: () => {
                const token = real(this.CONSUME(T.Cycles));
                cyclesTok ??= token;
                clause("cycles", token);
                if (cyclesSeen && dropFrom < 0) dropFrom = this.problems.length;
                takeCycles(this.SUBRULE(this.expression));
              },
            },
            {
              ALT: () => {
                const token = real(this.CONSUME(T.Source));
                sourceTok ??= token;
                clause("source", token);
                const string = real(this.CONSUME(T.StringLiteral)); // always consumed: `??=` would skip it
                stringTok ??= string;
              },
            },
          ]);
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "expression") takeCycles(child as A.Expr | undefined);
          else takeParam(child as A.KernelParam | undefined);
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  /** `x: in f32[8, 8]`, `x: f32[8]` (a tensor without direction) or `x: i32`. */
  kernelParam = this.RULE(
    "kernelParam",
    (): A.KernelParam | undefined => {
      const f = this.frame();
      const mark = this.consumed;
      f.nameTok = undefined;
      f.colon = undefined;
      f.directionTok = undefined;
      f.tensorType = undefined;
      f.tensorSeen = false;
      f.dtype = undefined;
      f.open = undefined;
      f.list = undefined;
      f.close = undefined;
      try {
        f.nameTok = real(this.CONSUME(T.Identifier));
        f.colon = real(this.CONSUME(T.Colon));
        this.OR(this.kernelParamAlts);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "direction") f.directionTok = child as IToken | undefined;
          else if (this.childKey === "tensorType") f.tensorType = child as TensorTypeRaw | undefined;
          else f.list = child as ExprListRaw | undefined;
        }
        throw this.partial(e, this.buildKernelParam(f, mark));
      }
      return this.buildKernelParam(f, mark);
    },
    RECOVERY,
  );

  private readonly kernelParamAlts = [
    {
      ALT: (): void => {
        const direction = this.SUBRULE(this.direction);
        const f = this.frame();
        f.directionTok = direction;
        f.tensorSeen = true;
        const tensorType = this.SUBRULE(this.tensorType);
        this.frame().tensorType = tensorType;
      },
    },
    {
      ALT: (): void => {
        this.frame().dtype = real(this.CONSUME2(T.Identifier));
        this.OPTION(this.kernelParamShape);
      },
    },
  ];
  private readonly kernelParamShape = (): void => {
    const f = this.frame();
    f.open = real(this.CONSUME(T.LBracket));
    const list = this.SUBRULE(this.exprList);
    f.list = list;
    f.close = real(this.CONSUME(T.RBracket));
  };

  private buildKernelParam(f: Frame, mark: number): A.KernelParam | undefined {
    const span = this.spanSince(mark);
    if (this.RECORDING_PHASE || !span) return undefined;
    const { nameTok, colon, directionTok: direction, open } = f;
    const at = after(span.start, nameTok, colon);
    const directionRef: A.DirectionRef | undefined = direction
      ? { value: direction.image as A.TensorDirection, start: direction.startOffset, end: tokenEnd(direction) }
      : undefined;
    let type: A.TensorTypeRef | A.ScalarTypeRef;
    let isTensor: boolean;
    if (directionRef || f.tensorSeen) {
      type = this.finishTensorType(f.tensorType, after(at, directionRef));
      isTensor = true;
    } else {
      const dtype = scalarType(f.dtype, at);
      isTensor = open !== undefined;
      if (open) {
        const dims = this.finishExprList(f.list, tokenEnd(open));
        type = { dtype, dims, start: dtype.start, end: after(dtype.end, open, f.close, ...dims) };
      } else type = dtype;
    }
    return { name: ident(nameTok, span.start), direction: directionRef, type, isTensor, start: span.start, end: span.end };
  }

  policyDecl = this.RULE(
    "policyDecl",
    (): A.PolicyDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let open: IToken | undefined;
      let close: IToken | undefined;
      let colon: IToken | undefined;
      let kindTok: IToken | undefined;
      let equals: IToken | undefined;
      const params: A.PolicyParam[] = [];
      const commas: IToken[] = [];
      let body: PolicyBodyRaw | undefined;
      let value: A.Expr | undefined;
      const takeParam = (param: A.PolicyParam | undefined): void => {
        if (param) params.push(param);
      };
      const build = (): A.PolicyDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const at = after(0, keyword, nameTok, open, close, colon);
        let lets: A.LetBinding[] = [];
        let result: A.Expr;
        const bodySpan = body?.span;
        if (body && bodySpan) {
          lets = body.lets;
          const ret = body.ret;
          result = body.result ?? missing(ret ? tokenEnd(ret) : after(bodySpan.start + 1, ...lets));
        } else {
          result = value ?? missing(after(at, kindTok, equals));
        }
        return {
          kind: "Policy",
          name: ident(nameTok, tokenEnd(keyword)),
          params: this.commaList(commas, params, "parameters"),
          policyKind: ident(kindTok, at),
          lets,
          result,
          block: bodySpan !== undefined,
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Policy));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        open = real(this.CONSUME(T.LParen));
        this.OPTION(() => {
          takeParam(this.SUBRULE(this.policyParam));
          this.MANY({
            GATE: this.nextParamFollows,
            DEF: () => {
              this.OPTION9(() => {
                const comma = real(this.CONSUME(T.Comma)); // a missing comma is reported by commaList
                if (comma) commas.push(comma);
              });
              takeParam(this.SUBRULE2(this.policyParam));
            },
          });
          this.OPTION2(() => {
            const comma = real(this.CONSUME2(T.Comma));
            if (comma) commas.push(comma);
          });
        });
        close = real(this.CONSUME(T.RParen));
        colon = real(this.CONSUME(T.Colon));
        kindTok = real(this.CONSUME2(T.Identifier, { LABEL: "policyKind" }));
        this.OR([
          {
            ALT: () => {
              equals = real(this.CONSUME(T.Equals));
              value = this.SUBRULE(this.expression);
            },
          },
          { ALT: () => (body = this.SUBRULE(this.policyBody)) },
        ]);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "policyParam") takeParam(child as A.PolicyParam | undefined);
          else if (this.childKey === "expression") value = child as A.Expr | undefined;
          else body = child as PolicyBodyRaw | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  policyParam = this.RULE(
    "policyParam",
    (): A.PolicyParam | undefined => {
      const mark = this.consumed;
      let nameTok: IToken | undefined;
      let colon: IToken | undefined;
      let typeTok: IToken | undefined;
      const build = (): A.PolicyParam | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        return {
          name: ident(nameTok, span.start),
          type: scalarType(typeTok, after(span.start, nameTok, colon)),
          start: span.start,
          end: span.end,
        };
      };
      try {
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        colon = real(this.CONSUME(T.Colon));
        typeTok = real(this.CONSUME2(T.Identifier, { LABEL: "type" }));
      } catch (e) {
        this.caught(e);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  policyBody = this.RULE(
    "policyBody",
    (): PolicyBodyRaw | undefined => {
      const mark = this.consumed;
      const lets: A.LetBinding[] = [];
      let ret: IToken | undefined;
      let result: A.Expr | undefined;
      const takeLet = (binding: A.LetBinding | undefined): void => {
        if (binding) lets.push(binding);
      };
      const build = (): PolicyBodyRaw | undefined =>
        this.RECORDING_PHASE ? undefined : { span: this.spanSince(mark), lets, ret, result };
      try {
        this.CONSUME(T.LCurly);
        this.MANY(() => {
          takeLet(this.SUBRULE(this.letBinding));
          this.OPTION(() => this.CONSUME(T.Semicolon));
        });
        ret = real(this.CONSUME(T.Return));
        result = this.SUBRULE(this.expression);
        this.OPTION2(() => this.CONSUME2(T.Semicolon));
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "letBinding") takeLet(child as A.LetBinding | undefined);
          else result = child as A.Expr | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  letBinding = this.RULE(
    "letBinding",
    (): A.LetBinding | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let equals: IToken | undefined;
      let value: A.Expr | undefined;
      const build = (): A.LetBinding | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return {
          name: ident(nameTok, tokenEnd(keyword)),
          value: value ?? missing(after(0, keyword, nameTok, equals)),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Let));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        equals = real(this.CONSUME(T.Equals));
        value = this.SUBRULE(this.expression);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) value = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  workloadDecl = this.RULE(
    "workloadDecl",
    (): A.WorkloadDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let body: A.Block | undefined;
      const build = (): A.WorkloadDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return {
          kind: "Workload",
          name: ident(nameTok, tokenEnd(keyword)),
          body: body ?? this.emptyBlock(after(0, keyword, nameTok)),
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Workload));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        body = this.SUBRULE(this.block);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) body = child as A.Block | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  pipelineDecl = this.RULE(
    "pipelineDecl",
    (): A.PipelineDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      const members: A.PipelineMember[] = [];
      const take = (key: string, value: unknown): void => {
        if (value === undefined || this.RECORDING_PHASE) return;
        if (key === "pipelineJunk") this.reportJunk(key, value as IToken);
        else members.push(value as A.PipelineMember);
      };
      const build = (): A.PipelineDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return { kind: "Pipeline", name: ident(nameTok, tokenEnd(keyword)), members, doc: this.doc(span.start), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Pipeline));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.CONSUME(T.LCurly);
        this.MANY(() => {
          this.OR([
            { ALT: () => take("member", this.SUBRULE(this.channelDecl)) },
            { ALT: () => take("member", this.SUBRULE(this.processDecl)) },
            { ALT: () => take("pipelineJunk", this.SUBRULE(this.pipelineJunk)) },
          ]);
        });
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) take(this.childKey === "pipelineJunk" ? "pipelineJunk" : "member", child);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  channelDecl = this.RULE(
    "channelDecl",
    (): A.ChannelDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let depthTok: IToken | undefined;
      let depth: A.Expr | undefined;
      let latencyTok: IToken | undefined;
      let latency: A.Expr | undefined;
      const build = (): A.ChannelDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return {
          kind: "Channel",
          name: ident(nameTok, tokenEnd(keyword)),
          depth: depthTok ? (depth ?? missing(tokenEnd(depthTok))) : undefined,
          latency: latencyTok ? (latency ?? missing(tokenEnd(latencyTok))) : undefined,
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Channel));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.OPTION(() => {
          depthTok = real(this.CONSUME(T.Depth));
          depth = this.SUBRULE(this.expression, { LABEL: "depth" });
        });
        this.OPTION2(() => {
          latencyTok = real(this.CONSUME(T.Latency));
          latency = this.SUBRULE2(this.expression, { LABEL: "latency" });
        });
        this.OPTION3(() => this.CONSUME(T.Semicolon));
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "depth") depth = child as A.Expr | undefined;
          else latency = child as A.Expr | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  processDecl = this.RULE(
    "processDecl",
    (): A.ProcessDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      let replicateTok: IToken | undefined;
      let replicateValue: A.Expr | undefined;
      let body: A.Block | undefined;
      const build = (): A.ProcessDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const replicate = replicateTok ? (replicateValue ?? missing(tokenEnd(replicateTok))) : undefined;
        return {
          kind: "Process",
          name: ident(nameTok, tokenEnd(keyword)),
          replicate,
          body: body ?? this.emptyBlock(after(0, keyword, nameTok, replicateTok, replicate)),
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Process));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.OPTION(() => {
          replicateTok = real(this.CONSUME(T.Replicate));
          replicateValue = this.SUBRULE(this.expression);
        });
        body = this.SUBRULE(this.block);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "expression") replicateValue = child as A.Expr | undefined;
          else body = child as A.Block | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  scheduleDecl = this.RULE(
    "scheduleDecl",
    (): A.ScheduleDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let subjectTok: IToken | undefined;
      let on: IToken | undefined;
      let targetTok: IToken | undefined;
      const directives: A.Directive[] = [];
      const take = (key: string, value: unknown): void => {
        if (value === undefined || this.RECORDING_PHASE) return;
        if (key === "scheduleJunk") this.reportJunk(key, value as IToken);
        else directives.push(value as A.Directive);
      };
      const build = (): A.ScheduleDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return {
          kind: "Schedule",
          subject: ident(subjectTok, tokenEnd(keyword)),
          target: ident(targetTok, after(0, keyword, subjectTok, on)),
          directives,
          doc: this.doc(span.start),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Schedule));
        subjectTok = real(this.CONSUME(T.Identifier, { LABEL: "subject" }));
        on = real(this.CONSUME(T.On));
        targetTok = real(this.CONSUME2(T.Identifier, { LABEL: "target" }));
        this.CONSUME(T.LCurly);
        this.MANY(() => {
          this.OR([
            { ALT: () => take("directive", this.SUBRULE(this.dispatchDirective)) },
            { ALT: () => take("directive", this.SUBRULE(this.windowDirective)) },
            { ALT: () => take("directive", this.SUBRULE(this.readyDirective)) },
            { ALT: () => take("directive", this.SUBRULE(this.startDirective)) },
            { ALT: () => take("directive", this.SUBRULE(this.poolsDirective)) },
            { ALT: () => take("scheduleJunk", this.SUBRULE(this.scheduleJunk)) },
          ]);
          this.OPTION(() => this.CONSUME(T.Semicolon));
        });
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) take(this.childKey === "scheduleJunk" ? "scheduleJunk" : "directive", child);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  /** `dispatch`, `ready` and `start`: a keyword and a policy reference. */
  private policyDirective(kind: "Dispatch" | "Ready" | "Start", keywordType: TokenType): A.Directive | undefined {
    const mark = this.consumed;
    let keywordTok: IToken | undefined;
    let policy: PolicyRefRaw | undefined;
    const build = (): A.Directive | undefined => {
      const span = this.spanSince(mark);
      if (this.RECORDING_PHASE || !span || !keywordTok) return undefined;
      const keyword = tokenSpan(keywordTok);
      return { kind, keyword, policy: this.finishPolicyRef(policy, keyword.end), start: span.start, end: span.end };
    };
    try {
      keywordTok = real(this.CONSUME(keywordType));
      policy = this.SUBRULE(this.policyRef);
    } catch (e) {
      const child = this.caught(e);
      if (child !== NONE) policy = child as PolicyRefRaw | undefined;
      throw this.partial(e, build());
    }
    return build();
  }

  dispatchDirective = this.RULE("dispatchDirective", () => this.policyDirective("Dispatch", T.Dispatch), RECOVERY);
  readyDirective = this.RULE("readyDirective", () => this.policyDirective("Ready", T.Ready), RECOVERY);
  startDirective = this.RULE("startDirective", () => this.policyDirective("Start", T.Start), RECOVERY);

  /** `window 1024 tasks stall`: unit and mode are plain names, but never a directive keyword. */
  windowDirective = this.RULE(
    "windowDirective",
    (): A.WindowDirective | undefined => {
      const mark = this.consumed;
      let keywordTok: IToken | undefined;
      let size: A.Expr | undefined;
      let unitTok: IToken | undefined;
      let modeTok: IToken | undefined;
      const build = (): A.WindowDirective | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keywordTok) return undefined;
        const keyword = tokenSpan(keywordTok);
        return {
          kind: "Window",
          keyword,
          size: size ?? missing(keyword.end),
          unit: optIdent(unitTok),
          mode: optIdent(modeTok),
          start: span.start,
          end: span.end,
        };
      };
      try {
        keywordTok = real(this.CONSUME(T.Window));
        size = this.SUBRULE(this.expression);
        this.OPTION({
          GATE: () => !DIRECTIVE_KEYWORDS.has(this.LA(1).tokenType),
          DEF: () => {
            unitTok = real(this.CONSUME(T.Identifier, { LABEL: "unit" }));
            this.OPTION2({
              GATE: () => !DIRECTIVE_KEYWORDS.has(this.LA(1).tokenType),
              DEF: () => {
                modeTok = real(this.CONSUME2(T.Identifier, { LABEL: "mode" }));
              },
            });
          },
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) size = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  poolsDirective = this.RULE(
    "poolsDirective",
    (): A.PoolsDirective | undefined => {
      const mark = this.consumed;
      let keywordTok: IToken | undefined;
      const entries: A.PoolEntry[] = [];
      const commas: IToken[] = [];
      const take = (entry: A.PoolEntry | undefined): void => {
        if (entry) entries.push(entry);
      };
      const build = (): A.PoolsDirective | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keywordTok) return undefined;
        const keyword = tokenSpan(keywordTok);
        this.commaList(commas, entries, "pools");
        return { kind: "Pools", keyword, entries, start: span.start, end: span.end };
      };
      try {
        keywordTok = real(this.CONSUME(T.Pools));
        this.CONSUME(T.LCurly);
        this.OPTION(() => {
          take(this.SUBRULE(this.poolEntry));
          this.MANY({
            GATE: this.nextItemFollows,
            DEF: () => {
              this.OPTION9(() => {
                const comma = real(this.CONSUME(T.Comma)); // a missing comma is reported by commaList
                if (comma) commas.push(comma);
              });
              take(this.SUBRULE2(this.poolEntry));
            },
          });
          this.OPTION2(() => {
            const comma = real(this.CONSUME2(T.Comma));
            if (comma) commas.push(comma);
          });
        });
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) take(child as A.PoolEntry | undefined);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  poolEntry = this.RULE(
    "poolEntry",
    (): A.PoolEntry | undefined => {
      const mark = this.consumed;
      let nameTok: IToken | undefined;
      let size: A.Expr | undefined;
      let unitTok: IToken | undefined;
      const build = (): A.PoolEntry | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        const name = ident(nameTok, span.start);
        return { name, size: size ?? missing(name.end), unit: optIdent(unitTok), start: span.start, end: span.end };
      };
      try {
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        size = this.SUBRULE(this.expression);
        this.OPTION(() => {
          unitTok = real(this.CONSUME2(T.Identifier, { LABEL: "unit" }));
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) size = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  policyRef = this.RULE(
    "policyRef",
    (): PolicyRefRaw | undefined => {
      const mark = this.consumed;
      let name: IToken | undefined;
      let open: IToken | undefined;
      let args: ArgsRaw | undefined;
      const build = (): PolicyRefRaw | undefined =>
        this.RECORDING_PHASE ? undefined : { span: this.spanSince(mark), name, open, args };
      try {
        name = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.OPTION(() => {
          open = real(this.CONSUME(T.LParen));
          this.OPTION2(() => {
            args = this.SUBRULE(this.args);
          });
          this.CONSUME(T.RParen);
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) args = child as ArgsRaw | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  targetDecl = this.RULE(
    "targetDecl",
    (): A.TargetDecl | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let nameTok: IToken | undefined;
      const properties: A.TargetProperty[] = [];
      const take = (key: string, value: unknown): void => {
        if (value === undefined || this.RECORDING_PHASE) return;
        if (key === "targetJunk") this.reportJunk(key, value as IToken);
        else properties.push(value as A.TargetProperty);
      };
      const build = (): A.TargetDecl | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return { kind: "Target", name: ident(nameTok, tokenEnd(keyword)), properties, doc: this.doc(span.start), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Target));
        nameTok = real(this.CONSUME(T.Identifier, { LABEL: "name" }));
        this.CONSUME(T.LCurly);
        this.MANY(() => {
          this.OR([
            { ALT: () => take("property", this.SUBRULE(this.targetProperty)) },
            { ALT: () => take("targetJunk", this.SUBRULE(this.targetJunk)) },
          ]);
          this.OPTION(() => this.CONSUME(T.Semicolon));
        });
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) take(this.childKey === "targetJunk" ? "targetJunk" : "property", child);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  targetProperty = this.RULE(
    "targetProperty",
    (): A.TargetProperty | undefined => {
      const mark = this.consumed;
      let keyTok: IToken | undefined;
      let stringTok: IToken | undefined;
      let value: A.Expr | undefined;
      const build = (): A.TargetProperty | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        const key = ident(keyTok, span.start);
        return { key, value: stringTok ? stringLit(stringTok) : (value ?? missing(key.end)), start: span.start, end: span.end };
      };
      try {
        keyTok = real(this.CONSUME(T.Identifier, { LABEL: "key" }));
        this.OR([
          { ALT: () => (stringTok = real(this.CONSUME(T.StringLiteral))) },
          { ALT: () => (value = this.SUBRULE(this.expression)) },
        ]);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) value = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  block = this.RULE(
    "block",
    (): A.Block | undefined => {
      const f = this.frame();
      const mark = this.consumed;
      f.items = [];
      try {
        this.CONSUME(T.LCurly);
        this.MANY(this.blockItem);
        this.CONSUME(T.RCurly);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "blockJunk") this.reportJunk("blockJunk", child as IToken | undefined);
          else this.takeStatement(child as A.Stmt | undefined);
        }
        throw this.partial(e, this.buildBlock(f, mark));
      }
      return this.buildBlock(f, mark);
    },
    RECOVERY,
  );

  private buildBlock(f: Frame, mark: number): A.Block | undefined {
    const span = this.spanSince(mark);
    if (this.RECORDING_PHASE || !span) return undefined;
    return { statements: f.items as A.Stmt[], start: span.start, end: span.end };
  }

  private takeStatement(statement: A.Stmt | undefined): void {
    if (statement !== undefined && !this.RECORDING_PHASE) this.frame().items!.push(statement);
  }

  private readonly blockAlts = [
    { ALT: () => this.takeStatement(this.SUBRULE(this.parallelStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.forStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.selectStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.whenStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.loadStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.scopeStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.sendStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.recvStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.consumeStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.closeStmt)) },
    { ALT: () => this.takeStatement(this.SUBRULE(this.callStmt)) },
    {
      ALT: () => {
        const first = this.SUBRULE(this.blockJunk);
        if (!this.RECORDING_PHASE) this.reportJunk("blockJunk", first);
      },
    },
  ];
  private readonly semicolon = (): void => {
    this.CONSUME(T.Semicolon);
  };
  private readonly blockItem = (): void => {
    this.OR(this.blockAlts);
    this.OPTION(this.semicolon);
  };

  /** `parallel` and `for`: bindings and a body. */
  private loopStmt(kind: "Parallel" | "For", keywordType: TokenType): A.ParallelStmt | A.ForStmt | undefined {
    const mark = this.consumed;
    let keyword: IToken | undefined;
    const bindings: A.LoopBinding[] = [];
    const commas: IToken[] = [];
    let body: A.Block | undefined;
    const takeBinding = (binding: A.LoopBinding | undefined): void => {
      if (binding) bindings.push(binding);
    };
    const build = (): A.ParallelStmt | A.ForStmt | undefined => {
      const span = this.spanSince(mark);
      if (this.RECORDING_PHASE || !span || !keyword) return undefined;
      const end = tokenEnd(keyword);
      this.commaList(commas, bindings, "loop bindings");
      return { kind, bindings, body: body ?? this.emptyBlock(after(end, ...bindings)), start: span.start, end: span.end };
    };
    try {
      keyword = real(this.CONSUME(keywordType));
      takeBinding(this.SUBRULE(this.binding));
      this.MANY({
        GATE: this.nextBindingFollows,
        DEF: () => {
          this.OPTION9(() => {
            const comma = real(this.CONSUME(T.Comma)); // a missing comma is reported by commaList
            if (comma) commas.push(comma);
          });
          takeBinding(this.SUBRULE2(this.binding));
        },
      });
      body = this.SUBRULE(this.block);
    } catch (e) {
      const child = this.caught(e);
      if (child !== NONE) {
        if (this.childKey === "binding") takeBinding(child as A.LoopBinding | undefined);
        else body = child as A.Block | undefined;
      }
      throw this.partial(e, build());
    }
    return build();
  }

  parallelStmt = this.RULE("parallelStmt", () => this.loopStmt("Parallel", T.Parallel), RECOVERY);
  forStmt = this.RULE("forStmt", () => this.loopStmt("For", T.For), RECOVERY);

  selectStmt = this.RULE(
    "selectStmt",
    (): A.SelectStmt | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let bindingValue: A.LoopBinding | undefined;
      let body: A.Block | undefined;
      const build = (): A.SelectStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const end = tokenEnd(keyword);
        const binding = bindingValue ?? { variable: ident(undefined, end), axis: ident(undefined, end), row: undefined, start: end, end };
        return { kind: "Select", binding, body: body ?? this.emptyBlock(after(end, binding)), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Select));
        bindingValue = this.SUBRULE(this.binding);
        body = this.SUBRULE(this.block);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "binding") bindingValue = child as A.LoopBinding | undefined;
          else body = child as A.Block | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  binding = this.RULE(
    "binding",
    (): A.LoopBinding | undefined => {
      const mark = this.consumed;
      let variableTok: IToken | undefined;
      let inTok: IToken | undefined;
      let axisTok: IToken | undefined;
      let open: IToken | undefined;
      let row: A.Expr | undefined;
      const build = (): A.LoopBinding | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        return {
          variable: ident(variableTok, span.start),
          axis: ident(axisTok, after(span.start, variableTok, inTok)),
          row: open ? (row ?? missing(tokenEnd(open))) : undefined,
          start: span.start,
          end: span.end,
        };
      };
      try {
        variableTok = real(this.CONSUME(T.Identifier, { LABEL: "variable" }));
        inTok = real(this.CONSUME(T.In));
        axisTok = real(this.CONSUME2(T.Identifier, { LABEL: "axis" }));
        this.OPTION(() => {
          open = real(this.CONSUME(T.LBracket));
          row = this.SUBRULE(this.expression);
          this.CONSUME(T.RBracket);
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) row = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  whenStmt = this.RULE(
    "whenStmt",
    (): A.WhenStmt | undefined => {
      const mark = this.consumed;
      const whens: IToken[] = [];
      const elses: IToken[] = [];
      const conditions: (A.Expr | undefined)[] = [];
      const bodies: (A.Block | undefined)[] = [];
      /** Problem-list length before each condition, body and the final block (for left-out parts). */
      const conditionMarks: number[] = [];
      const bodyMarks: number[] = [];
      let otherwise: A.Block | undefined;
      let otherwiseSeen = false;
      let otherwiseMark = -1;
      const keep = (list: IToken[], token: IToken): void => {
        if (isReal(token)) list.push(token);
      };
      const build = (): A.WhenStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span) return undefined;
        // The `else` of the final branch is the one not followed by `when`.
        const finalElse = elses.length > whens.length - 1 ? elses[elses.length - 1] : undefined;
        // Parts the tree leaves out take their problems with them (latest first).
        const drops: number[] = [];
        for (let i = whens.length; i < conditions.length; i++) drops.push(conditionMarks[i]!);
        for (let i = whens.length; i < bodies.length; i++) drops.push(bodyMarks[i]!);
        if (otherwiseSeen && !finalElse) drops.push(otherwiseMark);
        if (drops.length > 0) this.dropProblemsSince(Math.min(...drops));
        const branches: A.WhenBranch[] = [];
        for (let i = 0; i < whens.length; i++) {
          const keyword = whens[i]!;
          const condition = conditions[i] ?? missing(tokenEnd(keyword));
          const body = bodies[i] ?? this.emptyBlock(after(0, keyword, condition));
          branches.push({ condition, body, start: keyword.startOffset, end: after(0, keyword, condition, body) });
        }
        const otherwiseBlock = finalElse ? (otherwise ?? this.emptyBlock(tokenEnd(finalElse))) : undefined;
        return { kind: "When", branches, otherwise: otherwiseBlock, start: span.start, end: span.end };
      };
      const condition = (value: A.Expr | undefined): void => {
        conditions.push(value);
      };
      try {
        keep(whens, this.CONSUME(T.When));
        conditionMarks.push(this.problems.length);
        condition(this.SUBRULE(this.expression));
        bodyMarks.push(this.problems.length);
        bodies.push(this.SUBRULE(this.block));
        this.MANY(() => {
          keep(elses, this.CONSUME(T.Else));
          keep(whens, this.CONSUME2(T.When));
          conditionMarks.push(this.problems.length);
          condition(this.SUBRULE2(this.expression));
          bodyMarks.push(this.problems.length);
          bodies.push(this.SUBRULE2(this.block));
        });
        this.OPTION(() => {
          keep(elses, this.CONSUME2(T.Else));
          otherwiseSeen = true;
          otherwiseMark = this.problems.length;
          otherwise = this.SUBRULE3(this.block, { LABEL: "otherwise" });
        });
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) {
          if (this.childKey === "expression") conditions.push(child as A.Expr | undefined);
          else if (this.childKey === "block") bodies.push(child as A.Block | undefined);
          else otherwise = child as A.Block | undefined;
        }
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  loadStmt = this.RULE(
    "loadStmt",
    (): A.LoadStmt | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let slotTok: IToken | undefined;
      let arrow: IToken | undefined;
      let tensorTok: IToken | undefined;
      let open: IToken | undefined;
      let list: ExprListRaw | undefined;
      let close: IToken | undefined;
      const build = (): A.LoadStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const end = tokenEnd(keyword);
        const viewAt = after(end, slotTok, arrow);
        const tensor = ident(tensorTok, viewAt);
        const indices = this.finishExprList(list, after(viewAt, tensorTok, open));
        const view: A.TensorView = {
          kind: "View",
          tensor,
          indices,
          start: tensor.start,
          end: after(tensor.end, open, ...indices, close),
        };
        return { kind: "Load", slot: ident(slotTok, end), view, start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Load));
        slotTok = real(this.CONSUME(T.Identifier, { LABEL: "slot" }));
        arrow = real(this.CONSUME(T.LArrow));
        tensorTok = real(this.CONSUME2(T.Identifier, { LABEL: "tensor" }));
        open = real(this.CONSUME(T.LBracket));
        list = this.SUBRULE(this.exprList);
        close = real(this.CONSUME(T.RBracket));
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) list = child as ExprListRaw | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  scopeStmt = this.RULE(
    "scopeStmt",
    (): A.ScopeStmt | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let body: A.Block | undefined;
      const build = (): A.ScopeStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return { kind: "Scope", body: body ?? this.emptyBlock(tokenEnd(keyword)), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Scope));
        body = this.SUBRULE(this.block);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) body = child as A.Block | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  sendStmt = this.RULE(
    "sendStmt",
    (): A.SendStmt | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let channelTok: IToken | undefined;
      let open: IToken | undefined;
      let value: A.Expr | undefined;
      const build = (): A.SendStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        const end = tokenEnd(keyword);
        return {
          kind: "Send",
          channel: ident(channelTok, end),
          value: open ? (value ?? missing(tokenEnd(open))) : undefined,
          start: span.start,
          end: span.end,
        };
      };
      try {
        keyword = real(this.CONSUME(T.Send));
        channelTok = real(this.CONSUME(T.Identifier, { LABEL: "channel" }));
        open = real(this.CONSUME(T.LParen));
        value = this.SUBRULE(this.expression);
        this.CONSUME(T.RParen);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) value = child as A.Expr | undefined;
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  /** `recv x from c` and `consume x from c { ... }`. */
  private receive(kind: "Recv" | "Consume", keywordType: TokenType): A.RecvStmt | A.ConsumeStmt | undefined {
    const mark = this.consumed;
    let keyword: IToken | undefined;
    let variableTok: IToken | undefined;
    let from: IToken | undefined;
    let channelTok: IToken | undefined;
    let body: A.Block | undefined;
    const build = (): A.RecvStmt | A.ConsumeStmt | undefined => {
      const span = this.spanSince(mark);
      if (this.RECORDING_PHASE || !span || !keyword) return undefined;
      const end = tokenEnd(keyword);
      const variable = ident(variableTok, end);
      const channel = ident(channelTok, after(end, variableTok, from));
      if (kind === "Recv") return { kind, variable, channel, start: span.start, end: span.end };
      return { kind, variable, channel, body: body ?? this.emptyBlock(after(end, variableTok, from, channelTok)), start: span.start, end: span.end };
    };
    try {
      keyword = real(this.CONSUME(keywordType));
      variableTok = real(this.CONSUME(T.Identifier, { LABEL: "variable" }));
      from = real(this.CONSUME(T.From));
      channelTok = real(this.CONSUME2(T.Identifier, { LABEL: "channel" }));
      if (kind === "Consume") body = this.SUBRULE(this.block);
    } catch (e) {
      const child = this.caught(e);
      if (child !== NONE) body = child as A.Block | undefined;
      throw this.partial(e, build());
    }
    return build();
  }

  recvStmt = this.RULE("recvStmt", () => this.receive("Recv", T.Recv), RECOVERY);
  consumeStmt = this.RULE("consumeStmt", () => this.receive("Consume", T.Consume), RECOVERY);

  closeStmt = this.RULE(
    "closeStmt",
    (): A.CloseStmt | undefined => {
      const mark = this.consumed;
      let keyword: IToken | undefined;
      let channelTok: IToken | undefined;
      const build = (): A.CloseStmt | undefined => {
        const span = this.spanSince(mark);
        if (this.RECORDING_PHASE || !span || !keyword) return undefined;
        return { kind: "Close", channel: ident(channelTok, tokenEnd(keyword)), start: span.start, end: span.end };
      };
      try {
        keyword = real(this.CONSUME(T.Close));
        channelTok = real(this.CONSUME(T.Identifier, { LABEL: "channel" }));
      } catch (e) {
        this.caught(e);
        throw this.partial(e, build());
      }
      return build();
    },
    RECOVERY,
  );

  callStmt = this.RULE(
    "callStmt",
    (): A.CallStmt | undefined => {
      const f = this.frame();
      const mark = this.consumed;
      f.nameTok = undefined;
      f.open = undefined;
      f.args = undefined;
      try {
        f.nameTok = real(this.CONSUME(T.Identifier));
        f.open = real(this.CONSUME(T.LParen));
        this.OPTION(this.optionalArgs);
        this.CONSUME(T.RParen);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) f.args = child as ArgsRaw | undefined;
        throw this.partial(e, this.buildCall(f, mark));
      }
      return this.buildCall(f, mark);
    },
    RECOVERY,
  );

  private buildCall(f: Frame, mark: number): A.CallStmt | undefined {
    const span = this.spanSince(mark);
    const callee = f.nameTok;
    const open = f.open;
    // A name without `(` was never a call (already reported): keep it out of the tree, or
    // the checker would look up a kernel the user never meant to call.
    if (this.RECORDING_PHASE || !span || !callee || !open) return undefined;
    const end = tokenEnd(callee);
    return { kind: "Call", callee: ident(callee, end), args: this.finishArgs(f.args, tokenEnd(open)), start: span.start, end: span.end };
  }

  /** `OPTION(SUBRULE(args))` storing into the current frame (shared by rules that read it once). */
  private readonly optionalArgs = (): void => {
    const args = this.SUBRULE(this.args);
    this.frame().args = args;
  };

  /** `[name =] expr {, [name =] expr} [,]`; the argument rule is inlined (one rule call less per argument). */
  args = this.RULE(
    "args",
    (): ArgsRaw | undefined => {
      const f = this.frame();
      f.names = undefined;
      f.equals = undefined;
      f.exprs = [];
      f.commas = undefined;
      try {
        this.OPTION(this.argName);
        f.exprs.push(this.SUBRULE(this.expression));
        this.MANY(this.moreArgs);
        this.OPTION3(this.trailingComma3);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) f.exprs.push(child as A.Expr | undefined);
        throw this.partial(e, this.buildArgs(f));
      }
      return this.buildArgs(f);
    },
    RECOVERY,
  );

  private buildArgs(f: Frame): ArgsRaw | undefined {
    if (this.RECORDING_PHASE) return undefined;
    return { names: f.names ?? NO_TOKENS, equals: f.equals ?? NO_TOKENS, exprs: f.exprs!, commas: f.commas ?? NO_TOKENS };
  }

  private readonly argName = (): void => {
    const f = this.frame();
    f.names = push(f.names, real(this.CONSUME(T.Identifier)));
    f.equals = push(f.equals, real(this.CONSUME(T.Equals)));
  };
  private readonly argName2 = (): void => {
    const f = this.frame();
    f.names = push(f.names, real(this.CONSUME2(T.Identifier)));
    f.equals = push(f.equals, real(this.CONSUME2(T.Equals)));
  };
  /** `OPTION9(CONSUME(Comma))`: a missing comma is reported by commaList. */
  private readonly listComma = (): void => {
    const f = this.frame();
    f.commas = push(f.commas, real(this.CONSUME(T.Comma)));
  };
  private readonly trailingComma2 = (): void => {
    const f = this.frame();
    f.commas = push(f.commas, real(this.CONSUME2(T.Comma)));
  };
  private readonly trailingComma3 = this.trailingComma2;
  private readonly moreArgs = {
    GATE: this.nextItemFollows,
    DEF: (): void => {
      this.OPTION9(this.listComma);
      this.OPTION2(this.argName2);
      const exprs = this.frame().exprs!;
      exprs.push(this.SUBRULE2(this.expression));
    },
  };

  // -------------------------------------------------------------------------------------------
  // Junk: tokens that cannot start an item of the list they stand in
  // -------------------------------------------------------------------------------------------

  fileJunk = this.RULE("fileJunk", () => this.junk(T.JunkInFile), RECOVERY);
  blockJunk = this.RULE("blockJunk", () => this.junk(T.JunkInBlock), RECOVERY);
  pipelineJunk = this.RULE("pipelineJunk", () => this.junk(T.JunkInPipeline), RECOVERY);
  scheduleJunk = this.RULE("scheduleJunk", () => this.junk(T.JunkInSchedule), RECOVERY);
  targetJunk = this.RULE("targetJunk", () => this.junk(T.JunkInTarget), RECOVERY);

  /**
   * Consumes the first junk token through the grammar (so the rule has a lookahead), then
   * skips the rest of the run by hand: up to the next token that can start an item or end
   * the list, stepping over bracketed groups whole so a stray `{ ... }` does not close the
   * enclosing block. Declaration keywords always end the run: they never stand inside a group.
   * The value is the first token (the caller reports one problem there).
   */
  private junk(category: TokenType): IToken | undefined {
    let first: IToken | undefined;
    try {
      first = real(this.CONSUME(category, { LABEL: "first" }));
      this.ACTION(() => {
        const closers: TokenType[] = [];
        const firstType = this.LA(0).tokenType;
        if (CLOSER_OF.has(firstType)) closers.push(CLOSER_OF.get(firstType)!);
        for (;;) {
          const token = this.LA(1);
          const type = token.tokenType;
          if (type === EOF) return;
          if (closers.length === 0) {
            if (!tokenMatcher(token, category) && !this.nameThatCannotStartACall(category)) return;
          } else if (DECLARATION_STARTS.has(type)) return;
          const closer = CLOSER_OF.get(type);
          if (closer) closers.push(closer);
          else if (closers.length > 0 && CLOSERS.has(type)) {
            if (closers[closers.length - 1] === type) closers.pop();
            // A closer of the wrong kind closes something outside the run, except at top level.
            else if (category !== T.JunkInFile) return;
          }
          this.SKIP_TOKEN();
        }
      });
    } catch (e) {
      this.caught(e);
      throw this.partial(e, this.RECORDING_PHASE ? undefined : first);
    }
    return this.RECORDING_PHASE ? undefined : first;
  }

  /** In a block a name starts a statement only as a call: `x = 1` after junk is more junk. */
  private nameThatCannotStartACall(category: TokenType): boolean {
    return category === T.JunkInBlock && tokenMatcher(this.LA(1), T.Identifier) && this.LA(2).tokenType !== T.LParen;
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  /** `Expr { , Expr } [ , ]` inside `[...]`. */
  exprList = this.RULE(
    "exprList",
    (): ExprListRaw | undefined => {
      const f = this.frame();
      f.exprs = [];
      f.commas = undefined;
      try {
        f.exprs.push(this.SUBRULE(this.expression));
        this.MANY(this.moreListItems);
        this.OPTION(this.trailingComma2);
      } catch (e) {
        const child = this.caught(e);
        if (child !== NONE) f.exprs.push(child as A.Expr | undefined);
        throw this.partial(e, this.buildExprList(f));
      }
      return this.buildExprList(f);
    },
    RECOVERY,
  );

  private buildExprList(f: Frame): ExprListRaw | undefined {
    return this.RECORDING_PHASE ? undefined : { exprs: f.exprs!, commas: f.commas ?? NO_TOKENS };
  }

  private readonly moreListItems = {
    GATE: this.nextItemFollows,
    DEF: (): void => {
      this.OPTION9(this.listComma);
      const exprs = this.frame().exprs!;
      exprs.push(this.SUBRULE2(this.expression));
    },
  };

  /**
   * `unary { op unary }`, with the first operand read inline rather than as a `unary` rule:
   * most expressions are a single operand. The value is undefined when no real token was read
   * (the caller puts a `Missing` where it belongs).
   */
  expression = this.RULE(
    "expression",
    (): A.Expr | undefined => {
      const f = this.frame();
      const mark = this.consumed;
      f.first = undefined;
      f.operators = undefined;
      f.operands = undefined;
      f.operandMarks = undefined;
      try {
        f.first = this.operand();
        this.MANY9(this.binaryTail);
      } catch (e) {
        const operand = this.caughtOperand(e);
        if (operand !== NONE) f.first = operand as A.Expr | undefined;
        else {
          const child = this.caught(e);
          // Read through a helper: the narrowing after the reset above does not see the callbacks.
          const operands = this.operandsOf(f);
          if (child !== NONE && operands !== undefined) operands[operands.length - 1] = child as A.Expr | undefined;
        }
        throw this.partial(e, this.buildExpression(f, mark));
      }
      return this.buildExpression(f, mark);
    },
    RECOVERY,
  );

  private operandsOf(f: Frame): (A.Expr | undefined)[] | undefined {
    return f.operands;
  }

  private readonly binaryTail = (): void => {
    const f = this.frame();
    const operator = real(this.CONSUME9(T.BinaryOperator));
    if (operator) f.operators = push(f.operators, operator);
    f.operandMarks = push(f.operandMarks, this.problems.length);
    const operands = (f.operands ??= []);
    operands.push(undefined); // replaced by the operand, or its partial value if it fails
    operands[operands.length - 1] = this.SUBRULE9(this.unary);
  };

  private buildExpression(f: Frame, mark: number): A.Expr | undefined {
    if (this.RECORDING_PHASE || this.consumed <= mark) return undefined;
    const head = f.first ?? missing(this.starts[mark]!);
    const operators = f.operators;
    if (operators === undefined || operators.length === 0) {
      // Operands without a real operator are left out of the tree, with their problems.
      if (f.operandMarks !== undefined) this.dropProblemsSince(f.operandMarks[0]!);
      return head;
    }
    const rest = f.operands ?? [];
    if (rest.length > operators.length) this.dropProblemsSince(f.operandMarks![operators.length]!);
    const all: A.Expr[] = [head];
    for (let i = 0; i < operators.length; i++) all.push(rest[i] ?? missing(tokenEnd(operators[i]!)));
    return foldBinary(all, operators);
  }

  /** An operand after a binary operator. */
  unary = this.RULE(
    "unary",
    (): A.Expr | undefined => {
      try {
        return this.operand();
      } catch (e) {
        const operand = this.caughtOperand(e);
        throw this.partial(e, operand === NONE ? undefined : operand);
      }
    },
    RECOVERY,
  );

  /** The partial operand attached by `operand()`, or NONE (rethrows non-recognition errors). */
  private caughtOperand(e: unknown): unknown {
    if (!(e instanceof Error) || !isRecognitionException(e)) throw e;
    const carrier = e as Carrier;
    if (carrier.wspOperandHas !== true) return NONE;
    carrier.wspOperandHas = false;
    const value = carrier.wspOperand;
    carrier.wspOperand = undefined;
    return value;
  }

  /**
   * Prefix operators (a loop, not recursion) and one primary expression; undefined when no
   * real token was read. Not a rule: it keeps its pieces in the calling rule's frame, and its
   * partial value travels as `wspOperand`.
   */
  private operand(): A.Expr | undefined {
    const f = this.frame();
    f.operandMark = this.consumed;
    f.prefixes = undefined;
    f.primary = undefined;
    f.nameTok = undefined;
    f.open = undefined;
    f.args = undefined;
    f.bracket = undefined;
    f.list = undefined;
    f.paren = undefined;
    f.inner = undefined;
    f.task = undefined;
    f.dot = undefined;
    try {
      this.MANY(this.prefixItem);
      this.OR2(this.primaryAlts);
    } catch (e) {
      const child = this.caught(e);
      if (child !== NONE) {
        if (this.childKey === "args") f.args = child as ArgsRaw | undefined;
        else if (this.childKey === "exprList") f.list = child as ExprListRaw | undefined;
        else f.inner = child as A.Expr | undefined;
      }
      const carrier = e as Carrier;
      carrier.wspOperandHas = true;
      carrier.wspOperand = this.buildOperand(f);
      throw e;
    }
    return this.buildOperand(f);
  }

  private buildOperand(f: Frame): A.Expr | undefined {
    if (this.RECORDING_PHASE || this.consumed <= f.operandMark) return undefined;
    let result = f.primary ?? this.partialPrimary(f);
    const prefixes = f.prefixes;
    if (prefixes !== undefined) {
      for (let i = prefixes.length - 1; i >= 0; i--) {
        const op = prefixes[i]!;
        result = { kind: "Unary", op: op.image as A.UnaryOp, operand: result, start: op.startOffset, end: Math.max(result.end, tokenEnd(op)) };
      }
    }
    return result;
  }

  private prefix(token: IToken): void {
    const f = this.frame();
    f.prefixes = push(f.prefixes, real(token));
  }

  private readonly prefixAlts = [
    { ALT: () => this.prefix(this.CONSUME(T.Minus)) },
    { ALT: () => this.prefix(this.CONSUME(T.Bang)) },
    { ALT: () => this.prefix(this.CONSUME(T.Tilde)) },
  ];
  private readonly prefixItem = (): void => {
    this.OR(this.prefixAlts);
  };

  private readonly primaryAlts = [
    {
      ALT: (): void => {
        const token = real(this.CONSUME(T.Int));
        if (token && !this.RECORDING_PHASE) {
          const value = T.parseIntLiteral(token.image);
          const span = tokenSpan(token);
          // A malformed number was reported by the lexer; `Missing` keeps it from being checked twice.
          this.frame().primary = value === undefined ? { kind: "Missing", start: span.start, end: span.end } : { kind: "Int", value, text: token.image, start: span.start, end: span.end };
        }
      },
    },
    {
      ALT: (): void => {
        const token = real(this.CONSUME(T.True));
        if (token) this.frame().primary = { kind: "Bool", value: true, start: token.startOffset, end: tokenEnd(token) };
      },
    },
    {
      ALT: (): void => {
        const token = real(this.CONSUME(T.False));
        if (token) this.frame().primary = { kind: "Bool", value: false, start: token.startOffset, end: tokenEnd(token) };
      },
    },
    {
      ALT: (): void => {
        const f = this.frame();
        f.task = real(this.CONSUME(T.Task));
        f.dot = real(this.CONSUME(T.Dot));
        const attributeTok = real(this.CONSUME(T.Identifier));
        if (f.task && !this.RECORDING_PHASE) {
          const attribute = ident(attributeTok, after(0, f.task, f.dot));
          f.primary = { kind: "TaskAttr", attribute, start: f.task.startOffset, end: after(0, f.task, f.dot, attributeTok) };
        }
      },
    },
    {
      // `select(c, a, b)`: the keyword doubles as a built-in function name.
      ALT: (): void => {
        const f = this.frame();
        f.nameTok = real(this.CONSUME(T.Select));
        f.open = real(this.CONSUME(T.LParen));
        this.OPTION(this.optionalArgs);
        const close = real(this.CONSUME(T.RParen));
        if (f.nameTok && !this.RECORDING_PHASE) f.primary = this.callExpr(f.nameTok, f.open, f.args, close);
      },
    },
    {
      ALT: (): void => {
        const f = this.frame();
        f.nameTok = real(this.CONSUME2(T.Identifier));
        this.OPTION2(this.callOrView);
        if (f.nameTok && f.primary === undefined && !this.RECORDING_PHASE) f.primary = this.partialPrimary(f);
      },
    },
    {
      ALT: (): void => {
        const f = this.frame();
        f.paren = real(this.CONSUME3(T.LParen));
        const inner = this.SUBRULE(this.expression);
        f.inner = inner;
        const close = real(this.CONSUME3(T.RParen));
        if (f.paren && !this.RECORDING_PHASE) {
          const innerExpr = inner ?? missing(tokenEnd(f.paren));
          f.primary = { kind: "Paren", inner: innerExpr, start: f.paren.startOffset, end: after(innerExpr.end, close) };
        }
      },
    },
  ];

  private readonly callOrViewAlts = [
    {
      ALT: (): void => {
        const f = this.frame();
        f.open = real(this.CONSUME2(T.LParen));
        this.OPTION3(this.optionalArgs2);
        const close = real(this.CONSUME2(T.RParen));
        if (f.nameTok && f.open && !this.RECORDING_PHASE) f.primary = this.callExpr(f.nameTok, f.open, f.args, close);
      },
    },
    {
      ALT: (): void => {
        const f = this.frame();
        f.bracket = real(this.CONSUME(T.LBracket));
        const list = this.SUBRULE(this.exprList);
        f.list = list;
        const close = real(this.CONSUME(T.RBracket));
        if (f.nameTok && f.bracket && !this.RECORDING_PHASE) f.primary = this.viewExpr(f.nameTok, f.bracket, list, close);
      },
    },
  ];
  private readonly callOrView = (): void => {
    this.OR3(this.callOrViewAlts);
  };
  private readonly optionalArgs2 = (): void => {
    const args = this.SUBRULE2(this.args);
    this.frame().args = args;
  };

  private callExpr(name: IToken, paren: IToken | undefined, args: ArgsRaw | undefined, close: IToken | undefined): A.CallExpr {
    const callee = ident(name, 0);
    const argList = this.finishArgs(args, paren ? tokenEnd(paren) : callee.end);
    const end = close ? tokenEnd(close) : lastEnd(argList, paren ? tokenEnd(paren) : callee.end);
    return { kind: "CallExpr", callee, args: argList, start: callee.start, end };
  }

  private viewExpr(name: IToken, bracket: IToken, list: ExprListRaw | undefined, close: IToken | undefined): A.TensorView {
    const tensor = ident(name, 0);
    const indices = this.finishExprList(list, tokenEnd(bracket));
    const end = close ? tokenEnd(close) : lastEnd(indices, tokenEnd(bracket));
    return { kind: "View", tensor, indices, start: tensor.start, end };
  }

  /** A primary cut short by an error: what its real tokens say it was meant to be. */
  private partialPrimary(f: Frame): A.Expr {
    const nameTok = f.nameTok;
    if (nameTok) {
      if (f.open || nameTok.tokenType === T.Select) return this.callExpr(nameTok, f.open, f.args, undefined);
      if (f.bracket) return this.viewExpr(nameTok, f.bracket, f.list, undefined);
      const name = ident(nameTok, 0);
      return { kind: "Name", name, start: name.start, end: name.end };
    }
    if (f.paren) {
      const innerExpr = f.inner ?? missing(tokenEnd(f.paren));
      return { kind: "Paren", inner: innerExpr, start: f.paren.startOffset, end: innerExpr.end };
    }
    if (f.task) {
      const attribute = ident(undefined, after(0, f.task, f.dot));
      return { kind: "TaskAttr", attribute, start: f.task.startOffset, end: after(0, f.task, f.dot) };
    }
    const lastPrefix = f.prefixes?.[f.prefixes.length - 1];
    return missing(lastPrefix ? tokenEnd(lastPrefix) : 0);
  }
}

let builtParser: WspParser | undefined;

/**
 * The one parser instance: chevrotain's grammar analysis is costly, so it runs once per
 * process, on first use (files without problems never need it: grammar/fast-path.ts);
 * `parseToAst` resets the input for each file.
 */
function sharedParser(): WspParser {
  builtParser ??= new WspParser(false);
  return builtParser;
}

/** Builds a parser with chevrotain's grammar validations on; throws if the grammar has a flaw. */
export function checkGrammar(): void {
  new WspParser(true);
}

export interface TreeParse {
  readonly ast: A.SourceFileNode;
  readonly errors: readonly RawParseError[];
  /** Problems the grammar's actions found: junk, missing commas, misplaced `use`/`module`. */
  readonly problems: SyntaxProblem[];
}

export function parseToAst(tokens: IToken[], text: string, comments: readonly A.Comment[]): TreeParse {
  const parser = sharedParser();
  parser.input = tokens;
  parser.text = text;
  parser.comments = comments;
  parser.problems = [];
  parser.tokens = tokens;
  parser.consumed = 0;
  parser.starts = new Int32Array(tokens.length + 1);
  parser.lastEnd = 0;
  // Recovery throws and catches an exception per syntax error; their stack traces are never
  // looked at but capturing them dominated parse time on files with thousands of errors.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let ast: A.SourceFileNode | undefined;
  try {
    ast = parser.file();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const errors = parser.errors.map((e) => ({
    info: JSON.parse(e.message) as ParseErrorInfo,
    token: e.token,
    previous: (e as { previousToken?: IToken }).previousToken,
  }));
  const problems = parser.problems;
  // Do not keep the last file alive.
  parser.input = [];
  parser.text = "";
  parser.comments = [];
  parser.problems = [];
  parser.tokens = [];
  parser.starts = new Int32Array(0);
  return { ast: ast ?? { kind: "SourceFile", module: undefined, uses: [], decls: [], start: 0, end: text.length }, errors, problems };
}

/** The grammar as chevrotain recorded it, labels aside (tests compare it with a frozen copy). */
export function serializedGrammar(): unknown {
  return JSON.parse(JSON.stringify(sharedParser().getSerializedGastProductions(), (key, value: unknown) => (key === "label" || key === "terminalLabel" ? undefined : value)));
}
