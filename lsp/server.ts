#!/usr/bin/env node
/**
 * `wsp-lsp`: the language server. Wiring only: each feature lives in its own file and adapts
 * the compiler's results to LSP. Runs over stdio (`--stdio`) or Node IPC (`--node-ipc`), as
 * `createConnection` reads from the command line.
 */
import {
  createConnection, ErrorCodes, LSPErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind,
  type CancellationToken, type Connection, type InitializeResult,
} from "vscode-languageserver/node";
import { findPackage } from "../compiler/cli/node-host.js";
import { completion } from "./completion.js";
import { definition } from "./definition.js";
import { diagnosticsFor } from "./diagnostics.js";
import { documentSymbols } from "./document-symbols.js";
import { formatDocument } from "./formatting.js";
import { hover } from "./hover.js";
import { BadPositionError } from "./positions.js";
import { references } from "./references.js";
import { Workspace } from "./workspace.js";

export function startServer(connection: Connection): void {
  const pkg = findPackage();
  const workspace = new Workspace(pkg.stdlibDir, {
    checked: (uri, result) => {
      void connection.sendDiagnostics({ uri, diagnostics: diagnosticsFor(result, workspace.pathOf(uri), (f) => workspace.uriOf(f), pkg.root) });
    },
    closed: (uri) => void connection.sendDiagnostics({ uri, diagnostics: [] }),
    failed: (what, error) => connection.console.error(`wsp-lsp: ${what} failed: ${describe(error)}`),
  });

  /**
   * One wrapper for every request: a cancelled request is answered as such, and an exception is
   * logged to the client and answered as an error, so one bad request never stops the server.
   */
  const guarded = <P, R>(method: string, handler: (params: P) => R) =>
    (params: P, token: CancellationToken): R | ResponseError<void> => {
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${method} was cancelled`);
      try {
        return handler(params);
      } catch (error) {
        if (error instanceof BadPositionError) return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${error.message}`);
        connection.console.error(`wsp-lsp: ${method} failed: ${describe(error)}`);
        return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      completionProvider: { triggerCharacters: ["."] },
    },
    serverInfo: { name: "wsp-lsp", version: pkg.version },
  }));

  const uriOf = (file: string) => workspace.uriOf(file);
  connection.onHover(guarded("textDocument/hover", (p) => {
    const point = workspace.at(p.textDocument.uri, p.position);
    return point ? hover(point) : null;
  }));
  connection.onDefinition(guarded("textDocument/definition", (p) => {
    const point = workspace.at(p.textDocument.uri, p.position);
    return point ? definition(point, uriOf) : null;
  }));
  connection.onReferences(guarded("textDocument/references", (p) => {
    const point = workspace.at(p.textDocument.uri, p.position);
    return point ? references(point, p.context?.includeDeclaration === true, workspace.allResults(), uriOf) : [];
  }));
  connection.onDocumentSymbol(guarded("textDocument/documentSymbol", (p) => {
    const source = workspace.resultFor(p.textDocument.uri)?.files.get(workspace.pathOf(p.textDocument.uri));
    return source ? documentSymbols(source) : [];
  }));
  connection.onDocumentFormatting(guarded("textDocument/formatting", (p) => {
    const doc = workspace.documents.get(p.textDocument.uri);
    return doc ? formatDocument(workspace.pathOf(doc.uri), doc.getText()) : [];
  }));
  connection.onCompletion(guarded("textDocument/completion", (p) => {
    const point = workspace.at(p.textDocument.uri, p.position);
    return point ? completion(point) : [];
  }));
  connection.onDidChangeWatchedFiles(() => workspace.diskChanged());
  connection.onShutdown(() => workspace.dispose());

  workspace.documents.listen(connection);
  connection.listen();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}

startServer(createConnection(ProposedFeatures.all));
