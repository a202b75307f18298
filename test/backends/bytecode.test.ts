import { describe, expect, it } from "vitest";
import { EvalError, Program, asSigned, evaluate, type Code, type Instr } from "../../runtime/bytecode.js";

const MAX = 18446744073709551615n; // 2^64 - 1
const I64_MIN_BITS = 9223372036854775808n; // -2^63 as u64 bits
const int = (v: bigint | number): Instr => ["int", String(v)];
const bin = (a: bigint | number, b: bigint | number, op: string): Code => [int(a), int(b), [op]];

describe("bytecode evaluator: unsigned arithmetic wraps modulo 2^64", () => {
  it("adds, subtracts and multiplies with wrap-around", () => {
    expect(evaluate(bin(MAX, 1, "add"))).toBe(0n);
    expect(evaluate(bin(0, 1, "sub"))).toBe(MAX);
    // 2^32 * 2^32 = 2^64 ≡ 0; (2^63 + 1) * 2 = 2^64 + 2 ≡ 2
    expect(evaluate(bin(4294967296n, 4294967296n, "mul"))).toBe(0n);
    expect(evaluate(bin(9223372036854775809n, 2, "mul"))).toBe(2n);
  });

  it("reads negative constants as their two's-complement bits", () => {
    expect(evaluate([int(-1)])).toBe(MAX);
    expect(evaluate([int(-9223372036854775808n)])).toBe(I64_MIN_BITS);
  });

  it("negates, complements and logically inverts", () => {
    expect(evaluate([int(5), ["neg"]])).toBe(MAX - 4n); // -5
    expect(evaluate([int(0), ["neg"]])).toBe(0n);
    expect(evaluate([int(0), ["bnot"]])).toBe(MAX);
    expect(evaluate([int(0xf0), ["bnot"]])).toBe(MAX - 0xf0n);
    expect(evaluate([int(0), ["not"]])).toBe(1n);
    expect(evaluate([int(7), ["not"]])).toBe(0n);
  });

  it("divides unsigned values as unsigned", () => {
    expect(evaluate(bin(7, 2, "div"))).toBe(3n);
    expect(evaluate(bin(7, 2, "rem"))).toBe(1n);
    // -1 read as u64 is 2^64-1: (2^64-1) / 2 = 2^63-1
    expect(evaluate(bin(-1, 2, "div"))).toBe(9223372036854775807n);
  });

  it("computes bitwise and, or, xor", () => {
    expect(evaluate(bin(0b1100, 0b1010, "and"))).toBe(0b1000n);
    expect(evaluate(bin(0b1100, 0b1010, "or"))).toBe(0b1110n);
    expect(evaluate(bin(0b1100, 0b1010, "xor"))).toBe(0b0110n);
  });
});

describe("bytecode evaluator: signed operations", () => {
  it("truncates signed division toward zero; the remainder takes the dividend's sign", () => {
    expect(asSigned(evaluate(bin(-7, 2, "divs")))).toBe(-3n);
    expect(asSigned(evaluate(bin(7, -2, "divs")))).toBe(-3n);
    expect(asSigned(evaluate(bin(-7, -2, "divs")))).toBe(3n);
    expect(asSigned(evaluate(bin(-7, 2, "rems")))).toBe(-1n);
    expect(asSigned(evaluate(bin(7, -2, "rems")))).toBe(1n);
  });

  it("wraps -2^63 / -1 to -2^63 and gives -2^63 % -1 = 0", () => {
    expect(evaluate(bin(-9223372036854775808n, -1, "divs"))).toBe(I64_MIN_BITS);
    expect(evaluate(bin(-9223372036854775808n, -1, "rems"))).toBe(0n);
  });

  it("compares signed and unsigned differently", () => {
    // -1 < 1 signed, but 2^64-1 > 1 unsigned
    expect(evaluate(bin(-1, 1, "lts"))).toBe(1n);
    expect(evaluate(bin(-1, 1, "lt"))).toBe(0n);
    expect(evaluate(bin(-1, 1, "gt"))).toBe(1n);
    expect(evaluate(bin(-1, 1, "gts"))).toBe(0n);
    expect(evaluate(bin(-3, -3, "les"))).toBe(1n);
    expect(evaluate(bin(-3, -3, "ges"))).toBe(1n);
    expect(evaluate(bin(-4, -3, "ges"))).toBe(0n);
    expect(evaluate(bin(3, 3, "le"))).toBe(1n);
    expect(evaluate(bin(2, 3, "ge"))).toBe(0n);
    expect(evaluate(bin(5, 5, "eq"))).toBe(1n);
    expect(evaluate(bin(5, 6, "ne"))).toBe(1n);
  });

  it("takes signed and unsigned min and max", () => {
    expect(evaluate(bin(-1, 1, "min"))).toBe(1n);
    expect(evaluate(bin(-1, 1, "max"))).toBe(MAX);
    expect(asSigned(evaluate(bin(-1, 1, "mins")))).toBe(-1n);
    expect(evaluate(bin(-1, 1, "maxs"))).toBe(1n);
  });
});

