/**
 * Scalar values in the simulator. A 64-bit cell is a u64 bit pattern; the hot paths keep it as a
 * JS number when it is below 2^53 (loop counters, indices, small tokens — exact in a double) and
 * fall back to bigint only when it is not. `BIG` (−1) marks "this number slot holds no small
 * value; look at the bigint companion".
 */
import type { Dtype, ScalarType } from "../package/types.js";

export const BIG = -1;
export const SMALL_LIMIT = 2 ** 53;
export const U64_MASK = (1n << 64n) - 1n;

/** The number form of a u64 pattern, or BIG when it does not fit. */
export function small(v: bigint): number {
  return v < 9007199254740992n ? Number(v) : BIG;
}

/** The u64 pattern of a cell held as number (≥ 0) or, when BIG, as its bigint companion. */
export function wide(n: number, big: bigint | undefined): bigint {
  if (n !== BIG) return BigInt(n);
  if (big === undefined) throw new Error("internal: a big value has no bigint companion");
  return big;
}

const WIDTH: Readonly<Record<ScalarType, number>> = {
  bool: 1, u8: 8, u16: 16, u32: 32, u64: 64, i8: 8, i16: 16, i32: 32, i64: 64,
};

/**
 * A value passed to a parameter of type `t` (language §4.7): its low bits, sign-extended for a
 * signed type; a bool parameter receives 0 or 1.
 */
export function narrow(v: bigint, t: ScalarType): bigint {
  if (t === "bool") return v !== 0n ? 1n : 0n;
  const w = WIDTH[t];
  if (w === 64) return v;
  return t[0] === "i" ? BigInt.asUintN(64, BigInt.asIntN(w, v)) : BigInt.asUintN(w, v);
}

/** `narrow` for a small value; BIG when the result is not small (a negative narrow signed value). */
export function narrowSmall(v: number, t: ScalarType): number {
  if (t === "bool") return v !== 0 ? 1 : 0;
  const w = WIDTH[t];
  if (w === 64) return v;
  const m = v % 2 ** w;
  if (t[0] === "i" && m >= 2 ** (w - 1)) return BIG;
  return m;
}

/** Bytes per element of a tensor dtype. */
export function dtypeBytes(d: Dtype): number {
  switch (d) {
    case "bool": case "i8": case "u8": return 1;
    case "f16": case "bf16": case "i16": case "u16": return 2;
    case "f32": case "i32": case "u32": return 4;
    default: return 8;
  }
}

export function isIntegerDtype(d: Dtype): boolean {
  return d !== "f16" && d !== "bf16" && d !== "f32" && d !== "f64";
}

export function isSignedDtype(d: Dtype): boolean {
  return d[0] === "i";
}

/** The inclusive range of an integer dtype's values (bool: 0..1). */
export function dtypeRange(d: Dtype): { min: bigint; max: bigint } {
  if (d === "bool") return { min: 0n, max: 1n };
  const bits = BigInt(dtypeBytes(d) * 8);
  return isSignedDtype(d) ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n } : { min: 0n, max: (1n << bits) - 1n };
}

/** An i64 view of a u64 pattern, for messages. */
export function signed(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}
