/**
 * The `.wsp` grammar (docs/grammar.ebnf) as one chevrotain CstParser. It builds a concrete
 * syntax tree with offsets; cst-to-ast.ts turns it into the AST. Error recovery is on, so a
 * tree always comes back; the raw errors carry a machine-readable description (see
 * `ParseErrorInfo`) that messages.ts turns into text for people.
 *
 * Where this reads more than the EBNF, cst-to-ast reports the extra as a problem, so the
 * programs without problems are exactly the EBNF's. The extras exist for error recovery:
 * - `module`, `use` and declarations are read in one loop (a misplaced line: one problem).
 * - List separators are optional when the next item is on the same line (a forgotten comma:
 *   one problem, and the rest of the list is still read).
 * - Each list of items (file, block, pipeline, schedule, target) has a "junk" item: a run of
 *   tokens that cannot start an item there, skipped as one problem (see `junk`).
 * Binary expressions are read flat (`unary { op unary }`) and folded by BINARY_PRECEDENCE in
 * cst-to-ast; prefix operators are a loop, not recursion, so long chains cannot exhaust the
 * stack.
 */
import { CstParser, EOF, tokenMatcher, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./lexer.js";

/** What a raw chevrotain error means, JSON-encoded into its message by the provider below. */
export interface ParseErrorInfo {
  readonly kind: "mismatch" | "no-alternative" | "early-exit" | "redundant";
  /** Names of the token types that would have been accepted (first tokens of each path). */
  readonly expected: readonly string[];
  readonly rule: string;
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

class WspParser extends CstParser {
  private readonly followCache = new Map<string, TokenType[]>();
  /** The text being parsed (set per parse), for the line-break test in `nextItemFollows`. */
  text = "";

  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion...). They halve
   * start-up time, so the shared instance skips them and a test runs them (`checkGrammar`).
   */
  constructor(validate: boolean) {
    super(T.ALL_TOKENS as TokenType[], {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

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
  // File and declarations
  // -------------------------------------------------------------------------------------------

  file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.moduleDecl) },
        { ALT: () => this.SUBRULE(this.useDecl) },
        { ALT: () => this.SUBRULE(this.constDecl) },
        { ALT: () => this.SUBRULE(this.slotDecl) },
        { ALT: () => this.SUBRULE(this.symbolDecl) },
        { ALT: () => this.SUBRULE(this.axisDecl) },
        { ALT: () => this.SUBRULE(this.tensorDecl) },
        { ALT: () => this.SUBRULE(this.kernelDecl) },
        { ALT: () => this.SUBRULE(this.policyDecl) },
        { ALT: () => this.SUBRULE(this.workloadDecl) },
        { ALT: () => this.SUBRULE(this.pipelineDecl) },
        { ALT: () => this.SUBRULE(this.scheduleDecl) },
        { ALT: () => this.SUBRULE(this.targetDecl) },
        { ALT: () => this.SUBRULE(this.fileJunk) },
      ]);
    });
  });

  moduleDecl = this.RULE("moduleDecl", () => {
    this.CONSUME(T.Module);
    this.SUBRULE(this.qualifiedName);
  });

  qualifiedName = this.RULE("qualifiedName", () => {
    this.CONSUME(T.Identifier, { LABEL: "part" });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier, { LABEL: "part" });
    });
  });

  /** `use a.b.c` / `use a.b.c as d` / `use a.b.{c, d as e}`: the path and items are one loop. */
  useDecl = this.RULE("useDecl", () => {
    this.CONSUME(T.Use);
    this.CONSUME(T.Identifier, { LABEL: "part" });
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.Dot);
      this.OR([
        { ALT: () => this.SUBRULE(this.useBraced) },
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "part" }) },
      ]);
    });
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME3(T.Identifier, { LABEL: "alias" });
    });
  });

  useBraced = this.RULE("useBraced", () => {
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.useItem);
      this.MANY({
        GATE: this.nextItemFollows,
        DEF: () => {
          this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
          this.SUBRULE2(this.useItem);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  useItem = this.RULE("useItem", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier, { LABEL: "alias" });
    });
  });

  constDecl = this.RULE("constDecl", () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Identifier, { LABEL: "type" });
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  slotDecl = this.RULE("slotDecl", () => {
    this.CONSUME(T.Slot);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "type" });
  });

  symbolDecl = this.RULE("symbolDecl", () => {
    this.CONSUME(T.SymbolKw);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "type" });
  });

  axisDecl = this.RULE("axisDecl", () => {
    this.CONSUME(T.Axis);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.Identifier, { LABEL: "axisKind" });
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.args));
    this.CONSUME(T.RParen);
  });

  tensorDecl = this.RULE("tensorDecl", () => {
    this.CONSUME(T.Tensor);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.tensorType);
    this.OPTION(() => this.SUBRULE(this.direction));
  });

  tensorType = this.RULE("tensorType", () => {
    this.CONSUME(T.Identifier, { LABEL: "dtype" });
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.exprList);
    this.CONSUME(T.RBracket);
  });

  direction = this.RULE("direction", () => {
    this.OR([{ ALT: () => this.CONSUME(T.In) }, { ALT: () => this.CONSUME(T.Out) }, { ALT: () => this.CONSUME(T.Inout) }]);
  });

  kernelDecl = this.RULE("kernelDecl", () => {
    this.CONSUME(T.Kernel);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.kernelParam);
      this.MANY({
        GATE: this.nextParamFollows,
        DEF: () => {
          this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
          this.SUBRULE2(this.kernelParam);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    this.MANY2(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.CONSUME2(T.Identifier, { LABEL: "executor" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Cycles);
            this.SUBRULE(this.expression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Source);
            this.CONSUME(T.StringLiteral);
          },
        },
      ]);
    });
  });

  /** `x: in f32[8, 8]`, `x: f32[8]` (a tensor without direction) or `x: i32`. */
  kernelParam = this.RULE("kernelParam", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.direction);
          this.SUBRULE(this.tensorType);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Identifier, { LABEL: "dtype" });
          this.OPTION(() => {
            this.CONSUME(T.LBracket);
            this.SUBRULE(this.exprList);
            this.CONSUME(T.RBracket);
          });
        },
      },
    ]);
  });

  policyDecl = this.RULE("policyDecl", () => {
    this.CONSUME(T.Policy);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.policyParam);
      this.MANY({
        GATE: this.nextParamFollows,
        DEF: () => {
          this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
          this.SUBRULE2(this.policyParam);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "policyKind" });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression);
        },
      },
      { ALT: () => this.SUBRULE(this.policyBody) },
    ]);
  });

  policyParam = this.RULE("policyParam", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "type" });
  });

  policyBody = this.RULE("policyBody", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.letBinding);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.Return);
    this.SUBRULE(this.expression);
    this.OPTION2(() => this.CONSUME2(T.Semicolon));
    this.CONSUME(T.RCurly);
  });

  letBinding = this.RULE("letBinding", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  workloadDecl = this.RULE("workloadDecl", () => {
    this.CONSUME(T.Workload);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.block);
  });

  pipelineDecl = this.RULE("pipelineDecl", () => {
    this.CONSUME(T.Pipeline);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.channelDecl) },
        { ALT: () => this.SUBRULE(this.processDecl) },
        { ALT: () => this.SUBRULE(this.pipelineJunk) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  channelDecl = this.RULE("channelDecl", () => {
    this.CONSUME(T.Channel);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Depth);
      this.SUBRULE(this.expression, { LABEL: "depth" });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Latency);
      this.SUBRULE2(this.expression, { LABEL: "latency" });
    });
    this.OPTION3(() => this.CONSUME(T.Semicolon));
  });

  processDecl = this.RULE("processDecl", () => {
    this.CONSUME(T.Process);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Replicate);
      this.SUBRULE(this.expression);
    });
    this.SUBRULE(this.block);
  });

  scheduleDecl = this.RULE("scheduleDecl", () => {
    this.CONSUME(T.Schedule);
    this.CONSUME(T.Identifier, { LABEL: "subject" });
    this.CONSUME(T.On);
    this.CONSUME2(T.Identifier, { LABEL: "target" });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.dispatchDirective) },
        { ALT: () => this.SUBRULE(this.windowDirective) },
        { ALT: () => this.SUBRULE(this.readyDirective) },
        { ALT: () => this.SUBRULE(this.startDirective) },
        { ALT: () => this.SUBRULE(this.poolsDirective) },
        { ALT: () => this.SUBRULE(this.scheduleJunk) },
      ]);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RCurly);
  });

  dispatchDirective = this.RULE("dispatchDirective", () => {
    this.CONSUME(T.Dispatch);
    this.SUBRULE(this.policyRef);
  });

  readyDirective = this.RULE("readyDirective", () => {
    this.CONSUME(T.Ready);
    this.SUBRULE(this.policyRef);
  });

  startDirective = this.RULE("startDirective", () => {
    this.CONSUME(T.Start);
    this.SUBRULE(this.policyRef);
  });

  /** `window 1024 tasks stall`: unit and mode are plain names, but never a directive keyword. */
  windowDirective = this.RULE("windowDirective", () => {
    this.CONSUME(T.Window);
    this.SUBRULE(this.expression);
    this.OPTION({
      GATE: () => !DIRECTIVE_KEYWORDS.has(this.LA(1).tokenType),
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "unit" });
        this.OPTION2({
          GATE: () => !DIRECTIVE_KEYWORDS.has(this.LA(1).tokenType),
          DEF: () => this.CONSUME2(T.Identifier, { LABEL: "mode" }),
        });
      },
    });
  });

  poolsDirective = this.RULE("poolsDirective", () => {
    this.CONSUME(T.Pools);
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.poolEntry);
      this.MANY({
        GATE: this.nextItemFollows,
        DEF: () => {
          this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
          this.SUBRULE2(this.poolEntry);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  poolEntry = this.RULE("poolEntry", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME2(T.Identifier, { LABEL: "unit" }));
  });

  policyRef = this.RULE("policyRef", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  targetDecl = this.RULE("targetDecl", () => {
    this.CONSUME(T.Target);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.targetProperty) }, { ALT: () => this.SUBRULE(this.targetJunk) }]);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RCurly);
  });

  targetProperty = this.RULE("targetProperty", () => {
    this.CONSUME(T.Identifier, { LABEL: "key" });
    this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.SUBRULE(this.expression) }]);
  });

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  block = this.RULE("block", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.parallelStmt) },
        { ALT: () => this.SUBRULE(this.forStmt) },
        { ALT: () => this.SUBRULE(this.selectStmt) },
        { ALT: () => this.SUBRULE(this.whenStmt) },
        { ALT: () => this.SUBRULE(this.loadStmt) },
        { ALT: () => this.SUBRULE(this.scopeStmt) },
        { ALT: () => this.SUBRULE(this.sendStmt) },
        { ALT: () => this.SUBRULE(this.recvStmt) },
        { ALT: () => this.SUBRULE(this.consumeStmt) },
        { ALT: () => this.SUBRULE(this.closeStmt) },
        { ALT: () => this.SUBRULE(this.callStmt) },
        { ALT: () => this.SUBRULE(this.blockJunk) },
      ]);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RCurly);
  });

  parallelStmt = this.RULE("parallelStmt", () => {
    this.CONSUME(T.Parallel);
    this.SUBRULE(this.binding);
    this.MANY({
      GATE: this.nextBindingFollows,
      DEF: () => {
        this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
        this.SUBRULE2(this.binding);
      },
    });
    this.SUBRULE(this.block);
  });

  forStmt = this.RULE("forStmt", () => {
    this.CONSUME(T.For);
    this.SUBRULE(this.binding);
    this.MANY({
      GATE: this.nextBindingFollows,
      DEF: () => {
        this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
        this.SUBRULE2(this.binding);
      },
    });
    this.SUBRULE(this.block);
  });

  selectStmt = this.RULE("selectStmt", () => {
    this.CONSUME(T.Select);
    this.SUBRULE(this.binding);
    this.SUBRULE(this.block);
  });

  binding = this.RULE("binding", () => {
    this.CONSUME(T.Identifier, { LABEL: "variable" });
    this.CONSUME(T.In);
    this.CONSUME2(T.Identifier, { LABEL: "axis" });
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.SUBRULE(this.expression);
      this.CONSUME(T.RBracket);
    });
  });

  whenStmt = this.RULE("whenStmt", () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
    this.MANY(() => {
      this.CONSUME(T.Else);
      this.CONSUME2(T.When);
      this.SUBRULE2(this.expression);
      this.SUBRULE2(this.block);
    });
    this.OPTION(() => {
      this.CONSUME2(T.Else);
      this.SUBRULE3(this.block, { LABEL: "otherwise" });
    });
  });

  loadStmt = this.RULE("loadStmt", () => {
    this.CONSUME(T.Load);
    this.CONSUME(T.Identifier, { LABEL: "slot" });
    this.CONSUME(T.LArrow);
    this.CONSUME2(T.Identifier, { LABEL: "tensor" });
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.exprList);
    this.CONSUME(T.RBracket);
  });

  scopeStmt = this.RULE("scopeStmt", () => {
    this.CONSUME(T.Scope);
    this.SUBRULE(this.block);
  });

  sendStmt = this.RULE("sendStmt", () => {
    this.CONSUME(T.Send);
    this.CONSUME(T.Identifier, { LABEL: "channel" });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  recvStmt = this.RULE("recvStmt", () => {
    this.CONSUME(T.Recv);
    this.CONSUME(T.Identifier, { LABEL: "variable" });
    this.CONSUME(T.From);
    this.CONSUME2(T.Identifier, { LABEL: "channel" });
  });

  consumeStmt = this.RULE("consumeStmt", () => {
    this.CONSUME(T.Consume);
    this.CONSUME(T.Identifier, { LABEL: "variable" });
    this.CONSUME(T.From);
    this.CONSUME2(T.Identifier, { LABEL: "channel" });
    this.SUBRULE(this.block);
  });

  closeStmt = this.RULE("closeStmt", () => {
    this.CONSUME(T.Close);
    this.CONSUME(T.Identifier, { LABEL: "channel" });
  });

  callStmt = this.RULE("callStmt", () => {
    this.CONSUME(T.Identifier, { LABEL: "callee" });
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.args));
    this.CONSUME(T.RParen);
  });

  /** `[name =] expr {, [name =] expr} [,]`; the argument rule is inlined (one CST node less per argument). */
  args = this.RULE("args", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expression);
    this.MANY({
      GATE: this.nextItemFollows,
      DEF: () => {
        this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
        this.OPTION2(() => {
          this.CONSUME2(T.Identifier, { LABEL: "name" });
          this.CONSUME2(T.Equals);
        });
        this.SUBRULE2(this.expression);
      },
    });
    this.OPTION3(() => this.CONSUME2(T.Comma));
  });

  // -------------------------------------------------------------------------------------------
  // Junk: tokens that cannot start an item of the list they stand in
  // -------------------------------------------------------------------------------------------

  fileJunk = this.RULE("fileJunk", () => this.junk(T.JunkInFile));
  blockJunk = this.RULE("blockJunk", () => this.junk(T.JunkInBlock));
  pipelineJunk = this.RULE("pipelineJunk", () => this.junk(T.JunkInPipeline));
  scheduleJunk = this.RULE("scheduleJunk", () => this.junk(T.JunkInSchedule));
  targetJunk = this.RULE("targetJunk", () => this.junk(T.JunkInTarget));

  /**
   * Consumes the first junk token through the grammar (so the rule has a lookahead), then
   * skips the rest of the run by hand: up to the next token that can start an item or end
   * the list, stepping over bracketed groups whole so a stray `{ ... }` does not close the
   * enclosing block. Declaration keywords always end the run: they never stand inside a group.
   */
  private junk(category: TokenType): void {
    this.CONSUME(category, { LABEL: "first" });
    this.ACTION(() => {
      const closers: TokenType[] = [];
      const first = this.LA(0).tokenType;
      if (CLOSER_OF.has(first)) closers.push(CLOSER_OF.get(first)!);
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
  }

  /** In a block a name starts a statement only as a call: `x = 1` after junk is more junk. */
  private nameThatCannotStartACall(category: TokenType): boolean {
    return category === T.JunkInBlock && tokenMatcher(this.LA(1), T.Identifier) && this.LA(2).tokenType !== T.LParen;
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  /** `Expr { , Expr } [ , ]` inside `[...]`. */
  exprList = this.RULE("exprList", () => {
    this.SUBRULE(this.expression);
    this.MANY({
      GATE: this.nextItemFollows,
      DEF: () => {
        this.OPTION9(() => this.CONSUME(T.Comma)); // a missing comma is reported by cst-to-ast
        this.SUBRULE2(this.expression);
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  /**
   * `unary { op unary }`, with the first operand read inline rather than as a `unary` child:
   * most expressions are a single operand, and every CST node costs allocation.
   */
  expression = this.RULE("expression", () => {
    this.operand();
    this.MANY9(() => {
      this.CONSUME9(T.BinaryOperator);
      this.SUBRULE9(this.unary);
    });
  });

  /** An operand after a binary operator. */
  unary = this.RULE("unary", () => this.operand());

  /** Prefix operators (a loop, not recursion) and one primary expression. */
  private operand(): void {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "prefix" }) },
        { ALT: () => this.CONSUME(T.Bang, { LABEL: "prefix" }) },
        { ALT: () => this.CONSUME(T.Tilde, { LABEL: "prefix" }) },
      ]);
    });
    this.OR2([
      { ALT: () => this.CONSUME(T.Int) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.CONSUME(T.Task);
          this.CONSUME(T.Dot);
          this.CONSUME(T.Identifier, { LABEL: "attribute" });
        },
      },
      {
        // `select(c, a, b)`: the keyword doubles as a built-in function name.
        ALT: () => {
          this.CONSUME(T.Select, { LABEL: "callee" });
          this.CONSUME(T.LParen);
          this.OPTION(() => this.SUBRULE(this.args));
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Identifier, { LABEL: "name" });
          this.OPTION2(() => {
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME2(T.LParen);
                  this.OPTION3(() => this.SUBRULE2(this.args));
                  this.CONSUME2(T.RParen);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.LBracket);
                  this.SUBRULE(this.exprList);
                  this.CONSUME(T.RBracket);
                },
              },
            ]);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME3(T.LParen, { LABEL: "open" });
          this.SUBRULE(this.expression);
          this.CONSUME3(T.RParen, { LABEL: "close" });
        },
      },
    ]);
  }
}

