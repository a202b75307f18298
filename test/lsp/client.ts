/**
 * A real LSP client for the tests: spawns the built `dist/bin/wsp-lsp.js --stdio` and talks to it
 * through vscode-languageserver-protocol, as an editor would.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, IPCMessageReader, IPCMessageWriter, InitializeRequest, InitializedNotification,
  PublishDiagnosticsNotification, LogMessageNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  ShutdownRequest, ExitNotification,
  type Diagnostic, type Position, type ProtocolConnection, type InitializeResult, type LogMessageParams,
} from "vscode-languageserver-protocol/node";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The `wsp-lsp` bin as installed: the bundle `npm run build` makes (compiler/cli/bundle.mjs). */
export const SERVER = path.join(REPO, "dist", "bin", "wsp-lsp.js");

/** Source with `<|>` cursor markers: the text without them, and where each stood. */
export function marked(source: string): { text: string; offsets: number[]; positions: Position[] } {
  const parts = source.split("<|>");
  const offsets: number[] = [];
  let text = "";
  for (let i = 0; i < parts.length; i++) {
    text += parts[i]!;
    if (i < parts.length - 1) offsets.push(text.length);
  }
  return { text, offsets, positions: offsets.map((o) => positionOf(text, o)) };
}

/** 0-based line and UTF-16 character of an offset, computed independently of the server's code. */
export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly logs: LogMessageParams[] = [];
  private readonly diagnostics = new Map<string, Diagnostic[][]>();
  private readonly waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  private readonly versions = new Map<string, number>();

  constructor(readonly child: ChildProcess, ipc = false) {
    this.connection = ipc
      ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push(p.diagnostics);
      this.diagnostics.set(p.uri, list);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.onNotification(LogMessageNotification.method, (p: LogMessageParams) => { this.logs.push(p); });
    this.connection.listen();
  }

  /** The server over stdio (`--stdio`), optionally with a workspace folder (a file URI). */
  static start(rootUri: string | null = null): Promise<TestClient> {
    return TestClient.initialize(new TestClient(spawn(process.execPath, [SERVER, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] })), rootUri);
  }

  /** The server over Node IPC (`--node-ipc`), as VS Code's client starts it. */
  static startIpc(): Promise<TestClient> {
    return TestClient.initialize(new TestClient(fork(SERVER, ["--node-ipc"], { stdio: ["ignore", "ignore", "pipe", "ipc"] }), true));
  }

  private static async initialize(client: TestClient, rootUri: string | null = null): Promise<TestClient> {
    // A server that dies while starting (a half-rebuilt dist/) fails the test with its stderr
    // instead of leaving it waiting for an answer that never comes.
    let stderr = "";
    client.child.stderr?.on("data", (d: Buffer) => { stderr += String(d); });
    const died = new Promise<never>((_, reject) => client.child.once("exit", (code) => reject(new Error(`the server exited (${code}) while starting: ${stderr.slice(0, 2000)}`))));
    const init: InitializeResult = await Promise.race([died, client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri, capabilities: {}, workspaceFolders: rootUri ? [{ uri: rootUri, name: "workspace" }] : null,
    })]);
    died.catch(() => undefined); // after a successful start, a later exit is the test's business
    client.capabilities = init.capabilities;
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  capabilities: InitializeResult["capabilities"] = {};

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "wsp", version: 1, text } });
  }

  async replace(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The first diagnostics published for `uri` (from now or already received) that pass `test`. */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const last = this.diagnostics.get(uri)?.at(-1);
    if (last && test(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  /** Forgets what was published, so the next wait sees only newer diagnostics. */
  clearDiagnostics(): void {
    this.diagnostics.clear();
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    return exited;
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}
