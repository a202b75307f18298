/**
 * Workspace symbols: the declarations of every workspace file, every open document and the
 * stdlib, matched against the query by the compiler's forgiving matcher. Files are parsed once
 * per version (open documents) or modification time (files on disk).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SymbolKind, type Range, type SymbolInformation } from "vscode-languageserver/node";
import { parseSourceFile } from "../compiler/source-file.js";
import { declarationsOf, searchDeclarations, type DeclarationEntry, type DeclarationKind } from "../compiler/services/workspace-symbols.js";
import { SYMBOL_KIND } from "./document-symbols.js";
import { rangeOf } from "./positions.js";
import type { Workspace } from "./workspace.js";
import type { WorkspaceFolders } from "./workspace-files.js";

/** Enough for any picker; a query of one letter in a large workspace matches most names. */
const LIMIT = 1000;

interface Indexed {
  readonly stamp: string;
  readonly entries: readonly { readonly entry: DeclarationEntry; readonly range: Range }[];
}

export class WorkspaceSymbols {
  private readonly cache = new Map<string, Indexed>();

  constructor(private readonly workspace: Workspace, private readonly folders: WorkspaceFolders, private readonly stdlibDir: string) {}

  search(query: string): SymbolInformation[] {
    const open = new Map(this.workspace.documents.all().map((d) => [this.workspace.pathOf(d.uri), d] as const));
    const files = [...new Set([...this.folders.sourceFiles(), ...open.keys(), ...this.stdlibFiles()])].sort();
    const ranges = new Map<DeclarationEntry, Range>();
    const entries: DeclarationEntry[] = [];
    const live = new Set<string>();
    for (const file of files) {
      const doc = open.get(file);
      const indexed = this.index(file, doc ? { stamp: `open ${doc.version}`, text: () => doc.getText() } : undefined);
      if (!indexed) continue;
      live.add(file);
      for (const e of indexed.entries) {
        entries.push(e.entry);
        ranges.set(e.entry, e.range);
      }
    }
    for (const file of [...this.cache.keys()]) if (!live.has(file)) this.cache.delete(file);
    return searchDeclarations(entries, String(query ?? ""), LIMIT).map((e) => ({
      name: e.name,
      kind: SYMBOL_KIND[e.kind],
      containerName: e.container,
      location: { uri: this.workspace.uriOf(e.file), range: ranges.get(e)! },
    }));
  }

  /** The declarations of one file, reparsed only when it changed. */
  private index(file: string, open: { stamp: string; text: () => string } | undefined): Indexed | undefined {
    let stamp = open?.stamp;
    if (!stamp) {
      try {
        const st = fs.statSync(file);
        stamp = `disk ${st.mtimeMs} ${st.size}`;
      } catch {
        return undefined;
      }
    }
    const known = this.cache.get(file);
    if (known?.stamp === stamp) return known;
    let text: string;
    try {
      text = open ? open.text() : fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    const source = parseSourceFile(file, text);
    const indexed = { stamp, entries: declarationsOf(source).map((entry) => ({ entry, range: rangeOf(source.lineMap, entry) })) };
    this.cache.set(file, indexed);
    return indexed;
  }

  private stdlibFiles(): string[] {
    const dir = path.join(this.stdlibDir, "std");
    try {
      return fs.readdirSync(dir).filter((f) => f.endsWith(".wsp")).map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  }
}