describe("bytecode evaluator: shifts use the low 6 bits of the count", () => {
  it("shifts left and logically right", () => {
    expect(evaluate(bin(1, 63, "shl"))).toBe(I64_MIN_BITS);
    expect(evaluate(bin(1, 64, "shl"))).toBe(1n); // 64 & 63 = 0
    expect(evaluate(bin(3, 65, "shl"))).toBe(6n); // 65 & 63 = 1
    expect(evaluate(bin(0xff, 4, "shr"))).toBe(0xfn);
    expect(evaluate(bin(-1, 60, "shr"))).toBe(15n);
  });

  it("shifts right arithmetically for signed values", () => {
    expect(asSigned(evaluate(bin(-16, 2, "shrs")))).toBe(-4n);
    expect(asSigned(evaluate(bin(-1, 63, "shrs")))).toBe(-1n);
    expect(evaluate(bin(16, 2, "shrs"))).toBe(4n);
    expect(asSigned(evaluate(bin(-16, 66, "shrs")))).toBe(-4n); // 66 & 63 = 2
  });
});

describe("bytecode evaluator: select, logic and lets", () => {
  it("selects by the condition, both branches evaluated", () => {
    expect(evaluate([int(1), int(10), int(20), ["select"]])).toBe(10n);
    expect(evaluate([int(0), int(10), int(20), ["select"]])).toBe(20n);
    // a non-zero condition other than 1 counts as true
    expect(evaluate([int(2), int(10), int(20), ["select"]])).toBe(10n);
  });

  it("computes land and lor on 0/1", () => {
    expect(evaluate(bin(1, 0, "land"))).toBe(0n);
    expect(evaluate(bin(1, 1, "land"))).toBe(1n);
    expect(evaluate(bin(0, 0, "lor"))).toBe(0n);
    expect(evaluate(bin(0, 1, "lor"))).toBe(1n);
  });

  it("stores `let` values into locals that later instructions read", () => {
    // let 1 = var0 * 3; result = var1 + var1  → with var0 = 5: 15 + 15 = 30
    const vars = [5n, 0n];
    const code: Code = [["var", 0], int(3), ["mul"], ["let", 1], ["var", 1], ["var", 1], ["add"]];
    expect(evaluate(code, { vars })).toBe(30n);
    expect(vars[1]).toBe(15n);
  });

  it("evaluates splitmix64's finalizer as std.policies.hash writes it", () => {
    // x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27; x *= 0x94d049bb133111eb; x ^= x >> 31
    // for x = 1, all modulo 2^64: 0x5692161d100b05e5 (computed independently with Python's ints).
    const vars = [1n, 0n];
    const step = (shift: number, mul?: bigint): Instr[] => [
      ["var", 1], ["var", 1], int(shift), ["shr"], ["xor"], ["let", 1],
      ...(mul === undefined ? [] : [["var", 1], int(mul), ["mul"], ["let", 1]] as Instr[]),
    ];
    const code: Code = [["var", 0], ["let", 1], ...step(30, 0xbf58476d1ce4e5b9n), ...step(27, 0x94d049bb133111ebn), ...step(31), ["var", 1]];
    expect(evaluate(code, { vars })).toBe(0x5692161d100b05e5n);
  });

  it("reads slots, symbols, task attributes and the replica", () => {
    const env = { slots: [0n, 42n], symbols: [7n], task: (n: string) => (n === "seq" ? 3n : undefined), replica: 2n };
    expect(evaluate([["slot", 1], ["sym", 0], ["add"]], env)).toBe(49n);
    expect(evaluate([["task", "seq"], ["replica"], ["mul"]], env)).toBe(6n);
  });
});

describe("bytecode evaluator: errors", () => {
  it("throws EvalError with the instruction index on division by zero", () => {
    const code: Code = [int(1), int(2), int(0), ["div"], ["add"]];
    try {
      evaluate(code);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EvalError);
      expect((e as EvalError).reason).toBe("division-by-zero");
      expect((e as EvalError).index).toBe(3);
    }
    for (const op of ["rem", "divs", "rems"]) {
      expect(() => evaluate(bin(5, 0, op))).toThrow(EvalError);
    }
  });

  it("reports an unbound name with its index", () => {
    try {
      evaluate([int(1), ["task", "m"], ["add"]], { task: () => undefined });
      expect.unreachable();
    } catch (e) {
      expect((e as EvalError).reason).toBe("unbound");
      expect((e as EvalError).index).toBe(1);
    }
  });

  it("refuses malformed programs when preparing them", () => {
    expect(() => Program.prepare([["add"]])).toThrow(/needs 2 value/);
    expect(() => Program.prepare([int(1), int(2)])).toThrow(/leaves 2 values/);
    expect(() => Program.prepare([["frob"]])).toThrow(/unknown operation/);
    expect(() => Program.prepare([["int", "1.5"]])).toThrow(/decimal string/);
    expect(() => Program.prepare([["var", -1]])).toThrow(/non-negative/);
  });

  it("runs a prepared program many times with different environments", () => {
    const p = Program.prepare([["var", 0], int(4), ["mul"], ["var", 1], ["add"], int(3), ["rem"]]);
    // (m * 4 + n) % 3 for (m, n) = (0,0) (1,2) (3,3)
    expect([p.run({ vars: [0n, 0n] }), p.run({ vars: [1n, 2n] }), p.run({ vars: [3n, 3n] })]).toEqual([0n, 0n, 0n]);
    expect(p.run({ vars: [1n, 0n] })).toBe(1n);
  });
});
