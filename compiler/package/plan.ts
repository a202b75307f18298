import type { Arg, Block, Expr, Ident, LoopBinding, Stmt } from "../../grammar/ast.js";
import type { DeclSymbol, LocalSymbol, Semantics } from "../check/symbols.js";
import type { LineMap } from "../../grammar/line-map.js";
import { compileExpr, type Code, type CodeEnv } from "./bytecode.js";

/** A statement of the compact plan (docs/package-format.md, "plan.json"). */
export type PlanStmt =
  | { readonly op: "parallel" | "for"; readonly vars: number[]; readonly names: string[]; readonly axes: number[]; readonly rows: (Code | null)[]; readonly body: PlanStmt[]; readonly loc: string }
  | { readonly op: "select"; readonly var: number; readonly name: string; readonly axis: number; readonly row: Code; readonly body: PlanStmt[]; readonly loc: string }
  | { readonly op: "when"; readonly branches: { readonly cond: Code; readonly body: PlanStmt[] }[]; readonly else: PlanStmt[] | null; readonly loc: string }
  | { readonly op: "load"; readonly slot: number; readonly tensor: number; readonly index: Code[]; readonly loc: string }
  | { readonly op: "call"; readonly kernel: number; readonly args: PlanArg[]; readonly loc: string }
  | { readonly op: "scope"; readonly body: PlanStmt[]; readonly loc: string }
  | { readonly op: "send"; readonly channel: number; readonly value: Code; readonly loc: string }
  | { readonly op: "recv"; readonly channel: number; readonly var: number; readonly name: string; readonly loc: string }
  | { readonly op: "consume"; readonly channel: number; readonly var: number; readonly name: string; readonly body: PlanStmt[]; readonly loc: string }
  | { readonly op: "close"; readonly channel: number; readonly loc: string };

export type PlanArg = { readonly tensor: number; readonly index: Code[] } | { readonly scalar: Code };

/** Index of each referenced declaration in the manifest's lists. */
export interface Numbering {
  readonly kernels: ReadonlyMap<DeclSymbol, number>;
  readonly tensors: ReadonlyMap<DeclSymbol, number>;
  readonly slots: ReadonlyMap<DeclSymbol, number>;
  readonly symbols: ReadonlyMap<DeclSymbol, number>;
  readonly axes: ReadonlyMap<DeclSymbol, number>;
  readonly channels: ReadonlyMap<string, number>;
}

/**
 * What a lowering may leave out. The package needs everything; the analyses (compiler/analysis/
 * shared.ts) read neither operands nor locations, and skipping them saves their bytecode and strings.
 */
export interface LowerOptions {
  /** Call arguments and load views (else `args` and `index` are empty). */
  readonly operands?: boolean;
  /** Source locations (else every `loc` is ""). */
  readonly locations?: boolean;
}

interface BodyLowering {
  readonly sem: Semantics;
  readonly operands: boolean;
  readonly locations: boolean;
  readonly numbering: Numbering;
  readonly file: string;
  readonly lineMap: LineMap;
  /** Variable numbers of the bindings in scope (by their binding identifier). */
  readonly vars: Map<Ident, number>;
  /** Largest variable count any path needs (the runtime's frame size). */
  maxVars: number;
}

/** Lowers one workload or process body. Variables are numbered by nesting depth. */
export function lowerBody(block: Block, sem: Semantics, numbering: Numbering, file: string, lineMap: LineMap, options: LowerOptions = {}): { body: PlanStmt[]; vars: number } {
  const l: BodyLowering = { sem, operands: options.operands ?? true, locations: options.locations ?? true, numbering, file, lineMap, vars: new Map(), maxVars: 0 };
  const body = lowerBlock(block, l, 0);
  return { body, vars: l.maxVars };
}

export function codeEnv(sem: Semantics, numbering: Numbering, local: (s: LocalSymbol) => number | undefined): CodeEnv {
  return {
    sem,
    local,
    slot: (s) => numbering.slots.get(s)!,
    symbol: (s) => numbering.symbols.get(s)!,
  };
}

function code(e: Expr, l: BodyLowering): Code {
  return compileExpr(e, codeEnv(l.sem, l.numbering, (s) => l.vars.get(s.ident)));
}

function loc(l: BodyLowering, at: { start: number }): string {
  if (!l.locations) return "";
  const p = l.lineMap.position(at.start);
  return `${l.file}:${p.line}:${p.col}`;
}

function lowerBlock(block: Block, l: BodyLowering, depth: number): PlanStmt[] {
  const out: PlanStmt[] = [];
  let d = depth;
  for (const s of block.statements) {
    const lowered = lowerStmt(s, l, d);
    out.push(lowered.stmt);
    d = lowered.depth;
  }
  return out;
}

/** Binds a new variable at `depth`; returns its number. */
function bind(ident: Ident, l: BodyLowering, depth: number): number {
  l.vars.set(ident, depth);
  l.maxVars = Math.max(l.maxVars, depth + 1);
  return depth;
}

