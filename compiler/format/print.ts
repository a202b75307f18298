import type * as A from "../../grammar/ast.js";
import type { SourceText } from "./source.js";
import { MAX_WIDTH, Writer } from "./writer.js";

/**
 * One printer per node kind. Every token goes to the writer with its source offset when the
 * tree or a short scan of the text gives one, so comments land next to the token they precede.
 * Tokens are printed in source order with only whitespace changed (optional `;` and trailing
 * commas aside), which is why formatting cannot change what the file parses to.
 */
export interface Ctx {
  readonly src: SourceText;
  readonly w: Writer;
}

// ---------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------

/** Prints the keyword or punctuation `text` found at the next token from `after`. */
function sym(c: Ctx, text: string, after: number, skip = ""): number {
  const pos = c.src.nextToken(after, skip);
  if (c.src.text.startsWith(text, pos)) {
    c.w.tok(text, pos);
    return pos + text.length;
  }
  c.w.punct(text);
  return after;
}

/** `sym` followed by a space. */
function word(c: Ctx, text: string, after: number): number {
  const end = sym(c, text, after);
  c.w.sp();
  return end;
}

function ident(c: Ctx, id: A.Ident): void {
  c.w.tok(id.text, id.start, id.end);
}

function qualifiedName(c: Ctx, q: A.QualifiedName): void {
  q.parts.forEach((part, i) => {
    if (i > 0) sym(c, ".", q.parts[i - 1]!.end);
    ident(c, part);
  });
}

function scalarType(c: Ctx, t: A.ScalarTypeRef): void {
  c.w.tok(t.name, t.start, t.end);
}

function stringLit(c: Ctx, s: A.StringLit): void {
  c.w.verbatim(s.start, s.end);
}

/** `f32[a, b]`: dims are always on one line. */
function tensorType(c: Ctx, t: A.TensorTypeRef): void {
  scalarType(c, t.dtype);
  sym(c, "[", t.dtype.end);
  inlineList(c, t.dims, (e) => expr(c, e));
  sym(c, "]", t.dims.at(-1)?.end ?? t.dtype.end, ",[");
}

function inlineList<T>(c: Ctx, items: readonly T[], each: (item: T) => void): void {
  items.forEach((item, i) => {
    if (i > 0) {
      c.w.punct(",");
      c.w.sp();
    }
    each(item);
  });
}

// ---------------------------------------------------------------------------------------------
// Bracketed lists: arguments, parameters, `use` items, pools
// ---------------------------------------------------------------------------------------------

interface ListStyle {
  readonly open: string;
  readonly close: string;
  /** `{ a, b }` rather than `{a, b}` when on one line. */
  readonly padded: boolean;
}

const PARENS: ListStyle = { open: "(", close: ")", padded: false };
const USE_BRACES: ListStyle = { open: "{", close: "}", padded: false };
const POOL_BRACES: ListStyle = { open: "{", close: "}", padded: true };

/**
 * A list whose opening bracket is the next token after `after`. It stays on one line unless
 * the source has a line break right before one of its items or before its closing bracket;
 * then it is printed one item per line, each followed by a comma.
 */
function list<T extends A.Span>(
  c: Ctx,
  style: ListStyle,
  after: number,
  items: readonly T[],
  each: (c: Ctx, item: T) => void,
): void {
  const openPos = c.src.nextToken(after);
  c.w.tok(style.open, openPos);
  const last = items.at(-1);
  const closePos = c.src.nextToken(last === undefined ? openPos + 1 : last.end, ",");
  const broken =
    last !== undefined &&
    (items.some((item) => c.src.lineBreakBefore(item.start)) || c.src.lineBreakBefore(closePos));
  if (!broken) {
    if (style.padded && last !== undefined) c.w.sp();
    inlineList(c, items, (item) => each(c, item));
    if (style.padded && last !== undefined) c.w.sp();
    c.w.tok(style.close, closePos);
    return;
  }
  c.w.openBlock();
  for (const item of items) {
    c.w.startItem(item.start, true);
    each(c, item);
    c.w.punct(",");
  }
  c.w.closeBlock(closePos, style.close);
}

function arg(c: Ctx, a: A.Arg): void {
  if (a.name !== undefined) {
    ident(c, a.name);
    c.w.sp();
    word(c, "=", a.name.end);
  }
  expr(c, a.value);
}

function argList(c: Ctx, after: number, args: readonly A.Arg[]): void {
  list(c, PARENS, after, args, arg);
}

