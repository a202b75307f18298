/**
 * Rename with prepareRename. prepareRename answers from the document's own program; the rename
 * itself is planned over the whole workspace (every workspace file and open document), so files
 * that import the renamed declaration are edited too. A refusal is answered as an error with the
 * compiler's reason, which editors show to the user.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError, type Position, type PrepareRenameResult, type TextEdit, type WorkspaceEdit } from "vscode-languageserver/node";
import type { CheckResult } from "../compiler/program.js";
import { planRename, prepareRename } from "../compiler/services/rename.js";
import { offsetAt, rangeOf } from "./positions.js";
import type { DocumentPoint } from "./workspace.js";

export function prepareRenameAt(point: DocumentPoint): PrepareRenameResult | ResponseError<void> {
  const start = prepareRename(point.result, point.file, point.offset);
  if (!start.ok) return new ResponseError(LSPErrorCodes.RequestFailed, start.message);
  return { range: rangeOf(point.source.lineMap, start.span), placeholder: start.placeholder };
}

export function renameAt(
  program: CheckResult,
  file: string,
  position: Position,
  newName: string,
  uriOf: (file: string) => string,
): WorkspaceEdit | ResponseError<void> {
  const source = program.files.get(file);
  if (!source) return new ResponseError(LSPErrorCodes.RequestFailed, "this document is not part of the workspace program");
  if (typeof newName !== "string") return new ResponseError(ErrorCodes.InvalidParams, "textDocument/rename needs a newName string");
  const plan = planRename(program, file, offsetAt(source.lineMap, position), newName);
  if (!plan.ok) return new ResponseError(LSPErrorCodes.RequestFailed, plan.message);
  const changes: Record<string, TextEdit[]> = {};
  for (const e of plan.edits) {
    const map = program.files.get(e.file)?.lineMap;
    if (!map) continue;
    (changes[uriOf(e.file)] ??= []).push({ range: rangeOf(map, e), newText: e.newText });
  }
  return { changes };
}
