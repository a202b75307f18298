/**
 * A faster form of the package's scalar bytecode for the simulator's hot paths: each program is
 * compiled once into a JS function over doubles that handles the common case — every value,
 * intermediate and result an integer in 0 … 2^53−1, where doubles are exact and the u64 semantics
 * need no wrapping — and answers −1 ("cannot say") for anything else: a constant or input ≥ 2^53,
 * a result that would wrap (a − b < 0, a · b ≥ 2^53), a negative signed value, a division by zero.
 * The caller then runs the reference evaluator (runtime/bytecode.ts), so results — and errors —
 * are those of the reference by construction; fastcode.test.ts checks the two agree.
 *
 * Why generated source rather than nested closures: the programs are tiny (a variable, a
 * constant, an operator) and run once per task; straight-line code avoids a call per operator.
 * Only whitelisted opcodes and validated integer operands are written into the source, never a
 * string from the package.
 */
import { Program, type Code, type EvalEnv } from "../bytecode.js";

/** What a program reads besides its locals. Number arrays use BIG (−1) for values ≥ 2^53. */
export interface FastCtx {
  slots: Float64Array;
  /** The same slots as u64 patterns, for the reference evaluator. */
  slotsWide: bigint[];
  syms: Float64Array;
  symsWide: bigint[];
  /** `task.seq` of the task being placed. */
  seq: number;
  /** The running process's replica index (0 outside replicated processes). */
  replica: number;
  /** Whether `replica` is defined here (a process body or a task of a process). */
  hasReplica: boolean;
}

/** `L`: the program's locals (`var k`); `F`: the frame `task.X` attributes are read from. */
export type FastFn = (L: Float64Array, F: Float64Array, C: FastCtx) => number;

/** Where `task.NAME` comes from at one kernel call. */
export type TaskAttr = { readonly kind: "var"; readonly k: number } | { readonly kind: "seq" } | { readonly kind: "replica" };

export interface FastScope {
  /** Number of readable locals (`var k` with k < locals). */
  readonly locals: number;
  /** Resolves `task.NAME`; undefined outside policies, or for a name with no value here. */
  readonly task?: (name: string) => TaskAttr | undefined;
}

const MAX = 9007199254740991;

/** Bitwise helpers on values below 2^53: split into a 21-bit high and a 32-bit low half. */
const HELPERS = {
  and: (a: number, b: number): number => (Math.floor(a / 4294967296) & Math.floor(b / 4294967296)) * 4294967296 + (((a >>> 0) & (b >>> 0)) >>> 0),
  or: (a: number, b: number): number => (Math.floor(a / 4294967296) | Math.floor(b / 4294967296)) * 4294967296 + (((a >>> 0) | (b >>> 0)) >>> 0),
  xor: (a: number, b: number): number => (Math.floor(a / 4294967296) ^ Math.floor(b / 4294967296)) * 4294967296 + (((a >>> 0) ^ (b >>> 0)) >>> 0),
};

/** Statement text for one binary operation `t = a OP b` (returns −1 when it cannot say). */
function binary(op: string, t: string, a: string, b: string): string | undefined {
  switch (op) {
    case "add": return `const ${t} = ${a} + ${b}; if (${t} > ${MAX}) return -1;`;
    case "sub": return `const ${t} = ${a} - ${b}; if (${t} < 0) return -1;`;
    case "mul": return `const ${t} = ${a} * ${b}; if (${t} > ${MAX}) return -1;`;
    case "div": case "divs": return `if (${b} === 0) return -1; const ${t} = (${a} - ${a} % ${b}) / ${b};`;
    case "rem": case "rems": return `if (${b} === 0) return -1; const ${t} = ${a} % ${b};`;
    case "and": case "or": case "xor": return `const ${t} = H.${op}(${a}, ${b});`;
    case "shl": return `const ${t} = ${a} * Math.pow(2, ${b} % 64); if (${t} > ${MAX}) return -1;`;
    case "shr": case "shrs": return `const ${t} = Math.floor(${a} / Math.pow(2, ${b} % 64));`;
    case "eq": return `const ${t} = ${a} === ${b} ? 1 : 0;`;
    case "ne": return `const ${t} = ${a} !== ${b} ? 1 : 0;`;
    case "lt": case "lts": return `const ${t} = ${a} < ${b} ? 1 : 0;`;
    case "le": case "les": return `const ${t} = ${a} <= ${b} ? 1 : 0;`;
    case "gt": case "gts": return `const ${t} = ${a} > ${b} ? 1 : 0;`;
    case "ge": case "ges": return `const ${t} = ${a} >= ${b} ? 1 : 0;`;
    case "land": return `const ${t} = ${a} !== 0 && ${b} !== 0 ? 1 : 0;`;
    case "lor": return `const ${t} = ${a} !== 0 || ${b} !== 0 ? 1 : 0;`;
    case "min": case "mins": return `const ${t} = ${a} < ${b} ? ${a} : ${b};`;
    case "max": case "maxs": return `const ${t} = ${a} > ${b} ? ${a} : ${b};`;
    default: return undefined;
  }
}

