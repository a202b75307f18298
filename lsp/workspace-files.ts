/**
 * The workspace beyond the open documents: the folders the client named at initialization and
 * the `.wsp` files under them, for the features that span the workspace (rename, workspace
 * symbols, document links). Without folders, the workspace is just the open documents.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { InitializeParams } from "vscode-languageserver/node";
import { checkProgram, type CheckResult } from "../compiler/program.js";
import { EditorHost, type Workspace } from "./workspace.js";

/** A bound on the files walked, so a huge folder (a home directory) cannot stall a request. */
const MAX_FILES = 5000;
/** Folders never searched for sources: dependencies, build output and hidden folders. */
const SKIPPED = new Set(["node_modules", "dist", "out", "build"]);

export class WorkspaceFolders {
  private roots: string[] = [];

  /** From the initialize request: its workspace folders, else its root. */
  initialize(params: InitializeParams): void {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    const paths = uris.filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
    if (paths.length === 0 && params.rootPath) paths.push(params.rootPath);
    this.roots = paths.map((p) => path.resolve(p));
  }

  get folders(): readonly string[] {
    return this.roots;
  }

  /** Whether `file` lies inside one of the workspace folders. */
  contains(file: string): boolean {
    return this.roots.some((root) => {
      const rel = path.relative(root, file);
      return rel.length > 0 && !rel.startsWith("..") && !path.isAbsolute(rel);
    });
  }

  /** The `.wsp` files under the folders, sorted (at most MAX_FILES). */
  sourceFiles(): string[] {
    const found = new Set<string>();
    const pending = [...this.roots];
    while (pending.length > 0 && found.size < MAX_FILES) {
      const dir = pending.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable or vanished: not part of the workspace as far as we can tell
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory() && !e.name.startsWith(".") && !SKIPPED.has(e.name)) pending.push(full);
        else if (e.isFile() && e.name.endsWith(".wsp") && found.size < MAX_FILES) found.add(full);
      }
    }
    return [...found].sort();
  }
}

/**
 * One program holding every workspace file and every open document as roots (open buffers win
 * over the disk), so a question about a declaration sees every file that may mention it.
 */
export function workspaceProgram(workspace: Workspace, folders: WorkspaceFolders, stdlibDir: string, isCancelled?: () => boolean): CheckResult {
  const open = new Map(workspace.documents.all().map((d) => [workspace.pathOf(d.uri), d.getText()] as const));
  const roots = [...new Set([...folders.sourceFiles(), ...open.keys()])].sort();
  return checkProgram(roots, new EditorHost(stdlibDir, (file) => open.get(file)), isCancelled ? { isCancelled } : {});
}
