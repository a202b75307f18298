/**
 * Which modules of the workspace and the stdlib declare a name, for the "add a missing `use`"
 * quick fix. The file list is gathered once (and again after files change on disk); each file's
 * names come from the same parse cache the checks use. A module is offered only under the path
 * that resolves to it from the file being fixed, as `wspc` resolves it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { moduleNameOf } from "../compiler/check/bind.js";
import type { ModuleOffer } from "../compiler/services/code-actions.js";
import type { Workspace } from "./workspace.js";

export class ModuleIndex {
  private files: string[] | undefined;

  /** `workspaceFiles` lists the `.wsp` files of the workspace folders (lsp/workspace-files.ts). */
  constructor(private readonly workspace: Workspace, private readonly stdlibDir: string, private readonly workspaceFiles: () => readonly string[]) {}

  /** Files changed on disk: the list is gathered again when next needed. */
  invalidate(): void {
    this.files = undefined;
  }

  /** The modules declaring `name` at top level, by the path that reaches them from `fromFile`. */
  declaring(name: string, fromFile: string): ModuleOffer[] {
    const host = this.workspace.editorHost();
    const fromText = host.readFile(fromFile);
    const fromModule = fromText === undefined ? undefined : this.workspace.parse(fromFile, fromText).ast.module?.name.parts.map((p) => p.text);
    const offers = new Map<string, ModuleOffer>();
    for (const file of this.candidates()) {
      if (file === fromFile) continue;
      const text = host.readFile(file);
      if (text === undefined) continue;
      const source = this.workspace.parse(file, text);
      if (!source.ast.decls.some((d) => d.kind !== "Schedule" && d.name.text === name)) continue;
      const module = this.isStdlib(file) ? `std.${path.basename(file, ".wsp")}` : moduleNameOf(source);
      const resolved = host.resolveModule(module.split("."), fromFile, fromModule);
      if (resolved !== undefined && path.resolve(resolved) === path.resolve(file)) offers.set(module, { module, file });
    }
    return [...offers.values()].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  }

  private isStdlib(file: string): boolean {
    return path.resolve(file).startsWith(path.join(path.resolve(this.stdlibDir), "std") + path.sep);
  }

  private candidates(): string[] {
    if (!this.files) {
      this.files = [...new Set([...stdlibFiles(path.join(this.stdlibDir, "std")), ...this.workspaceFiles()])];
    }
    const open = this.workspace.documents.all().filter((d) => d.uri.startsWith("file:")).map((d) => this.workspace.pathOf(d.uri));
    return [...new Set([...this.files, ...open])];
  }
}

function stdlibFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".wsp")).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}