function axisOf(b: LoopBinding, l: BodyLowering): number {
  const r = l.sem.references.get(b.axis);
  if (r?.kind !== "global") throw new Error(`unresolved axis ${b.axis.text}`);
  return l.numbering.axes.get(r.symbol)!;
}

function channelOf(name: Ident, l: BodyLowering): number {
  return l.numbering.channels.get(name.text)!;
}

function globalOf(name: Ident, l: BodyLowering): DeclSymbol {
  const r = l.sem.references.get(name);
  if (r?.kind !== "global") throw new Error(`unresolved ${name.text}`);
  return r.symbol;
}

/** Lowers a statement; `depth` after it grows when it binds a variable for the rest of the block (`recv`). */
function lowerStmt(s: Stmt, l: BodyLowering, depth: number): { stmt: PlanStmt; depth: number } {
  const at = loc(l, s);
  switch (s.kind) {
    case "Parallel":
    case "For": {
      // Bound one at a time: a row index may read the earlier bindings of the same statement.
      const rows: (Code | null)[] = [];
      const vars: number[] = [];
      s.bindings.forEach((b, i) => {
        rows.push(b.row ? code(b.row, l) : null);
        vars.push(bind(b.variable, l, depth + i));
      });
      // Names let the runtime resolve `task.X` (policies read variables by name, the plan numbers them).
      const names = s.bindings.map((b) => b.variable.text);
      const axes = s.bindings.map((b) => axisOf(b, l));
      const body = lowerBlock(s.body, l, depth + s.bindings.length);
      return { stmt: { op: s.kind === "Parallel" ? "parallel" : "for", vars, names, axes, rows, body, loc: at }, depth };
    }
    case "Select": {
      const row = code(s.binding.row!, l);
      const axis = axisOf(s.binding, l);
      const v = bind(s.binding.variable, l, depth);
      return { stmt: { op: "select", var: v, name: s.binding.variable.text, axis, row, body: lowerBlock(s.body, l, depth + 1), loc: at }, depth };
    }
    case "When":
      return {
        stmt: {
          op: "when",
          branches: s.branches.map((b) => ({ cond: code(b.condition, l), body: lowerBlock(b.body, l, depth) })),
          else: s.otherwise ? lowerBlock(s.otherwise, l, depth) : null,
          loc: at,
        },
        depth,
      };
    case "Load": {
      const view = lowerView(s.view.tensor, s.view.indices, l);
      return { stmt: { op: "load", slot: l.numbering.slots.get(globalOf(s.slot, l))!, tensor: view.tensor, index: view.index, loc: at }, depth };
    }
    case "Call":
      return { stmt: lowerCall(s.callee, s.args, l, at), depth };
    case "Scope":
      return { stmt: { op: "scope", body: lowerBlock(s.body, l, depth), loc: at }, depth };
    case "Send":
      return { stmt: { op: "send", channel: channelOf(s.channel, l), value: s.value ? code(s.value, l) : [["int", "0"]], loc: at }, depth };
    case "Recv": {
      const v = bind(s.variable, l, depth);
      return { stmt: { op: "recv", channel: channelOf(s.channel, l), var: v, name: s.variable.text, loc: at }, depth: depth + 1 };
    }
    case "Consume": {
      const v = bind(s.variable, l, depth);
      return { stmt: { op: "consume", channel: channelOf(s.channel, l), var: v, name: s.variable.text, body: lowerBlock(s.body, l, depth + 1), loc: at }, depth };
    }
    case "Close":
      return { stmt: { op: "close", channel: channelOf(s.channel, l), loc: at }, depth };
  }
}

function lowerView(tensor: Ident, indices: readonly Expr[], l: BodyLowering): { tensor: number; index: Code[] } {
  return { tensor: l.numbering.tensors.get(globalOf(tensor, l))!, index: l.operands ? indices.map((i) => code(i, l)) : [] };
}

/** A call's arguments in parameter order (named ones placed by the checker's matching). */
function lowerCall(callee: Ident, args: readonly Arg[], l: BodyLowering, at: string): PlanStmt {
  const kernel = globalOf(callee, l);
  const map = l.sem.argumentMaps.get(args);
  if (!map || kernel.decl.kind !== "Kernel") throw new Error(`call to ${callee.text} was not checked`);
  if (!l.operands) return { op: "call", kernel: l.numbering.kernels.get(kernel)!, args: [], loc: at };
  const info = l.sem.kernels.get(kernel.decl)!;
  const lowered: PlanArg[] = info.params.map((p, i) => {
    const value = args[map[i]!]!.value;
    if (!p.isTensor) return { scalar: code(value, l) };
    if (value.kind === "View") return lowerView(value.tensor, value.indices, l);
    if (value.kind === "Name") return lowerView(value.name, [], l);
    throw new Error(`tensor argument of ${callee.text} is not a view`);
  });
  return { op: "call", kernel: l.numbering.kernels.get(kernel)!, args: lowered, loc: at };
}