// ---------------------------------------------------------------------------------------------
// Blocks: statements, pipeline members, directives, target properties, policy bodies
// ---------------------------------------------------------------------------------------------

/**
 * A `{ ... }` of items whose opening brace is the next token after `after`. Written on one
 * source line, without comments, it stays on one line (items joined by `; `) when it fits in
 * MAX_WIDTH; otherwise one item per line. Empty and comment-free, it is `{}`.
 */
function block<T extends A.Span>(
  c: Ctx,
  after: number,
  items: readonly T[],
  each: (c: Ctx, item: T) => void,
): void {
  const open = c.src.nextToken(after);
  const close = c.src.nextToken(items.at(-1)?.end ?? open + 1, ";");
  const oneLine = !c.src.hasNewline(open, close) && !c.src.hasCommentIn(open + 1, close);
  if (oneLine && (c.w.flat > 0 || fits(c, (m) => flatBlock(m, open, close, items, each)))) {
    flatBlock(c, open, close, items, each);
    return;
  }
  c.w.tok("{", open);
  if (items.length === 0 && !c.src.hasCommentIn(open + 1, close)) {
    c.w.tok("}", close);
    return;
  }
  c.w.openBlock();
  for (const item of items) {
    c.w.startItem(item.start, true);
    each(c, item);
  }
  c.w.closeBlock(close, "}");
}

function flatBlock<T extends A.Span>(
  c: Ctx,
  open: number,
  close: number,
  items: readonly T[],
  each: (c: Ctx, item: T) => void,
): void {
  c.w.flat++;
  c.w.tok("{", open);
  items.forEach((item, i) => {
    if (c.w.overflow) return;
    if (i > 0) c.w.punct(";");
    c.w.sp();
    each(c, item);
  });
  if (items.length > 0) c.w.sp();
  c.w.tok("}", close);
  c.w.flat--;
}

/** True when `render` (printing a comment-free one-line block) fits from the current column. */
function fits(c: Ctx, render: (m: Ctx) => void): boolean {
  const w = new Writer(c.src, [], MAX_WIDTH - c.w.column());
  w.flat = 1;
  render({ src: c.src, w });
  return !w.overflow;
}

function stmtBlock(c: Ctx, b: A.Block): void {
  block(c, b.start, b.statements, stmt);
}

// ---------------------------------------------------------------------------------------------
// File and declarations
// ---------------------------------------------------------------------------------------------

export function printFile(c: Ctx, f: A.SourceFileNode): void {
  const tops: (A.ModuleDecl | A.UseDecl | A.Decl)[] = [];
  if (f.module !== undefined) tops.push(f.module);
  tops.push(...f.uses, ...f.decls);
  tops.sort((a, b) => a.start - b.start);
  markDocs(c, tops);
  for (const top of tops) {
    c.w.startItem(c.src.nextToken(top.start), true);
    if ("doc" in top && top.doc === undefined) c.w.keepDocApart();
    topLevel(c, top);
  }
}

/** Tells the writer which `///` comments are doc comments (declarations and pipeline members). */
function markDocs(c: Ctx, decls: readonly (A.ModuleDecl | A.UseDecl | A.Decl | A.PipelineMember)[]): void {
  for (const d of decls) {
    if ("doc" in d && d.doc !== undefined) c.w.markDocs(c.src.docChain(c.src.nextToken(d.start)));
    if (d.kind === "Pipeline") markDocs(c, d.members);
  }
}

function topLevel(c: Ctx, d: A.ModuleDecl | A.UseDecl | A.Decl): void {
  switch (d.kind) {
    case "Module":
      word(c, "module", d.start);
      return qualifiedName(c, d.name);
    case "Use":
      return useDecl(c, d);
    case "Const":
      return constDecl(c, d);
    case "Slot":
    case "Symbol":
      return typedName(c, d.kind === "Slot" ? "slot" : "symbol", d);
    case "Axis":
      return axisDecl(c, d);
    case "Tensor":
      return tensorDecl(c, d);
    case "Kernel":
      return kernelDecl(c, d);
    case "Policy":
      return policyDecl(c, d);
    case "Workload":
      word(c, "workload", d.start);
      ident(c, d.name);
      c.w.sp();
      return stmtBlock(c, d.body);
    case "Pipeline":
      return pipelineDecl(c, d);
    case "Schedule":
      return scheduleDecl(c, d);
    case "Target":
      return targetDecl(c, d);
  }
}

