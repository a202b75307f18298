import type { Code, Instruction } from "./types.js";
import { pointer, type Problems } from "./problems.js";

/** What a program may read, by where it stands (docs/package-format.md, "Bytecode"). */
export interface CodeScope {
  /** The program, for messages: "the cycle cost of kernel `k`". */
  readonly what: string;
  /** Readable locals are 0..locals-1; 0 when the program has none. */
  readonly locals: number;
  /** Why local k (below `locals`) holds no value to read, if it does not. */
  readonly unreadable?: (k: number) => string | undefined;
  /** Locals `let` may write, [from, to); undefined outside policies. */
  readonly lets?: { readonly from: number; readonly to: number };
  /** `task` attributes: policy bodies and directive arguments only. */
  readonly task: boolean;
  /** `replica`: pipeline process bodies only. */
  readonly replica: boolean;
  /** Slots are run-time values, unknown in launch-time programs such as tensor dimensions. */
  readonly slots: boolean;
}

/** The manifest's declarations that programs refer to. */
export interface CodeRefs {
  /** Declared slot cells (`slots[i].index`). */
  readonly slotIndices: ReadonlySet<number>;
  readonly symbolCount: number;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

/** Values an operation pops; it then pushes one (`let` pushes none). */
const POPS: Readonly<Record<string, number>> = {
  int: 0, var: 0, slot: 0, sym: 0, task: 0, replica: 0,
  neg: 1, not: 1, bnot: 1, let: 1,
  select: 3,
};
const BINARY = 2;

/**
 * Checks one program: operands in range, every name it reads declared and allowed where it
 * stands, and a stack that never underflows and ends with exactly one value.
 */
export function checkCode(code: Code, scope: CodeScope, refs: CodeRefs, base: string, problems: Problems): void {
  let depth = 0;
  code.forEach((ins, i) => {
    const at = pointer(base, i);
    checkOperand(ins, scope, refs, at, problems);
    const op = ins[0];
    const pops = POPS[op] ?? BINARY;
    if (depth < pops) {
      problems.add(at, `\`${op}\` needs ${pops} value${pops === 1 ? "" : "s"} on the stack, but ${depth === 0 ? "it is empty" : `it holds ${depth}`}: ${scope.what} is malformed; rebuild the package`);
      depth = pops;
    }
    depth += (op === "let" ? 0 : 1) - pops;
  });
  if (depth !== 1) {
    problems.add(base, `${scope.what} leaves ${depth} values on the stack, but a program must leave exactly 1; rebuild the package`);
  }
}

function checkOperand(ins: Instruction, scope: CodeScope, refs: CodeRefs, at: string, problems: Problems): void {
  const operandAt = pointer(at, 1);
  switch (ins[0]) {
    case "int": {
      const v = BigInt(ins[1]);
      if (v > U64_MAX || v < I64_MIN) problems.add(operandAt, `constant ${ins[1]} does not fit in 64 bits (${I64_MIN} to ${U64_MAX})`);
      return;
    }
    case "var": {
      const k = ins[1];
      if (k >= scope.locals) {
        problems.add(operandAt, scope.locals === 0
          ? `${scope.what} has no local variables, so \`var ${k}\` reads nothing; rebuild the package`
          : `local variable ${k} does not exist in ${scope.what}, which has ${scope.locals} (0 to ${scope.locals - 1}); rebuild the package`);
      } else {
        const why = scope.unreadable?.(k);
        if (why) problems.add(operandAt, why);
      }
      return;
    }
    case "let": {
      const k = ins[1];
      if (!scope.lets) problems.add(at, `\`let\` is only allowed in a policy, not in ${scope.what}`);
      else if (k < scope.lets.from || k >= scope.lets.to) {
        const range = scope.lets.to > scope.lets.from ? `its let variables are ${scope.lets.from} to ${scope.lets.to - 1}` : "it has no let variables";
        problems.add(operandAt, `\`let ${k}\` writes no let variable of ${scope.what}: ${range}`);
      }
      return;
    }
    case "slot":
      if (!scope.slots) problems.add(at, `${scope.what} is evaluated at launch, before slots have values, so it cannot read slot ${ins[1]}`);
      else if (!refs.slotIndices.has(ins[1])) problems.add(operandAt, `slot ${ins[1]} is not declared: no entry of manifest.slots has index ${ins[1]}`);
      return;
    case "sym":
      if (ins[1] >= refs.symbolCount) {
        problems.add(operandAt, `symbol ${ins[1]} does not exist: manifest.symbols has ${refs.symbolCount} entr${refs.symbolCount === 1 ? "y" : "ies"}`);
      }
      return;
    case "task":
      if (!scope.task) problems.add(at, `\`task\` attributes exist only in policies and schedule directive arguments, not in ${scope.what}`);
      return;
    case "replica":
      if (!scope.replica) problems.add(at, `\`replica\` exists only in the body of a pipeline process, not in ${scope.what}`);
      return;
    default:
      return;
  }
}
