import { expect } from "vitest";
import type * as A from "../../grammar/ast.js";
import { LineMap } from "../../grammar/line-map.js";
import { parse, type ParseResult } from "../../grammar/parse.js";

/** Parses text that must be free of problems (the problems are shown if it is not). */
export function parseClean(text: string): A.SourceFileNode {
  const result = parse(text);
  expect(result.problems).toEqual([]);
  return result.ast;
}

/** `line:col` of each problem, in order, for compact assertions. */
export function problemPositions(text: string, result: ParseResult): string[] {
  const map = new LineMap(text);
  return result.problems.map((p) => {
    const at = map.position(p.start);
    return `${at.line}:${at.col}`;
  });
}

/** The source text a span covers. */
export function textOf(text: string, span: A.Span): string {
  return text.slice(span.start, span.end);
}

/** The single declaration of a given kind in a one-declaration program. */
export function onlyDecl<K extends A.Decl["kind"]>(text: string, kind: K): Extract<A.Decl, { kind: K }> {
  const ast = parseClean(text);
  expect(ast.decls).toHaveLength(1);
  const decl = ast.decls[0]!;
  expect(decl.kind).toBe(kind);
  return decl as Extract<A.Decl, { kind: K }>;
}

/** An expression written back fully parenthesised, to check precedence and associativity. */
export function show(e: A.Expr): string {
  switch (e.kind) {
    case "Int":
      return e.value.toString();
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name.text;
    case "TaskAttr":
      return `task.${e.attribute.text}`;
    case "View":
      return `${e.tensor.text}[${e.indices.map(show).join(", ")}]`;
    case "Unary":
      return `(${e.op}${show(e.operand)})`;
    case "Binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "CallExpr":
      return `${e.callee.text}(${e.args.map((a) => (a.name ? `${a.name.text} = ` : "") + show(a.value)).join(", ")})`;
    case "Paren":
      return `[${show(e.inner)}]`;
    case "Missing":
      return "<missing>";
  }
}
