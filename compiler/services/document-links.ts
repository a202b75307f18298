/**
 * Document links: a kernel's `source "path"` names a file, relative to the `.wsp` file that
 * declares the kernel (or absolute). The link covers the path between the quotes; whether a
 * target may be linked (the language server allows files inside the workspace) is the caller's
 * decision.
 */
import * as path from "node:path";
import type { SourceFile } from "../source-file.js";

export interface DocumentLink {
  readonly start: number;
  readonly end: number;
  /** The file the path names, absolute. */
  readonly target: string;
}

export function documentLinks(source: SourceFile): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const d of source.ast.decls) {
    const lit = d.kind === "Kernel" ? d.source : undefined;
    if (!lit || lit.value.trim().length === 0) continue;
    const closed = lit.end - lit.start >= 2 && source.text[lit.end - 1] === '"';
    out.push({
      start: lit.start + 1,
      end: closed ? lit.end - 1 : lit.end,
      target: path.resolve(path.dirname(source.file), lit.value),
    });
  }
  return out;
}
