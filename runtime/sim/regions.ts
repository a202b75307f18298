/**
 * Tensor regions as numbers. A view `T[i1 … ik]` is the region "first k coordinates fixed"; two
 * regions of one tensor overlap iff their index prefixes agree on their common length (language
 * §7.2). Each (tensor, prefix length k, prefix) gets a distinct key: the tensor's level-k base
 * plus the prefix's row-major offset among the d1·…·dk prefixes of that length.
 */
import { SimError } from "./errors.js";

export class RegionSpace {
  /** base[t][k]: key of the first prefix of length k of tensor t. */
  readonly base: readonly (readonly number[])[];
  /** Tensors accessed at more than one prefix length: their lookups must visit other levels. */
  readonly multiLevel: readonly boolean[];

  constructor(readonly dims: readonly (readonly number[])[], levelsUsed: readonly ReadonlySet<number>[]) {
    let next = 0;
    this.base = dims.map((ds) => {
      const levels: number[] = [];
      let count = 1;
      for (let k = 0; k <= ds.length; k++) {
        levels.push(next);
        next += count;
        count *= ds[k] ?? 1;
      }
      return levels;
    });
    if (!Number.isSafeInteger(next)) throw new SimError("the tensors are too large to track their regions (more than 2^53 tile prefixes)", null);
    this.multiLevel = levelsUsed.map((s) => s.size > 1);
  }

  /** Number of prefixes of length `k` under one prefix of length `j` (j ≤ k). */
  span(t: number, j: number, k: number): number {
    let n = 1;
    const ds = this.dims[t]!;
    for (let i = j; i < k; i++) n *= ds[i]!;
    return n;
  }

  /** The level (prefix length) and offset of a key of tensor `t`. */
  levelOf(t: number, key: number): number {
    const b = this.base[t]!;
    let k = 0;
    while (k + 1 < b.length && b[k + 1]! <= key) k++;
    return k;
  }
}
