/**
 * The plan's bodies compiled for the orchestrators: each body becomes a flat list of instructions
 * with jumps (a loop is an init and a next; `when` tests and jumps), so an orchestrator can stop at
 * any blocking point (a full window, an empty channel, its own kernel) and resume from its program
 * counter and frame alone — the expansion never materialises the task list.
 *
 * Frame layout: the plan's locals 0 … vars−1, then two hidden cells per loop binding (position
 * and end). Every kernel call becomes a `CallSite` with its programs compiled once.
 */
import type { Axis, Body, KernelEntry, Manifest, Plan, PlanBody, PolicyEntry, ScalarType, Statement } from "../package/types.js";
import { CompiledCode, type TaskAttr } from "./fastcode.js";
import { SimError } from "./errors.js";
import { AIC, AIV } from "./machine.js";
import { PolicyAtSite } from "./policies.js";
import type { RegionSpace } from "./regions.js";
import { dtypeBytes } from "./values.js";

export const enum Op {
  LoopInit,
  LoopNext,
  When,
  Load,
  Call,
  ScopeBegin,
  ScopeEnd,
  Send,
  Recv,
  ConsumeNext,
  Close,
  ForBegin,
  ForIter,
  Jump,
  End,
}

export const enum AxisKind {
  Dense,
  Ragged,
  Sparse,
}

/** One instruction. A single class keeps every instruction the same shape for the VM's switch. */
export class Ins {
  /** Loop variable, select variable, token variable, or slot (load). */
  var = -1;
  /** First of the two hidden frame cells of a loop binding. */
  hid = -1;
  /** LoopInit: where to go when the range is empty; LoopNext: the body; Jump/ConsumeNext: target. */
  target = -1;
  axisKind = AxisKind.Dense;
  axis = -1;
  /** Dense/dyn: the iteration count; ragged/sparse: the number of rows. Evaluated once at launch. */
  size = 0;
  row: CompiledCode | null = null;
  conds: CompiledCode[] = [];
  targets: number[] = [];
  site: CallSite | null = null;
  load: LoadSite | null = null;
  channel = -1;
  value: CompiledCode | null = null;
  /** ForBegin/ForIter: the `for` statement's nesting depth among `for`s (0 outermost). */
  forDepth = -1;

  constructor(readonly op: Op, readonly loc: string | null) {}
}

export interface TensorArg {
  readonly tensor: number;
  /** Kernel parameter name, for traces. */
  readonly param: string;
  readonly index: readonly CompiledCode[];
  /** Size of each indexed dimension, for the bounds check. */
  readonly bounds: readonly number[];
  /** Row-major strides of the prefix within its level. */
  readonly strides: readonly number[];
  /** Key of the first prefix of this length (RegionSpace). */
  readonly base: number;
  readonly reads: boolean;
  readonly writes: boolean;
  /** Whether the TensorMap tracks it: launch inputs (`in` tensors) are never written. */
  readonly tracked: boolean;
  /** Heap-arena bytes a write of this view allocates (an `out` view of an intermediate). */
  readonly heapBytes: number;
}

export interface ScalarArg {
  readonly param: number;
  readonly name: string;
  readonly code: CompiledCode;
  readonly type: ScalarType;
}

export interface CallSite {
  readonly id: number;
  readonly body: number;
  readonly kernel: number;
  readonly kernelName: string;
  readonly executor: number;
  readonly loc: string | null;
  readonly tensorArgs: readonly TensorArg[];
  readonly scalarArgs: readonly ScalarArg[];
  readonly nParams: number;
  readonly cycles: CompiledCode;
  /** The cost when it is a constant below 2^53, else −1. */
  readonly constCycles: number;
  readonly cyclesLoc: string | null;
  readonly dispatch: PolicyAtSite;
  readonly ready: PolicyAtSite;
  readonly start: PolicyAtSite;
  /** Variables in scope at the call (task attributes), innermost last. */
  readonly attrs: readonly { readonly name: string; readonly k: number }[];
  /** Number of enclosing `for` statements (workload bodies; 0 in processes). */
  readonly forDepth: number;
  /** Tensor arguments the TensorMap tracks. */
  readonly tracked: number;
  /** Heap-arena bytes one task of this call allocates (its `out` views of intermediates). */
  readonly heapBytes: number;
  /** A variable in scope has no name in the plan (an older package): `task.X` cannot resolve. */
  readonly namesMissing: boolean;
}

export interface LoadSite {
  readonly tensor: number;
  readonly index: readonly CompiledCode[];
  readonly bounds: readonly number[];
  readonly strides: readonly number[];
  readonly base: number;
  /** Element stride of the prefix: the linear index of the view's first element is offset × this. */
  readonly elementScale: number;
  /** Whether the tensor can be written at all (not a launch input). */
  readonly tracked: boolean;
}

