/** NumMap (the TensorMap's hash table) behaves like a Map under random inserts and deletes. */
import { expect, test } from "vitest";
import { NumMap } from "../../runtime/sim/nummap.js";

test("matches a Map over 200000 random operations, with growth and clustered keys", () => {
  const m = new NumMap(4);
  const ref = new Map<number, number>();
  let s = 12345;
  const rand = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  for (let i = 0; i < 200_000; i++) {
    // Keys clustered in a few ranges (like tile regions), some beyond 2^32.
    const key = rand(3) === 0 ? 2 ** 40 + rand(500) : rand(3000);
    const op = rand(3);
    if (op === 0) {
      m.set(key, i);
      ref.set(key, i);
    } else if (op === 1) {
      m.delete(key);
      ref.delete(key);
    } else {
      expect(m.get(key)).toBe(ref.get(key) ?? -1);
    }
  }
  expect(m.size).toBe(ref.size);
  for (const [k, v] of ref) expect(m.get(k)).toBe(v);
});