function useDecl(c: Ctx, d: A.UseDecl): void {
  word(c, "use", d.start);
  qualifiedName(c, d.module);
  const dot = sym(c, ".", d.module.end);
  if (d.braced) list(c, USE_BRACES, dot, d.items, useItem);
  else d.items.forEach((item) => useItem(c, item));
}

function useItem(c: Ctx, item: A.UseItem): void {
  ident(c, item.name);
  if (item.alias === undefined) return;
  c.w.sp();
  word(c, "as", item.name.end);
  ident(c, item.alias);
}

function constDecl(c: Ctx, d: A.ConstDecl): void {
  word(c, "const", d.start);
  ident(c, d.name);
  let after = d.name.end;
  if (d.type !== undefined) {
    word(c, ":", d.name.end);
    scalarType(c, d.type);
    after = d.type.end;
  }
  c.w.sp();
  word(c, "=", after);
  expr(c, d.value);
}

function typedName(c: Ctx, keyword: string, d: A.SlotDecl | A.SymbolDecl): void {
  word(c, keyword, d.start);
  ident(c, d.name);
  word(c, ":", d.name.end);
  scalarType(c, d.type);
}

function axisDecl(c: Ctx, d: A.AxisDecl): void {
  word(c, "axis", d.start);
  ident(c, d.name);
  c.w.sp();
  word(c, "=", d.name.end);
  ident(c, d.axisKind);
  argList(c, d.axisKind.end, d.args);
}

function tensorDecl(c: Ctx, d: A.TensorDecl): void {
  word(c, "tensor", d.start);
  ident(c, d.name);
  word(c, ":", d.name.end);
  tensorType(c, d.type);
  if (d.direction === undefined) return;
  c.w.sp();
  c.w.tok(d.direction.value, d.direction.start, d.direction.end);
}

/**
 * `kernel k(params) on aiv cycles e source "f"`: a clause that the source put on a new line
 * goes on its own line, one level deeper than `kernel`; the others stay on the line before.
 */
function kernelDecl(c: Ctx, d: A.KernelDecl): void {
  word(c, "kernel", d.start);
  ident(c, d.name);
  list(c, PARENS, d.name.end, d.params, kernelParam);
  let deeper = false;
  d.clauses.forEach((clause, i) => {
    const limit = d.clauses[i + 1]?.start ?? d.end;
    if (c.src.lineBreakBefore(clause.start)) {
      if (!deeper) c.w.indent++;
      deeper = true;
      c.w.startItem(clause.start, false);
    } else {
      c.w.sp();
    }
    kernelClause(c, d, clause, limit);
  });
  if (deeper) c.w.dedent();
}

function kernelClause(c: Ctx, d: A.KernelDecl, clause: A.KernelClause, limit: number): void {
  const value = clause.clause === "on" ? d.executor : clause.clause === "cycles" ? d.cycles : d.source;
  // A repeated clause (an error the checker reports) keeps its own text: the tree holds one value.
  if (value === undefined || value.start < clause.start || value.start >= limit) {
    c.w.verbatim(clause.start, limit);
    return;
  }
  word(c, clause.clause, clause.start);
  if (clause.clause === "on") ident(c, value as A.Ident);
  else if (clause.clause === "cycles") expr(c, value as A.Expr);
  else stringLit(c, value as A.StringLit);
}

function kernelParam(c: Ctx, p: A.KernelParam): void {
  ident(c, p.name);
  word(c, ":", p.name.end);
  if (p.direction !== undefined) {
    c.w.tok(p.direction.value, p.direction.start, p.direction.end);
    c.w.sp();
  }
  if (p.isTensor) tensorType(c, p.type as A.TensorTypeRef);
  else scalarType(c, p.type as A.ScalarTypeRef);
}

function policyDecl(c: Ctx, d: A.PolicyDecl): void {
  word(c, "policy", d.start);
  ident(c, d.name);
  list(c, PARENS, d.name.end, d.params, (c, p) => {
    ident(c, p.name);
    word(c, ":", p.name.end);
    scalarType(c, p.type);
  });
  const close = c.src.nextToken(d.params.at(-1)?.end ?? d.name.end, "(,");
  word(c, ":", close + 1);
  ident(c, d.policyKind);
  c.w.sp();
  if (!d.block) {
    word(c, "=", d.policyKind.end);
    expr(c, d.result);
    return;
  }
  // The body's items: each `let`, then `return e` (which has no node of its own).
  const returnPos = c.src.nextToken(d.lets.at(-1)?.end ?? c.src.nextToken(d.policyKind.end) + 1, ";");
  const ret = { start: returnPos, end: d.result.end };
  const items: A.Span[] = [...d.lets, ret];
  block(c, d.policyKind.end, items, (c, item) => {
    if (item === ret) {
      word(c, "return", returnPos);
      expr(c, d.result);
    } else letBinding(c, item as A.LetBinding);
  });
}

