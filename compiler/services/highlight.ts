/**
 * Document highlight: every mention in one file of what the name at an offset denotes, each
 * marked as where a value is put into it ("write"), read from it ("read"), or neither ("text").
 *
 * - The declaration is a write when it binds a value there (a constant, a `let`, a loop, select
 *   or token variable), else text (a kernel, tensor, axis, ... is declared, not assigned).
 * - Writes among the uses: `send ch(...)` and `close ch` (the channel), `load slot <- ...` (the
 *   slot), and a tensor passed to an `out` or `inout` kernel parameter.
 * - Every other use is a read: `recv`/`consume ... from ch`, a tensor passed to an `in`
 *   parameter, a name in an expression, a kernel called, an axis iterated, a policy used.
 */
import type { CallStmt, Ident, SourceFileNode, Span } from "../../grammar/ast.js";
import type { CheckResult } from "../program.js";
import { declarationOf, namesIn, symbolAt, targetKey, type SymbolHit } from "../queries.js";
import { ancestorsOf, parentOf } from "./tree.js";

export type HighlightKind = "text" | "read" | "write";

export interface Highlight extends Span {
  readonly kind: HighlightKind;
}

export function documentHighlights(result: CheckResult, file: string, offset: number): Highlight[] {
  const source = result.files.get(file);
  const hit = symbolAt(result, file, offset);
  if (!source || !hit) return [];
  const key = targetKey(hit.target);
  const declared = declarationOf(hit.target);
  return namesIn(result, file)
    .filter((h) => targetKey(h.target) === key)
    .map((h) => ({
      start: h.ident.start,
      end: h.ident.end,
      kind: declared.file === file && declared.start === h.ident.start ? declarationKind(h) : useKind(result, source.ast, h.ident),
    }));
}

function declarationKind(hit: SymbolHit): HighlightKind {
  const t = hit.target;
  if (t.kind === "global") return t.symbol.decl.kind === "Const" ? "write" : "text";
  if (t.kind === "local") return ["let", "loop", "select", "token"].includes(t.symbol.localKind) ? "write" : "text";
  return "text";
}

function useKind(result: CheckResult, ast: SourceFileNode, ident: Ident): HighlightKind {
  const owner = parentOf(ast, ident);
  switch (owner?.["kind"]) {
    case "Send":
    case "Close":
      return owner["channel"] === ident ? "write" : "read";
    case "Load":
      return owner["slot"] === ident ? "write" : "read";
    case "View":
    case "Name":
      return tensorArgumentKind(result, ast, owner);
    default:
      return "read";
  }
}

/** A view or bare tensor passed to a kernel: a write when the matched parameter is out or inout. */
function tensorArgumentKind(result: CheckResult, ast: SourceFileNode, expr: Span): HighlightKind {
  const [arg, call] = ancestorsOf(ast, expr);
  if (!arg || call?.["kind"] !== "Call" || arg["value"] !== expr) return "read";
  const c = call as unknown as CallStmt;
  const resolved = result.semantics.references.get(c.callee);
  const kernel = resolved?.kind === "global" && resolved.symbol.decl.kind === "Kernel" ? result.semantics.kernels.get(resolved.symbol.decl) : undefined;
  const matched = result.semantics.argumentMaps.get(c.args);
  if (!kernel || !matched) return "read";
  const param = kernel.params[matched.indexOf(c.args.indexOf(arg as never))];
  return param?.isTensor && (param.direction === "out" || param.direction === "inout") ? "write" : "read";
}
