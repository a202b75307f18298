/**
 * The documents the editor has open, over the files on disk, and when to check them. Each open
 * document is checked as the root of its own program; a check reads open buffers first and the
 * disk (through the compiler's own `NodeHost`, so module resolution is the CLI's) for the rest.
 *
 * Edits are debounced; a newer edit stops a pending batch between documents and tells a running
 * check to stop (the compiler asks `isCancelled` between passes and modules), and a document
 * whose program reads an edited file is checked again too. Requests always see a result for the
 * current text: a stale one is recomputed on demand, and a cancelled request stops its check the
 * same way. Parsed files are kept while their text is unchanged, so a check after an edit parses
 * only the edited file.
 */
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocuments } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { NodeHost } from "../compiler/cli/node-host.js";
import type { CompilerHost } from "../compiler/host.js";
import { Cancelled, checkProgram, type CheckResult } from "../compiler/program.js";
import { parseSourceFile, type SourceFile } from "../compiler/source-file.js";
import type { Position } from "vscode-languageserver/node";
import { offsetAt } from "./positions.js";

export const DEBOUNCE_MS = 150;

/** Where a document that is not a file (an untitled buffer) lives, as far as the compiler knows. */
const VIRTUAL_ROOT = path.join(path.sep, "__wsp_virtual__");

/** Reads open buffers first, then the disk; resolves modules exactly as `wspc` does. */
export class EditorHost implements CompilerHost {
  private readonly disk: NodeHost;

  constructor(stdlibDir: string, private readonly openText: (file: string) => string | undefined) {
    this.disk = new NodeHost(stdlibDir, path.parse(process.cwd()).root);
  }

  readFile(file: string): string | undefined {
    return this.openText(file) ?? this.disk.readFile(file);
  }

  resolveModule(modulePath: readonly string[], fromFile: string, fromModule: readonly string[] | undefined): string | undefined {
    return this.disk.resolveModule(modulePath, fromFile, fromModule);
  }
}

/** A place in an open document with the program checked for it. */
export interface DocumentPoint {
  readonly result: CheckResult;
  readonly file: string;
  readonly source: SourceFile;
  readonly offset: number;
}

interface Cached {
  readonly stamp: number;
  readonly result: CheckResult;
}

/** Parsed files by name, reused while their text is the same (the stdlib, files not being edited). */
class ParseCache {
  private readonly entries = new Map<string, { readonly raw: string; readonly source: SourceFile }>();

  constructor(private readonly limit = 2000) {}

  parse = (file: string, raw: string): SourceFile => {
    const hit = this.entries.get(file);
    if (hit && hit.raw === raw) return hit.source;
    const source = parseSourceFile(file, raw);
    this.entries.delete(file);
    this.entries.set(file, { raw, source });
    // Oldest first: a workspace larger than the limit re-parses, it does not grow without bound.
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return source;
  };
}

export interface WorkspaceEvents {
  /** A fresh result for an open document (publish its diagnostics). */
  checked(uri: string, result: CheckResult): void;
  /** A document was closed: its diagnostics should go. */
  closed(uri: string): void;
  /** Something went wrong outside any request (logged, never thrown). */
  failed(what: string, error: unknown): void;
}

export class Workspace {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, Cached>();
  /** Bumped by every edit, open, close or disk change: a cached result from before is stale. */
  private stamp = 0;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly parsed = new ParseCache();

  constructor(
    private readonly stdlibDir: string,
    private readonly events: WorkspaceEvents,
    private readonly debounceMs: number = DEBOUNCE_MS,
  ) {
    this.documents.onDidOpen((e) => this.changed(e.document.uri));
    this.documents.onDidChangeContent((e) => this.changed(e.document.uri));
    this.documents.onDidClose((e) => {
      this.cache.delete(e.document.uri);
      this.pending.delete(e.document.uri);
      this.events.closed(e.document.uri);
      // Its importers now read the file from disk again.
      this.changed(e.document.uri);
    });
  }

