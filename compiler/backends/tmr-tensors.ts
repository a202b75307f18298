import type { Manifest, Plan } from "../package/build.js";
import type { Code } from "../package/bytecode.js";
import type { PlanStmt } from "../package/plan.js";
import { PTO_DATA_TYPE, isTensorParam, type Dtype } from "./common.js";

/**
 * Where each tensor of a pto-tmr orchestration lives.
 *
 * - `arg`: a tensor the program declares `in`, `out` or `inout`: the host passes it, and the
 *   orchestration reads it as `orch_args.tensor(arg)`.
 * - `local`: an intermediate the runtime allocates: the first task that writes it creates it
 *   with `add_output(TensorCreateInfo)` and later tasks use the returned tensor. pto-runtime
 *   can allocate only this way (there is no allocation without a producing task), and such a
 *   buffer lives only until the scope that created it ends. So an intermediate is `local` only
 *   when that is provably safe: every access is a statement directly in one block (so all of
 *   them run in the same scope, within one C++ block that holds the handle), the first is an
 *   `out` argument, all use the same view (identical index expressions that read no slot), and
 *   pto-runtime has a `DataType` for its dtype.
 * - `scratch`: any other intermediate (read by a later loop, accumulated with `inout`, viewed at
 *   two granularities, bool or f64): the host allocates it and passes it after the program's
 *   own arguments, like an argument.
 */
export type Placement =
  | { readonly kind: "arg"; readonly arg: number }
  | { readonly kind: "scratch"; readonly arg: number }
  | { readonly kind: "local" };

interface Access {
  readonly block: readonly PlanStmt[];
  readonly direction: "in" | "out" | "inout" | "load";
  readonly index: readonly Code[];
  /** The call's other accesses to the same tensor (a call passing a tensor twice). */
  readonly sameCall: number;
}

export function placeTensors(manifest: Manifest, plan: Plan): Placement[] {
  const accesses = collectAccesses(manifest, plan);
  const pinned = new Set<number>();
  for (const a of plan.axes) for (const t of [a.lengths, a.indptr, a.indices]) if (t !== null) pinned.add(t);
  let next = manifest.tensors.filter((t) => t.role !== "intermediate").length;
  let argIndex = 0;
  const placements: Placement[] = manifest.tensors.map((t, i) => {
    if (t.role !== "intermediate") return { kind: "arg", arg: argIndex++ };
    return !pinned.has(i) && isLocal(accesses.get(i) ?? [], t.dtype as Dtype) ? { kind: "local" } : { kind: "scratch", arg: -1 };
  });
  return placements.map((p) => (p.kind === "scratch" ? { kind: "scratch", arg: next++ } : p));
}

function isLocal(list: readonly Access[], dtype: Dtype): boolean {
  const first = list[0];
  if (!first || PTO_DATA_TYPE[dtype] === undefined) return false;
  if (first.direction !== "out" || first.sameCall > 1) return false;
  if (first.index.some((c) => c.some((ins) => ins[0] === "slot"))) return false;
  const key = JSON.stringify(first.index);
  return list.every((a) => a.block === first.block && JSON.stringify(a.index) === key);
}

/** Every access to every tensor, in submission order within each block. */
function collectAccesses(manifest: Manifest, plan: Plan): Map<number, Access[]> {
  const out = new Map<number, Access[]>();
  const add = (tensor: number, a: Access) => {
    const list = out.get(tensor);
    if (list) list.push(a);
    else out.set(tensor, [a]);
  };
  const walk = (block: readonly PlanStmt[]): void => {
    for (const s of block) {
      switch (s.op) {
        case "call": {
          const params = manifest.kernels[s.kernel]!.params;
          s.args.forEach((arg, j) => {
            const p = params[j]!;
            if (!("tensor" in arg) || !isTensorParam(p)) return;
            const sameCall = s.args.filter((x) => "tensor" in x && x.tensor === arg.tensor).length;
            add(arg.tensor, { block, direction: p.direction as Access["direction"], index: arg.index, sameCall });
          });
          break;
        }
        case "load":
          add(s.tensor, { block, direction: "load", index: s.index, sameCall: 1 });
          break;
        case "when":
          for (const b of s.branches) walk(b.body);
          if (s.else) walk(s.else);
          break;
        case "parallel": case "for": case "select": case "scope": case "consume":
          walk(s.body);
          break;
        default:
          break;
      }
    }
  };
  for (const b of plan.bodies) walk(b.body);
  return out;
}
