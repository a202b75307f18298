import type { Ident } from "../grammar/ast.js";
import type { DeclSymbol, Semantics } from "./check/symbols.js";

/**
 * Every module-level declaration reachable from `roots`, in first-reference order: what the
 * roots mention, then what those declarations mention (tensor dims, axis arguments, policy
 * bodies...). A generic walk over the tree, so no construct can be forgotten.
 */
export function reachableDeclarations(roots: readonly object[], sem: Semantics): DeclSymbol[] {
  const found: DeclSymbol[] = [];
  const seen = new Set<DeclSymbol>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const resolved = sem.references.get(node as Ident);
    if (resolved?.kind === "global" && !seen.has(resolved.symbol)) {
      seen.add(resolved.symbol);
      found.push(resolved.symbol);
    }
    for (const key in node) {
      if (key === "start" || key === "end") continue;
      visit((node as Record<string, unknown>)[key]);
    }
  };
  for (const r of roots) visit(r);
  // Declarations found later may mention more (e.g. an axis names its index tensors).
  for (let i = 0; i < found.length; i++) visit(declBody(found[i]!));
  return found;
}

/** The parts of a declaration that may mention other declarations. */
function declBody(symbol: DeclSymbol): unknown {
  const d = symbol.decl;
  switch (d.kind) {
    case "Tensor": return d.type.dims;
    case "Axis": return d.args;
    case "Policy": return [d.lets, d.result];
    case "Const": return d.value;
    default: return undefined;
  }
}
