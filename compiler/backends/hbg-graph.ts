import type { Span, Stmt } from "../../grammar/ast.js";
import { EvalError, Program, type Code } from "../../runtime/bytecode.js";
import type { Manifest, Plan } from "../package/build.js";
import type { PlanStmt } from "../package/plan.js";
import {
  DTYPE_BYTES, childBlocks, constDim, headerSpan, isSignedDtype, isTensorParam, pair, report, scalarBits, targetLabel,
  type Dtype, type Paired, type Reporter,
} from "./common.js";

/**
 * The whole task graph of a static workload, built at compile time for host_build_graph.
 *
 * Tasks are the kernel calls in submission order (loops run in order, `when` decided now).
 * Dependencies come from the regions tasks access: a view is its tensor plus leading indices,
 * a box that two views share exactly when one's indices are a prefix of the other's. Per tensor
 * a trie of views (keyed by index) keeps, like pto-runtime's TensorMap, the last writer of each
 * view and the readers since; a task depends on the writers of every overlapping view (RAW and
 * WAW) and, when it writes, on their readers (WAR). Writing a view removes the views inside it,
 * so along one trie path the deeper writers are the newer ones and only the deepest is needed.
 * A `for` loop also orders its iterations: the tasks of an iteration that have no successor in it
 * precede the tasks of the next non-empty iteration that have no predecessor in it.
 */
export interface GraphTask {
  readonly kernel: number;
  /** In parameter order. */
  readonly args: readonly GraphArg[];
  /** The call that created it. */
  readonly site: Stmt;
}

/** A tensor argument is the view's byte offset into the tensor; a scalar its u64 bits. */
export type GraphArg = { readonly tensor: number; readonly offset: bigint } | { readonly scalar: bigint };

export interface Graph {
  readonly tasks: readonly GraphTask[];
  /** (from, to), sorted by from then to, without duplicates. */
  readonly edges: readonly (readonly [number, number])[];
}

export interface GraphLimits {
  readonly maxTasks: number | undefined;
  readonly maxSuccessors: number | undefined;
}

/** Expands the workload; undefined (with diagnostics) when it cannot be built. */
export function expandGraph(m: Manifest, plan: Plan, body: readonly Paired[], r: Reporter, limits: GraphLimits): Graph | undefined {
  const x = new Expander(m, plan, r, limits, plan.bodies[0]!.vars);
  try {
    x.block(body);
  } catch (e) {
    if (e instanceof Abort) return undefined;
    throw e;
  }
  const edges = x.edges();
  return checkFanOut(m, x.tasks, edges, r, limits) ? { tasks: x.tasks, edges } : undefined;
}

/** Unwinds the expansion after a diagnostic. */
class Abort extends Error {}

interface Region {
  writer: number;
  readers: number[];
  children: Map<bigint, Region> | undefined;
  /** Nodes strictly below with a writer (lets reads skip subtrees without one). */
  writersBelow: number;
}

const newRegion = (): Region => ({ writer: -1, readers: [], children: undefined, writersBelow: 0 });

class Expander {
  readonly tasks: GraphTask[] = [];
  private readonly preds: Set<number>[] = [];
  private readonly programs = new Map<Code, Program>();
  private readonly vars: bigint[];
  private readonly regions = new Map<number, Region>();
  private readonly hasCall = new Map<PlanStmt[], boolean>();

  constructor(
    private readonly m: Manifest,
    private readonly plan: Plan,
    private readonly r: Reporter,
    private readonly limits: GraphLimits,
    vars: number,
  ) {
    this.vars = new Array<bigint>(vars).fill(0n);
  }