export interface BodyProgram {
  readonly name: string;
  readonly code: readonly Ins[];
  readonly frameSize: number;
  /** The plan's own locals (the rest of the frame is hidden loop state). */
  readonly vars: number;
}

export interface ProgramSet {
  readonly bodies: readonly BodyProgram[];
  readonly sites: readonly CallSite[];
  /** Most tensor arguments of any call: TensorMap entries per task slot. */
  readonly maxTracked: number;
}

export interface CompileInput {
  readonly manifest: Manifest;
  readonly plan: Plan;
  readonly regions: RegionSpace;
  readonly dims: readonly (readonly number[])[];
  readonly symbols: readonly bigint[];
  /** Workload (false) or pipeline (true): processes wait for their kernels, so `for` needs no fences. */
  readonly pipeline: boolean;
}

/** Prefix lengths each tensor is accessed with anywhere in the plan (calls and loads). */
export function levelsUsed(manifest: Manifest, plan: Plan): Set<number>[] {
  const used = manifest.tensors.map(() => new Set<number>());
  const walk = (body: Body): void => {
    for (const s of body) {
      if (s.op === "call") for (const a of s.args) if ("tensor" in a) used[a.tensor]!.add(a.index.length);
      if (s.op === "load") used[s.tensor]!.add(s.index.length);
      for (const b of childBodies(s)) walk(b);
    }
  };
  for (const b of plan.bodies) walk(b.body);
  return used;
}

function childBodies(s: Statement): Body[] {
  switch (s.op) {
    case "parallel": case "for": case "select": case "scope": case "consume": return [s.body];
    case "when": return [...s.branches.map((b) => b.body), ...(s.else ? [s.else] : [])];
    default: return [];
  }
}

export function compileProgram(input: CompileInput): ProgramSet {
  const sites: CallSite[] = [];
  const policies = new Map(input.manifest.policies.map((p) => [p.id, p]));
  const bodies = input.plan.bodies.map((b, i) => new BodyCompiler(input, i, b, sites, policies).compile());
  const maxTracked = Math.max(1, ...sites.map((s) => s.tracked));
  return { bodies, sites, maxTracked };
}

class BodyCompiler {
  private readonly code: Ins[] = [];
  /** Variables in scope, innermost last. */
  private readonly scope: { name: string; k: number }[] = [];
  private hidden: number;
  private forDepth = 0;

  constructor(
    private readonly input: CompileInput,
    private readonly index: number,
    private readonly body: PlanBody,
    private readonly sites: CallSite[],
    private readonly policies: ReadonlyMap<string, PolicyEntry>,
  ) {
    this.hidden = body.vars;
  }

  compile(): BodyProgram {
    this.block(this.body.body);
    this.emit(new Ins(Op.End, null));
    return { name: this.body.name, code: this.code, frameSize: this.hidden, vars: this.body.vars };
  }

  private emit(ins: Ins): number {
    this.code.push(ins);
    return this.code.length - 1;
  }

  private planCode(code: import("../package/types.js").Code): CompiledCode {
    return new CompiledCode(code, { locals: this.body.vars });
  }

  /** A block's statements; a `recv` binds its variable to the end of the enclosing block. */
  private block(body: Body): void {
    const depth = this.scope.length;
    for (const s of body) this.statement(s);
    this.scope.length = depth;
  }

  private statement(s: Statement): void {
    switch (s.op) {
      case "parallel":
      case "for":
        return this.loop(s.op === "for", s.vars, s.axes, s.rows, names(s), s.body, s.loc);
      case "select":
        return this.loop(false, [s.var], [s.axis], [s.row], [nameOf(s)], s.body, s.loc);
      case "when":
        return this.when(s);
      case "load": {
        const ins = new Ins(Op.Load, s.loc ?? null);
        ins.var = s.slot;
        ins.load = this.loadSite(s.tensor, s.index);
        this.emit(ins);
        return;
      }
      case "call":
        return this.call(s);
      case "scope": {
        this.emit(new Ins(Op.ScopeBegin, s.loc ?? null));
        this.block(s.body);
        this.emit(new Ins(Op.ScopeEnd, s.loc ?? null));
        return;
      }
      case "send": {
        const ins = new Ins(Op.Send, s.loc ?? null);
        ins.channel = s.channel;
        ins.value = this.planCode(s.value);
        this.emit(ins);
        return;
      }
      case "recv": {
        const ins = new Ins(Op.Recv, s.loc ?? null);
        ins.channel = s.channel;
        ins.var = s.var;
        this.emit(ins);
        this.scope.push({ name: nameOf(s), k: s.var });
        return;
      }
      case "consume": {
        const head = new Ins(Op.ConsumeNext, s.loc ?? null);
        head.channel = s.channel;
        head.var = s.var;
        const at = this.emit(head);
        this.scope.push({ name: nameOf(s), k: s.var });
        this.block(s.body);
        this.scope.pop();
        const back = new Ins(Op.Jump, s.loc ?? null);
        back.target = at;
        this.emit(back);
        head.target = this.code.length;
        return;
      }
      case "close": {
        const ins = new Ins(Op.Close, s.loc ?? null);
        ins.channel = s.channel;
        this.emit(ins);
        return;
      }
    }
  }

