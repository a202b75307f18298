/**
 * The evaluator for the package's scalar bytecode (docs/package-format.md, "Bytecode").
 *
 * Representation: every value is a `bigint` in 0 … 2^64−1, the u64 bit pattern of the 64-bit
 * cell. Unsigned operations use it as is; the `s`-suffixed signed forms read it as two's
 * complement (BigInt.asIntN) and write the result back as its bit pattern (BigInt.asUintN).
 * Booleans are 0 and 1. A program is prepared once (operands parsed, stack depth checked) and
 * then run many times, because the runtimes evaluate the same few programs once per task.
 *
 * Semantics (docs/language.md §6.3): `+ - *` and `neg` wrap modulo 2^64; `/` truncates toward
 * zero and `%` takes the dividend's sign; −2^63 / −1 wraps to −2^63 and −2^63 % −1 is 0; a shift
 * uses the low 6 bits of its count; `shrs` is arithmetic; `land`/`lor`/`select` have both
 * operands already evaluated (the stack machine evaluates everything). Division or remainder
 * by zero throws an `EvalError` carrying the instruction's index, so the caller can name the
 * program's source location.
 *
 * This module is shared by the compiler (compile-time expansion) and the reference runtime, so
 * it imports nothing.
 */

/** One postfix instruction `[op, ...operands]` (structurally the compiler's and the runtime's). */
export type Instr = readonly [string, ...(string | number)[]];
export type Code = readonly Instr[];

export const U64_MASK = (1n << 64n) - 1n;

/** What a program may read; only the parts a program uses need to be given. */
export interface EvalEnv {
  /** Local variables by number (loop/select/token variables, or a policy's parameters then lets). `let` writes here. */
  readonly vars?: bigint[];
  /** Slot values by slot index. */
  readonly slots?: ArrayLike<bigint>;
  /** Symbol values by position in `manifest.symbols`. */
  readonly symbols?: ArrayLike<bigint>;
  /** Attribute `name` of the task being placed (`task.seq`, `task.replica`, `task.<variable>`), or undefined if it has none. */
  readonly task?: (name: string) => bigint | undefined;
  /** The replica index of the running process. */
  readonly replica?: bigint;
}

export type EvalErrorReason = "division-by-zero" | "malformed" | "unbound";

/** A run-time error of one program: `index` is the offending instruction (−1: the program as a whole). */
export class EvalError extends Error {
  constructor(readonly reason: EvalErrorReason, readonly index: number, message: string) {
    super(message);
    this.name = "EvalError";
  }
}

/** Operation numbers of a prepared program. */
const enum Op {
  Int, Var, Slot, Sym, Task, Replica, Let,
  Neg, Not, Bnot,
  Add, Sub, Mul, Div, Divs, Rem, Rems, And, Or, Xor, Shl, Shr, Shrs,
  Eq, Ne, Lt, Lts, Le, Les, Gt, Gts, Ge, Ges, Land, Lor, Min, Mins, Max, Maxs,
  Select,
}

const NULLARY: Readonly<Record<string, Op>> = {
  replica: Op.Replica,
  neg: Op.Neg, not: Op.Not, bnot: Op.Bnot,
  add: Op.Add, sub: Op.Sub, mul: Op.Mul, div: Op.Div, divs: Op.Divs, rem: Op.Rem, rems: Op.Rems,
  and: Op.And, or: Op.Or, xor: Op.Xor, shl: Op.Shl, shr: Op.Shr, shrs: Op.Shrs,
  eq: Op.Eq, ne: Op.Ne, lt: Op.Lt, lts: Op.Lts, le: Op.Le, les: Op.Les, gt: Op.Gt, gts: Op.Gts, ge: Op.Ge, ges: Op.Ges,
  land: Op.Land, lor: Op.Lor, min: Op.Min, mins: Op.Mins, max: Op.Max, maxs: Op.Maxs,
  select: Op.Select,
};
const WITH_INDEX: Readonly<Record<string, Op>> = { var: Op.Var, slot: Op.Slot, sym: Op.Sym, let: Op.Let };

