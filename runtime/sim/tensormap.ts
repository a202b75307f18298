/**
 * The TensorMap: which tasks in flight last wrote, and have since read, each tensor region, so a
 * new task finds what it depends on (read-after-write, write-after-read, write-after-write).
 *
 * - A *node* per region key (regions.ts) holds at most one writer entry and a list of reader
 *   entries. A new write at a region subsumes everything at that region and below it (the new
 *   writer depends on all of them, so later tasks need only it): those entries are removed.
 * - Entries live in a fixed block per task slot (`perSlot` entries), so no allocation per task.
 * - **Lazy invalidation**: when a task retires its entries are not touched; they merely stop
 *   counting (`live`) and are recognised as stale (their slot is free) wherever a lookup meets
 *   them, which unlinks them — or, at the latest, when the slot is reused for a new task.
 * - `live` (entries of tasks not yet retired) is what the pool bound applies to; it drops when an
 *   entry is subsumed or its task retires.
 *
 * Launch inputs (`in` tensors) are never written, so their reads are not tracked at all.
 */
import { TS, type Graph } from "./graph.js";
import { NumMap } from "./nummap.js";
import type { RegionSpace } from "./regions.js";

export class TensorMap {
  private enNode = new Int32Array(0);
  private enWriter = new Uint8Array(0);
  private enPrev = new Int32Array(0);
  private enNext = new Int32Array(0);
  private attached = new Int32Array(0);

  private readonly nodeOf = new NumMap(1024);
  private nKey = new Float64Array(0);
  private nLevel = new Int32Array(0);
  private nWriter = new Int32Array(0);
  private nReaders = new Int32Array(0);
  private nCount = new Int32Array(0);
  private readonly nodeFree: number[] = [];
  private nodeCap = 0;

  /** Nodes per (tensor, level), at levelIndex[t] + k; and the node sets of multi-level tensors. */
  private readonly levelIndex: number[] = [];
  private readonly levelCount: Int32Array;
  private readonly levelNodes = new Map<number, Set<number>>();
  private nTensor = new Int32Array(0);

  /** Entries of tasks that have not retired. */
  live = 0;
  highWater = 0;

  /** Dependencies found by the current lookup: distinct unfinished task slots. */
  deps = new Int32Array(16);
  nDeps = 0;
  /** The current lookup's stamp: Graph.mark of a task already counted as a dependency. */
  stamp = 0;
  /** Entries the current lookups would remove (subsumed by a write). */
  removable = 0;

  constructor(
    private readonly graph: Graph,
    private readonly regions: RegionSpace,
    readonly perSlot: number,
  ) {
    let n = 0;
    for (const b of regions.base) {
      this.levelIndex.push(n);
      n += b.length;
    }
    this.levelCount = new Int32Array(n);
  }

  /** Grows the entry blocks and node pool to `slots` task slots. */
  ensure(slots: number): void {
    const size = slots * this.perSlot;
    if (size <= this.enNode.length) return;
    const grow32 = (a: Int32Array, fill: number) => {
      const b = new Int32Array(size).fill(fill);
      b.set(a);
      return b;
    };
    this.enNode = grow32(this.enNode, -1);
    const w = new Uint8Array(size);
    w.set(this.enWriter);
    this.enWriter = w;
    this.enPrev = grow32(this.enPrev, -1);
    this.enNext = grow32(this.enNext, -1);
    const at = new Int32Array(slots);
    at.set(this.attached);
    this.attached = at;
    // Nodes: at most one per attached entry.
    const old = this.nodeCap;
    const k = new Float64Array(size);
    k.set(this.nKey);
    this.nKey = k;
    this.nLevel = grow32(this.nLevel, 0);
    this.nTensor = grow32(this.nTensor, 0);
    this.nWriter = grow32(this.nWriter, -1);
    this.nReaders = grow32(this.nReaders, -1);
    this.nCount = grow32(this.nCount, 0);
    for (let i = size - 1; i >= old; i--) this.nodeFree.push(i);
    this.nodeCap = size;
  }

  /** Starts a lookup for one submission attempt. */
  begin(): void {
    this.stamp++;
    this.nDeps = 0;
    this.removable = 0;
  }

  /** A task slot found in an entry: count it as removable if asked, and as a dependency if unfinished. */
  private visit(s: number, counting: boolean): void {
    if (counting) this.removable++;
    const g = this.graph;
    const st = g.state[s]!;
    if (st === TS.Finished || g.mark[s] === this.stamp) return;
    g.mark[s] = this.stamp;
    if (this.nDeps === this.deps.length) {
      const d = new Int32Array(this.deps.length * 2);
      d.set(this.deps);
      this.deps = d;
    }
    this.deps[this.nDeps++] = s;
  }

  /** Visits the writer (and, for a write, the readers) of a node; unlinks stale entries met. */
  private scanNode(n: number, writing: boolean, counting: boolean): void {
    const A = this.perSlot;
    const state = this.graph.state;
    const w = this.nWriter[n]!;
    if (w >= 0) {
      if (state[(w / A) | 0] !== TS.Free) this.visit((w / A) | 0, counting);
      else this.detach(w);
    }
    if (!writing) return;
    let r = this.nReaders[n]!;
    while (r >= 0) {
      const next = this.enNext[r]!;
      const s = (r / A) | 0;
      if (state[s] !== TS.Free) this.visit(s, counting);
      else this.detach(r);
      r = next;
    }
  }

