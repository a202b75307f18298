import type { Block, ProcessDecl } from "../../../grammar/ast.js";
import type { ModuleInfo } from "../../check/symbols.js";

/** One sequential program: a workload's body, or one process of a pipeline. */
export interface Orchestrator {
  readonly body: Block;
  /** For messages: "workload `w`" or "process `p` of pipeline `q`". */
  readonly label: string;
  readonly process: ProcessDecl | undefined;
}

export function orchestrators(m: ModuleInfo): Orchestrator[] {
  const out: Orchestrator[] = [];
  for (const d of m.source.ast.decls) {
    if (d.kind === "Workload") out.push({ body: d.body, label: `workload \`${d.name.text}\``, process: undefined });
    if (d.kind !== "Pipeline") continue;
    for (const p of d.members) {
      if (p.kind === "Process") out.push({ body: p.body, label: `process \`${p.name.text}\``, process: p });
    }
  }
  return out;
}
