/**
 * Folding ranges: declarations and blocks that span lines, kernel calls and parameter lists
 * broken over lines, runs of comments (`///` doc comments, `//` comments, multi-line block
 * comments) and runs of `use` lines. Lines are 0-based. A range ending with a closing bracket on
 * its own line stops on the line before, so the bracket stays visible, as editors expect.
 */
import type { SourceFileNode } from "../../grammar/ast.js";
import type { LineMap } from "../../grammar/line-map.js";
import type { SourceFile } from "../source-file.js";
import { childrenOf, type TreeNode } from "./tree.js";

export interface FoldingRange {
  readonly startLine: number;
  readonly endLine: number;
  readonly kind: "region" | "comment" | "imports";
}

/** Declarations, pipeline members, schedule `pools`, kernel calls: folded when they span lines. */
const FOLDABLE = new Set([
  "Const", "Slot", "Symbol", "Axis", "Tensor", "Kernel", "Policy", "Workload", "Pipeline", "Schedule", "Target",
  "Channel", "Process", "Pools", "Call",
]);

/** Those, and every block of statements. */
function foldable(node: TreeNode): boolean {
  return FOLDABLE.has(node["kind"] as string) || Array.isArray(node["statements"]);
}

export function foldingRanges(source: SourceFile): FoldingRange[] {
  const map = source.lineMap;
  const text = source.text;
  const byStart = new Map<number, FoldingRange>();
  const add = (r: FoldingRange): void => {
    const known = byStart.get(r.startLine);
    if (r.endLine > r.startLine && (!known || known.endLine < r.endLine)) byStart.set(r.startLine, r);
  };
  // Only a node spanning lines can hold one that does: single-line nodes are not descended into.
  const stack: TreeNode[] = [source.ast as unknown as TreeNode];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const nl = text.indexOf("\n", node.start);
    if (nl < 0 || nl >= node.end) continue;
    // A block folds from its `{` (the line of its statement), a declaration from its first line.
    if (foldable(node)) add({ startLine: line(map, node.start), endLine: endLineOf(map, text, node.end), kind: "region" });
    stack.push(...childrenOf(node));
  }
  for (const r of commentRuns(source, map)) add(r);
  const uses = useRun(source.ast, map);
  if (uses) add(uses);
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

function line(map: LineMap, offset: number): number {
  return map.position(offset).line - 1;
}

/** The last line to hide: before a closing bracket that starts its line. */
function endLineOf(map: LineMap, text: string, end: number): number {
  const last = line(map, end - 1);
  const closer = text[end - 1];
  if (closer !== "}" && closer !== ")" && closer !== "]") return last;
  const lineText = map.lineText(last + 1);
  return lineText.trimStart().startsWith(closer) ? last - 1 : last;
}

/** Multi-line block comments, and runs of line comments of one style on consecutive lines. */
function commentRuns(source: SourceFile, map: LineMap): FoldingRange[] {
  const out: FoldingRange[] = [];
  let run: { start: number; end: number; style: string } | undefined;
  const flush = (): void => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: "comment" });
    run = undefined;
  };
  for (const c of source.comments) {
    const first = line(map, c.start);
    const last = line(map, Math.max(c.start, c.end - 1));
    if (c.style === "block") {
      flush();
      if (last > first) out.push({ startLine: first, endLine: last, kind: "comment" });
      continue;
    }
    // A comment after code on the same line (`x // note`) does not start or continue a run.
    const alone = map.lineText(first + 1).trimStart().startsWith("//");
    if (run && alone && run.style === c.style && first === run.end + 1) run.end = first;
    else {
      flush();
      if (alone) run = { start: first, end: first, style: c.style };
    }
  }
  flush();
  return out;
}

/** The `use` lines of a file, when there are two or more. */
function useRun(ast: SourceFileNode, map: LineMap): FoldingRange | undefined {
  if (ast.uses.length < 2) return undefined;
  const first = ast.uses[0]!;
  const last = ast.uses[ast.uses.length - 1]!;
  return { startLine: line(map, first.start), endLine: line(map, Math.max(first.start, last.end - 1)), kind: "imports" };
}