  /** `parallel`/`for`/`select`: nested init/next pairs, the first binding outermost. */
  private loop(sequential: boolean, vars: readonly number[], axes: readonly number[], rows: readonly (import("../package/types.js").Code | null)[], varNames: readonly (string | undefined)[], body: Body, loc: string | undefined): void {
    const at = loc ?? null;
    const fence = sequential && !this.input.pipeline;
    const depth = this.scope.length;
    const forDepth = this.forDepth;
    if (fence) {
      const begin = new Ins(Op.ForBegin, at);
      begin.forDepth = forDepth;
      this.emit(begin);
      this.forDepth++;
    }
    const inits: Ins[] = [];
    const initAt: number[] = [];
    vars.forEach((v, i) => {
      const ins = new Ins(Op.LoopInit, at);
      ins.var = v;
      ins.hid = this.hidden;
      this.hidden += 2;
      this.setAxis(ins, axes[i]!, rows[i] ?? null, at);
      inits.push(ins);
      initAt.push(this.emit(ins));
      this.scope.push({ name: varNames[i] ?? "", k: v });
    });
    this.block(body);
    if (fence) {
      const iter = new Ins(Op.ForIter, at);
      iter.forDepth = forDepth;
      this.emit(iter);
    }
    // Innermost next first: when it runs out, the next one out advances.
    const nexts: number[] = [];
    for (let i = vars.length - 1; i >= 0; i--) {
      const next = new Ins(Op.LoopNext, at);
      const init = inits[i]!;
      next.var = init.var;
      next.hid = init.hid;
      next.axisKind = init.axisKind;
      next.axis = init.axis;
      next.target = initAt[i]! + 1;
      nexts[i] = this.emit(next);
    }
    // An empty range skips to the enclosing binding's next (or past the statement).
    inits.forEach((init, i) => {
      init.target = i === 0 ? this.code.length : nexts[i - 1]!;
    });
    if (fence) this.forDepth--;
    this.scope.length = depth;
  }

  private setAxis(ins: Ins, axisIndex: number, row: import("../package/types.js").Code | null, loc: string | null): void {
    const axis: Axis = this.input.plan.axes[axisIndex]!;
    ins.axis = axisIndex;
    if (axis.kind === "dense" || axis.kind === "dyn") {
      ins.axisKind = AxisKind.Dense;
      const size = new CompiledCode(axis.size!, { locals: 0 }).run({ symbols: this.input.symbols });
      if (size >= 1n << 53n) throw new SimError(`axis \`${axis.name}\` has ${size} iterations at launch, more than the simulator can count`, loc);
      ins.size = Number(size);
    } else {
      ins.axisKind = axis.kind === "ragged" ? AxisKind.Ragged : AxisKind.Sparse;
      if (!row) throw new SimError(`axis \`${axis.name}\` is ${axis.kind} but the loop gives no row; rebuild the package`, loc);
      ins.row = this.planCode(row);
      // The number of rows: the size of the outer (dense or dyn) axis.
      const outer = this.input.plan.axes[axis.outer!]!;
      ins.size = Number(new CompiledCode(outer.size!, { locals: 0 }).run({ symbols: this.input.symbols }));
    }
  }

  private when(s: Extract<Statement, { op: "when" }>): void {
    const test = new Ins(Op.When, s.loc ?? null);
    test.conds = s.branches.map((b) => this.planCode(b.cond));
    this.emit(test);
    const exits: Ins[] = [];
    for (const b of s.branches) {
      test.targets.push(this.code.length);
      this.block(b.body);
      const j = new Ins(Op.Jump, s.loc ?? null);
      exits.push(j);
      this.emit(j);
    }
    test.target = this.code.length; // no branch taken: the else block (or past it)
    if (s.else) this.block(s.else);
    for (const j of exits) j.target = this.code.length;
  }