function letBinding(c: Ctx, l: A.LetBinding): void {
  word(c, "let", l.start);
  ident(c, l.name);
  c.w.sp();
  word(c, "=", l.name.end);
  expr(c, l.value);
}

function pipelineDecl(c: Ctx, d: A.PipelineDecl): void {
  word(c, "pipeline", d.start);
  ident(c, d.name);
  c.w.sp();
  block(c, d.name.end, d.members, (c, m) => {
    if (m.doc === undefined) c.w.keepDocApart();
    if (m.kind === "Channel") channelDecl(c, m);
    else processDecl(c, m);
  });
}

function channelDecl(c: Ctx, m: A.ChannelDecl): void {
  word(c, "channel", m.start);
  ident(c, m.name);
  let after = m.name.end;
  if (m.depth !== undefined) {
    c.w.sp();
    word(c, "depth", after);
    expr(c, m.depth);
    after = m.depth.end;
  }
  if (m.latency !== undefined) {
    c.w.sp();
    word(c, "latency", after);
    expr(c, m.latency);
  }
}

function processDecl(c: Ctx, m: A.ProcessDecl): void {
  word(c, "process", m.start);
  ident(c, m.name);
  c.w.sp();
  if (m.replicate !== undefined) {
    word(c, "replicate", m.name.end);
    expr(c, m.replicate);
    c.w.sp();
  }
  stmtBlock(c, m.body);
}

function scheduleDecl(c: Ctx, d: A.ScheduleDecl): void {
  word(c, "schedule", d.start);
  ident(c, d.subject);
  c.w.sp();
  word(c, "on", d.subject.end);
  ident(c, d.target);
  c.w.sp();
  block(c, d.target.end, d.directives, directive);
}

function targetDecl(c: Ctx, d: A.TargetDecl): void {
  word(c, "target", d.start);
  ident(c, d.name);
  c.w.sp();
  block(c, d.name.end, d.properties, (c, p) => {
    ident(c, p.key);
    c.w.sp();
    if (p.value.kind === "String") stringLit(c, p.value);
    else expr(c, p.value);
  });
}

// ---------------------------------------------------------------------------------------------
// Schedule directives
// ---------------------------------------------------------------------------------------------

function directive(c: Ctx, d: A.Directive): void {
  const keyword = c.src.text.slice(d.keyword.start, d.keyword.end);
  c.w.tok(keyword, d.keyword.start, d.keyword.end);
  c.w.sp();
  switch (d.kind) {
    case "Dispatch":
    case "Ready":
    case "Start":
      return policyRef(c, d.policy);
    case "Window":
      expr(c, d.size);
      for (const id of [d.unit, d.mode]) {
        if (id === undefined) continue;
        c.w.sp();
        ident(c, id);
      }
      return;
    case "Pools":
      return list(c, POOL_BRACES, d.keyword.end, d.entries, poolEntry);
  }
}

function policyRef(c: Ctx, r: A.PolicyRef): void {
  ident(c, r.name);
  if (r.hasParens) argList(c, r.name.end, r.args);
}

