/**
 * Evaluating the plan's programs inside an orchestrator's frame: indices, conditions, tokens,
 * rows and scalar arguments (fast form first, the reference evaluator for the rest), tensor views
 * as region keys with their bounds checks, and the rows of ragged and sparse axes read from
 * their tensors. Every failure is a run-time error naming the orchestrator and the location.
 */
import { EvalError, type EvalEnv } from "../bytecode.js";
import type { Manifest, Plan } from "../package/types.js";
import type { TensorStore } from "./data.js";
import { SimError } from "./errors.js";
import type { CompiledCode, FastCtx } from "./fastcode.js";
import { setCell, type Orch } from "./orchestrator.js";
import { AxisKind, type Ins } from "./program.js";
import { BIG, small, wide } from "./values.js";

/** A bytecode error becomes a run-time error at `loc` naming `o`; anything else passes through. */
export function runError(e: unknown, o: Orch, loc: string | null): unknown {
  if (e instanceof EvalError) return new SimError(e.message, loc, o.who);
  if (e instanceof SimError && e.who === null) e.who = o.who;
  return e;
}

export class PlanEval {
  constructor(
    private readonly manifest: Manifest,
    private readonly plan: Plan,
    private readonly store: TensorStore,
    readonly ctx: FastCtx,
  ) {}

  tensorName(t: number): string {
    return this.manifest.tensors[t]!.name;
  }

  /** A plan program's value in `o`'s frame: a number below 2^53, else a bigint. */
  value(o: Orch, cc: CompiledCode, loc: string | null): number | bigint {
    const ctx = this.ctx;
    ctx.replica = o.replica;
    ctx.hasReplica = o.hasReplica;
    const v = cc.fast(o.frame, o.frame, ctx);
    if (v >= 0) return v;
    const r = this.reference(o, cc, loc);
    const n = small(r);
    return n === BIG ? r : n;
  }

  private reference(o: Orch, cc: CompiledCode, loc: string | null): bigint {
    const env: EvalEnv = {
      vars: Array.from(o.frame, (x, i) => wide(x, o.big[i])),
      slots: this.ctx.slotsWide,
      symbols: this.ctx.symsWide,
      replica: o.hasReplica ? BigInt(o.replica) : undefined,
    };
    try {
      return cc.run(env);
    } catch (e) {
      throw runError(e, o, loc);
    }
  }

  /** The region key of a view, after checking every index against its dimension. */
  viewKey(o: Orch, index: readonly CompiledCode[], bounds: readonly number[], strides: readonly number[], base: number, tensor: number, loc: string | null): number {
    let key = base;
    for (let j = 0; j < index.length; j++) {
      const v = this.value(o, index[j]!, loc);
      if (typeof v !== "number" || v >= bounds[j]!) {
        throw new SimError(`index ${v} is out of range for dimension ${j} of tensor \`${this.tensorName(tensor)}\` (size ${bounds[j]})`, loc, o.who);
      }
      key += v * strides[j]!;
    }
    return key;
  }

  /** A ragged or sparse binding: its row's range into the hidden cells; false when empty. */
  rowRange(o: Orch, ins: Ins): boolean {
    const axis = this.plan.axes[ins.axis]!;
    const outer = this.plan.axes[axis.outer!]!;
    const row = this.value(o, ins.row!, ins.loc);
    if (typeof row !== "number" || row >= ins.size) {
      throw new SimError(`row ${row} of axis \`${axis.name}\` is out of range: \`${outer.name}\` has ${ins.size} rows`, ins.loc, o.who);
    }
    const F = o.frame;
    const h = ins.hid;
    if (ins.axisKind === AxisKind.Ragged) {
      const len = this.store.read(axis.lengths!, row);
      if (len < 0n) throw new SimError(`row ${row} of ragged axis \`${axis.name}\` has length ${len} (tensor \`${this.tensorName(axis.lengths!)}\`); lengths must not be negative`, ins.loc, o.who);
      F[h] = 0;
      F[h + 1] = Number(len);
      F[ins.var] = 0;
      return len > 0n;
    }
    const from = this.rowPointer(o, ins, row);
    const to = this.rowPointer(o, ins, row + 1);
    if (to < from) throw new SimError(`sparse axis \`${axis.name}\`: row pointers decrease at row ${row} (${from} then ${to}) in \`${this.tensorName(axis.indptr!)}\``, ins.loc, o.who);
    if (row === 0 && from !== 0) throw new SimError(`sparse axis \`${axis.name}\`: the first row pointer is ${from}, it must be 0 (\`${this.tensorName(axis.indptr!)}\`)`, ins.loc, o.who);
    F[h] = from;
    F[h + 1] = to;
    if (to === from) return false;
    this.sparseValue(o, ins, from);
    return true;
  }

  private rowPointer(o: Orch, ins: Ins, row: number): number {
    const axis = this.plan.axes[ins.axis]!;
    const v = this.store.read(axis.indptr!, row);
    const cap = this.store.counts[axis.indices!]!;
    if (v < 0n || v > BigInt(cap)) {
      throw new SimError(`sparse axis \`${axis.name}\`: row pointer ${row} is ${v}, outside 0 … ${cap} (the length of \`${this.tensorName(axis.indices!)}\`)`, ins.loc, o.who);
    }
    return Number(v);
  }

  /** The selected value at CSR position `pos` into the select variable. */
  sparseValue(o: Orch, ins: Ins, pos: number): void {
    const axis = this.plan.axes[ins.axis]!;
    const v = this.store.read(axis.indices!, pos);
    if (v < 0n) throw new SimError(`sparse axis \`${axis.name}\`: index ${pos} of \`${this.tensorName(axis.indices!)}\` is ${v}; selected values must not be negative`, ins.loc, o.who);
    setCell(o, ins.var, v);
  }
}
