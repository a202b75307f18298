/**
 * Binary heaps without per-entry objects: the simulator pushes and pops a few entries per task,
 * so entries live in growable typed arrays.
 */

/** A min-heap of (time, order, payload): smallest time first, then smallest order. */
export class TimeHeap {
  private times = new Float64Array(64);
  private orders = new Float64Array(64);
  private payloads = new Int32Array(64);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the first entry, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  peekOrder(): number {
    return this.orders[0]!;
  }

  peekPayload(): number {
    return this.payloads[0]!;
  }

  push(time: number, order: number, payload: number): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const orders = this.orders;
    const payloads = this.payloads;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && orders[p]! <= order)) break;
      times[i] = pt;
      orders[i] = orders[p]!;
      payloads[i] = payloads[p]!;
      i = p;
    }
    times[i] = time;
    orders[i] = order;
    payloads[i] = payload;
  }

  /** Removes the first entry and returns its payload (peek first for its time and order). */
  pop(): number {
    const times = this.times;
    const orders = this.orders;
    const payloads = this.payloads;
    const top = payloads[0]!;
    const n = --this.n;
    if (n === 0) return top;
    const time = times[n]!;
    const order = orders[n]!;
    const payload = payloads[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r]! < times[c]! || (times[r] === times[c] && orders[r]! < orders[c]!))) c = r;
      const ct = times[c]!;
      if (time < ct || (time === ct && order <= orders[c]!)) break;
      times[i] = ct;
      orders[i] = orders[c]!;
      payloads[i] = payloads[c]!;
      i = c;
    }
    times[i] = time;
    orders[i] = order;
    payloads[i] = payload;
    return top;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const t = new Float64Array(size);
    t.set(this.times);
    this.times = t;
    const o = new Float64Array(size);
    o.set(this.orders);
    this.orders = o;
    const p = new Int32Array(size);
    p.set(this.payloads);
    this.payloads = p;
  }
}

/** A min-heap of small integers under a caller-supplied strict order `less(a, b)`. */
export class IntHeap {
  private items = new Int32Array(16);
  private n = 0;

  constructor(private readonly less: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.n;
  }

  peek(): number {
    return this.items[0]!;
  }

  push(x: number): void {
    if (this.n === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const items = this.items;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(x, items[p]!)) break;
      items[i] = items[p]!;
      i = p;
    }
    items[i] = x;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const n = --this.n;
    if (n === 0) return top;
    const x = items[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(items[c + 1]!, items[c]!)) c++;
      if (!this.less(items[c]!, x)) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = x;
    return top;
  }

  /** The entries in heap order (not sorted), for reports. */
  toArray(): number[] {
    return Array.from(this.items.subarray(0, this.n));
  }
}
