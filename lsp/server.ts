#!/usr/bin/env node
/**
 * `wsp-lsp`: the language server. Wiring only: each feature lives in its own file and adapts
 * the compiler's results to LSP. Runs over stdio (`--stdio`) or Node IPC (`--node-ipc`), as
 * `createConnection` reads from the command line.
 */
import {
  CodeActionKind, createConnection, ErrorCodes, MessageType, ShowMessageNotification, LSPErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind,
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
import { DEBOUNCE_MS, Workspace } from "./workspace.js";
import { prepareRenameAt, renameAt } from "./rename.js";
import { highlights } from "./highlight.js";
import { typeDefinitionAt } from "./type-definition.js";
import { signatureHelpAt } from "./signature-help.js";
import { WorkspaceSymbols } from "./workspace-symbols.js";
import { LEGEND, SemanticTokensProvider } from "./semantic-tokens.js";
import { formatDocumentRange } from "./range-formatting.js";
import { foldingRangesOf } from "./folding.js";
import { selectionRangesAt } from "./selection.js";
import { documentLinksOf } from "./document-links.js";
import { WorkspaceFolders, workspaceProgram } from "./workspace-files.js";
import { Cancelled } from "../compiler/program.js";
import { codeActions } from "./code-actions.js";
import { codeLenses } from "./code-lens.js";
import { COMMANDS, CommandArgumentsError, executeCommand } from "./commands.js";
import { inlayHints } from "./inlay-hints.js";
import { ModuleIndex } from "./module-index.js";
import { FramingGuard } from "./framing.js";
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver/node";

export function startServer(connection: Connection): void {
  const pkg = findPackage();
  /** Diagnostics of the last `wsp.simulate` (a deadlock) per document, shown until it changes. */
  const runDiagnostics = new Map<string, LspDiagnostic[]>();
  const workspace = new Workspace(pkg.stdlibDir, {
    checked: (uri, result) => {
      const own = diagnosticsFor(result, workspace.pathOf(uri), (f) => workspace.uriOf(f), pkg.root);
      void connection.sendDiagnostics({ uri, diagnostics: [...own, ...(runDiagnostics.get(uri) ?? [])] });
    },
    closed: (uri) => void connection.sendDiagnostics({ uri, diagnostics: [] }),
    failed: (what, error) => connection.console.error(`wsp-lsp: ${what} failed: ${describe(error)}`),
  }, debounceFromEnvironment());

  /**
   * One wrapper for every request: a cancelled request is answered as such, and an exception is
   * logged to the client and answered as an error, so one bad request never stops the server.
   */
  const guarded = <P, R>(method: string, handler: (params: P, isCancelled: () => boolean) => R) =>
    (params: P, token: CancellationToken): R | ResponseError<void> => {
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${method} was cancelled`);
      try {
        return handler(params, () => token.isCancellationRequested);
      } catch (error) {
        if (error instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, `${method} was cancelled`);
        if (error instanceof BadPositionError || error instanceof CommandArgumentsError) return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${error.message}`);
        connection.console.error(`wsp-lsp: ${method} failed: ${describe(error)}`);
        return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };

  const folders = new WorkspaceFolders();
  let foldingLimit: number | undefined;
  connection.onInitialize((params): InitializeResult => {
    folders.initialize(params);
    foldingLimit = params.capabilities.textDocument?.foldingRange?.rangeLimit;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        completionProvider: { triggerCharacters: ["."] },
        renameProvider: { prepareProvider: true },
        documentHighlightProvider: true,
        typeDefinitionProvider: true,
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: ["="] },
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: { delta: true }, range: false },
        documentRangeFormattingProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [...COMMANDS] },
      },
      serverInfo: { name: "wsp-lsp", version: pkg.version },
    };
  });

  const uriOf = (file: string) => workspace.uriOf(file);
  connection.onHover(guarded("textDocument/hover", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
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
  connection.onCompletion(guarded("textDocument/completion", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
    return point ? completion(point) : [];
  }));
  // Navigation and editing (issue 6): each handler adapts one compiler service.
  const sourceOf = (uri: string, isCancelled: () => boolean) => workspace.resultFor(uri, isCancelled)?.files.get(workspace.pathOf(uri));
  connection.onPrepareRename(guarded("textDocument/prepareRename", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
    return point ? prepareRenameAt(point) : null;
  }));
  connection.onRenameRequest(guarded("textDocument/rename", (p, isCancelled) => {
    if (!workspace.documents.get(p.textDocument.uri)) return null;
    const program = workspaceProgram(workspace, folders, pkg.stdlibDir, isCancelled);
    return renameAt(program, workspace.pathOf(p.textDocument.uri), p.position, p.newName, uriOf);
  }));
  connection.onDocumentHighlight(guarded("textDocument/documentHighlight", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
    return point ? highlights(point) : [];
  }));
  connection.onTypeDefinition(guarded("textDocument/typeDefinition", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
    return point ? typeDefinitionAt(point, uriOf) : null;
  }));
  connection.onSignatureHelp(guarded("textDocument/signatureHelp", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, p.position, isCancelled);
    return point ? signatureHelpAt(point) : null;
  }));
  const symbols = new WorkspaceSymbols(workspace, folders, pkg.stdlibDir);
  connection.onWorkspaceSymbol(guarded("workspace/symbol", (p) => symbols.search(p.query)));
  const tokens = new SemanticTokensProvider();
  workspace.documents.onDidClose((e) => tokens.forget(e.document.uri));
  connection.languages.semanticTokens.on(guarded("textDocument/semanticTokens/full", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, { line: 0, character: 0 }, isCancelled);
    return point ? tokens.full(p.textDocument.uri, point) : { data: [] };
  }));
  connection.languages.semanticTokens.onDelta(guarded("textDocument/semanticTokens/full/delta", (p, isCancelled) => {
    const point = workspace.at(p.textDocument.uri, { line: 0, character: 0 }, isCancelled);
    return point ? tokens.delta(p.textDocument.uri, p.previousResultId, point) : { data: [] };
  }));
  connection.onDocumentRangeFormatting(guarded("textDocument/rangeFormatting", (p) => {
    const doc = workspace.documents.get(p.textDocument.uri);
    return doc ? formatDocumentRange(workspace.pathOf(doc.uri), doc.getText(), p.range) : [];
  }));
  connection.onFoldingRanges(guarded("textDocument/foldingRange", (p, isCancelled) => {
    const source = sourceOf(p.textDocument.uri, isCancelled);
    return source ? foldingRangesOf(source, foldingLimit) : [];
  }));
  connection.onSelectionRanges(guarded("textDocument/selectionRange", (p, isCancelled) => {
    const source = sourceOf(p.textDocument.uri, isCancelled);
    return source ? selectionRangesAt(source, p.positions) : [];
  }));
  connection.onDocumentLinks(guarded("textDocument/documentLink", (p, isCancelled) => {
    const source = sourceOf(p.textDocument.uri, isCancelled);
    return source ? documentLinksOf(source, (f) => folders.contains(f)) : [];
  }));
  // Actions, hints, lenses and commands (issue 6): compiler/services/ computes, lsp/ adapts.
  const modules = new ModuleIndex(workspace, pkg.stdlibDir, () => folders.sourceFiles());
  const documentOf = (uri: string, isCancelled: () => boolean) => {
    const result = workspace.resultFor(uri, isCancelled);
    const file = workspace.pathOf(uri);
    const source = result?.files.get(file);
    return result && source ? { result, file, source } : undefined;
  };
  connection.onCodeAction(guarded("textDocument/codeAction", (p, isCancelled) => {
    const doc = documentOf(p.textDocument.uri, isCancelled);
    return doc ? codeActions(p, doc.result, doc.file, uriOf, pkg.root, (name, from) => modules.declaring(name, from)) : [];
  }));
  connection.languages.inlayHint.on(guarded("textDocument/inlayHint", (p, isCancelled) => {
    const doc = documentOf(p.textDocument.uri, isCancelled);
    return doc ? inlayHints(doc, p.range) : [];
  }));
  connection.onCodeLens(guarded("textDocument/codeLens", (p, isCancelled) => {
    const doc = documentOf(p.textDocument.uri, isCancelled);
    return doc ? codeLenses(doc, p.textDocument.uri) : [];
  }));
  connection.onExecuteCommand(guarded("workspace/executeCommand", (p) => {
    if (!(COMMANDS as readonly string[]).includes(p.command)) throw new CommandArgumentsError(`unknown command ${p.command}; this server runs ${COMMANDS.join(", ")}`);
    return executeCommand(p.command, p.arguments, workspace, folders.folders, {
      // Notifications, not window/showMessageRequest: there is nothing to answer.
      info: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message }),
      error: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message }),
      runDiagnostics: (uri, diagnostics) => {
        runDiagnostics.set(uri, diagnostics);
        const result = workspace.resultFor(uri);
        if (result) void connection.sendDiagnostics({ uri, diagnostics: [...diagnosticsFor(result, workspace.pathOf(uri), uriOf, pkg.root), ...diagnostics] });
      },
    });
  }));
  // A run's diagnostics describe the text it ran: an edit or a close retires them.
  workspace.documents.onDidChangeContent((e) => runDiagnostics.delete(e.document.uri));
  workspace.documents.onDidClose((e) => runDiagnostics.delete(e.document.uri));
  connection.onDidChangeWatchedFiles(() => {
    modules.invalidate();
    workspace.diskChanged();
  });
  connection.onShutdown(() => workspace.dispose());

  workspace.documents.listen(connection);
  connection.listen();
}

/** WSP_LSP_DEBOUNCE_MS overrides the debounce (bench/lsp.mjs sets 0 to time the analysis alone). */
function debounceFromEnvironment(): number {
  const ms = Number(process.env["WSP_LSP_DEBOUNCE_MS"]);
  return process.env["WSP_LSP_DEBOUNCE_MS"] !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : DEBOUNCE_MS;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}

startServer(connect());

/**
 * Over stdio, the input passes the framing guard first (lsp/framing.ts) and `console` goes to the
 * client's log, as `createConnection` arranges for its own stdio; Node IPC is left to it.
 */
function connect(): Connection {
  if (!process.argv.includes("--stdio")) return createConnection(ProposedFeatures.all);
  const input = process.stdin.pipe(new FramingGuard((problem) => void process.stderr.write(`${problem}\n`)));
  const connection = createConnection(ProposedFeatures.all, input, process.stdout);
  // stdout carries the protocol: a stray console.log must not corrupt it.
  console.log = console.info = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(" "));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(" "));
  return connection;
}
