/**
 * Tensor shapes and contents at launch. Kernels are not executed (the simulator models time,
 * not arithmetic), so contents matter only where the orchestration reads them: `load` and the
 * row tensors of ragged and sparse axes. A tensor's contents are its `inputs` entry or, without
 * one, deterministic generated data:
 * - integer tensors: each element uniform in 0 … 7 (bool: 0 … 1), a hash of (seed, tensor,
 *   element) — small values, so generated indices stay inside typical tile grids;
 * - a sparse axis's row pointers: row r holds a count uniform in 0 … ⌊|indices| / rows⌋, so the
 *   structure is always valid CSR; its indices: each row's values distinct, ascending, from
 *   0 … max(7, count − 1) (e.g. distinct experts per token);
 * - float tensors: never read, so never generated.
 * Generated elements are computed on demand, so a huge tensor costs no memory.
 */
import type { Dtype, Manifest, Plan } from "../package/types.js";
import { Program } from "../bytecode.js";
import { SimError } from "./errors.js";
import type { TensorData } from "./types.js";
import { dtypeRange, isIntegerDtype, isSignedDtype } from "./values.js";

const GEN_RANGE = 8;

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of (seed, a, b), for generated elements; b may be up to 2^53. */
function mix(seed: number, a: number, b: number): number {
  let h = fmix((seed | 0) ^ 0x9e3779b9);
  h = fmix(h ^ Math.imul(a + 1, 0x27d4eb2f));
  h = fmix(h ^ (b >>> 0));
  return fmix(h ^ Math.floor(b / 4294967296));
}

export class TensorStore {
  /** Dimensions of each tensor (manifest order), evaluated at launch. */
  readonly dims: readonly (readonly number[])[];
  /** Element count of each tensor. */
  readonly counts: readonly number[];
  private readonly data: (ArrayLike<number | bigint> | undefined)[];

  constructor(
    private readonly manifest: Manifest,
    plan: Plan,
    symbols: readonly bigint[],
    inputs: ReadonlyMap<string, TensorData>,
    private readonly seed: number,
  ) {
    this.dims = manifest.tensors.map((t) => t.dims.map((d, i) => this.dim(t.name, i, d, symbols)));
    this.counts = this.dims.map((ds) => ds.reduce((a, b) => a * b, 1));
    this.counts.forEach((c, i) => {
      if (!Number.isSafeInteger(c)) throw new SimError(`tensor \`${manifest.tensors[i]!.name}\` has ${c} elements, more than the simulator can index (2^53)`, null);
    });
    this.data = manifest.tensors.map((t, i) => {
      const given = inputs.get(t.name) ?? inputs.get(t.qualified_name) ?? inputs.get(t.id);
      return given === undefined ? undefined : this.checkInput(i, given);
    });
    for (const name of inputs.keys()) {
      if (!manifest.tensors.some((t) => t.name === name || t.qualified_name === name || t.id === name)) {
        const known = manifest.tensors.map((t) => t.name).join(", ");
        throw new SimError(`input for \`${name}\`, but the package has no such tensor (tensors: ${known})`, null);
      }
    }
    this.generateAxisData(plan);
  }

  private dim(tensor: string, i: number, d: Manifest["tensors"][number]["dims"][number], symbols: readonly bigint[]): number {
    const v = "const" in d ? BigInt(d.const) : Program.prepare(d.code).run({ symbols });
    if (v < 1n || v >= 1n << 53n) {
      const loc = "code" in d ? d.loc ?? null : null;
      throw new SimError(`dimension ${i} of tensor \`${tensor}\` is ${v} at launch; it must be at least 1 (and below 2^53)`, loc);
    }
    return Number(v);
  }

  private checkInput(t: number, given: TensorData): ArrayLike<number | bigint> {
    const entry = this.manifest.tensors[t]!;
    const want = this.counts[t]!;
    if (given.length !== want) {
      throw new SimError(`input for tensor \`${entry.name}\` has ${given.length} elements, but ${entry.dtype}[${this.dims[t]!.join(", ")}] has ${want}`, null);
    }
    if (!isIntegerDtype(entry.dtype)) return given;
    const { min, max } = dtypeRange(entry.dtype);
    for (let i = 0; i < given.length; i++) {
      const v = given[i]!;
      if (typeof v === "number" && !Number.isSafeInteger(v)) {
        throw new SimError(`input for tensor \`${entry.name}\`: element ${i} is ${v}, not an integer (dtype ${entry.dtype})`, null);
      }
      const b = BigInt(v);
      if (b < min || b > max) {
        throw new SimError(`input for tensor \`${entry.name}\`: element ${i} is ${b}, outside ${entry.dtype}'s range ${min} … ${max}`, null);
      }
    }
    return given;
  }

  /** Valid generated CSR structure for sparse axes whose tensors have no input. */
  private generateAxisData(plan: Plan): void {
    for (const axis of plan.axes) {
      if (axis.kind !== "sparse" || axis.indptr === null || axis.indices === null) continue;
      const p = axis.indptr;
      const ix = axis.indices;
      const rows = this.counts[p]! - 1;
      const capacity = this.counts[ix]!;
      if (this.data[p] === undefined) {
        const ptr: number[] = [0];
        const most = rows > 0 ? Math.floor(capacity / rows) : 0;
        for (let r = 0; r < rows; r++) ptr.push(ptr[r]! + (mix(this.seed, p * 2 + 1, r) % (most + 1)));
        this.data[p] = ptr;
      }
      if (this.data[ix] === undefined) {
        const ptr = this.data[p]!;
        const values: number[] = new Array<number>(capacity).fill(0);
        for (let r = 0; r < rows; r++) {
          const from = Number(ptr[r]!);
          const to = Math.min(Number(ptr[r + 1]!), capacity);
          if (!(from >= 0 && to >= from)) continue; // a malformed input pointer: reported where it is read
          distinctSorted(to - from, Math.max(GEN_RANGE, to - from), (k) => mix(this.seed, ix * 2 + 1, r * 65536 + k)).forEach((v, k) => {
            values[from + k] = v;
          });
        }
        this.data[ix] = values;
      }
    }
  }

  dtype(t: number): Dtype {
    return this.manifest.tensors[t]!.dtype;
  }

  /** Element `i` (row-major) of tensor `t` as a signed or unsigned integer value (not a u64 pattern). */
  read(t: number, i: number): bigint {
    const given = this.data[t];
    if (given !== undefined) return BigInt(given[i]!);
    const d = this.dtype(t);
    if (!isIntegerDtype(d)) return 0n;
    return BigInt(mix(this.seed, t * 2, i) % (d === "bool" ? 2 : GEN_RANGE));
  }

  /** Element `i` as the 64-bit cell a slot receives: zero-extended, sign-extended, or 0/1. */
  readCell(t: number, i: number): bigint {
    const v = this.read(t, i);
    return isSignedDtype(this.dtype(t)) ? BigInt.asUintN(64, v) : v;
  }
}

/** `n` distinct values from 0 … range−1, ascending, chosen by `rand`. */
function distinctSorted(n: number, range: number, rand: (k: number) => number): number[] {
  const pool = Array.from({ length: range }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    const j = k + (rand(k) % (range - k));
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
  }
  return pool.slice(0, n).sort((a, b) => a - b);
}
