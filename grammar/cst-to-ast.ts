/**
 * Concrete syntax tree (parser.ts) to AST (ast.ts). The CST may come from error recovery, so
 * every child can be missing or be a token invented by the parser (`isInsertedInRecovery`, no
 * offsets): a missing name becomes an empty zero-width Ident, a missing expression `Missing`,
 * a missing block an empty Block — each placed right after the last token that is there.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { BINARY_PRECEDENCE } from "./ast.js";
import * as T from "./lexer.js";
import { junkMessage } from "./messages.js";
import type { SyntaxProblem } from "./syntax-problem.js";

// ---------------------------------------------------------------------------------------------
// CST access
// ---------------------------------------------------------------------------------------------

/** A token that is really in the text (not inserted by recovery). */
function isReal(token: IToken): boolean {
  return token.isInsertedInRecovery !== true && !Number.isNaN(token.startOffset);
}

const NO_TOKENS: readonly IToken[] = [];
const NO_NODES: readonly CstNode[] = [];

/** The real tokens under `key` (a key holds only tokens or only nodes, never both). */
function tokensOf(node: CstNode | undefined, key: string): readonly IToken[] {
  const list = node?.children[key] as IToken[] | undefined;
  if (!list) return NO_TOKENS;
  for (const token of list) if (!isReal(token)) return list.filter(isReal);
  return list;
}

function tokenOf(node: CstNode | undefined, key: string): IToken | undefined {
  return firstReal(node?.children[key]);
}

function firstReal(list: readonly unknown[] | undefined): IToken | undefined {
  if (!list) return undefined;
  for (const token of list as IToken[]) if (isReal(token)) return token;
  return undefined;
}

/** The end of the last item, or `fallback` for none (avoids `after`'s rest array on hot paths). */
function lastEnd(items: readonly A.Span[], fallback: number): number {
  return items.length > 0 ? Math.max(fallback, items[items.length - 1]!.end) : fallback;
}

function nodesOf(node: CstNode | undefined, key: string): readonly CstNode[] {
  return (node?.children[key] as CstNode[] | undefined) ?? NO_NODES;
}

function nodeOf(node: CstNode | undefined, key: string): CstNode | undefined {
  return nodesOf(node, key)[0];
}

/** Child nodes of several kinds in source order (each has at least its first token). */
function nodesInOrder(node: CstNode | undefined, keys: readonly string[]): CstNode[] {
  const all: CstNode[] = [];
  for (const key of keys) for (const child of nodesOf(node, key)) if (hasLocation(child)) all.push(child);
  return all.sort((a, b) => a.location!.startOffset - b.location!.startOffset);
}

function hasLocation(node: CstNode | undefined): node is CstNode & { location: { startOffset: number; endOffset: number } } {
  const loc = node?.location;
  return loc !== undefined && !Number.isNaN(loc.startOffset) && !Number.isNaN(loc.endOffset ?? NaN);
}

function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

function tokenSpan(token: IToken): A.Span {
  return { start: token.startOffset, end: tokenEnd(token) };
}

/** The node's own span, or a zero-width span at `at` when recovery left it without tokens. */
function nodeSpan(node: CstNode | undefined, at: number): A.Span {
  if (!hasLocation(node)) return { start: at, end: at };
  return { start: node.location.startOffset, end: node.location.endOffset! + 1 };
}

/** The end of the last of the given pieces that exists: where something missing would go. */
function after(fallback: number, ...pieces: (IToken | A.Span | undefined)[]): number {
  let end = fallback;
  for (const piece of pieces) {
    if (piece === undefined) continue;
    const e = "image" in piece ? tokenEnd(piece) : piece.end;
    if (e > end) end = e;
  }
  return end;
}

function ident(token: IToken | undefined, at: number): A.Ident {
  if (!token) return { text: "", start: at, end: at };
  return { text: token.image, start: token.startOffset, end: tokenEnd(token) };
}

function optIdent(token: IToken | undefined): A.Ident | undefined {
  return token ? ident(token, 0) : undefined;
}

function scalarType(token: IToken | undefined, at: number): A.ScalarTypeRef {
  if (!token) return { name: "", start: at, end: at };
  return { name: token.image, start: token.startOffset, end: tokenEnd(token) };
}

function missing(at: number): A.MissingExpr {
  return { kind: "Missing", start: at, end: at };
}

// ---------------------------------------------------------------------------------------------
// Context: doc comments and placement problems
// ---------------------------------------------------------------------------------------------

export interface ConvertResult {
  readonly ast: A.SourceFileNode;
  /** Problems the parser leaves to the tree builder: junk, missing commas, misplaced `use`/`module`. */
  readonly problems: SyntaxProblem[];
}

