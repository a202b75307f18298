/**
 * Go to type definition: from a value to the declaration that gives it its shape, where the
 * language has one. A loop or select variable ranges over its axis; a token comes from its
 * channel; a tensor view (or a tensor name) is a piece of its tensor. Scalars (constants, slots,
 * symbols, parameters, lets) have built-in types, with nothing to go to.
 */
import type { Ident } from "../../grammar/ast.js";
import type { DeclSymbol } from "../check/symbols.js";
import type { Location } from "../diagnostic.js";
import type { CheckResult } from "../program.js";
import { declarationOf, symbolAt } from "../queries.js";
import { parentOf } from "./tree.js";

export function typeDefinition(result: CheckResult, file: string, offset: number): Location | undefined {
  const hit = symbolAt(result, file, offset);
  if (!hit) return undefined;
  const t = hit.target;
  if (t.kind === "global") return t.symbol.decl.kind === "Tensor" ? declarationOf(t) : undefined;
  if (t.kind !== "local") return undefined;
  const s = t.symbol;
  if (s.localKind === "loop" || s.localKind === "select") return loopAxis(result, t.file, s.ident, s.axis);
  if (s.localKind === "token") return tokenChannel(result, t.file, s.ident);
  return undefined;
}

/** The axis a loop or select variable ranges over (an unused variable's symbol does not record it). */
function loopAxis(result: CheckResult, file: string, variable: Ident, axis: DeclSymbol | undefined): Location | undefined {
  if (axis) return declarationOf({ kind: "global", symbol: axis });
  const ast = result.files.get(file)?.ast;
  const binding = ast ? parentOf(ast, variable) : undefined;
  const resolved = binding && binding["variable"] === variable ? result.semantics.references.get(binding["axis"] as Ident) : undefined;
  return resolved?.kind === "global" && resolved.symbol.decl.kind === "Axis" ? declarationOf(resolved) : undefined;
}

/** The channel a `recv` or `consume` binding its token reads from. */
function tokenChannel(result: CheckResult, file: string, variable: Ident): Location | undefined {
  const ast = result.files.get(file)?.ast;
  const stmt = ast ? parentOf(ast, variable) : undefined;
  if ((stmt?.["kind"] !== "Recv" && stmt?.["kind"] !== "Consume") || stmt["variable"] !== variable) return undefined;
  const resolved = result.semantics.references.get(stmt["channel"] as Ident);
  return resolved?.kind === "channel" ? { file, start: resolved.decl.name.start, end: resolved.decl.name.end } : undefined;
}
