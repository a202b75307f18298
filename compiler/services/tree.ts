/**
 * Structural helpers over the syntax tree for the editor services: children, parents and the
 * nodes around an offset. Structure only (no language rule): every node with a numeric
 * `start`/`end` is a node; arrays are looked through. Walks use explicit stacks, because a
 * recovered or generated tree can be deep.
 */
import type { Ident, SourceFileNode, Span } from "../../grammar/ast.js";
import type { ModuleInfo } from "../check/symbols.js";
import type { CheckResult } from "../program.js";

/** A tree node: anything with a span. */
export type TreeNode = Span & Readonly<Record<string, unknown>>;

export function isNode(value: unknown): value is TreeNode {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v["start"] === "number" && typeof v["end"] === "number";
}

/** A name as written (an `Ident`): a `text` and a span, no `kind`. */
export function isIdent(value: unknown): value is Ident {
  return isNode(value) && typeof value["text"] === "string" && value["kind"] === undefined;
}

/** The direct child nodes of `node`, in field order (arrays flattened). */
export function childrenOf(node: object): TreeNode[] {
  const out: TreeNode[] = [];
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

/** Every node of the tree under `root` (root included), parents before children. */
export function allNodes(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const stack: TreeNode[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    out.push(node);
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}

/**
 * The nodes enclosing `node`, innermost first (the file node last); empty if `node` is not in the
 * tree. Found by descending through the children whose span holds the node's span, so a lookup
 * costs one path of the tree, not a walk of all of it.
 */
export function ancestorsOf(ast: SourceFileNode, node: Span): TreeNode[] {
  const root = ast as unknown as TreeNode;
  // Depth-first over candidate paths: children with equal spans (an argument and its value) all hold it.
  const stack: TreeNode[][] = [[root]];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const last = path[path.length - 1]!;
    for (const kid of last === root ? topLevelAround(ast, node) : childrenOf(last)) {
      if (kid === node) return [...path].reverse();
      if (kid.start <= node.start && node.end <= kid.end) stack.push([...path, kid]);
    }
  }
  return [];
}

/** The top-level nodes that may hold `span`: module line, uses, and the one declaration starting before it. */
function topLevelAround(ast: SourceFileNode, span: Span): TreeNode[] {
  const decls = ast.decls;
  // Declarations are in source order: a binary search finds the last one starting at or before the span.
  let lo = 0;
  let hi = decls.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.start <= span.start) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const out: TreeNode[] = [];
  if (ast.module) out.push(ast.module as unknown as TreeNode);
  for (const u of ast.uses) out.push(u as unknown as TreeNode);
  if (found >= 0) out.push(decls[found] as unknown as TreeNode);
  return out;
}

/** The node directly holding `node`, if any. */
export function parentOf(ast: SourceFileNode, node: Span): TreeNode | undefined {
  return ancestorsOf(ast, node)[0];
}

/**
 * The chain of nodes whose span contains `offset` (ends included), outermost first, each inside
 * the previous one. A recovered tree may hold nodes that do not nest; those are left out.
 */
export function nodesAround(ast: SourceFileNode, offset: number): TreeNode[] {
  const chain: TreeNode[] = [ast as unknown as TreeNode];
  for (let node: TreeNode | undefined = chain[0]; node !== undefined;) {
    const outer: TreeNode = node;
    // A child that starts at or runs over the offset wins over one that merely ends there:
    // `f(|x)` is in `x`, and so is `f(x|)`.
    let inside: TreeNode | undefined;
    let ending: TreeNode | undefined;
    for (const kid of childrenOf(outer)) {
      if (kid.start > offset || kid.end < offset || kid.start < outer.start || kid.end > outer.end) continue;
      if (offset < kid.end) inside ??= kid;
      else ending ??= kid;
    }
    const next = inside ?? ending;
    if (next) chain.push(next);
    node = next;
  }
  return chain;
}

/** The module whose file is `file`, if the program read it. */
export function moduleOf(result: CheckResult, file: string): ModuleInfo | undefined {
  for (const m of result.modules.values()) if (m.file === file) return m;
  return undefined;
}

/** The bundled standard library: modules named `std` or `std.*` (docs/language.md). */
export function isStdModule(module: ModuleInfo): boolean {
  return module.name === "std" || module.name.startsWith("std.");
}
