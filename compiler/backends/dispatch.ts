import type { Manifest } from "../package/build.js";
import type { Code } from "../package/bytecode.js";
import { cosmetic, cppName, scalarBits, targetNumber } from "./common.js";
import { cppExpr, cppNarrow, type CppNames } from "./cpp-expr.js";

/**
 * The generated `wsp_select_scheduler(...)`: the schedule's dispatch policy, with its arguments,
 * compiled to C++. It returns the scheduler index the policy chooses for a task. pto-runtime has
 * no per-task scheduler assignment (seed gap 1), so the orchestration calls it for every task,
 * keeps the result in a variable and does nothing else with it: the directive is *recorded*.
 */
export interface DispatchFunction {
  readonly text: string;
  /** What to pass, in parameter order: task attributes (`seq` or a variable name), then slots, then symbols. */
  readonly params: readonly DispatchParam[];
}

export type DispatchParam =
  | { readonly kind: "task"; readonly name: string }
  | { readonly kind: "slot"; readonly index: number }
  | { readonly kind: "sym"; readonly index: number };

export function dispatchFunction(manifest: Manifest): DispatchFunction | undefined {
  const use = manifest.schedule.dispatch;
  const policy = manifest.policies.find((p) => p.id === use.policy);
  if (!policy) return undefined;
  const codes: Code[] = [...use.args, ...policy.lets.map((l) => l.code), policy.code];
  const params = collectParams(codes);
  const paramName = new Map<string, string>();
  params.forEach((p, i) => {
    const key = p.kind === "task" ? `task:${p.name}` : `${p.kind}:${p.index}`;
    const label = p.kind === "task" ? p.name : p.kind === "slot" ? manifest.slots[p.index]?.name ?? "slot" : manifest.symbols[p.index]?.name ?? "symbol";
    paramName.set(key, cppName(p.kind === "task" ? "a" : p.kind, i, label));
  });
  const local = (k: number) => (k < policy.params.length ? cppName("p", k, policy.params[k]!.name) : `l${k}`);
  const names: CppNames = {
    var: local,
    slot: (k) => paramName.get(`slot:${k}`)!,
    sym: (k) => paramName.get(`sym:${k}`)!,
    task: (n) => paramName.get(`task:${n}`)!,
    replica: () => "UINT64_C(0)",
  };
  const where = `dispatch policy ${policy.qualified_name}`;
  const lines: string[] = [];
  const schedulers = targetNumber(manifest, "schedulers");
  lines.push(
    `// The schedule's dispatch policy \`${cosmetic(policy.name)}\` (id ${policy.id}) and its arguments: the`,
    `// scheduler${schedulers === undefined ? "" : ` (0 to ${schedulers - 1})`} it chooses for a task. Recorded, not enforced: pto-runtime has no`,
    "// per-task scheduler assignment (seed gap 1), so the entry computes it for every task and",
    "// leaves it unused.",
    `[[maybe_unused]] static uint64_t wsp_select_scheduler(${params.map((p) => `uint64_t ${paramName.get(p.kind === "task" ? `task:${p.name}` : `${p.kind}:${p.index}`)}`).join(", ")}) {`,
  );
  policy.params.forEach((p, i) => {
    const value = cppExpr(use.args[i]!, names, `${where}, argument ${i + 1}`);
    lines.push(`  [[maybe_unused]] const uint64_t ${local(i)} = ${cppNarrow(value, scalarBits(p.type), p.type.startsWith("i"))};`);
  });
  for (const l of policy.lets) lines.push(`  const uint64_t ${local(l.var)} = ${cppExpr(l.code, names, where)};`);
  lines.push(`  return ${cppExpr(policy.code, names, where)};`, "}");
  return { text: lines.join("\n"), params };
}

/** Task attributes (sorted by name), slots and symbols the programs read, in parameter order. */
function collectParams(codes: readonly Code[]): DispatchParam[] {
  const attrs = new Set<string>();
  const slots = new Set<number>();
  const syms = new Set<number>();
  for (const code of codes) {
    for (const ins of code) {
      if (ins[0] === "task") attrs.add(ins[1] as string);
      else if (ins[0] === "slot") slots.add(ins[1] as number);
      else if (ins[0] === "sym") syms.add(ins[1] as number);
    }
  }
  return [
    ...[...attrs].sort().map((name): DispatchParam => ({ kind: "task", name })),
    ...[...slots].sort((a, b) => a - b).map((index): DispatchParam => ({ kind: "slot", index })),
    ...[...syms].sort((a, b) => a - b).map((index): DispatchParam => ({ kind: "sym", index })),
  ];
}