  edges(): [number, number][] {
    const out: [number, number][] = [];
    this.preds.forEach((set, to) => {
      for (const from of [...set].sort((a, b) => a - b)) out.push([from, to]);
    });
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  // -- evaluation -----------------------------------------------------------------------------

  private eval(code: Code, at: Span): bigint {
    let p = this.programs.get(code);
    if (!p) {
      p = Program.prepare(code);
      this.programs.set(code, p);
    }
    try {
      return p.run({ vars: this.vars });
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      if (e.reason === "division-by-zero") this.fail("WSP0806", at, `${e.message.replace(/ \(instruction \d+\)/, "")} while expanding the graph at compile time (host_build_graph builds it before launch)`);
      this.fail("WSP0801", at, `this expression reads a launch-time value (a symbol or slot), which ${targetLabel(this.m)} cannot use: the graph is built at compile time`);
    }
  }

  private fail(code: "WSP0801" | "WSP0803" | "WSP0806", at: Span, message: string): never {
    report(this.r, code, at, message);
    throw new Abort();
  }

  // -- statements -----------------------------------------------------------------------------

  block(stmts: readonly Paired[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private stmt(s: Paired): void {
    const p = s.plan;
    switch (p.op) {
      case "parallel": case "for":
        if (this.submits(p.body)) this.loop(s, p);
        return;
      case "when": {
        const blocks = childBlocks(s);
        const taken = p.branches.findIndex((b) => this.eval(b.cond, s.ast) !== 0n);
        const chosen = taken >= 0 ? blocks[taken] : p.else ? blocks[p.branches.length] : undefined;
        if (chosen) this.block(pair(chosen.plan, chosen.ast));
        return;
      }
      case "scope": {
        const b = childBlocks(s)[0]!;
        this.block(pair(b.plan, b.ast));
        return;
      }
      case "call":
        this.call(s, p);
        return;
      default:
        this.fail("WSP0801", headerSpan(s.ast), `\`${p.op}\` is not supported on ${targetLabel(this.m)}: host_build_graph builds a static graph at compile time`);
    }
  }

  /** Whether a block can submit a task at all (loops without calls are skipped, however long). */
  private submits(block: PlanStmt[]): boolean {
    let known = this.hasCall.get(block);
    if (known === undefined) {
      known = block.some((s) => {
        if (s.op === "call") return true;
        if (s.op === "when") return s.branches.some((b) => this.submits(b.body)) || (s.else !== null && this.submits(s.else));
        return "body" in s && this.submits(s.body);
      });
      this.hasCall.set(block, known);
    }
    return known;
  }

  private loop(s: Paired, p: Extract<PlanStmt, { op: "parallel" | "for" }>): void {
    const body = pair(p.body, childBlocks(s)[0]!.ast);
    const sizes = p.axes.map((a) => {
      const axis = this.plan.axes[a]!;
      if (axis.kind !== "dense" || !axis.size) this.fail("WSP0801", headerSpan(s.ast), `a \`${axis.kind}\` axis is not supported on ${targetLabel(this.m)}: the graph is built at compile time, so every loop needs a constant size`);
      return this.eval(axis.size, headerSpan(s.ast));
    });
    let previous: [number, number] | undefined;
    const iterate = (level: number): void => {
      if (level === sizes.length) {
        const start = this.tasks.length;
        this.block(body);
        const end = this.tasks.length;
        if (p.op === "for" && end > start) {
          if (previous) this.order(previous, [start, end]);
          previous = [start, end];
        }
        return;
      }
      for (let v = 0n; v < sizes[level]!; v++) {
        this.vars[p.vars[level]!] = v;
        iterate(level + 1);
      }
    };
    iterate(0);
  }

  /** `for` ordering: the sinks of iteration `a` precede the sources of the next non-empty iteration `b`. */
  private order(a: [number, number], b: [number, number]): void {
    const hasSuccessor = new Set<number>();
    for (let t = a[0]; t < a[1]; t++) for (const p of this.preds[t]!) if (p >= a[0]) hasSuccessor.add(p);
    const sinks: number[] = [];
    for (let t = a[0]; t < a[1]; t++) if (!hasSuccessor.has(t)) sinks.push(t);
    for (let t = b[0]; t < b[1]; t++) {
      const preds = this.preds[t]!;
      if ([...preds].some((p) => p >= b[0])) continue;
      for (const s of sinks) preds.add(s);
    }
  }

  // -- tasks ----------------------------------------------------------------------------------

  private call(s: Paired, p: Extract<PlanStmt, { op: "call" }>): void {
    const id = this.tasks.length;
    if (this.limits.maxTasks !== undefined && id >= this.limits.maxTasks) {
      this.fail("WSP0803", s.ast, `this call would add task ${id + 1}, but ${targetLabel(this.m)} holds at most ${this.limits.maxTasks} tasks in one graph (\`max_tasks\`); shrink the workload or split it into several`);
    }
    const kernel = this.m.kernels[p.kernel]!;
    const args: GraphArg[] = [];
    const accesses: { tensor: number; key: bigint[]; reads: boolean; writes: boolean }[] = [];
    kernel.params.forEach((param, j) => {
      const arg = p.args[j]!;
      if ("scalar" in arg) {
        args.push({ scalar: narrow(this.eval(arg.scalar, s.ast), param.dtype) });
        return;
      }
      const key = arg.index.map((c) => this.eval(c, s.ast));
      args.push({ tensor: arg.tensor, offset: this.offset(arg.tensor, key, s.ast) });
      const direction = isTensorParam(param) ? param.direction : "in";
      accesses.push({ tensor: arg.tensor, key, reads: direction !== "out", writes: direction !== "in" });
    });
    const preds = new Set<number>();
    for (const a of accesses) this.dependencies(a.tensor, a.key, a.writes, preds);
    for (const a of accesses) if (a.reads && !a.writes) this.read(a.tensor, a.key, id);
    for (const a of accesses) if (a.writes) this.write(a.tensor, a.key, id);
    this.tasks.push({ kernel: p.kernel, args, site: s.ast });
    this.preds.push(preds);
  }

  /** The view's byte offset; an index outside its dimension is an error (the runtime would corrupt memory). */
  private offset(t: number, key: readonly bigint[], at: Span): bigint {
    const tensor = this.m.tensors[t]!;
    const dims = tensor.dims.map((d) => constDim(d));
    if (dims.some((d) => d === undefined)) this.fail("WSP0801", at, `tensor \`${tensor.name}\` has a launch-time size, which ${targetLabel(this.m)} cannot use: the graph is built at compile time`);
    let offset = 0n;
    let stride = BigInt(DTYPE_BYTES[tensor.dtype as Dtype] ?? 1);
    for (let d = dims.length - 1; d >= 0; d--) {
      const size = BigInt(dims[d]!);
      if (d < key.length) {
        if (key[d]! >= size) this.fail("WSP0806", at, `index ${key[d]} is outside dimension ${d} of \`${tensor.name}\` (size ${size}) while expanding the graph at compile time`);
        offset += key[d]! * stride;
      }
      stride *= size;
    }
    return offset;
  }

  // -- regions --------------------------------------------------------------------------------

  private root(t: number): Region {
    let r = this.regions.get(t);
    if (!r) {
      r = newRegion();
      this.regions.set(t, r);
    }
    return r;
  }

  /** Adds the tasks an access to `key` must follow (before this task's own accesses are recorded). */
  private dependencies(t: number, key: readonly bigint[], writes: boolean, out: Set<number>): void {
    const path: Region[] = [this.root(t)];
    for (const k of key) {
      const next = path[path.length - 1]!.children?.get(k);
      if (!next) break;
      path.push(next);
    }
    let latest = -1;
    for (const n of path) if (n.writer >= 0) latest = n.writer;
    if (latest >= 0) out.add(latest);
    if (writes) for (const n of path) for (const reader of n.readers) if (reader > latest) out.add(reader);
    if (path.length === key.length + 1) below(path[path.length - 1]!, writes, out);
  }

  private node(t: number, key: readonly bigint[]): Region[] {
    const path = [this.root(t)];
    for (const k of key) {
      const parent = path[path.length - 1]!;
      parent.children ??= new Map();
      let child = parent.children.get(k);
      if (!child) {
        child = newRegion();
        parent.children.set(k, child);
      }
      path.push(child);
    }
    return path;
  }

  private read(t: number, key: readonly bigint[], task: number): void {
    const path = this.node(t, key);
    const n = path[path.length - 1]!;
    if (n.readers[n.readers.length - 1] !== task) n.readers.push(task);
  }

  private write(t: number, key: readonly bigint[], task: number): void {
    const path = this.node(t, key);
    const n = path[path.length - 1]!;
    const ancestors = path.slice(0, -1);
    const removed = n.writersBelow + (n.writer >= 0 ? 0 : -1);
    for (const a of ancestors) a.writersBelow -= removed;
    n.children = undefined;
    n.writersBelow = 0;
    n.writer = task;
    n.readers = [];
  }
}

/** Writers (and, for a write, readers) strictly inside `n`. */
function below(n: Region, writes: boolean, out: Set<number>): void {
  if (!n.children) return;
  for (const c of n.children.values()) {
    if (c.writer >= 0) out.add(c.writer);
    if (writes) for (const reader of c.readers) out.add(reader);
    if (writes ? c.children !== undefined : c.writersBelow > 0) below(c, writes, out);
  }
}

/** A scalar argument as its parameter type's low bits, sign-extended for a signed type. */
function narrow(v: bigint, dtype: string): bigint {
  const bits = scalarBits(dtype);
  if (bits >= 64 || bits === 1) return v;
  return BigInt.asUintN(64, isSignedDtype(dtype) ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
}

/** host_build_graph drops a successor beyond its limit silently: any task over it is an error. */
function checkFanOut(m: Manifest, tasks: readonly GraphTask[], edges: readonly (readonly [number, number])[], r: Reporter, limits: GraphLimits): boolean {
  const max = limits.maxSuccessors;
  if (max === undefined) return true;
  const count = new Map<number, number>();
  for (const [from] of edges) count.set(from, (count.get(from) ?? 0) + 1);
  const bySite = new Map<Stmt, { task: number; successors: number; tasks: number }>();
  for (const [task, n] of count) {
    if (n <= max) continue;
    const site = tasks[task]!.site;
    const seen = bySite.get(site);
    if (!seen) bySite.set(site, { task, successors: n, tasks: 1 });
    else bySite.set(site, { task: seen.task, successors: Math.max(seen.successors, n), tasks: seen.tasks + 1 });
  }
  for (const [site, e] of [...bySite].sort((a, b) => a[1].task - b[1].task)) {
    const others = e.tasks > 1 ? ` (and ${e.tasks - 1} more of this call's tasks)` : "";
    report(r, "WSP0803", site, `task ${e.task} of this call has ${e.successors} successors${others}, but ${targetLabel(m)} keeps at most ${max} per task (\`max_successors\`) and drops the rest silently, so dependent tasks could start before their inputs are ready; reduce the fan-out (fewer readers of one tile, or a reduction tree)`);
  }
  return bySite.size === 0;
}
