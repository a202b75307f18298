import type { PipelineDecl, WorkloadDecl } from "../../grammar/ast.js";
import type { TaskSite } from "../check/body.js";
import type { KernelParamInfo, Semantics } from "../check/symbols.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostic.js";
import type { AnalysisUnit } from "./index.js";

/** One per-task argument limit a target may declare: the runtime's argument arrays have a fixed size. */
interface ArgumentLimit {
  readonly property: "max_tensors_per_task" | "max_scalars_per_task" | "max_args";
  readonly what: string;
  readonly counts: (p: KernelParamInfo) => boolean;
}

const LIMITS: readonly ArgumentLimit[] = [
  { property: "max_tensors_per_task", what: "tensor arguments", counts: (p) => p.isTensor },
  { property: "max_scalars_per_task", what: "scalar arguments", counts: (p) => !p.isTensor },
  { property: "max_args", what: "arguments (tensors and scalars)", counts: () => true },
];

/**
 * Every kernel call of the unit whose task would take more arguments than the unit's target
 * allows (WSP0803, at the call). Checked here, not when a back end emits code, so the editor
 * shows it while the program is written; a target without the property has no limit.
 */
export function checkTaskArguments(sem: Semantics, unit: AnalysisUnit, sites: ReadonlyMap<WorkloadDecl | PipelineDecl, readonly TaskSite[]>): Diagnostic[] {
  const subject = unit.subject.decl;
  const props = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl)?.properties : undefined;
  if (!props || (subject.kind !== "Workload" && subject.kind !== "Pipeline")) return [];
  const out: Diagnostic[] = [];
  for (const site of sites.get(subject) ?? []) {
    const kernel = site.kernel?.decl.kind === "Kernel" ? sem.kernels.get(site.kernel.decl) : undefined;
    if (!kernel) continue;
    for (const l of LIMITS) {
      const limit = props.get(l.property);
      const n = kernel.params.filter(l.counts).length;
      if (typeof limit !== "bigint" || BigInt(n) <= limit) continue;
      const label = `${unit.target.name} (${unit.backend})`;
      out.push(makeDiagnostic("WSP0803", site.file, site.call.callee, `a task of \`${site.call.callee.text}\` takes ${n} ${l.what}, but ${label} allows at most ${limit} per task (\`${l.property}\`); split the kernel's arguments or use another target`));
    }
  }
  return out;
}
