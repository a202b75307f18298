import type { Directive } from "../../grammar/ast.js";
import { exprValue, type Semantics } from "../check/symbols.js";
import { BYTE_UNITS, POOLS, type Backend } from "../check/target-model.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostic.js";
import type { BuildUnit } from "../units.js";

/**
 * A schedule's sizes against its target's: a window beyond the task ring, a pool beyond the
 * target's. On pto-runtime's TMR back end the ring is a power of two, so another window size
 * cannot be honoured exactly (the package rounds it up): a warning says so.
 */
export function checkTargetLimits(sem: Semantics, unit: BuildUnit, backend: Backend): Diagnostic[] {
  const out: Diagnostic[] = [];
  const schedule = unit.schedule;
  if (!schedule || unit.target.decl.kind !== "Target") return out;
  const props = sem.targets.get(unit.target.decl)?.properties;
  const file = unit.scheduleFile ?? unit.subject.module.file;
  const limit = (key: string): bigint | undefined => {
    const v = props?.get(key);
    return typeof v === "bigint" ? v : undefined;
  };
  for (const d of schedule.directives) checkDirective(d);
  return out;

  function checkDirective(d: Directive): void {
    if (d.kind === "Window") {
      const size = exprValue(sem, d.size);
      if (typeof size !== "bigint") return;
      const max = limit("max_window");
      if (max !== undefined && size > max) {
        out.push(makeDiagnostic("WSP0808", file, d.size, `window ${size} is larger than ${unit.target.name}'s task ring (max_window ${max}); use at most ${max}`));
      } else if (backend === "pto-tmr" && (size & (size - 1n)) !== 0n) {
        const ring = 1n << BigInt(size.toString(2).length);
        out.push(makeDiagnostic("WSP0809", file, d.size, `pto-runtime's task ring is a power of two, so window ${size} runs as ${ring} on ${unit.target.name}; write \`window ${ring}\` (or ${ring / 2n}) to say what runs`, {
          fixes: [{ message: `use window ${ring}`, edits: [{ file, start: d.size.start, end: d.size.end, newText: String(ring) }] }],
        }));
      }
      return;
    }
    if (d.kind !== "Pools") return;
    for (const e of d.entries) {
      const spec = POOLS[e.name.text];
      const size = exprValue(sem, e.size);
      if (!spec || typeof size !== "bigint") continue;
      const bytes = size * (e.unit ? BYTE_UNITS[e.unit.text] ?? 1n : 1n);
      const max = limit(spec.limitProperty);
      if (max !== undefined && bytes > max) {
        out.push(makeDiagnostic("WSP0808", file, e, `pool \`${e.name.text}\` of ${bytes}${spec.bytes ? " bytes" : ""} is larger than ${unit.target.name} provides (${spec.limitProperty} ${max})`));
      }
    }
  }
}