class Converter {
  readonly problems: SyntaxProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly comments: readonly A.Comment[],
  ) {}

  // -------------------------------------------------------------------------------------------
  // Doc comments
  // -------------------------------------------------------------------------------------------

  /**
   * The `///` lines directly above `offset`: consecutive lines, each starting its line, the
   * last one on the line right before the declaration keyword.
   */
  docBefore(offset: number): string | undefined {
    let i = this.lastCommentEndingBefore(offset);
    const lines: string[] = [];
    let next = offset;
    while (i >= 0) {
      const c = this.comments[i]!;
      if (c.style !== "doc" || !isOneLineBreak(this.text, c.end, next) || !startsItsLine(this.text, c.start)) break;
      lines.push(docLine(c.text));
      next = c.start;
      i--;
    }
    return lines.length === 0 ? undefined : lines.reverse().join("\n");
  }

  private lastCommentEndingBefore(offset: number): number {
    let lo = 0;
    let hi = this.comments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.comments[mid]!.end <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private report(token: IToken, message: string): void {
    this.problems.push({ kind: "unexpected-token", start: token.startOffset, end: tokenEnd(token), message });
  }

  /** One problem per junk run (tokens that cannot start an item where they stand). */
  private reportJunk(node: CstNode | undefined, key: string): void {
    for (const junk of nodesOf(node, key)) {
      const first = tokenOf(junk, "first");
      if (first) this.report(first, junkMessage(key, first));
    }
  }

  // -------------------------------------------------------------------------------------------
  // File
  // -------------------------------------------------------------------------------------------

  file(node: CstNode, textLength: number): A.SourceFileNode {
    let module: A.ModuleDecl | undefined;
    const uses: A.UseDecl[] = [];
    const decls: A.Decl[] = [];
    this.reportJunk(node, "fileJunk");
    for (const child of nodesInOrder(node, FILE_ITEMS)) {
      const keyword = leadingToken(child);
      if (child.name === "moduleDecl") {
        if (module) this.report(keyword, "a file has only one `module` line: remove this one");
        else if (uses.length > 0 || decls.length > 0) {
          this.report(keyword, "`module` must be the first line of the file, before any `use` or declaration");
        }
        module ??= this.moduleDecl(child);
      } else if (child.name === "useDecl") {
        if (decls.length > 0) this.report(keyword, "`use` must come before the declarations: move it to the top of the file");
        uses.push(this.useDecl(child));
      } else {
        decls.push(this.decl(child));
      }
    }
    return { kind: "SourceFile", module, uses, decls, start: 0, end: textLength };
  }

  private moduleDecl(node: CstNode): A.ModuleDecl {
    const keyword = tokenOf(node, T.Module.name)!;
    const name = this.qualifiedName(nodeOf(node, "qualifiedName"), tokenEnd(keyword));
    return { kind: "Module", name, doc: this.docBefore(keyword.startOffset), ...nodeSpan(node, keyword.startOffset) };
  }

  private qualifiedName(node: CstNode | undefined, at: number): A.QualifiedName {
    const parts = tokensOf(node, "part").map((t) => ident(t, 0));
    if (parts.length === 0) return { parts: [ident(undefined, at)], start: at, end: at };
    return { parts, start: parts[0]!.start, end: parts[parts.length - 1]!.end };
  }

  private useDecl(node: CstNode): A.UseDecl {
    const keyword = tokenOf(node, T.Use.name)!;
    const parts = tokensOf(node, "part").map((t) => ident(t, 0));
    const braced = nodeOf(node, "useBraced");
    const span = nodeSpan(node, keyword.startOffset);
    let modulePath: A.Ident[];
    let items: A.UseItem[];
    if (braced) {
      const bracedEnd = nodeSpan(braced, 0).end;
      modulePath = parts.filter((p) => p.start < bracedEnd);
      const stray = tokensOf(node, "part").find((t) => t.startOffset >= bracedEnd);
      if (stray) this.report(stray, "nothing may follow the `}` of an import list: write one `use` per module");
      items = this.commaList(braced, nodesOf(braced, "useItem").filter(hasLocation).map((n) => this.useItem(n)), "imported names");
      const alias = tokenOf(node, T.As.name);
      if (alias) this.report(alias, "`as` renames one imported item: write it inside the braces, e.g. `{name as alias}`");
    } else {
      // The last segment is the imported item; a path of one segment lacks the item.
      const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
      modulePath = last ? parts.slice(0, -1) : parts;
      const alias = optIdent(tokensOf(node, "alias")[0]);
      const itemName = last ?? ident(undefined, span.end);
      items = [{ name: itemName, alias, start: itemName.start, end: alias ? alias.end : itemName.end }];
    }
    const moduleName: A.QualifiedName =
      modulePath.length > 0
        ? { parts: modulePath, start: modulePath[0]!.start, end: modulePath[modulePath.length - 1]!.end }
        : { parts: [ident(undefined, tokenEnd(keyword))], start: tokenEnd(keyword), end: tokenEnd(keyword) };
    return { kind: "Use", module: moduleName, items, braced: braced !== undefined, ...span };
  }

  private useItem(node: CstNode): A.UseItem {
    const name = ident(tokenOf(node, "name"), nodeSpan(node, 0).start);
    return { name, alias: optIdent(tokenOf(node, "alias")), ...nodeSpan(node, name.start) };
  }

  // -------------------------------------------------------------------------------------------
  // Declarations
  // -------------------------------------------------------------------------------------------

  private decl(node: CstNode): A.Decl {
    switch (node.name) {
      case "constDecl":
        return this.constDecl(node);
      case "slotDecl":
        return this.slotOrSymbol(node, "Slot");
      case "symbolDecl":
        return this.slotOrSymbol(node, "Symbol");
      case "axisDecl":
        return this.axisDecl(node);
      case "tensorDecl":
        return this.tensorDecl(node);
      case "kernelDecl":
        return this.kernelDecl(node);
      case "policyDecl":
        return this.policyDecl(node);
      case "workloadDecl":
        return this.workloadDecl(node);
      case "pipelineDecl":
        return this.pipelineDecl(node);
      case "scheduleDecl":
        return this.scheduleDecl(node);
      default:
        return this.targetDecl(node);
    }
  }

  /** Span and doc shared by every declaration: from its keyword to its last token. */
  private declBase(node: CstNode): A.Span & { doc: string | undefined } {
    const span = nodeSpan(node, 0);
    return { doc: this.docBefore(span.start), ...span };
  }

  private constDecl(node: CstNode): A.ConstDecl {
    const keyword = tokenOf(node, T.Const.name)!;
    const nameTok = tokenOf(node, "name");
    const colon = tokenOf(node, "Colon");
    const typeTok = tokenOf(node, "type");
    const type = colon || typeTok ? scalarType(typeTok, after(0, keyword, nameTok, colon)) : undefined;
    const equals = tokenOf(node, "Equals");
    return {
      kind: "Const",
      name: ident(nameTok, tokenEnd(keyword)),
      type,
      value: this.expr(nodeOf(node, "expression"), after(0, keyword, nameTok, colon, typeTok, equals)),
      ...this.declBase(node),
    };
  }

  private slotOrSymbol(node: CstNode, kind: "Slot" | "Symbol"): A.SlotDecl | A.SymbolDecl {
    const keyword = leadingToken(node);
    const nameTok = tokenOf(node, "name");
    const typeTok = tokenOf(node, "type");
    return {
      kind,
      name: ident(nameTok, tokenEnd(keyword)),
      type: scalarType(typeTok, after(0, keyword, nameTok, tokenOf(node, "Colon"))),
      ...this.declBase(node),
    };
  }

  private axisDecl(node: CstNode): A.AxisDecl {
    const keyword = tokenOf(node, T.Axis.name)!;
    const nameTok = tokenOf(node, "name");
    const equals = tokenOf(node, "Equals");
    const kindTok = tokenOf(node, "axisKind");
    const open = tokenOf(node, "LParen");
    return {
      kind: "Axis",
      name: ident(nameTok, tokenEnd(keyword)),
      axisKind: ident(kindTok, after(0, keyword, nameTok, equals)),
      args: this.args(nodeOf(node, "args"), after(0, keyword, nameTok, equals, kindTok, open)),
      ...this.declBase(node),
    };
  }

  private tensorDecl(node: CstNode): A.TensorDecl {
    const keyword = tokenOf(node, T.Tensor.name)!;
    const nameTok = tokenOf(node, "name");
    const at = after(0, keyword, nameTok, tokenOf(node, "Colon"));
    return {
      kind: "Tensor",
      name: ident(nameTok, tokenEnd(keyword)),
      type: this.tensorType(nodeOf(node, "tensorType"), at),
      direction: this.direction(nodeOf(node, "direction")),
      ...this.declBase(node),
    };
  }

  private tensorType(node: CstNode | undefined, at: number): A.TensorTypeRef {
    const span = nodeSpan(node, at);
    const dtypeTok = tokenOf(node, "dtype");
    const dtype = scalarType(dtypeTok, span.start);
    const dims = this.exprList(nodeOf(node, "exprList"), after(span.start, dtypeTok, tokenOf(node, "LBracket")));
    return { dtype, dims, ...span };
  }

  private direction(node: CstNode | undefined): A.DirectionRef | undefined {
    const token = tokenOf(node, T.In.name) ?? tokenOf(node, T.Out.name) ?? tokenOf(node, T.Inout.name);
    if (!token) return undefined;
    return { value: token.image as A.TensorDirection, ...tokenSpan(token) };
  }

  private kernelDecl(node: CstNode): A.KernelDecl {
    const keyword = tokenOf(node, T.Kernel.name)!;
    const nameTok = tokenOf(node, "name");
    const clauses: A.KernelClause[] = [
      ...tokensOf(node, T.On.name).map((t) => ({ clause: "on" as const, ...tokenSpan(t) })),
      ...tokensOf(node, T.Cycles.name).map((t) => ({ clause: "cycles" as const, ...tokenSpan(t) })),
      ...tokensOf(node, T.Source.name).map((t) => ({ clause: "source" as const, ...tokenSpan(t) })),
    ].sort((a, b) => a.start - b.start);
    const on = tokenOf(node, T.On.name);
    const cyclesTok = tokenOf(node, T.Cycles.name);
    const sourceTok = tokenOf(node, T.Source.name);
    const stringTok = tokenOf(node, "StringLiteral");
    return {
      kind: "Kernel",
      name: ident(nameTok, tokenEnd(keyword)),
      params: this.commaList(node, nodesOf(node, "kernelParam").filter(hasLocation).map((n) => this.kernelParam(n)), "parameters"),
      executor: on ? ident(tokenOf(node, "executor"), tokenEnd(on)) : undefined,
      cycles: cyclesTok ? this.expr(nodeOf(node, "expression"), tokenEnd(cyclesTok)) : undefined,
      source: sourceTok && stringTok ? stringLit(stringTok) : undefined,
      clauses,
      ...this.declBase(node),
    };
  }

  private kernelParam(node: CstNode): A.KernelParam {
    const span = nodeSpan(node, 0);
    const nameTok = tokenOf(node, "name");
    const colon = tokenOf(node, "Colon");
    const at = after(span.start, nameTok, colon);
    const direction = this.direction(nodeOf(node, "direction"));
    const tensorNode = nodeOf(node, "tensorType");
    let type: A.TensorTypeRef | A.ScalarTypeRef;
    let isTensor: boolean;
    if (direction || tensorNode) {
      type = this.tensorType(tensorNode, after(at, direction));
      isTensor = true;
    } else {
      const dtypeTok = tokenOf(node, "dtype");
      const open = tokenOf(node, "LBracket");
      const dtype = scalarType(dtypeTok, at);
      isTensor = open !== undefined;
      if (open) {
        const dims = this.exprList(nodeOf(node, "exprList"), tokenEnd(open));
        const close = tokenOf(node, "RBracket");
        type = { dtype, dims, start: dtype.start, end: after(dtype.end, open, close, ...dims) };
      } else type = dtype;
    }
    return { name: ident(nameTok, span.start), direction, type, isTensor, ...span };
  }

  private policyDecl(node: CstNode): A.PolicyDecl {
    const keyword = tokenOf(node, T.Policy.name)!;
    const nameTok = tokenOf(node, "name");
    const kindTok = tokenOf(node, "policyKind");
    const at = after(0, keyword, nameTok, tokenOf(node, "LParen"), tokenOf(node, "RParen"), tokenOf(node, "Colon"));
    const body = nodeOf(node, "policyBody");
    const equals = tokenOf(node, "Equals");
    const base = this.declBase(node);
    let lets: A.LetBinding[] = [];
    let result: A.Expr;
    if (body && hasLocation(body)) {
      lets = nodesOf(body, "letBinding").filter(hasLocation).map((n) => this.letBinding(n));
      const ret = tokenOf(body, T.Return.name);
      result = this.expr(nodeOf(body, "expression"), ret ? tokenEnd(ret) : after(nodeSpan(body, at).start + 1, ...lets));
    } else {
      result = this.expr(nodeOf(node, "expression"), after(at, kindTok, equals));
    }
    return {
      kind: "Policy",
      name: ident(nameTok, tokenEnd(keyword)),
      params: this.commaList(node, nodesOf(node, "policyParam").filter(hasLocation).map((n) => this.policyParam(n)), "parameters"),
      policyKind: ident(kindTok, at),
      lets,
      result,
      block: body !== undefined && hasLocation(body),
      ...base,
    };
  }

  private policyParam(node: CstNode): A.PolicyParam {
    const span = nodeSpan(node, 0);
    const nameTok = tokenOf(node, "name");
    return {
      name: ident(nameTok, span.start),
      type: scalarType(tokenOf(node, "type"), after(span.start, nameTok, tokenOf(node, "Colon"))),
      ...span,
    };
  }

  private letBinding(node: CstNode): A.LetBinding {
    const keyword = tokenOf(node, T.Let.name)!;
    const nameTok = tokenOf(node, "name");
    return {
      name: ident(nameTok, tokenEnd(keyword)),
      value: this.expr(nodeOf(node, "expression"), after(0, keyword, nameTok, tokenOf(node, "Equals"))),
      ...nodeSpan(node, keyword.startOffset),
    };
  }

  private workloadDecl(node: CstNode): A.WorkloadDecl {
    const keyword = tokenOf(node, T.Workload.name)!;
    const nameTok = tokenOf(node, "name");
    return {
      kind: "Workload",
      name: ident(nameTok, tokenEnd(keyword)),
      body: this.block(nodeOf(node, "block"), after(0, keyword, nameTok)),
      ...this.declBase(node),
    };
  }

  private pipelineDecl(node: CstNode): A.PipelineDecl {
    const keyword = tokenOf(node, T.Pipeline.name)!;
    this.reportJunk(node, "pipelineJunk");
    const members = nodesInOrder(node, ["channelDecl", "processDecl"]).map((n) =>
      n.name === "channelDecl" ? this.channelDecl(n) : this.processDecl(n),
    );
    return { kind: "Pipeline", name: ident(tokenOf(node, "name"), tokenEnd(keyword)), members, ...this.declBase(node) };
  }

  private channelDecl(node: CstNode): A.ChannelDecl {
    const keyword = tokenOf(node, T.Channel.name)!;
    const depthTok = tokenOf(node, T.Depth.name);
    const latencyTok = tokenOf(node, T.Latency.name);
    return {
      kind: "Channel",
      name: ident(tokenOf(node, "name"), tokenEnd(keyword)),
      depth: depthTok ? this.expr(nodeOf(node, "depth"), tokenEnd(depthTok)) : undefined,
      latency: latencyTok ? this.expr(nodeOf(node, "latency"), tokenEnd(latencyTok)) : undefined,
      ...this.declBase(node),
    };
  }

  private processDecl(node: CstNode): A.ProcessDecl {
    const keyword = tokenOf(node, T.Process.name)!;
    const nameTok = tokenOf(node, "name");
    const replicateTok = tokenOf(node, T.Replicate.name);
    const replicate = replicateTok ? this.expr(nodeOf(node, "expression"), tokenEnd(replicateTok)) : undefined;
    return {
      kind: "Process",
      name: ident(nameTok, tokenEnd(keyword)),
      replicate,
      body: this.block(nodeOf(node, "block"), after(0, keyword, nameTok, replicateTok, replicate)),
      ...this.declBase(node),
    };
  }

  private scheduleDecl(node: CstNode): A.ScheduleDecl {
    const keyword = tokenOf(node, T.Schedule.name)!;
    const subjectTok = tokenOf(node, "subject");
    const on = tokenOf(node, T.On.name);
    this.reportJunk(node, "scheduleJunk");
    const directives = nodesInOrder(node, DIRECTIVES).map((n) => this.directive(n));
    return {
      kind: "Schedule",
      subject: ident(subjectTok, tokenEnd(keyword)),
      target: ident(tokenOf(node, "target"), after(0, keyword, subjectTok, on)),
      directives,
      ...this.declBase(node),
    };
  }

  private targetDecl(node: CstNode): A.TargetDecl {
    const keyword = tokenOf(node, T.Target.name)!;
    this.reportJunk(node, "targetJunk");
    const properties = nodesOf(node, "targetProperty")
      .filter(hasLocation)
      .map((n) => this.targetProperty(n));
    return { kind: "Target", name: ident(tokenOf(node, "name"), tokenEnd(keyword)), properties, ...this.declBase(node) };
  }

  private targetProperty(node: CstNode): A.TargetProperty {
    const keyTok = tokenOf(node, "key");
    const span = nodeSpan(node, 0);
    const key = ident(keyTok, span.start);
    const stringTok = tokenOf(node, "StringLiteral");
    const value = stringTok ? stringLit(stringTok) : this.expr(nodeOf(node, "expression"), key.end);
    return { key, value, ...span };
  }

  // -------------------------------------------------------------------------------------------
  // Schedule directives
  // -------------------------------------------------------------------------------------------

  private directive(node: CstNode): A.Directive {
    const keywordTok = leadingToken(node);
    const keyword = tokenSpan(keywordTok);
    const span = nodeSpan(node, keyword.start);
    switch (node.name) {
      case "windowDirective": {
        const size = this.expr(nodeOf(node, "expression"), keyword.end);
        return {
          kind: "Window",
          keyword,
          size,
          unit: optIdent(tokenOf(node, "unit")),
          mode: optIdent(tokenOf(node, "mode")),
          ...span,
        };
      }
      case "poolsDirective": {
        const entries = nodesOf(node, "poolEntry")
          .filter(hasLocation)
          .map((n) => this.poolEntry(n));
        this.commaList(node, entries, "pools");
        return { kind: "Pools", keyword, entries, ...span };
      }
      default: {
        const policy = this.policyRef(nodeOf(node, "policyRef"), keyword.end);
        const kind = node.name === "dispatchDirective" ? "Dispatch" : node.name === "readyDirective" ? "Ready" : "Start";
        return { kind, keyword, policy, ...span };
      }
    }
  }

  private policyRef(node: CstNode | undefined, at: number): A.PolicyRef {
    const span = nodeSpan(node, at);
    const open = tokenOf(node, "LParen");
    return {
      name: ident(tokenOf(node, "name"), at),
      args: open ? this.args(nodeOf(node, "args"), tokenEnd(open)) : [],
      hasParens: open !== undefined,
      ...span,
    };
  }

  private poolEntry(node: CstNode): A.PoolEntry {
    const span = nodeSpan(node, 0);
    const name = ident(tokenOf(node, "name"), span.start);
    return {
      name,
      size: this.expr(nodeOf(node, "expression"), name.end),
      unit: optIdent(tokenOf(node, "unit")),
      ...span,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  private block(node: CstNode | undefined, at: number): A.Block {
    if (!hasLocation(node)) return { statements: [], start: at, end: at };
    this.reportJunk(node, "blockJunk");
    const statements: A.Stmt[] = [];
    for (const n of nodesInOrder(node, STATEMENTS)) {
      // A name without `(` was never a call (already reported): keep it out of the tree, or
      // the checker would look up a kernel the user never meant to call.
      if (n.name === "callStmt" && !tokenOf(n, T.LParen.name)) continue;
      statements.push(this.stmt(n));
    }
    return { statements, ...nodeSpan(node, at) };
  }

  private stmt(node: CstNode): A.Stmt {
    const keyword = leadingToken(node);
    const span = nodeSpan(node, keyword.startOffset);
    const end = tokenEnd(keyword);
    switch (node.name) {
      case "parallelStmt":
      case "forStmt": {
        const bindings = this.commaList(node, nodesOf(node, "binding").filter(hasLocation).map((n) => this.binding(n)), "loop bindings");
        const body = this.block(nodeOf(node, "block"), after(end, ...bindings));
        return { kind: node.name === "forStmt" ? "For" : "Parallel", bindings, body, ...span };
      }
      case "selectStmt": {
        const bindingNode = nodeOf(node, "binding");
        const binding = hasLocation(bindingNode)
          ? this.binding(bindingNode)
          : { variable: ident(undefined, end), axis: ident(undefined, end), row: undefined, start: end, end };
        return { kind: "Select", binding, body: this.block(nodeOf(node, "block"), after(end, binding)), ...span };
      }
      case "whenStmt":
        return this.whenStmt(node, span);
      case "loadStmt": {
        const slotTok = tokenOf(node, "slot");
        const arrow = tokenOf(node, "LArrow");
        const tensorTok = tokenOf(node, "tensor");
        const open = tokenOf(node, "LBracket");
        const close = tokenOf(node, "RBracket");
        const viewAt = after(end, slotTok, arrow);
        const tensor = ident(tensorTok, viewAt);
        const indices = this.exprList(nodeOf(node, "exprList"), after(viewAt, tensorTok, open));
        const view: A.TensorView = {
          kind: "View",
          tensor,
          indices,
          start: tensor.start,
          end: after(tensor.end, open, ...indices, close),
        };
        return { kind: "Load", slot: ident(slotTok, end), view, ...span };
      }
      case "scopeStmt":
        return { kind: "Scope", body: this.block(nodeOf(node, "block"), end), ...span };
      case "sendStmt": {
        const channelTok = tokenOf(node, "channel");
        const open = tokenOf(node, "LParen");
        const exprNode = nodeOf(node, "expression");
        const value = open ? this.expr(exprNode, tokenEnd(open)) : undefined;
        return { kind: "Send", channel: ident(channelTok, end), value, ...span };
      }
      case "recvStmt":
      case "consumeStmt": {
        const variableTok = tokenOf(node, "variable");
        const from = tokenOf(node, T.From.name);
        const channelTok = tokenOf(node, "channel");
        const variable = ident(variableTok, end);
        const channel = ident(channelTok, after(end, variableTok, from));
        if (node.name === "recvStmt") return { kind: "Recv", variable, channel, ...span };
        const body = this.block(nodeOf(node, "block"), after(end, variableTok, from, channelTok));
        return { kind: "Consume", variable, channel, body, ...span };
      }
      case "closeStmt":
        return { kind: "Close", channel: ident(tokenOf(node, "channel"), end), ...span };
      default: {
        const open = tokenOf(node, "LParen");
        const args = this.args(nodeOf(node, "args"), open ? tokenEnd(open) : end);
        return { kind: "Call", callee: ident(keyword, end), args, ...span };
      }
    }
  }

  private whenStmt(node: CstNode, span: A.Span): A.WhenStmt {
    const whens = tokensOf(node, T.When.name);
    const conditions = nodesOf(node, "expression");
    const bodies = nodesOf(node, "block");
    const branches: A.WhenBranch[] = [];
    for (let i = 0; i < whens.length; i++) {
      const keyword = whens[i]!;
      const condition = this.expr(conditions[i], tokenEnd(keyword));
      const body = this.block(bodies[i], after(0, keyword, condition));
      branches.push({ condition, body, start: keyword.startOffset, end: after(0, keyword, condition, body) });
    }
    const otherwiseNode = nodeOf(node, "otherwise");
    const elses = tokensOf(node, T.Else.name);
    // The `else` of the final branch is the one not followed by `when`.
    const finalElse = elses.length > whens.length - 1 ? elses[elses.length - 1] : undefined;
    const otherwise = finalElse ? this.block(otherwiseNode, tokenEnd(finalElse)) : undefined;
    return { kind: "When", branches, otherwise, ...span };
  }

  private binding(node: CstNode): A.LoopBinding {
    const span = nodeSpan(node, 0);
    const variableTok = tokenOf(node, "variable");
    const inTok = tokenOf(node, T.In.name);
    const axisTok = tokenOf(node, "axis");
    const open = tokenOf(node, "LBracket");
    return {
      variable: ident(variableTok, span.start),
      axis: ident(axisTok, after(span.start, variableTok, inTok)),
      row: open ? this.expr(nodeOf(node, "expression"), tokenEnd(open)) : undefined,
      ...span,
    };
  }

  /**
   * Arguments from the flat `args` node: each `name =` belongs to the expression that follows
   * it, told apart by offsets.
   */
  private args(node: CstNode | undefined, at: number): A.Arg[] {
    const result: A.Arg[] = [];
    const names = tokensOf(node, "name");
    const equals = tokensOf(node, T.Equals.name);
    let n = 0;
    let position = at;
    for (const exprNode of nodesOf(node, "expression")) {
      const exprStart = hasLocation(exprNode) ? exprNode.location.startOffset : Number.POSITIVE_INFINITY;
      let nameTok: IToken | undefined;
      let equalsTok: IToken | undefined;
      while (n < names.length && names[n]!.startOffset < exprStart) {
        nameTok = names[n];
        equalsTok = equals.find((e) => e.startOffset > nameTok!.startOffset && e.startOffset < exprStart);
        n++;
        if (exprStart === Number.POSITIVE_INFINITY) break;
      }
      const value = this.expr(exprNode, equalsTok ? tokenEnd(equalsTok) : nameTok ? tokenEnd(nameTok) : position);
      const name = nameTok ? ident(nameTok, 0) : undefined;
      const end = equalsTok ? Math.max(value.end, tokenEnd(equalsTok)) : value.end;
      result.push({ name, value, start: name ? name.start : value.start, end });
      position = result[result.length - 1]!.end;
    }
    return this.commaList(node, result, "arguments");
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  private exprList(node: CstNode | undefined, at: number): A.Expr[] {
    const result: A.Expr[] = [];
    let position = at;
    for (const e of nodesOf(node, "expression")) {
      const value = this.expr(e, position);
      result.push(value);
      position = value.end;
    }
    if (result.length === 0) result.push(missing(at));
    return this.commaList(node, result, "indices");
  }

  /**
   * The grammar reads list separators as optional, so that a forgotten comma costs one precise
   * problem instead of the rest of the list; here each gap without a comma is reported.
   */
  private commaList<S extends A.Span>(node: CstNode | undefined, items: S[], what: string): S[] {
    const commas = tokensOf(node, T.Comma.name);
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
   * A flat `unary { op unary }` list folded with BINARY_PRECEDENCE (left-associative). A
   * missing operand after an operator becomes `Missing` right after the operator.
   */
  expr(node: CstNode | undefined, at: number): A.Expr {
    if (!hasLocation(node)) return missing(at);
    const first = this.operand(node, at);
    const operators = tokensOf(node, "BinaryOperator");
    if (operators.length === 0) return first;
    const unaries = nodesOf(node, "unary");
    const operands: A.Expr[] = [first];
    for (let i = 0; i < operators.length; i++) {
      const afterOp = tokenEnd(operators[i]!);
      const unary = unaries[i];
      operands.push(hasLocation(unary) ? this.operand(unary, afterOp) : missing(afterOp));
    }
    return foldBinary(operands, operators);
  }

  /** Prefix operators and a primary, read from an `expression` or `unary` node. */
  private operand(node: CstNode, at: number): A.Expr {
    const prefixes = tokensOf(node, "prefix");
    let operand = this.primary(node, after(at, prefixes[prefixes.length - 1]));
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const op = prefixes[i]!;
      operand = {
        kind: "Unary",
        op: op.image as A.UnaryOp,
        operand,
        start: op.startOffset,
        end: Math.max(operand.end, tokenEnd(op)),
      };
    }
    return operand;
  }

  /**
   * The primary part of an operand. Its end is computed from its own tokens: in an
   * `expression` node the node's location also covers the operators and later operands.
   */
  private primary(node: CstNode, at: number): A.Expr {
    const c = node.children;
    // Checked in order of frequency; each key is present only for its own kind of primary.
    const nameTok = firstReal(c["name"]) ?? firstReal(c["callee"]);
    if (nameTok) {
      const name = ident(nameTok, 0);
      const paren = firstReal(c[T.LParen.name]);
      if (paren || nameTok.tokenType === T.Select) {
        const args = this.args(nodeOf(node, "args"), paren ? tokenEnd(paren) : name.end);
        const close = firstReal(c[T.RParen.name]);
        const end = close ? tokenEnd(close) : lastEnd(args, paren ? tokenEnd(paren) : name.end);
        return { kind: "CallExpr", callee: name, args, start: name.start, end };
      }
      const bracket = firstReal(c[T.LBracket.name]);
      if (bracket) {
        const indices = this.exprList(nodeOf(node, "exprList"), tokenEnd(bracket));
        const close = firstReal(c[T.RBracket.name]);
        const end = close ? tokenEnd(close) : lastEnd(indices, tokenEnd(bracket));
        return { kind: "View", tensor: name, indices, start: name.start, end };
      }
      return { kind: "Name", name, start: name.start, end: name.end };
    }
    const intTok = tokenOf(node, T.Int.name);
    if (intTok) {
      const value = T.parseIntLiteral(intTok.image);
      const span = tokenSpan(intTok);
      // A malformed number was reported by the lexer; `Missing` keeps it from being checked twice.
      return value === undefined ? { kind: "Missing", ...span } : { kind: "Int", value, text: intTok.image, ...span };
    }
    const open = tokenOf(node, "open");
    if (open) {
      const inner = this.expr(nodeOf(node, "expression"), tokenEnd(open));
      return { kind: "Paren", inner, start: open.startOffset, end: after(inner.end, tokenOf(node, "close")) };
    }
    const task = tokenOf(node, T.Task.name);
    if (task) {
      const dot = tokenOf(node, T.Dot.name);
      const attributeTok = tokenOf(node, "attribute");
      const attribute = ident(attributeTok, after(0, task, dot));
      return { kind: "TaskAttr", attribute, start: task.startOffset, end: after(0, task, dot, attributeTok) };
    }
    const boolTok = tokenOf(node, T.True.name) ?? tokenOf(node, T.False.name);
    if (boolTok) return { kind: "Bool", value: boolTok.tokenType === T.True, ...tokenSpan(boolTok) };
    return missing(at);
  }
}

/** Folds `a op b op c ...` by BINARY_PRECEDENCE, left-associative (operator-precedence parsing). */
function foldBinary(operands: readonly A.Expr[], operators: readonly IToken[]): A.Expr {
  const values: A.Expr[] = [operands[0]!];
  const pending: IToken[] = [];
  const reduce = (): void => {
    const op = pending.pop()!;
    const right = values.pop()!;
    const left = values.pop()!;
    const opSpan = tokenSpan(op);
    values.push({
      kind: "Binary",
      op: op.image as A.BinaryOp,
      opSpan,
      left,
      right,
      start: Math.min(left.start, opSpan.start),
      end: Math.max(right.end, opSpan.end),
    });
  };
  for (let i = 0; i < operators.length; i++) {
    const op = operators[i]!;
    const precedence = BINARY_PRECEDENCE[op.image as A.BinaryOp];
    while (pending.length > 0 && BINARY_PRECEDENCE[pending[pending.length - 1]!.image as A.BinaryOp] >= precedence) reduce();
    pending.push(op);
    values.push(operands[i + 1]!);
  }
  while (pending.length > 0) reduce();
  return values[0]!;
}

const FILE_ITEMS = [
  "moduleDecl", "useDecl", "constDecl", "slotDecl", "symbolDecl", "axisDecl", "tensorDecl", "kernelDecl",
  "policyDecl", "workloadDecl", "pipelineDecl", "scheduleDecl", "targetDecl",
];
const DIRECTIVES = ["dispatchDirective", "windowDirective", "readyDirective", "startDirective", "poolsDirective"];
const STATEMENTS = [
  "parallelStmt", "forStmt", "selectStmt", "whenStmt", "loadStmt", "scopeStmt", "sendStmt", "recvStmt",
  "consumeStmt", "closeStmt", "callStmt",
];

/** The key of each item's leading token (its keyword, or the callee of a call). */
const LEADING_TOKEN: Readonly<Record<string, string>> = {
  moduleDecl: T.Module.name,
  useDecl: T.Use.name,
  constDecl: T.Const.name,
  slotDecl: T.Slot.name,
  symbolDecl: T.SymbolKw.name,
  axisDecl: T.Axis.name,
  tensorDecl: T.Tensor.name,
  kernelDecl: T.Kernel.name,
  policyDecl: T.Policy.name,
  workloadDecl: T.Workload.name,
  pipelineDecl: T.Pipeline.name,
  scheduleDecl: T.Schedule.name,
  targetDecl: T.Target.name,
  parallelStmt: T.Parallel.name,
  forStmt: T.For.name,
  selectStmt: T.Select.name,
  whenStmt: T.When.name,
  loadStmt: T.Load.name,
  scopeStmt: T.Scope.name,
  sendStmt: T.Send.name,
  recvStmt: T.Recv.name,
  consumeStmt: T.Consume.name,
  closeStmt: T.Close.name,
  callStmt: "callee",
  dispatchDirective: T.Dispatch.name,
  windowDirective: T.Window.name,
  readyDirective: T.Ready.name,
  startDirective: T.Start.name,
  poolsDirective: T.Pools.name,
};

/**
 * The leading token of a declaration, statement or directive. The parser chose the rule by
 * looking at that token, so it is always there; the fallback only keeps the types honest.
 */
function leadingToken(node: CstNode): IToken {
  const key = LEADING_TOKEN[node.name];
  return (key && tokenOf(node, key)) || ({ image: "", startOffset: node.location?.startOffset ?? 0 } as IToken);
}

function isOneLineBreak(text: string, from: number, to: number): boolean {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) breaks++;
    else if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return breaks === 1;
}

function startsItsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && !(i === 0 && c === 0xfeff)) return false;
  }
  return true;
}

/** `/// text` → `text`: the slashes and one following space go. */
function docLine(comment: string): string {
  const body = comment.slice(3);
  return body.startsWith(" ") ? body.slice(1) : body;
}

function stringLit(token: IToken): A.StringLit {
  return { kind: "String", value: decodeString(token.image), ...tokenSpan(token) };
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };

/** The value of a string token; unknown escapes (already reported) are kept as written. */
function decodeString(image: string): string {
  if (image.length >= 2 && image.endsWith('"') && !image.includes("\\")) return image.slice(1, -1);
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedQuoteAtEnd(image);
  const body = image.slice(1, terminated ? -1 : undefined);
  return body.replace(/\\(.?)/g, (whole, c: string) => ESCAPES[c] ?? whole);
}

function isEscapedQuoteAtEnd(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

export function cstToAst(cst: CstNode, text: string, comments: readonly A.Comment[]): ConvertResult {
  const converter = new Converter(text, comments);
  const ast = converter.file(cst, text.length);
  return { ast, problems: converter.problems };
}