  /**
   * Finds what an access of tensor `t` at level `k`, key `key` depends on (into `deps`), and how
   * many entries a write there would subsume (into `removable`).
   */
  lookup(t: number, k: number, key: number, writing: boolean): void {
    if (!this.regions.multiLevel[t]) {
      const n = this.nodeOf.get(key);
      if (n >= 0) this.scanNode(n, writing, writing);
      return;
    }
    this.forLevels(t, k, key, (n, relation) => this.scanNode(n, writing, writing && relation !== -1), true);
  }

  /**
   * Calls `f(node, relation)` for every node overlapping (t, k, key): relation −1 for an
   * ancestor (only when `ancestors`), 0 for the node itself, 1 for a descendant.
   */
  private forLevels(t: number, k: number, key: number, f: (n: number, relation: number) => void, ancestors: boolean): void {
    const base = this.regions.base[t]!;
    const li = this.levelIndex[t]!;
    const off = key - base[k]!;
    if (ancestors) {
      for (let a = 0; a < k; a++) {
        if (this.levelCount[li + a] === 0) continue;
        const n = this.nodeOf.get(base[a]! + Math.floor(off / this.regions.span(t, a, k)));
        if (n >= 0) f(n, -1);
      }
    }
    const self = this.nodeOf.get(key);
    if (self >= 0) f(self, 0);
    for (let b = k + 1; b < base.length; b++) {
      const count = this.levelCount[li + b]!;
      if (count === 0) continue;
      const sp = this.regions.span(t, k, b);
      const lo = base[b]! + off * sp;
      if (sp <= count) {
        for (let x = lo; x < lo + sp; x++) {
          const n = this.nodeOf.get(x);
          if (n >= 0) f(n, 1);
        }
      } else {
        for (const n of [...(this.levelNodes.get(li + b) ?? [])]) {
          const nk = this.nKey[n]!;
          if (nk >= lo && nk < lo + sp && this.nCount[n]! > 0) f(n, 1);
        }
      }
    }
  }

  /** Records entry `j` of `slot` as the writer of (t, k, key), removing what it subsumes. */
  commitWrite(slot: number, j: number, t: number, k: number, key: number): void {
    if (this.regions.multiLevel[t]) {
      this.forLevels(t, k, key, (n, rel) => {
        if (rel === 1) this.clearNode(n);
      }, false);
    }
    const old = this.nodeOf.get(key);
    if (old >= 0) this.clearNode(old);
    const n = this.node(t, k, key);
    const e = slot * this.perSlot + j;
    this.enWriter[e] = 1;
    this.nWriter[n] = e;
    this.attach(e, n, slot);
  }

  /** Records entry `j` of `slot` as a reader of (t, k, key). */
  commitRead(slot: number, j: number, t: number, k: number, key: number): void {
    const n = this.node(t, k, key);
    const e = slot * this.perSlot + j;
    this.enWriter[e] = 0;
    const head = this.nReaders[n]!;
    this.enPrev[e] = -1;
    this.enNext[e] = head;
    if (head >= 0) this.enPrev[head] = e;
    this.nReaders[n] = e;
    this.attach(e, n, slot);
  }

  private attach(e: number, n: number, slot: number): void {
    this.enNode[e] = n;
    this.nCount[n]!++;
    this.attached[slot]!++;
    this.live++;
    if (this.live > this.highWater) this.highWater = this.live;
  }

  /** Removes every entry of node `n` (which may free the node). */
  private clearNode(n: number): void {
    if (this.nWriter[n]! >= 0) this.detach(this.nWriter[n]!);
    while (this.nCount[n]! > 0 && this.nReaders[n]! >= 0) this.detach(this.nReaders[n]!);
  }

  private detach(e: number): void {
    const n = this.enNode[e]!;
    if (n < 0) return;
    if (this.enWriter[e]) {
      this.nWriter[n] = -1;
    } else {
      const p = this.enPrev[e]!;
      const x = this.enNext[e]!;
      if (p >= 0) this.enNext[p] = x;
      else this.nReaders[n] = x;
      if (x >= 0) this.enPrev[x] = p;
    }
    this.enNode[e] = -1;
    const owner = (e / this.perSlot) | 0;
    this.attached[owner]!--;
    if (this.graph.state[owner] !== TS.Free) this.live--;
    if (--this.nCount[n]! === 0) this.freeNode(n);
  }

  private node(t: number, k: number, key: number): number {
    const found = this.nodeOf.get(key);
    if (found >= 0) return found;
    const n = this.nodeFree.pop()!;
    this.nodeOf.set(key, n);
    this.nKey[n] = key;
    this.nLevel[n] = k;
    this.nTensor[n] = t;
    this.nWriter[n] = -1;
    this.nReaders[n] = -1;
    this.nCount[n] = 0;
    const li = this.levelIndex[t]! + k;
    this.levelCount[li]!++;
    if (this.regions.multiLevel[t]) {
      let set = this.levelNodes.get(li);
      if (!set) this.levelNodes.set(li, (set = new Set()));
      set.add(n);
    }
    return n;
  }

  private freeNode(n: number): void {
    this.nodeOf.delete(this.nKey[n]!);
    const t = this.nTensor[n]!;
    const li = this.levelIndex[t]! + this.nLevel[n]!;
    this.levelCount[li]!--;
    this.levelNodes.get(li)?.delete(n);
    this.nodeFree.push(n);
  }

  /** A task retires: its entries stop counting; they are unlinked lazily. */
  retire(slot: number): void {
    this.live -= this.attached[slot]!;
  }

  /** Before a slot is reused: unlink whatever stale entries of its previous task remain. */
  reclaim(slot: number): void {
    if (this.attached[slot] === 0) return;
    const A = this.perSlot;
    for (let j = 0; j < A; j++) {
      const e = slot * A + j;
      if (this.enNode[e]! >= 0) this.detach(e);
    }
  }
}
