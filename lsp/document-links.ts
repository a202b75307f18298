/** Document links: a kernel's `source "path"`, when the file it names lies inside the workspace. */
import { pathToFileURL } from "node:url";
import type { DocumentLink } from "vscode-languageserver/node";
import type { SourceFile } from "../compiler/source-file.js";
import { documentLinks } from "../compiler/services/document-links.js";
import { rangeOf } from "./positions.js";

export function documentLinksOf(source: SourceFile, inWorkspace: (file: string) => boolean): DocumentLink[] {
  return documentLinks(source)
    .filter((l) => inWorkspace(l.target))
    .map((l) => ({ range: rangeOf(source.lineMap, l), target: pathToFileURL(l.target).href, tooltip: `Open ${l.target}` }));
}
