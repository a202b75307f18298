/**
 * Inside the argument list of a kernel call or a policy use: the parameter names not given yet,
 * for `name = value` arguments. The call is found from the text before the cursor (the call
 * being typed is often not complete enough to parse); the callee is resolved through the
 * module's own names, imports and prelude, as checking resolved them.
 */
import type { CheckResult } from "../program.js";

export interface ParameterName {
  readonly name: string;
  /** e.g. "scale: i32" or "a: in f32[32, 32]". */
  readonly detail: string;
  readonly callee: string;
}

/** How far back the open parenthesis of a call is looked for. */
const MAX_LOOKBACK = 4000;

export function parameterNamesAt(result: CheckResult, file: string, offset: number): ParameterName[] {
  const module = [...result.modules.values()].find((m) => m.file === file);
  if (!module) return [];
  const text = module.source.text;
  const open = unmatchedParen(text, offset);
  if (open < 0) return [];
  const callee = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(Math.max(0, open - 200), open))?.[1];
  if (!callee) return [];
  const symbol = module.decls.get(callee) ?? module.imports.get(callee)?.target ?? module.prelude.get(callee);
  const decl = symbol?.decl;
  if (decl?.kind !== "Kernel" && decl?.kind !== "Policy") return [];
  const given = new Set([...text.slice(open + 1, offset).matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/g)].map((m) => m[1]!));
  const source = symbol!.module.source.text;
  return decl.params
    .filter((p) => !given.has(p.name.text))
    .map((p) => ({ name: p.name.text, detail: source.slice(p.start, p.end), callee }));
}

/** The offset of the `(` enclosing `offset` (not closed before it), or -1. */
function unmatchedParen(text: string, offset: number): number {
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= Math.max(0, offset - MAX_LOOKBACK); i--) {
    const c = text[i];
    if (c === ")" || c === "]") depth++;
    else if (c === "(" || c === "[") {
      if (depth === 0) return c === "(" ? i : -1;
      depth--;
    } else if (c === "{" || c === "}" || c === ";") return -1;
  }
  return -1;
}