/**
 * The one parser instance: chevrotain's grammar analysis is costly, so it runs once per
 * process; `parseTokens` resets the input for each file.
 */
const parser = new WspParser(false);

/** Builds a parser with chevrotain's grammar validations on; throws if the grammar has a flaw. */
export function checkGrammar(): void {
  new WspParser(true);
}

export interface RawParse {
  readonly cst: CstNode;
  readonly errors: readonly RawParseError[];
}

export interface RawParseError {
  readonly info: ParseErrorInfo;
  /** The offending token (chevrotain's EOF token, with NaN offsets, at the end of input). */
  readonly token: IToken;
  /** The last token consumed before the error, if any. */
  readonly previous: IToken | undefined;
}

export function parseTokens(tokens: IToken[], text: string): RawParse {
  parser.input = tokens;
  parser.text = text;
  // Recovery throws and catches an exception per syntax error; their stack traces are never
  // looked at but capturing them dominated parse time on files with thousands of errors.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst: CstNode;
  try {
    cst = parser.file();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const errors = parser.errors.map((e) => ({
    info: JSON.parse(e.message) as ParseErrorInfo,
    token: e.token,
    previous: (e as { previousToken?: IToken }).previousToken,
  }));
  parser.input = []; // do not keep the last file alive
  parser.text = "";
  return { cst, errors };
}
