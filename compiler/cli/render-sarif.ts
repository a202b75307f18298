import type { Span } from "../../grammar/ast.js";
import type { CatalogueEntry, Diagnostic, Fix, Severity } from "../diagnostic.js";
import { diagnosticSection, sortedCodes } from "../diagnostics-doc.js";
import { toRange, type LineMapLookup } from "./render-common.js";

/** SARIF 2.1.0 (OASIS): the format code-scanning services read. Only the parts wspc fills. */

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  readonly toolName: string;
  readonly toolVersion: string;
  /**
   * Absolute folder that relative file names are relative to (the working directory). When
   * given, relative artifact URIs are tied to it through the `%SRCROOT%` base id.
   */
  readonly srcRoot?: string;
}

type SarifLevel = "error" | "warning" | "note";

interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

interface PhysicalLocation {
  readonly artifactLocation: ArtifactLocation;
  readonly region: Region;
}

const LEVELS: Readonly<Record<Severity, SarifLevel>> = {
  error: "error",
  warning: "warning",
  info: "note",
  hint: "note",
};

const SRCROOT = "%SRCROOT%";

export function renderSarif(
  diagnostics: readonly Diagnostic[],
  lookup: LineMapLookup,
  catalogue: Readonly<Record<string, CatalogueEntry>>,
  options: SarifOptions,
): string {
  const codes = sortedCodes(catalogue);
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const at = (file: string, span: Span): PhysicalLocation => physicalLocation(lookup, file, span, options);
  const run = {
    tool: {
      driver: {
        name: options.toolName,
        version: options.toolVersion,
        rules: codes.map((code) => rule(code, catalogue[code]!)),
      },
    },
    ...(options.srcRoot === undefined
      ? {}
      : { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.srcRoot) } } }),
    columnKind: "utf16CodeUnits",
    results: diagnostics.map((d) => ({
      ruleId: d.code,
      ...(ruleIndex.has(d.code) ? { ruleIndex: ruleIndex.get(d.code)! } : {}),
      level: LEVELS[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: at(d.file, d) }],
      relatedLocations: d.related.map((r, id) => ({
        id,
        physicalLocation: at(r.file, r),
        message: { text: r.message },
      })),
      fixes: d.fixes.map((f) => sarifFix(f, at)),
    })),
  };
  const log = { $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] };
  return JSON.stringify(log, null, 2) + "\n";
}

function rule(code: string, entry: CatalogueEntry) {
  return {
    id: code,
    name: entry.name,
    shortDescription: { text: entry.title },
    fullDescription: { text: entry.explanation },
    help: { text: entry.explanation, markdown: diagnosticSection(code, entry) },
    defaultConfiguration: { level: LEVELS[entry.severity] },
  };
}

/** A fix's edits grouped by file, in the order the files first appear. */
function sarifFix(fix: Fix, at: (file: string, span: Span) => PhysicalLocation) {
  const byFile = new Map<string, { deletedRegion: Region; insertedContent: { text: string } }[]>();
  for (const e of fix.edits) {
    const list = byFile.get(e.file) ?? [];
    list.push({ deletedRegion: at(e.file, e).region, insertedContent: { text: e.newText } });
    byFile.set(e.file, list);
  }
  return {
    description: { text: fix.message },
    artifactChanges: Array.from(byFile, ([file, replacements]) => ({
      artifactLocation: at(file, { start: 0, end: 0 }).artifactLocation,
      replacements,
    })),
  };
}

function physicalLocation(lookup: LineMapLookup, file: string, span: Span, options: SarifOptions): PhysicalLocation {
  const range = toRange(lookup, file, span);
  return {
    artifactLocation: artifactLocation(file, options),
    region: {
      startLine: range.start.line,
      startColumn: range.start.col,
      endLine: range.end.line,
      endColumn: range.end.col,
    },
  };
}

/** Absolute paths become `file:` URIs; relative ones stay relative (to `%SRCROOT%`). */
export function artifactLocation(file: string, options: Pick<SarifOptions, "srcRoot">): ArtifactLocation {
  if (isAbsolutePath(file)) return { uri: fileUri(file) };
  const uri = encodePath(file);
  return options.srcRoot === undefined ? { uri } : { uri, uriBaseId: SRCROOT };
}

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

function isAbsolutePath(file: string): boolean {
  return file.startsWith("/") || WINDOWS_DRIVE.test(file);
}

function fileUri(absolute: string): string {
  if (!WINDOWS_DRIVE.test(absolute)) return "file://" + encodePath(absolute);
  const [drive, ...rest] = absolute.replace(/\\/g, "/").split("/");
  return `file:///${drive}/${encodePath(rest.join("/"))}`;
}

function directoryUri(dir: string): string {
  const uri = fileUri(dir);
  return uri.endsWith("/") ? uri : `${uri}/`;
}

/** Percent-encodes each path segment; `/` stays the separator. */
function encodePath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}