/** The source of one instruction that pushes a value read from somewhere. */
function leaf(ins: readonly (string | number)[], t: string, scope: FastScope): string {
  const [op, operand] = ins;
  const k = typeof operand === "number" && Number.isInteger(operand) && operand >= 0 ? operand : -1;
  switch (op) {
    case "int": {
      const v = typeof operand === "string" && /^-?[0-9]+$/.test(operand) ? BigInt(operand) : -1n;
      // Negative constants are huge u64 patterns: outside the fast range.
      return v >= 0n && v <= BigInt(MAX) ? `const ${t} = ${v.toString()};` : "return -1;";
    }
    case "var":
      return k >= 0 && k < scope.locals ? `const ${t} = L[${k}]; if (${t} < 0) return -1;` : "return -1;";
    case "slot":
      return k >= 0 ? `const ${t} = C.slots[${k}]; if (!(${t} >= 0)) return -1;` : "return -1;";
    case "sym":
      return k >= 0 ? `const ${t} = C.syms[${k}]; if (!(${t} >= 0)) return -1;` : "return -1;";
    case "replica":
      return `if (!C.hasReplica) return -1; const ${t} = C.replica;`;
    case "task": {
      const attr = typeof operand === "string" ? scope.task?.(operand) : undefined;
      if (!attr) return "return -1;";
      if (attr.kind === "seq") return `const ${t} = C.seq;`;
      if (attr.kind === "replica") return `if (!C.hasReplica) return -1; const ${t} = C.replica;`;
      return `const ${t} = F[${attr.k}]; if (${t} < 0) return -1;`;
    }
    default:
      return "return -1;";
  }
}

const LEAVES = new Set(["int", "var", "slot", "sym", "replica", "task"]);
const UNARY = new Set(["neg", "not", "bnot"]);

/** Compiles `code` to a fast function; a malformed program compiles to one that always says −1. */
export function compileFast(code: Code, scope: FastScope): FastFn {
  const lines: string[] = [];
  const stack: string[] = [];
  let n = 0;
  const fresh = (): string => `t${n++}`;
  for (const ins of code) {
    const op = ins[0];
    if (LEAVES.has(op)) {
      const t = fresh();
      lines.push(leaf(ins, t, scope));
      stack.push(t);
      continue;
    }
    if (op === "let") {
      const k = ins[1];
      const a = stack.pop();
      if (a === undefined || typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= scope.locals) return () => -1;
      lines.push(`L[${k}] = ${a};`);
      continue;
    }
    if (UNARY.has(op)) {
      const a = stack.pop();
      if (a === undefined) return () => -1;
      const t = fresh();
      if (op === "not") lines.push(`const ${t} = ${a} === 0 ? 1 : 0;`);
      else if (op === "neg") lines.push(`if (${a} !== 0) return -1; const ${t} = 0;`);
      else lines.push("return -1;"); // ~a of a value below 2^53 is at least 2^64 − 2^53
      stack.push(t);
      continue;
    }
    if (op === "select") {
      const e = stack.pop();
      const th = stack.pop();
      const c = stack.pop();
      if (c === undefined || th === undefined || e === undefined) return () => -1;
      const t = fresh();
      lines.push(`const ${t} = ${c} !== 0 ? ${th} : ${e};`);
      stack.push(t);
      continue;
    }
    const b = stack.pop();
    const a = stack.pop();
    const t = fresh();
    const text = a !== undefined && b !== undefined ? binary(op, t, a, b) : undefined;
    if (text === undefined) return () => -1;
    lines.push(text);
    stack.push(t);
  }
  if (stack.length !== 1) return () => -1;
  lines.push(`return ${stack[0]};`);
  const body = `"use strict"; return function fast(L, F, C) {\n${lines.join("\n")}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("H", body)(HELPERS) as FastFn;
}

/**
 * A program in both forms. `fast` answers most calls; `reference` is the shared evaluator,
 * used when `fast` says −1 (and by the verifier, which never uses `fast`).
 */
export class CompiledCode {
  readonly fast: FastFn;
  readonly reference: Program;
  /** The value when the program reads nothing (a constant), else undefined. */
  readonly constant: bigint | undefined;

  constructor(readonly code: Code, scope: FastScope) {
    this.reference = Program.prepare(code);
    this.fast = compileFast(code, scope);
    this.constant = code.every((ins) => ins[0] === "int" || (!LEAVES.has(ins[0]) && ins[0] !== "let")) ? tryRun(this.reference) : undefined;
  }

  run(env: EvalEnv): bigint {
    return this.reference.run(env);
  }
}

/** A constant program's value; undefined when it fails (the error then surfaces where it runs). */
function tryRun(p: Program): bigint | undefined {
  try {
    return p.run({});
  } catch {
    return undefined;
  }
}
