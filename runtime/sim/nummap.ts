/**
 * A hash map from non-negative integer keys (below 2^53) to non-negative int32 values, in typed
 * arrays: the TensorMap looks up, inserts and deletes a region key for nearly every task, where a
 * JS Map's boxing and rehashing show. Open addressing with linear probing; deletion shifts the
 * following entries back, so there are no tombstones and lookups stay short.
 */
export class NumMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private bits: number;
  private mask: number;
  size = 0;

  constructor(capacity = 64) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Float64Array(1 << bits).fill(-1);
    this.vals = new Int32Array(1 << bits);
  }

  private home(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296);
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits);
  }

  /** The value for `key`, or −1. */
  get(key: number): number {
    const keys = this.keys;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === -1) {
        keys[i] = key;
        this.vals[i] = value;
        this.size++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  delete(key: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === -1) return;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    // Backward-shift: move later entries of the cluster into the hole when their home allows.
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === -1) break;
      const h = this.home(k);
      // Entry j may fill the hole unless its home lies cyclically in (hole, j].
      if ((j > hole && (h <= hole || h > j)) || (j < hole && h <= hole && h > j)) {
        keys[hole] = k;
        vals[hole] = vals[j]!;
        hole = j;
      }
    }
    keys[hole] = -1;
    this.size--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.bits++;
    this.mask = (1 << this.bits) - 1;
    this.keys = new Float64Array(1 << this.bits).fill(-1);
    this.vals = new Int32Array(1 << this.bits);
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) this.set(oldKeys[i]!, oldVals[i]!);
  }
}
