/**
 * Completion: keywords that fit the place, the names in scope there (module-level and local),
 * tensors with their shapes, parameter names inside a call's arguments, and snippets for the
 * main declarations at the top level.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from "vscode-languageserver/node";
import { completionContext, declarationHead } from "../compiler/queries.js";
import { showDims, type NamedDecl } from "../compiler/check/symbols.js";
import { parameterNamesAt } from "../compiler/services/call-completion.js";
import type { CheckResult } from "../compiler/program.js";
import type { DeclSymbol } from "../compiler/check/symbols.js";
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

/** Skeletons of the declarations a file is made of (valid syntax once the placeholders are filled). */
const SNIPPETS: readonly { label: string; detail: string; body: string }[] = [
  { label: "kernel", detail: "kernel declaration", body: "kernel ${1:name}(${2:x}: ${3|in,out,inout|} ${4:f32}[${5:16}, ${6:16}]) on ${7|aiv,aic|} cycles ${8:100}" },
  { label: "workload", detail: "workload declaration", body: "workload ${1:name} {\n\tparallel ${2:i} in ${3:axis} {\n\t\t$0\n\t}\n}" },
  { label: "pipeline", detail: "pipeline declaration", body: "pipeline ${1:name} {\n\tchannel ${2:c} depth ${3:1}\n\tprocess ${4:producer} {\n\t\t$0\n\t}\n}" },
  { label: "schedule", detail: "schedule declaration", body: "schedule ${1:subject} on ${2:a2a3sim} {\n\tdispatch ${3:round_robin(4)}\n}" },
];

export function completion(point: DocumentPoint): CompletionItem[] {
  const ctx = completionContext(point.result, point.file, point.offset);
  const items: CompletionItem[] = ctx.keywords.map((k) => ({ label: k, kind: CompletionItemKind.Keyword, sortText: `2${k}` }));
  if (ctx.place === "top") {
    for (const s of SNIPPETS) {
      items.push({ label: s.label, kind: CompletionItemKind.Snippet, detail: s.detail, insertText: s.body, insertTextFormat: InsertTextFormat.Snippet, sortText: `3${s.label}` });
    }
  }
  if (ctx.place === "body" || ctx.place === "process-body" || ctx.place === "schedule") {
    for (const p of parameterNamesAt(point.result, point.file, point.offset)) {
      items.push({ label: `${p.name} =`, kind: CompletionItemKind.Property, detail: `parameter of ${p.callee}: ${p.detail}`, insertText: `${p.name} = `, filterText: p.name, sortText: `0${p.name}` });
    }
  }
  for (const n of ctx.names) {
    const s = n.symbol;
    const shape = s ? tensorShape(point.result, s) : undefined;
    items.push({
      label: n.name,
      kind: s ? KIND[s.decl.kind] : CompletionItemKind.Variable,
      detail: s ? declarationHead(s.module.source.text, s.decl).split("\n")[0] : n.what,
      ...(shape ? { labelDetails: { detail: ` ${shape}` } } : {}),
      ...(s?.decl.doc ? { documentation: { kind: "markdown" as const, value: s.decl.doc } } : {}),
      // Locals first, then this module's names, then keywords.
      sortText: `${s ? 1 : 0}${n.name}`,
    });
  }
  return items;
}

/** `f32[8, 4, 32, 32]`: a tensor's element type and its dimensions as checking folded them. */
function tensorShape(result: CheckResult, s: DeclSymbol): string | undefined {
  if (s.decl.kind !== "Tensor") return undefined;
  const info = result.semantics.tensors.get(s.decl);
  return info ? `${info.dtype}${showDims(info.dims)}` : undefined;
}