  private view(tensor: number, index: readonly import("../package/types.js").Code[]): { bounds: number[]; strides: number[]; base: number } {
    const dims = this.input.dims[tensor]!;
    const k = index.length;
    const bounds = dims.slice(0, k);
    const strides: number[] = new Array<number>(k);
    let stride = 1;
    for (let i = k - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= bounds[i]!;
    }
    return { bounds, strides, base: this.input.regions.base[tensor]![k]! };
  }

  private loadSite(tensor: number, index: readonly import("../package/types.js").Code[]): LoadSite {
    const v = this.view(tensor, index);
    const dims = this.input.dims[tensor]!;
    const elementScale = dims.slice(index.length).reduce((a, b) => a * b, 1);
    return { tensor, index: index.map((c) => this.planCode(c)), ...v, elementScale, tracked: this.input.manifest.tensors[tensor]!.role !== "in" };
  }

  private call(s: Extract<Statement, { op: "call" }>): void {
    const m = this.input.manifest;
    const kernel: KernelEntry = m.kernels[s.kernel]!;
    const loc = s.loc ?? null;
    const tensorArgs: TensorArg[] = [];
    const scalarArgs: ScalarArg[] = [];
    kernel.params.forEach((p, i) => {
      const a = s.args[i]!;
      if (p.kind === "tensor") {
        if (!("tensor" in a)) throw new SimError(`argument ${i} of \`${kernel.name}\` should be a tensor view; rebuild the package`, loc);
        const t = m.tensors[a.tensor]!;
        const v = this.view(a.tensor, a.index);
        const viewElems = this.input.dims[a.tensor]!.slice(a.index.length).reduce((x, y) => x * y, 1);
        tensorArgs.push({
          tensor: a.tensor,
          param: p.name,
          index: a.index.map((c) => this.planCode(c)),
          ...v,
          reads: p.direction !== "out",
          writes: p.direction !== "in",
          tracked: t.role !== "in",
          heapBytes: p.direction === "out" && t.role === "intermediate" ? viewElems * dtypeBytes(t.dtype) : 0,
        });
      } else {
        if (!("scalar" in a)) throw new SimError(`argument ${i} of \`${kernel.name}\` should be a scalar; rebuild the package`, loc);
        scalarArgs.push({ param: i, name: p.name, code: this.planCode(a.scalar), type: p.dtype });
      }
    });
    const attrs = [...this.scope];
    const resolve = (name: string): TaskAttr | undefined => {
      if (name === "seq") return { kind: "seq" };
      if (name === "replica") return { kind: "replica" };
      for (let i = attrs.length - 1; i >= 0; i--) if (attrs[i]!.name === name) return { kind: "var", k: attrs[i]!.k };
      return undefined;
    };
    const sched = m.schedule;
    const policy = (d: typeof sched.dispatch, kind: string): PolicyAtSite => {
      const p = this.policies.get(d.policy);
      if (!p) throw new SimError(`the schedule's ${kind} policy ${d.policy} is not in manifest.policies; rebuild the package`, d.loc ?? null);
      return new PolicyAtSite(p, d, { resolve });
    };
    const cycles = new CompiledCode(kernel.cycles.code, { locals: kernel.params.length });
    const site: CallSite = {
      id: this.sites.length,
      body: this.index,
      kernel: s.kernel,
      kernelName: kernel.name,
      executor: kernel.executor === "AIC" ? AIC : AIV,
      loc,
      tensorArgs,
      scalarArgs,
      nParams: kernel.params.length,
      cycles,
      constCycles: cycles.constant !== undefined && cycles.constant < 1n << 53n ? Number(cycles.constant) : -1,
      cyclesLoc: kernel.cycles.loc ?? null,
      dispatch: policy(sched.dispatch, "dispatch"),
      ready: policy(sched.ready, "ready"),
      start: policy(sched.start, "start"),
      attrs: attrs.filter((a) => a.name !== ""),
      forDepth: this.forDepth,
      tracked: tensorArgs.filter((t) => t.tracked).length,
      heapBytes: tensorArgs.reduce((a, t) => a + t.heapBytes, 0),
      namesMissing: attrs.some((a) => a.name === ""),
    };
    this.sites.push(site);
    const ins = new Ins(Op.Call, loc);
    ins.site = site;
    this.emit(ins);
  }
}

/** Variable names of a loop (older plans carry none: then `task.X` cannot be resolved). */
function names(s: { readonly vars: readonly number[] }): (string | undefined)[] {
  const n = (s as { names?: unknown }).names;
  return Array.isArray(n) ? s.vars.map((_, i) => (typeof n[i] === "string" ? (n[i] as string) : undefined)) : s.vars.map(() => undefined);
}

function nameOf(s: object): string {
  const n = (s as { name?: unknown }).name;
  return typeof n === "string" ? n : "";
}
