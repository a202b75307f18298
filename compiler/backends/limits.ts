import type { Manifest } from "../package/build.js";
import { childBlocks, pair, report, targetLabel, type ManifestKernel, type Paired, type Reporter } from "./common.js";

/** One per-task argument limit of a target. */
export interface ArgumentLimit {
  /** "tensor arguments", "arguments", ... */
  readonly what: string;
  readonly limit: number;
  /** The target property the limit comes from. */
  readonly property: string;
  readonly count: (kernel: ManifestKernel) => number;
}

/**
 * Reports every kernel call whose task would take more arguments than the target allows
 * (WSP0803, at the call): the runtime's argument arrays have a fixed size.
 */
export function checkTaskArguments(m: Manifest, body: readonly Paired[], r: Reporter, limits: readonly ArgumentLimit[]): void {
  const walk = (block: readonly Paired[]): void => {
    for (const s of block) {
      if (s.plan.op === "call") {
        const kernel = m.kernels[s.plan.kernel]!;
        for (const l of limits) {
          const n = l.count(kernel);
          if (n > l.limit) {
            report(r, "WSP0803", s.ast, `a task of \`${kernel.name}\` takes ${n} ${l.what}, but ${targetLabel(m)} allows at most ${l.limit} per task (\`${l.property}\`)`);
          }
        }
      }
      for (const b of childBlocks(s)) walk(pair(b.plan, b.ast));
    }
  };
  walk(body);
}
