/**
 * Scalar types of expressions. Declared integer types (u8..u64, i8..i64) fall into two classes,
 * unsigned (`u64`) and signed (`i64`); the declared width only bounds literal values. Integer
 * literals are `int` (untyped) until they meet a typed operand. `error` stands for an operand that
 * was already diagnosed, so one mistake is reported once.
 */
export type Ty = "bool" | "u64" | "i64" | "int" | "error";

export const TENSOR_DTYPES = [
  "f16", "bf16", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "bool",
] as const;
export type Dtype = (typeof TENSOR_DTYPES)[number];

export const INTEGER_DTYPES = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"] as const;

export function isDtype(name: string): name is Dtype {
  return (TENSOR_DTYPES as readonly string[]).includes(name);
}

export function isIntegerDtype(name: string): boolean {
  return (INTEGER_DTYPES as readonly string[]).includes(name);
}

/** The expression type of a value of declared scalar type `name`, or undefined for floats. */
export function tyOfDeclared(name: string): Ty | undefined {
  if (name === "bool") return "bool";
  if (name.startsWith("u") && isIntegerDtype(name)) return "u64";
  if (name.startsWith("i") && isIntegerDtype(name)) return "i64";
  return undefined;
}

/** Inclusive value range of a declared integer type. */
export function rangeOf(name: string): { min: bigint; max: bigint } | undefined {
  if (!isIntegerDtype(name)) return undefined;
  const bits = BigInt(Number(name.slice(1)));
  if (name.startsWith("u")) return { min: 0n, max: (1n << bits) - 1n };
  return { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

export const U64_MAX = (1n << 64n) - 1n;
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

export function isInteger(t: Ty): boolean {
  return t === "u64" || t === "i64" || t === "int";
}

/** How a type is named in messages. */
export function showTy(t: Ty): string {
  return t === "int" ? "integer literal" : t;
}

/** Wraps an exact value into the 64-bit representation of class `t`. */
export function wrap(value: bigint, t: "u64" | "i64"): bigint {
  return t === "u64" ? BigInt.asUintN(64, value) : BigInt.asIntN(64, value);
}
