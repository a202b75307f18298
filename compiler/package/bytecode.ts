import type { BinaryOp, Expr, Ident } from "../../grammar/ast.js";
import { exprType, type Semantics, type DeclSymbol, type LocalSymbol } from "../check/symbols.js";

/** One postfix instruction, as documented in docs/package-format.md ("Bytecode"). */
export type Instr = readonly [string, ...(string | number)[]];
export type Code = readonly Instr[];

/** How names in an expression map to the package's numbering. */
export interface CodeEnv {
  readonly sem: Semantics;
  /** Local variable number of a loop/select/token variable, policy parameter or let. */
  local(symbol: LocalSymbol): number | undefined;
  slot(symbol: DeclSymbol): number;
  symbol(symbol: DeclSymbol): number;
}

const UNSIGNED: Readonly<Record<BinaryOp, string>> = {
  "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "rem",
  "&": "and", "|": "or", "^": "xor", "<<": "shl", ">>": "shr",
  "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
  "&&": "land", "||": "lor",
};
/** Operations whose result depends on signedness get an `s` suffix for i64 operands. */
const SIGNED_VARIANT = new Set(["div", "rem", "shr", "lt", "le", "gt", "ge", "min", "max"]);

/** A compile-time constant as an instruction (u64 values as their unsigned decimal). */
export function intInstr(value: bigint | boolean): Instr {
  return ["int", typeof value === "boolean" ? (value ? "1" : "0") : value.toString()];
}

/**
 * Compiles a checked expression to postfix bytecode; named constants become their folded value.
 * The program must have checked without errors.
 */
export function compileExpr(e: Expr, env: CodeEnv): Instr[] {
  const out: Instr[] = [];
  emit(e, env, out);
  return out;
}

function isSigned(e: Expr, env: CodeEnv): boolean {
  return exprType(env.sem, e) === "i64";
}

function emit(e: Expr, env: CodeEnv, out: Instr[]): void {
  switch (e.kind) {
    case "Int":
      out.push(intInstr(e.value));
      return;
    case "Bool":
      out.push(intInstr(e.value));
      return;
    case "Paren":
      emit(e.inner, env, out);
      return;
    case "Name":
      emitName(e.name, env, out);
      return;
    case "TaskAttr":
      out.push(["task", e.attribute.text]);
      return;
    case "Unary":
      emit(e.operand, env, out);
      out.push([e.op === "-" ? "neg" : e.op === "!" ? "not" : "bnot"]);
      return;
    case "Binary": {
      emit(e.left, env, out);
      emit(e.right, env, out);
      const op = UNSIGNED[e.op];
      // A shift's class is its left operand's; other operations have operands of one class.
      const signed = e.op === "<<" || e.op === ">>" ? isSigned(e.left, env) : isSigned(e.left, env) || isSigned(e.right, env);
      out.push([signed && SIGNED_VARIANT.has(op) ? `${op}s` : op]);
      return;
    }
    case "CallExpr": {
      for (const a of e.args) emit(a.value, env, out);
      const name = e.callee.text;
      if (name === "select") out.push(["select"]);
      else if (name === "min" || name === "max") out.push([isSigned(e, env) ? `${name}s` : name]);
      // u64(x) and i64(x) reinterpret the same 64 bits: no instruction needed.
      return;
    }
    case "View":
    case "Missing":
      throw new Error(`cannot compile a ${e.kind} expression: the program has errors`);
  }
}

function emitName(name: Ident, env: CodeEnv, out: Instr[]): void {
  const resolved = env.sem.references.get(name);
  if (!resolved) {
    if (name.text === "replica") {
      out.push(["replica"]);
      return;
    }
    throw new Error(`unresolved name ${name.text}`);
  }
  if (resolved.kind === "local") {
    const k = env.local(resolved.symbol);
    if (k === undefined) throw new Error(`no variable number for ${name.text}`);
    out.push(["var", k]);
    return;
  }
  if (resolved.kind !== "global") throw new Error(`${name.text} is not a value`);
  const decl = resolved.symbol.decl;
  switch (decl.kind) {
    case "Const": {
      const v = env.sem.constValues.get(decl);
      if (v === undefined) throw new Error(`constant ${name.text} has no value`);
      out.push(intInstr(v));
      return;
    }
    case "Slot":
      out.push(["slot", env.slot(resolved.symbol)]);
      return;
    case "Symbol":
      out.push(["sym", env.symbol(resolved.symbol)]);
      return;
    default:
      throw new Error(`${name.text} is not a value`);
  }
}
