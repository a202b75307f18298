/** Signature help for kernel calls and policy uses: parameters, their types, the active one. */
import { MarkupKind, type SignatureHelp } from "vscode-languageserver/node";
import { signatureHelp } from "../compiler/services/signature-help.js";
import type { DocumentPoint } from "./workspace.js";

export function signatureHelpAt(point: DocumentPoint): SignatureHelp | null {
  const help = signatureHelp(point.result, point.file, point.offset);
  if (!help) return null;
  return {
    signatures: [{
      label: help.label,
      ...(help.doc ? { documentation: { kind: MarkupKind.Markdown, value: help.doc } } : {}),
      parameters: help.parameters.map((p) => ({ label: [p.label[0], p.label[1]] as [number, number], documentation: { kind: MarkupKind.Markdown, value: p.doc } })),
    }],
    activeSignature: 0,
    // Past the last parameter or on an unknown name: none is active (null, as LSP 3.16+ allows).
    activeParameter: help.activeParameter ?? null,
  };
}
