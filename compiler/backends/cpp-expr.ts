import type { Code } from "../package/bytecode.js";
import { cppString } from "./common.js";

/**
 * Bytecode → C++ expressions with the bytecode's exact semantics (docs/package-format.md,
 * "Bytecode"; runtime/bytecode.ts is the reference). Every value is a `uint64_t` holding the
 * 64-bit pattern, so `+ - * ~ & | ^` wrap exactly as required (unsigned arithmetic is modular in
 * C++). Signed forms convert to `int64_t` (two's complement, as g++ and C++20 define it) only
 * for comparisons; the operations C++ leaves undefined or implementation-defined — division by
 * zero, −2^63 / −1, shift counts ≥ 64, right shifts of negative values — go through the helpers
 * in `CPP_HELPERS`. Every subexpression is parenthesised, and `select`/`land`/`lor` evaluate
 * both operands like the stack machine (a division by zero in either one is reported).
 */

/** How the names a program reads are spelled in the generated code (each a `uint64_t` expression). */
export interface CppNames {
  var(k: number): string;
  slot(k: number): string;
  sym(k: number): string;
  task(name: string): string;
  replica(): string;
}

const COMPARE: Readonly<Record<string, string>> = { eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" };
const SIGNED_COMPARE: Readonly<Record<string, string>> = { lts: "<", les: "<=", gts: ">", ges: ">=" };
const PLAIN: Readonly<Record<string, string>> = { add: "+", sub: "-", mul: "*", and: "&", or: "|", xor: "^" };
const CHECKED: Readonly<Record<string, string>> = { div: "wsp_div", rem: "wsp_rem", divs: "wsp_divs", rems: "wsp_rems" };
const CALLS: Readonly<Record<string, string>> = { min: "wsp_min", max: "wsp_max", mins: "wsp_mins", maxs: "wsp_maxs", shrs: "wsp_shrs" };

/** A u64 constant as C++ (negative i64 constants as their two's-complement bits). */
export function cppU64(value: bigint): string {
  return `UINT64_C(${BigInt.asUintN(64, value).toString()})`;
}

/**
 * One program as a C++ `uint64_t` expression. `loc` ("file:line:col") is what a division by
 * zero reports. Programs of expressions have no `let` (policy lets are compiled one by one).
 */
export function cppExpr(code: Code, names: CppNames, loc: string): string {
  const stack: string[] = [];
  const pop = (): string => {
    const v = stack.pop();
    if (v === undefined) throw new Error("internal error: malformed bytecode");
    return v;
  };
  const at = cppString(loc);
  for (const ins of code) {
    const op = ins[0];
    const operand = ins[1];
    if (op === "int") stack.push(cppU64(BigInt(operand as string)));
    else if (op === "var") stack.push(names.var(operand as number));
    else if (op === "slot") stack.push(names.slot(operand as number));
    else if (op === "sym") stack.push(names.sym(operand as number));
    else if (op === "task") stack.push(names.task(operand as string));
    else if (op === "replica") stack.push(names.replica());
    else if (op === "neg") stack.push(`(UINT64_C(0) - ${pop()})`);
    else if (op === "not") stack.push(`wsp_b(${pop()} == UINT64_C(0))`);
    else if (op === "bnot") stack.push(`(~${pop()})`);
    else if (op === "select") {
      const otherwise = pop();
      const then = pop();
      stack.push(`wsp_select(${pop()}, ${then}, ${otherwise})`);
    } else stack.push(binary(op, pop(), pop(), at));
  }
  if (stack.length !== 1) throw new Error("internal error: malformed bytecode");
  return stack[0]!;
}

/** `b` was popped first (the right operand). */
function binary(op: string, b: string, a: string, at: string): string {
  if (op in PLAIN) return `(${a} ${PLAIN[op]} ${b})`;
  if (op in COMPARE) return `wsp_b(${a} ${COMPARE[op]} ${b})`;
  if (op in SIGNED_COMPARE) return `wsp_b(wsp_s(${a}) ${SIGNED_COMPARE[op]} wsp_s(${b}))`;
  if (op in CHECKED) return `${CHECKED[op]}(${a}, ${b}, ${at})`;
  if (op in CALLS) return `${CALLS[op]}(${a}, ${b})`;
  if (op === "shl") return `(${a} << (${b} & UINT64_C(63)))`;
  if (op === "shr") return `(${a} >> (${b} & UINT64_C(63)))`;
  if (op === "land") return `wsp_b((${a} != UINT64_C(0)) & (${b} != UINT64_C(0)))`;
  if (op === "lor") return `wsp_b((${a} != UINT64_C(0)) | (${b} != UINT64_C(0)))`;
  throw new Error(`internal error: bytecode operation \`${op}\` has no C++ form`);
}

/**
 * A scalar argument narrowed to its parameter type: the low `bits` bits, sign-extended for a
 * signed type (so the kernel reads the same value whatever width it loads). A bool (1 bit) is
 * already 0 or 1: the checker gives a bool parameter only bool expressions.
 */
export function cppNarrow(expr: string, bits: number, signed: boolean): string {
  if (bits >= 64 || bits === 1) return expr;
  return signed ? `wsp_sext(${expr}, ${bits})` : `(${expr} & ${cppU64((1n << BigInt(bits)) - 1n)})`;
}

/**
 * The helpers generated expressions call, for a file's anonymous namespace. All are `inline`, so
 * a file that uses only some of them compiles without unused-function warnings.
 */
export const CPP_HELPERS = `// A run-time error of the program (the reference runtime reports the same ones): print where, stop.
[[noreturn]] inline void wsp_fail(const char* what, const char* loc) {
  std::fprintf(stderr, "wsp: %s at %s\\n", what, loc);
  std::abort();
}
inline uint64_t wsp_b(bool c) { return c ? UINT64_C(1) : UINT64_C(0); }
// The bits of a u64 cell read as i64 (two's complement).
inline int64_t wsp_s(uint64_t a) { return static_cast<int64_t>(a); }
inline uint64_t wsp_div(uint64_t a, uint64_t b, const char* loc) {
  if (b == 0) wsp_fail("division by zero", loc);
  return a / b;
}
inline uint64_t wsp_rem(uint64_t a, uint64_t b, const char* loc) {
  if (b == 0) wsp_fail("remainder by zero", loc);
  return a % b;
}
// Signed division truncates toward zero; x / -1 is computed as 0 - x so that -2^63 / -1 wraps.
inline uint64_t wsp_divs(uint64_t a, uint64_t b, const char* loc) {
  if (b == 0) wsp_fail("division by zero", loc);
  if (b == ~UINT64_C(0)) return UINT64_C(0) - a;
  return static_cast<uint64_t>(wsp_s(a) / wsp_s(b));
}
inline uint64_t wsp_rems(uint64_t a, uint64_t b, const char* loc) {
  if (b == 0) wsp_fail("remainder by zero", loc);
  if (b == ~UINT64_C(0)) return UINT64_C(0);
  return static_cast<uint64_t>(wsp_s(a) % wsp_s(b));
}
// Arithmetic shift right by the low 6 bits of n, in unsigned arithmetic (no implementation-defined shift).
inline uint64_t wsp_shrs(uint64_t a, uint64_t n) {
  n &= 63;
  const uint64_t fill = (a >> 63) != 0 && n != 0 ? ~(~UINT64_C(0) >> n) : UINT64_C(0);
  return (a >> n) | fill;
}
inline uint64_t wsp_select(uint64_t c, uint64_t a, uint64_t b) { return c != 0 ? a : b; }
inline uint64_t wsp_min(uint64_t a, uint64_t b) { return a < b ? a : b; }
inline uint64_t wsp_max(uint64_t a, uint64_t b) { return a > b ? a : b; }
inline uint64_t wsp_mins(uint64_t a, uint64_t b) { return wsp_s(a) < wsp_s(b) ? a : b; }
inline uint64_t wsp_maxs(uint64_t a, uint64_t b) { return wsp_s(a) > wsp_s(b) ? a : b; }
// The low \`bits\` bits of a, sign-extended to 64 (1 <= bits < 64).
inline uint64_t wsp_sext(uint64_t a, unsigned bits) {
  const uint64_t sign = UINT64_C(1) << (bits - 1);
  const uint64_t low = a & ((sign << 1) - 1);
  return (low ^ sign) - sign;
}
`;