function poolEntry(c: Ctx, e: A.PoolEntry): void {
  ident(c, e.name);
  c.w.sp();
  expr(c, e.size);
  if (e.unit === undefined) return;
  c.w.sp();
  ident(c, e.unit);
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

function stmt(c: Ctx, s: A.Stmt): void {
  switch (s.kind) {
    case "Parallel":
    case "For":
      word(c, s.kind === "Parallel" ? "parallel" : "for", s.start);
      inlineList(c, s.bindings, (b) => binding(c, b));
      c.w.sp();
      return stmtBlock(c, s.body);
    case "Select":
      word(c, "select", s.start);
      binding(c, s.binding);
      c.w.sp();
      return stmtBlock(c, s.body);
    case "When":
      return whenStmt(c, s);
    case "Load":
      word(c, "load", s.start);
      ident(c, s.slot);
      c.w.sp();
      word(c, "<-", s.slot.end);
      return view(c, s.view);
    case "Call":
      ident(c, s.callee);
      return argList(c, s.callee.end, s.args);
    case "Scope":
      word(c, "scope", s.start);
      return stmtBlock(c, s.body);
    case "Send":
      word(c, "send", s.start);
      ident(c, s.channel);
      sym(c, "(", s.channel.end);
      if (s.value !== undefined) expr(c, s.value);
      sym(c, ")", s.value?.end ?? s.channel.end, "(");
      return;
    case "Recv":
    case "Consume":
      word(c, s.kind === "Recv" ? "recv" : "consume", s.start);
      ident(c, s.variable);
      c.w.sp();
      word(c, "from", s.variable.end);
      ident(c, s.channel);
      if (s.kind === "Recv") return;
      c.w.sp();
      return stmtBlock(c, s.body);
    case "Close":
      word(c, "close", s.start);
      return ident(c, s.channel);
  }
}

function binding(c: Ctx, b: A.LoopBinding): void {
  ident(c, b.variable);
  c.w.sp();
  word(c, "in", b.variable.end);
  ident(c, b.axis);
  if (b.row === undefined) return;
  sym(c, "[", b.axis.end);
  expr(c, b.row);
  sym(c, "]", b.row.end);
}

/**
 * `when c { } else when c2 { } else { }`: an `else` the source put on a new line starts a
 * line at the `when`'s level; otherwise it follows the closing brace on the same line.
 */
function whenStmt(c: Ctx, s: A.WhenStmt): void {
  let after = s.start;
  s.branches.forEach((branch, i) => {
    if (i > 0) after = elseKeyword(c, after);
    word(c, "when", after);
    expr(c, branch.condition);
    c.w.sp();
    stmtBlock(c, branch.body);
    after = branch.body.end;
  });
  if (s.otherwise === undefined) return;
  elseKeyword(c, after);
  stmtBlock(c, s.otherwise);
}

function elseKeyword(c: Ctx, after: number): number {
  const pos = c.src.nextToken(after);
  if (c.src.lineBreakBefore(pos)) c.w.startItem(pos, false);
  else c.w.sp();
  return word(c, "else", pos);
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

function expr(c: Ctx, e: A.Expr): void {
  switch (e.kind) {
    case "Int":
      return c.w.tok(e.text, e.start, e.end);
    case "Bool":
      return c.w.tok(e.value ? "true" : "false", e.start, e.end);
    case "Name":
      return ident(c, e.name);
    case "TaskAttr":
      c.w.tok("task", e.start);
      sym(c, ".", e.start + "task".length);
      return ident(c, e.attribute);
    case "View":
      return view(c, e);
    case "Unary":
      return unary(c, e);
    case "Binary":
      return binary(c, e);
    case "CallExpr":
      ident(c, e.callee);
      return argList(c, e.callee.end, e.args);
    case "Paren":
      c.w.tok("(", e.start);
      expr(c, e.inner);
      sym(c, ")", e.inner.end);
      return;
    case "Missing":
      return;
  }
}

/** `-x`, `!c`, `~x`: a run of prefixes is walked in a loop, like the parser reads it. */
function unary(c: Ctx, e: A.UnaryExpr): void {
  let operand: A.Expr = e;
  while (operand.kind === "Unary") {
    c.w.tok(operand.op, operand.start);
    // `- -x`, not `--x`, which reads as a decrement.
    if (operand.op === "-" && operand.operand.kind === "Unary" && operand.operand.op === "-") c.w.sp();
    operand = operand.operand;
  }
  expr(c, operand);
}

/** `a + b * c`: the left spine is walked in a loop, so long chains cannot exhaust the stack. */
function binary(c: Ctx, e: A.BinaryExpr): void {
  const spine: A.BinaryExpr[] = [];
  let left: A.Expr = e;
  while (left.kind === "Binary") {
    spine.push(left);
    left = left.left;
  }
  expr(c, left);
  for (let i = spine.length - 1; i >= 0; i--) {
    const node = spine[i]!;
    c.w.sp();
    c.w.tok(node.op, node.opSpan.start, node.opSpan.end);
    c.w.sp();
    expr(c, node.right);
  }
}

function view(c: Ctx, v: A.TensorView): void {
  ident(c, v.tensor);
  sym(c, "[", v.tensor.end);
  inlineList(c, v.indices, (e) => expr(c, e));
  sym(c, "]", v.indices.at(-1)?.end ?? v.tensor.end, ",[");
}
