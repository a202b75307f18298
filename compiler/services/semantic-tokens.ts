/**
 * Semantic tokens: what each name of a file is, for colouring beyond what a TextMate grammar can
 * know. Names are classified by what checking resolved them to (a name that resolves to nothing
 * gets no token); soft keywords (`depth`, `cycles`, `dispatch`, ...) are marked as keywords where
 * they act as keywords and left alone where they are names; dtypes are types; module paths are
 * namespaces; `task.X` attributes and target keys are properties.
 *
 * Modifiers: `declaration` at the declaring name; `readonly` on what no statement can write
 * (constants, symbols, `in` tensors, and every local: loop, select and token variables, lets and
 * parameters are bound once); `defaultLibrary` on declarations of the standard library.
 */
import type { Ident, Span } from "../../grammar/ast.js";
import { SOFT_KEYWORDS } from "../../grammar/lexer.js";
import type { CheckResult } from "../program.js";
import { declarationOf, namesIn, type SymbolTarget } from "../queries.js";
import { allNodes, isIdent, isStdModule, moduleOf, type TreeNode } from "./tree.js";

export const TOKEN_TYPES = [
  "keyword", "namespace", "type", "property", "kernel", "tensor", "axis", "channel", "process", "policy",
  "slot", "symbol", "parameter", "variable", "workload", "pipeline", "target",
] as const;
export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  readonly start: number;
  readonly end: number;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

const SOFT_WORDS = new RegExp(`\\b(?:${SOFT_KEYWORDS.map((t) => String(t.PATTERN)).join("|")})\\b`, "g");

/** Whether `offset` lies inside one of `spans` (sorted by start, not overlapping). */
function within(spans: readonly Span[], offset: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (s.end <= offset) lo = mid + 1;
    else if (s.start > offset) hi = mid - 1;
    else return true;
  }
  return false;
}

/** The tokens of `file`, in source order, never overlapping. */
export function semanticTokens(result: CheckResult, file: string): SemanticToken[] {
  const module = moduleOf(result, file);
  if (!module) return [];
  const source = module.source;
  const tokens: SemanticToken[] = [];
  const identStarts = new Set<number>();
  const strings: Span[] = [];
  for (const node of allNodes(source.ast as unknown as TreeNode)) {
    if (isIdent(node)) identStarts.add(node.start);
    else if (node["kind"] === "String") strings.push(node);
    else structural(node, tokens);
  }
  for (const hit of namesIn(result, file)) {
    const declared = declarationOf(hit.target);
    const isDecl = declared.file === file && declared.start === hit.ident.start;
    tokens.push(classify(hit.target, hit.ident, isDecl));
  }
  // A soft keyword is a keyword wherever the tree does not hold it as a name (and it is not
  // inside a comment or string). A word search, not a second lexing pass: large files matter.
  const quiet = [...source.comments, ...strings].sort((a, b) => a.start - b.start);
  for (const m of source.text.matchAll(SOFT_WORDS)) {
    const at = m.index;
    if (identStarts.has(at) || within(quiet, at)) continue;
    tokens.push({ start: at, end: at + m[0].length, type: "keyword", modifiers: [] });
  }
  tokens.sort((a, b) => a.start - b.start || b.end - a.end);
  let end = 0;
  return tokens.filter((t) => {
    if (t.end <= t.start || t.start < end) return false;
    end = t.end;
    return true;
  });
}

/** Tokens the tree itself tells: dtypes, module paths, task attributes, target keys, policy kinds. */
function structural(node: TreeNode, out: SemanticToken[]): void {
  const add = (span: { start: number; end: number } | undefined, type: TokenType): void => {
    if (span && span.end > span.start) out.push({ start: span.start, end: span.end, type, modifiers: [] });
  };
  // A scalar type as written (`u64`, the dtype of a tensor type): a name string, no kind.
  if (typeof node["name"] === "string" && node["kind"] === undefined) add(node, "type");
  switch (node["kind"]) {
    case "Module":
    case "Use":
      for (const part of ((node["kind"] === "Module" ? node["name"] : node["module"]) as { parts: readonly Ident[] }).parts) add(part, "namespace");
      return;
    case "TaskAttr": add(node["attribute"] as Ident, "property"); return;
    case "Policy": add(node["policyKind"] as Ident, "keyword"); return;
    default:
      if (isIdent(node["key"]) && node["value"] !== undefined) add(node["key"], "property");
  }
}

function classify(target: SymbolTarget, ident: Ident, isDecl: boolean): SemanticToken {
  const modifiers: TokenModifier[] = isDecl ? ["declaration"] : [];
  let type: TokenType;
  switch (target.kind) {
    case "member":
      type = target.decl.kind === "Channel" ? "channel" : "process";
      break;
    case "local":
      type = target.symbol.localKind.endsWith("param") ? "parameter" : "variable";
      modifiers.push("readonly");
      break;
    case "global": {
      const decl = target.symbol.decl;
      type = GLOBAL_TYPE[decl.kind];
      if (decl.kind === "Const" || decl.kind === "Symbol" || (decl.kind === "Tensor" && decl.direction?.value === "in")) modifiers.push("readonly");
      if (isStdModule(target.symbol.module)) modifiers.push("defaultLibrary");
      break;
    }
  }
  return { start: ident.start, end: ident.end, type, modifiers };
}

const GLOBAL_TYPE: Readonly<Record<Extract<SymbolTarget, { kind: "global" }>["symbol"]["decl"]["kind"], TokenType>> = {
  Const: "variable",
  Slot: "slot",
  Symbol: "symbol",
  Axis: "axis",
  Tensor: "tensor",
  Kernel: "kernel",
  Policy: "policy",
  Workload: "workload",
  Pipeline: "pipeline",
  Target: "target",
};