  /** The compiler's name for a document: its file path, or a stable virtual path. */
  pathOf(uri: string): string {
    if (uri.startsWith("file:")) return fileURLToPath(uri);
    return path.join(VIRTUAL_ROOT, `${encodeURIComponent(uri)}.wsp`);
  }

  /** The URI for a compiler file name: the open document's own URI when there is one. */
  uriOf(file: string): string {
    for (const doc of this.documents.all()) if (this.pathOf(doc.uri) === file) return doc.uri;
    return pathToFileURL(file).href;
  }

  /**
   * The checked program of an open document, for its current text; undefined if not open.
   * Throws `Cancelled` when `isCancelled` turns true while a check runs (nothing is cached then).
   */
  resultFor(uri: string, isCancelled?: () => boolean): CheckResult | undefined {
    if (!this.documents.get(uri)) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.stamp === this.stamp) return cached.result;
    const stamp = this.stamp;
    const result = checkProgram([this.pathOf(uri)], this.host(), {
      parse: this.parsed.parse,
      isCancelled: () => this.stamp !== stamp || isCancelled?.() === true,
    });
    this.cache.set(uri, { stamp, result });
    return result;
  }

  /** A position in an open document, as the compiler sees it; undefined if the document is not open. */
  at(uri: string, position: Position, isCancelled?: () => boolean): DocumentPoint | undefined {
    const result = this.resultFor(uri, isCancelled);
    const file = this.pathOf(uri);
    const source = result?.files.get(file);
    if (!result || !source) return undefined;
    return { result, file, source, offset: offsetAt(source.lineMap, position) };
  }

  /** Results of every open document (for questions spanning files, such as references). */
  allResults(isCancelled?: () => boolean): CheckResult[] {
    return this.documents.all().flatMap((d) => this.resultFor(d.uri, isCancelled) ?? []);
  }

  /** Parses a file through the shared cache (for indexes of the workspace's modules). */
  parse(file: string, text: string): SourceFile {
    return this.parsed.parse(file, text);
  }

  /** The compiler's host over the current buffers and the disk (for commands that build). */
  editorHost(): EditorHost {
    return this.host();
  }

  /** Files on disk changed: every open document is checked again. */
  diskChanged(): void {
    this.stamp++;
    for (const doc of this.documents.all()) this.pending.add(doc.uri);
    this.schedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private host(): EditorHost {
    const open = new Map(this.documents.all().map((d) => [this.pathOf(d.uri), d.getText()] as const));
    return new EditorHost(this.stdlibDir, (file) => open.get(file));
  }

  private changed(uri: string): void {
    this.stamp++;
    this.pending.add(uri);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush(this.stamp);
    }, this.debounceMs);
  }

  /** Checks the pending documents and their open importers, one per turn of the event loop. */
  private async flush(stamp: number): Promise<void> {
    this.addImporters();
    for (const uri of [...this.pending]) {
      // A newer edit arrived while this batch ran: its own flush takes over what is left.
      if (stamp !== this.stamp) return;
      this.pending.delete(uri);
      if (!this.documents.get(uri)) continue;
      try {
        const result = this.resultFor(uri);
        if (result) this.events.checked(uri, result);
      } catch (error) {
        // A newer edit made this check stale: that edit's own flush checks the document again.
        if (error instanceof Cancelled) {
          this.pending.add(uri);
          return;
        }
        this.events.failed(`checking ${uri}`, error);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Adds every open document whose last program read a pending file. */
  private addImporters(): void {
    const changedFiles = new Set([...this.pending].map((uri) => this.pathOf(uri)));
    for (const doc of this.documents.all()) {
      const files = this.cache.get(doc.uri)?.result.files;
      if (files && [...changedFiles].some((f) => files.has(f))) this.pending.add(doc.uri);
    }
  }
}