/** Values each operation pops (it then pushes one, except `let`). */
function pops(op: Op): number {
  if (op <= Op.Replica) return 0;
  if (op <= Op.Bnot) return 1;
  if (op === Op.Select) return 3;
  return 2;
}

/** A program ready to run: operations and operands decoded once. */
export class Program {
  private constructor(
    private readonly ops: Uint8Array,
    private readonly indices: Int32Array,
    private readonly constants: readonly bigint[],
    private readonly names: readonly string[],
    /** Stack slots the program needs. */
    private readonly depth: number,
  ) {}

  /** Decodes and checks `code`; a malformed program throws `EvalError` ("malformed"). */
  static prepare(code: Code): Program {
    const ops = new Uint8Array(code.length);
    const indices = new Int32Array(code.length);
    const constants: bigint[] = [];
    const names: string[] = [];
    let depth = 0;
    let maxDepth = 0;
    code.forEach((ins, i) => {
      const op = decode(ins, i, constants, names, indices);
      ops[i] = op;
      const n = pops(op);
      if (depth < n) throw new EvalError("malformed", i, `instruction ${i} (\`${ins[0]}\`) needs ${n} value(s), the stack holds ${depth}`);
      depth += (op === Op.Let ? 0 : 1) - n;
      maxDepth = Math.max(maxDepth, depth);
    });
    if (depth !== 1) throw new EvalError("malformed", -1, `the program leaves ${depth} values on the stack instead of 1`);
    return new Program(ops, indices, constants, names, maxDepth);
  }

  /** Runs the program; throws `EvalError` on division by zero or a value `env` does not supply. */
  run(env: EvalEnv): bigint {
    const stack: bigint[] = new Array<bigint>(this.depth);
    let sp = 0;
    const { ops, indices } = this;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Op;
      if (op <= Op.Let) {
        if (op === Op.Let) {
          const vars = env.vars;
          if (!vars) throw new EvalError("unbound", i, `instruction ${i} writes local ${indices[i]}, but no locals were given`);
          vars[indices[i]!] = stack[--sp]!;
        } else {
          stack[sp++] = this.load(op, i, env);
        }
        continue;
      }
      if (op <= Op.Bnot) {
        stack[sp - 1] = unary(op, stack[sp - 1]!);
        continue;
      }
      if (op === Op.Select) {
        const otherwise = stack[--sp]!;
        const then = stack[--sp]!;
        stack[sp - 1] = stack[sp - 1]! !== 0n ? then : otherwise;
        continue;
      }
      const b = stack[--sp]!;
      stack[sp - 1] = binary(op, stack[sp - 1]!, b, i);
    }
    return stack[0]!;
  }

  private load(op: Op, i: number, env: EvalEnv): bigint {
    const k = this.indices[i]!;
    switch (op) {
      case Op.Int:
        return this.constants[k]!;
      case Op.Var:
        return defined(env.vars?.[k], i, `local ${k}`);
      case Op.Slot:
        return defined(env.slots?.[k], i, `slot ${k}`);
      case Op.Sym:
        return defined(env.symbols?.[k], i, `symbol ${k}`);
      case Op.Task: {
        const name = this.names[k]!;
        return defined(env.task?.(name), i, `task attribute \`${name}\``);
      }
      default:
        return defined(env.replica, i, "the replica index");
    }
  }
}

function defined(v: bigint | undefined, i: number, what: string): bigint {
  if (v === undefined) throw new EvalError("unbound", i, `instruction ${i} reads ${what}, which has no value here`);
  return v;
}

