/**
 * Tensor data from a file, for `--input NAME=file`: a JSON array (nested arrays are flattened in
 * row-major order; 64-bit integers may be written as decimal strings to keep their precision;
 * `true`/`false` for bool), or raw little-endian binary of the declared dtype. The element count
 * is checked against the tensor's shape by `simulate`.
 */
import type { Dtype } from "../package/types.js";
import { SimError } from "./errors.js";
import { dtypeBytes, isIntegerDtype } from "./values.js";
import type { TensorData } from "./types.js";

export function decodeTensorData(bytes: Uint8Array, dtype: Dtype, what: string): TensorData {
  const text = firstChar(bytes) === "[" ? new TextDecoder().decode(bytes) : null;
  return text !== null ? fromJson(text, dtype, what) : fromBinary(bytes, dtype, what);
}

function firstChar(bytes: Uint8Array): string {
  for (const b of bytes) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return String.fromCharCode(b);
  }
  return "";
}

function fromJson(text: string, dtype: Dtype, what: string): TensorData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SimError(`${what}: not valid JSON (${(e as Error).message})`, null);
  }
  const flat: unknown[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else flat.push(x);
  };
  walk(value);
  if (!isIntegerDtype(dtype)) {
    return Float64Array.from(flat, (x, i) => {
      if (typeof x !== "number") throw new SimError(`${what}: element ${i} is ${JSON.stringify(x)}, not a number (dtype ${dtype})`, null);
      return x;
    });
  }
  return flat.map((x, i): bigint => {
    if (typeof x === "boolean") return x ? 1n : 0n;
    if (typeof x === "number" && Number.isSafeInteger(x)) return BigInt(x);
    if (typeof x === "string" && /^-?[0-9]+$/.test(x)) return BigInt(x);
    throw new SimError(`${what}: element ${i} is ${JSON.stringify(x)}, not an integer (dtype ${dtype}; write integers beyond 2^53 as strings)`, null);
  });
}

function fromBinary(bytes: Uint8Array, dtype: Dtype, what: string): TensorData {
  const size = dtypeBytes(dtype);
  if (bytes.length % size !== 0) {
    throw new SimError(`${what}: ${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each)`, null);
  }
  const n = bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = reader(dtype, view);
  if (!isIntegerDtype(dtype)) return Float64Array.from({ length: n }, (_, i) => read(i * size) as number);
  return Array.from({ length: n }, (_, i) => BigInt(read(i * size)));
}

function reader(dtype: Dtype, v: DataView): (at: number) => number | bigint {
  switch (dtype) {
    case "bool": case "u8": return (at) => v.getUint8(at);
    case "i8": return (at) => v.getInt8(at);
    case "u16": return (at) => v.getUint16(at, true);
    case "i16": return (at) => v.getInt16(at, true);
    case "u32": return (at) => v.getUint32(at, true);
    case "i32": return (at) => v.getInt32(at, true);
    case "u64": return (at) => v.getBigUint64(at, true);
    case "i64": return (at) => v.getBigInt64(at, true);
    case "f32": return (at) => v.getFloat32(at, true);
    case "f64": return (at) => v.getFloat64(at, true);
    case "bf16": return (at) => new Float32Array(new Uint32Array([v.getUint16(at, true) << 16]).buffer)[0]!;
    case "f16": return (at) => half(v.getUint16(at, true));
  }
}

/** IEEE 754 binary16 to a number. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
