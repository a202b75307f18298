import type { Arg, Span } from "../../grammar/ast.js";
import type { CheckContext } from "./context.js";
import { suggestion } from "./suggest.js";

export interface ParamSpec {
  readonly name: string;
  /** An optional parameter may be left out (its default applies). */
  readonly optional?: boolean;
}

/**
 * Matches call arguments to parameters: positional ones first, in order, then named ones.
 * The one rule for every call in the language (kernels, policies, axis constructors, built-ins).
 * Returns, per parameter, the index of its argument (undefined for an omitted optional one), or
 * undefined when the call is malformed (diagnosed, unless the whole `call` was cut short by a
 * syntax error: then the missing arguments are that error's consequence).
 */
export function matchArguments(
  ctx: CheckContext,
  args: readonly Arg[],
  params: readonly ParamSpec[],
  callee: string,
  calleeSpan: Span,
  call: Span = calleeSpan,
): (number | undefined)[] | undefined {
  const assigned: (number | undefined)[] = params.map(() => undefined);
  let ok = true;
  let seenNamed: Arg | undefined;
  let positional = 0;
  args.forEach((arg, i) => {
    if (!arg.name) {
      if (seenNamed) {
        ctx.report("WSP0303", arg, `positional argument after a named one; move it before \`${seenNamed.name!.text} = ...\` or name it`);
        ok = false;
        return;
      }
      if (positional >= params.length) {
        ctx.report("WSP0301", arg, `${callee} takes ${countText(params.length)}, but ${args.length} ${args.length === 1 ? "was" : "were"} given; remove this one`);
        ok = false;
        return;
      }
      assigned[positional++] = i;
      return;
    }
    seenNamed = arg;
    const name = arg.name.text;
    const p = params.findIndex((q) => q.name === name);
    if (p < 0) {
      const s = suggestion(name, params.map((q) => q.name), ctx.module.file, arg.name);
      ctx.report("WSP0302", arg.name, `${callee} has no parameter named \`${name}\`${s.hint || `; its parameters are ${params.map((q) => `\`${q.name}\``).join(", ") || "none"}`}`, { fixes: s.fixes });
      ok = false;
      return;
    }
    if (assigned[p] !== undefined) {
      ctx.report("WSP0304", arg.name, `parameter \`${name}\` of ${callee} is given twice`, {
        related: [{ file: ctx.module.file, start: args[assigned[p]!]!.start, end: args[assigned[p]!]!.end, message: "first given here" }],
      });
      ok = false;
      return;
    }
    assigned[p] = i;
  });
  const missing = params.filter((q, i) => assigned[i] === undefined && !q.optional).map((q) => `\`${q.name}\``);
  if (ok && missing.length > 0) {
    if (!ctx.truncated(call)) ctx.report("WSP0301", calleeSpan, `${callee} takes ${countText(params.length)}, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing`);
    ok = false;
  }
  if (!ok) return undefined;
  ctx.sem.argumentMaps.set(args, assigned);
  return assigned;
}

function countText(n: number): string {
  return n === 1 ? "1 argument" : `${n} arguments`;
}