function decode(ins: Instr, i: number, constants: bigint[], names: string[], indices: Int32Array): Op {
  const [name, operand] = ins;
  if (name === "int") {
    if (typeof operand !== "string" || !/^-?[0-9]+$/.test(operand)) throw new EvalError("malformed", i, `instruction ${i}: \`int\` needs a decimal string`);
    indices[i] = constants.length;
    constants.push(BigInt.asUintN(64, BigInt(operand)));
    return Op.Int;
  }
  if (name === "task") {
    if (typeof operand !== "string") throw new EvalError("malformed", i, `instruction ${i}: \`task\` needs an attribute name`);
    indices[i] = names.length;
    names.push(operand);
    return Op.Task;
  }
  const indexed = WITH_INDEX[name];
  if (indexed !== undefined) {
    if (typeof operand !== "number" || !Number.isInteger(operand) || operand < 0 || operand > 0x7fffffff) {
      throw new EvalError("malformed", i, `instruction ${i}: \`${name}\` needs a non-negative integer operand`);
    }
    indices[i] = operand;
    return indexed;
  }
  const op = Object.prototype.hasOwnProperty.call(NULLARY, name) ? NULLARY[name] : undefined;
  if (op === undefined || ins.length !== 1) throw new EvalError("malformed", i, `instruction ${i}: unknown operation \`${String(name)}\``);
  return op;
}

const s = (v: bigint): bigint => BigInt.asIntN(64, v);
const u = (v: bigint): bigint => BigInt.asUintN(64, v);
const bool = (c: boolean): bigint => (c ? 1n : 0n);

function unary(op: Op, a: bigint): bigint {
  switch (op) {
    case Op.Neg: return u(-a);
    case Op.Not: return bool(a === 0n);
    default: return a ^ U64_MASK;
  }
}

function binary(op: Op, a: bigint, b: bigint, i: number): bigint {
  switch (op) {
    case Op.Add: return u(a + b);
    case Op.Sub: return u(a - b);
    case Op.Mul: return u(a * b);
    case Op.Div: return a / nonZero(b, i, "division");
    case Op.Rem: return a % nonZero(b, i, "remainder");
    // BigInt `/` truncates toward zero and `%` takes the dividend's sign, as C does; u() wraps
    // −2^63 / −1 = 2^63 back to −2^63.
    case Op.Divs: return u(s(a) / s(nonZero(b, i, "division")));
    case Op.Rems: return u(s(a) % s(nonZero(b, i, "remainder")));
    case Op.And: return a & b;
    case Op.Or: return a | b;
    case Op.Xor: return a ^ b;
    case Op.Shl: return u(a << (b & 63n));
    case Op.Shr: return a >> (b & 63n);
    case Op.Shrs: return u(s(a) >> (b & 63n));
    case Op.Eq: return bool(a === b);
    case Op.Ne: return bool(a !== b);
    case Op.Lt: return bool(a < b);
    case Op.Le: return bool(a <= b);
    case Op.Gt: return bool(a > b);
    case Op.Ge: return bool(a >= b);
    case Op.Lts: return bool(s(a) < s(b));
    case Op.Les: return bool(s(a) <= s(b));
    case Op.Gts: return bool(s(a) > s(b));
    case Op.Ges: return bool(s(a) >= s(b));
    case Op.Land: return bool(a !== 0n && b !== 0n);
    case Op.Lor: return bool(a !== 0n || b !== 0n);
    case Op.Min: return a < b ? a : b;
    case Op.Max: return a > b ? a : b;
    case Op.Mins: return s(a) < s(b) ? a : b;
    default: return s(a) > s(b) ? a : b;
  }
}

function nonZero(b: bigint, i: number, what: string): bigint {
  if (b === 0n) throw new EvalError("division-by-zero", i, `${what} by zero (instruction ${i})`);
  return b;
}

/** Prepares and runs `code` once. Use `Program.prepare` to run a program many times. */
export function evaluate(code: Code, env: EvalEnv = {}): bigint {
  return Program.prepare(code).run(env);
}

/** A u64 bit pattern read as i64 (for display and signed consumers). */
export function asSigned(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}
