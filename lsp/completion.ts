/** Completion: keywords that fit the place, and the names in scope there (module-level and local). */
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver/node";
import { completionContext, declarationHead } from "../compiler/queries.js";
import type { NamedDecl } from "../compiler/check/symbols.js";
import type { DocumentPoint } from "./workspace.js";

const KIND: Readonly<Record<NamedDecl["kind"], CompletionItemKind>> = {
  Const: CompletionItemKind.Constant,
  Slot: CompletionItemKind.Variable,
  Symbol: CompletionItemKind.Variable,
  Axis: CompletionItemKind.Enum,
  Tensor: CompletionItemKind.Field,
  Kernel: CompletionItemKind.Function,
  Policy: CompletionItemKind.Function,
  Workload: CompletionItemKind.Module,
  Pipeline: CompletionItemKind.Module,
  Target: CompletionItemKind.Struct,
};

export function completion(point: DocumentPoint): CompletionItem[] {
  const ctx = completionContext(point.result, point.file, point.offset);
  const items: CompletionItem[] = ctx.keywords.map((k) => ({ label: k, kind: CompletionItemKind.Keyword, sortText: `2${k}` }));
  for (const n of ctx.names) {
    const s = n.symbol;
    items.push({
      label: n.name,
      kind: s ? KIND[s.decl.kind] : CompletionItemKind.Variable,
      detail: s ? declarationHead(s.module.source.text, s.decl).split("\n")[0] : n.what,
      ...(s?.decl.doc ? { documentation: { kind: "markdown" as const, value: s.decl.doc } } : {}),
      // Locals first, then this module's names, then keywords.
      sortText: `${s ? 1 : 0}${n.name}`,
    });
  }
  return items;
}
