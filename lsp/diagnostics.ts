/**
 * Compiler diagnostics as LSP diagnostics: the code, a link to its entry in
 * docs/diagnostics.md, severity, related locations (possibly in other files) and tags.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver/node";
import { CATALOGUE, type Diagnostic, type Severity } from "../compiler/diagnostic.js";
import { headingSlug, sectionTitle } from "../compiler/diagnostics-doc.js";
import type { CheckResult } from "../compiler/program.js";
import { LineMap } from "../grammar/line-map.js";
import { rangeOf } from "./positions.js";

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAG = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated } as const;

/**
 * The link for a code: the section of docs/diagnostics.md of the installed package, with the
 * anchor the generator gives that section's heading.
 */
export function diagnosticHref(packageRoot: string, code: keyof typeof CATALOGUE): string {
  const doc = pathToFileURL(path.join(packageRoot, "docs", "diagnostics.md")).href;
  return `${doc}#${headingSlug(sectionTitle(code, CATALOGUE[code]))}`;
}

/** The diagnostics of one file of a program, ready to publish. */
export function diagnosticsFor(
  result: CheckResult,
  file: string,
  uriOf: (file: string) => string,
  packageRoot: string,
): LspDiagnostic[] {
  const map = lineMapOf(result, file);
  if (!map) return [];
  return result.diagnostics.filter((d) => d.file === file).map((d) => toLsp(d, map, result, uriOf, packageRoot));
}

export function toLsp(d: Diagnostic, map: LineMap, result: CheckResult, uriOf: (file: string) => string, packageRoot: string): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] = [];
  for (const r of d.related) {
    const rmap = lineMapOf(result, r.file);
    if (rmap) related.push({ location: { uri: uriOf(r.file), range: rangeOf(rmap, r) }, message: r.message });
  }
  return {
    range: rangeOf(map, d),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: diagnosticHref(packageRoot, d.code) },
    source: "wsp",
    message: d.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...(d.tags.length > 0 ? { tags: d.tags.map((t) => TAG[t]) } : {}),
  };
}

/** The line map of a file the program read; a file it could not read has none. */
export function lineMapOf(result: CheckResult, file: string): LineMap | undefined {
  return result.files.get(file)?.lineMap;
}
