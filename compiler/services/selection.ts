/**
 * Selection ranges ("expand selection"): from the name or token under the cursor outwards
 * through its expressions, argument, statement, enclosing blocks and statements, to the
 * declaration and the whole file. Each range contains the next smaller one; ranges equal to
 * their inner one are left out.
 */
import type { Span } from "../../grammar/ast.js";
import type { SourceFile } from "../source-file.js";
import { nodesAround } from "./tree.js";

/** The ranges around `offset`, innermost first. */
export function selectionRanges(source: SourceFile, offset: number): Span[] {
  const at = Math.max(0, Math.min(offset, source.text.length));
  const chain = nodesAround(source.ast, at);
  const out: Span[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const { start, end } = chain[i]!;
    const inner = out[out.length - 1];
    if (inner && inner.start === start && inner.end === end) continue;
    out.push({ start, end });
  }
  const whole = { start: 0, end: source.text.length };
  const outer = out[out.length - 1];
  if (!outer || outer.start !== 0 || outer.end !== whole.end) out.push(whole);
  return out;
}
