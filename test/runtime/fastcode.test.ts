/**
 * The simulator's compiled bytecode (runtime/sim/fastcode.ts) against the reference evaluator
 * (runtime/bytecode.ts): on thousands of random programs and inputs, whenever the fast form
 * answers it answers exactly what the reference computes, and it answers the common cases.
 */
import { describe, expect, test } from "vitest";
import { Program, type Code, type Instr } from "../../runtime/bytecode.js";
import { compileFast, type FastCtx } from "../../runtime/sim/fastcode.js";
import { BIG, small } from "../../runtime/sim/values.js";

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BINARY = ["add", "sub", "mul", "div", "divs", "rem", "rems", "and", "or", "xor", "shl", "shr", "shrs", "eq", "ne", "lt", "lts", "le", "les", "gt", "gts", "ge", "ges", "land", "lor", "min", "mins", "max", "maxs"];
const UNARY = ["neg", "not", "bnot"];
const LOCALS = 3;

/** Interesting 64-bit values: small, around 2^32 and 2^53, huge, "negative". */
function value(r: () => number): bigint {
  const pick = Math.floor(r() * 7);
  switch (pick) {
    case 0: return BigInt(Math.floor(r() * 10));
    case 1: return BigInt(Math.floor(r() * 1000));
    case 2: return (1n << 32n) + BigInt(Math.floor(r() * 5)) - 2n;
    case 3: return (1n << 53n) + BigInt(Math.floor(r() * 5)) - 3n;
    case 4: return BigInt.asUintN(64, -BigInt(Math.floor(r() * 5)));
    case 5: return BigInt(Math.floor(r() * 2 ** 40));
    default: return BigInt(Math.floor(r() * 64));
  }
}

function gen(r: () => number, depth: number): Instr[] {
  const roll = r();
  if (depth === 0 || roll < 0.3) {
    const leaf = Math.floor(r() * 5);
    if (leaf === 0) return [["int", value(r).toString()]];
    if (leaf === 1) return [["slot", 0]];
    if (leaf === 2) return [["sym", 0]];
    if (leaf === 3) return [["task", "seq"]];
    return [["var", Math.floor(r() * LOCALS)]];
  }
  if (roll < 0.4) return [...gen(r, depth - 1), [UNARY[Math.floor(r() * UNARY.length)]!]];
  if (roll < 0.45) return [...gen(r, depth - 1), ...gen(r, depth - 1), ...gen(r, depth - 1), ["select"]];
  return [...gen(r, depth - 1), ...gen(r, depth - 1), [BINARY[Math.floor(r() * BINARY.length)]!]];
}

function ctxFor(slot: bigint, sym: bigint, seq: number): FastCtx {
  return {
    slots: Float64Array.of(small(slot)),
    slotsWide: [slot],
    syms: Float64Array.of(small(sym)),
    symsWide: [sym],
    seq,
    replica: 0,
    hasReplica: false,
  };
}

describe("fast form vs reference", () => {
  test("agree wherever the fast form answers (5000 random programs × 4 inputs)", () => {
    const r = rng(42);
    let answered = 0;
    for (let i = 0; i < 5000; i++) {
      const code: Code = gen(r, 4);
      const ref = Program.prepare(code);
      const fast = compileFast(code, { locals: LOCALS, task: (n) => (n === "seq" ? { kind: "seq" } : undefined) });
      for (let j = 0; j < 4; j++) {
        const vars = Array.from({ length: LOCALS }, () => value(r));
        const slot = value(r);
        const sym = value(r);
        const seq = Math.floor(r() * 100);
        const L = Float64Array.from(vars, small);
        const got = fast(L, L, ctxFor(slot, sym, seq));
        let want: bigint | "error";
        try {
          want = ref.run({ vars, slots: [slot], symbols: [sym], task: (n) => (n === "seq" ? BigInt(seq) : undefined) });
        } catch {
          want = "error";
        }
        if (got >= 0) {
          answered++;
          expect(want, `program ${JSON.stringify(code)} vars ${vars} slot ${slot} sym ${sym} seq ${seq}`).toBe(BigInt(got));
        } else {
          expect(got).toBe(-1);
        }
      }
    }
    // Not a vacuous comparison: the fast form answers a good share of random programs.
    expect(answered).toBeGreaterThan(4000);
  });

  test("answers the hot cases: loop variables, indices, round robin, affinity, fifo", () => {
    const L = Float64Array.of(5, 7, 0);
    const C = ctxFor(3n, 4n, 9);
    const task = (n: string) => (n === "seq" ? { kind: "seq" as const } : n === "i" ? { kind: "var" as const, k: 1 } : undefined);
    const run = (code: Code): number => compileFast(code, { locals: 3, task })(L, L, C);
    expect(run([["var", 0]])).toBe(5);
    expect(run([["var", 0], ["int", "8"], ["mul"], ["var", 1], ["add"]])).toBe(47);
    expect(run([["task", "seq"], ["int", "4"], ["rem"]])).toBe(1);
    expect(run([["task", "i"], ["int", "4"], ["rem"]])).toBe(3);
    expect(run([["slot", 0], ["int", "2048"], ["le"]])).toBe(1);
    expect(run([["var", 1], ["int", "32"], ["div"], ["int", "128"], ["mul"], ["int", "800"], ["add"]])).toBe(800);
  });

  test("leaves to the reference what it cannot do exactly", () => {
    const L = Float64Array.of(BIG, 3, 0);
    const C = ctxFor(0n, 0n, 0);
    const run = (code: Code): number => compileFast(code, { locals: 3 })(L, L, C);
    expect(run([["var", 0]])).toBe(-1); // a value ≥ 2^53
    expect(run([["var", 1], ["int", "4"], ["sub"]])).toBe(-1); // wraps
    expect(run([["var", 1], ["bnot"]])).toBe(-1); // ≥ 2^63
    expect(run([["var", 1], ["int", "0"], ["div"]])).toBe(-1); // the reference reports the error
    expect(run([["int", "-1"]])).toBe(-1); // a negative constant is a huge u64
    expect(run([["var", 1], ["int", "13787848793156543929"], ["mul"]])).toBe(-1);
  });
});
