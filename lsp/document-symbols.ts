/** The outline: top-level declarations, with kernel parameters, pipeline members and target properties beneath. */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node";
import type { Decl, Ident, Span } from "../grammar/ast.js";
import type { LineMap } from "../grammar/line-map.js";
import type { SourceFile } from "../compiler/source-file.js";
import { rangeOf } from "./positions.js";

/** The symbol kind of each declaration and pipeline member (the outline and workspace symbols share it). */
export const SYMBOL_KIND: Readonly<Record<Decl["kind"] | "Channel" | "Process", SymbolKind>> = {
  Const: SymbolKind.Constant,
  Slot: SymbolKind.Variable,
  Symbol: SymbolKind.Variable,
  Axis: SymbolKind.Enum,
  Tensor: SymbolKind.Array,
  Kernel: SymbolKind.Function,
  Policy: SymbolKind.Function,
  Workload: SymbolKind.Module,
  Pipeline: SymbolKind.Module,
  Schedule: SymbolKind.Event,
  Target: SymbolKind.Object,
  Channel: SymbolKind.Event,
  Process: SymbolKind.Method,
};

const DETAIL: Readonly<Record<Decl["kind"], string>> = {
  Const: "const", Slot: "slot", Symbol: "symbol", Axis: "axis", Tensor: "tensor", Kernel: "kernel",
  Policy: "policy", Workload: "workload", Pipeline: "pipeline", Schedule: "schedule", Target: "target",
};

export function documentSymbols(source: SourceFile): DocumentSymbol[] {
  const map = source.lineMap;
  const out: DocumentSymbol[] = [];
  for (const d of source.ast.decls) {
    if (d.kind === "Schedule") {
      if (d.subject.text.length === 0) continue;
      const name = `schedule ${d.subject.text}${d.target.text ? ` on ${d.target.text}` : ""}`;
      out.push(symbol(map, name, DETAIL[d.kind], SYMBOL_KIND[d.kind], d, d.subject));
      continue;
    }
    if (d.name.text.length === 0) continue;
    out.push(symbol(map, d.name.text, DETAIL[d.kind], SYMBOL_KIND[d.kind], d, d.name, children(map, d)));
  }
  return out;
}

function children(map: LineMap, d: Decl): DocumentSymbol[] | undefined {
  switch (d.kind) {
    case "Kernel": return named(d.params.map((p) => symbol(map, p.name.text, p.isTensor ? "tensor parameter" : "parameter", SymbolKind.Variable, p, p.name)));
    case "Pipeline": return named(d.members.map((m) => symbol(map, m.name.text, m.kind === "Channel" ? "channel" : "process",
      SYMBOL_KIND[m.kind], m, m.name)));
    case "Target": return named(d.properties.map((p) => symbol(map, p.key.text, "property", SymbolKind.Property, p, p.key)));
    default: return undefined;
  }
}

function named(list: DocumentSymbol[]): DocumentSymbol[] {
  return list.filter((s) => s.name.length > 0);
}

function symbol(map: LineMap, name: string, detail: string, kind: SymbolKind, whole: Span, ident: Ident, kids?: DocumentSymbol[]): DocumentSymbol {
  // LSP requires the selection range inside the full range; a recovered tree may not promise it.
  const start = Math.min(whole.start, ident.start);
  const end = Math.max(whole.end, ident.end);
  return {
    name, detail, kind,
    range: rangeOf(map, { start, end }),
    selectionRange: rangeOf(map, ident),
    ...(kids && kids.length > 0 ? { children: kids } : {}),
  };
}
