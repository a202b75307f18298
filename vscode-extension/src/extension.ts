/**
 * The VS Code client for wsp. It starts the bundled language server (`dist/server.js`) over Node
 * IPC, which provides every editor feature, including the server's own code-lens commands
 * `wsp.build` / `wsp.simulate` (the language client registers those ids for the server). The
 * palette commands here have their own ids and run the bundled `wspc` CLI (`dist/wspc.mjs`) in a
 * child process: it can be cancelled, never blocks the extension host, and its output goes to
 * the "wsp" output channel; a simulated deadlock or run-time error becomes diagnostics.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { findings, parseRunJson, resolveRecordedPath, summaryLines, type Finding } from "./run-report.js";

/** Client-side command ids (distinct from the server's `wsp.build` and `wsp.simulate`). */
export const BUILD_PACKAGE = "wsp.buildPackage";
export const RUN_SIMULATION = "wsp.runSimulation";
export const OPEN_TRACE = "wsp.openTrace";
export const RESTART_SERVER = "wsp.restartServer";

/** Where packages and traces go, inside the project folder: `wspc build`'s default, and the server's. */
const OUT_DIR = "out";

interface Tools {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.OutputChannel;
  readonly runDiagnostics: vscode.DiagnosticCollection;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("wsp");
  const runDiagnostics = vscode.languages.createDiagnosticCollection("wsp-simulation");
  const tools: Tools = { context, output, runDiagnostics };
  const client = createClient(context);
  // Everything goes into context.subscriptions: VS Code disposes them on deactivation, and
  // disposing the client stops its server.
  context.subscriptions.push(
    output,
    runDiagnostics,
    client,
    vscode.commands.registerCommand(BUILD_PACKAGE, (uri?: unknown, target?: unknown) => buildPackage(tools, uri, target)),
    vscode.commands.registerCommand(RUN_SIMULATION, (uri?: unknown, target?: unknown) => simulateFile(tools, uri, target, false)),
    vscode.commands.registerCommand(OPEN_TRACE, (uri?: unknown, target?: unknown) => simulateFile(tools, uri, target, true)),
    vscode.commands.registerCommand(RESTART_SERVER, () => client.restart()),
    // A run's findings describe the text that ran: an edit makes them stale.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) runDiagnostics.delete(e.document.uri);
    }),
  );
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(`wsp: the language server did not start: ${messageOf(error)}`);
  }
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = configuredPath("server.path") ?? context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "wsp" },
      { scheme: "untitled", language: "wsp" },
    ],
    // Files changed on disk (another tool, a git checkout) re-check their importers.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.wsp") },
  };
  // The id "wsp" makes the client read the `wsp.trace.server` setting.
  return new LanguageClient("wsp", "wsp Language Server", serverOptions, clientOptions);
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

interface Subject {
  readonly uri: vscode.Uri;
  readonly file: string;
  /** The project folder: the workspace folder holding the file, else the file's folder. */
  readonly folder: string;
  readonly target: string;
}

/** The file a command acts on (its argument, else the active editor's), saved, with the target to use. */
async function subjectOf(uriArg: unknown, targetArg: unknown): Promise<Subject | undefined> {
  const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== "file" || path.extname(uri.fsPath) !== ".wsp") {
    void vscode.window.showErrorMessage("wsp: open a saved .wsp file first.");
    return undefined;
  }
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  // wspc reads the file from disk, so what runs must be what the editor shows.
  if (open?.isDirty && !(await open.save())) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
  const target = typeof targetArg === "string" ? targetArg : vscode.workspace.getConfiguration("wsp").get<string>("defaultTarget", "a2a3sim");
  return { uri, file: uri.fsPath, folder, target: target.trim() };
}

async function buildPackage(tools: Tools, uriArg: unknown, targetArg: unknown): Promise<void> {
  const s = await subjectOf(uriArg, targetArg);
  if (!s) return;
  const args = ["build", s.file, "--out", OUT_DIR, ...targetArgs(s)];
  const result = await runWspc(tools, args, s.folder, `Building ${path.basename(s.file)}`);
  if (!result) return;
  tools.output.append(result.stdout + result.stderr);
  if (result.status === 0) {
    const written = result.stdout.split("\n").filter((l) => l.startsWith("wrote ")).length;
    void vscode.window.showInformationMessage(`wsp: built ${written} package${written === 1 ? "" : "s"} into ${path.join(s.folder, OUT_DIR)}.`);
  } else {
    tools.output.show(true);
    void vscode.window.showErrorMessage(`wsp: the build failed: ${firstLine(result.stderr) ?? `wspc exited with ${result.status}`}`);
  }
}

async function simulateFile(tools: Tools, uriArg: unknown, targetArg: unknown, withTrace: boolean): Promise<void> {
  const s = await subjectOf(uriArg, targetArg);
  if (!s) return;
  const trace = withTrace ? traceFileFor(s) : undefined;
  const args = ["run", s.file, "--json", ...targetArgs(s), ...(trace ? ["--trace", trace] : [])];
  const result = await runWspc(tools, args, s.folder, `Simulating ${path.basename(s.file)}`);
  if (!result) return;
  const run = parseRunJson(result.stdout);
  tools.runDiagnostics.clear();
  if (!run) {
    // Nothing ran: compile errors (the Problems view has them), or a usage error.
    tools.output.append(result.stderr || result.stdout);
    tools.output.show(true);
    void vscode.window.showErrorMessage(`wsp: nothing was simulated: ${firstLine(result.stderr) ?? `wspc exited with ${result.status}`}`);
    return;
  }
  const label = `${path.basename(s.file)} on ${s.target || "its default target"}`;
  tools.output.appendLine(summaryLines(run, label).join("\n"));
  await publishFindings(tools, findings(run), s.file);
  if (run.status === "finished") void vscode.window.showInformationMessage(`wsp: ${label} finished in ${run.stats.total_cycles} cycles (${run.stats.tasks} tasks).`);
  else {
    tools.output.show(true);
    const what = run.status === "deadlock" ? `deadlocked (${run.deadlock?.rule ?? "deadlock"})` : "stopped with a run-time error";
    void vscode.window.showErrorMessage(`wsp: ${label} ${what}; see the Problems view and the wsp output.`);
  }
  if (trace && fs.existsSync(trace)) await showTrace(trace);
}

function targetArgs(s: Subject): string[] {
  return s.target ? ["--target", s.target] : [];
}

/** `<project>/out/<name>[.<target>].trace.json`, its folder created. */
function traceFileFor(s: Subject): string {
  const dir = path.join(s.folder, OUT_DIR);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${path.basename(s.file, ".wsp")}${s.target ? `.${s.target}` : ""}.trace.json`);
}

async function showTrace(trace: string): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(trace), { preview: true });
  const reveal = "Reveal in File Explorer";
  const choice = await vscode.window.showInformationMessage(
    `wsp: trace written to ${trace}. Load it in https://ui.perfetto.dev or chrome://tracing.`,
    reveal,
  );
  if (choice === reveal) await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(trace));
}

/** Shows each finding at its operation, with the other blocked operations as related places. */
async function publishFindings(tools: Tools, list: readonly Finding[], runFile: string): Promise<void> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const locate = (recorded: string) => resolveRecordedPath(recorded, runFile, fs.existsSync, path.join, path.dirname);
  for (const f of list) {
    const file = locate(f.file);
    if (!file) continue;
    const diagnostic = new vscode.Diagnostic(await rangeAt(file, f.line, f.character), f.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = "wsp simulate";
    diagnostic.code = f.code;
    diagnostic.relatedInformation = [];
    for (const r of f.related) {
      const other = locate(r.file);
      if (other) diagnostic.relatedInformation.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(other), await rangeAt(other, r.line, r.character)), r.message));
    }
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
  }
  for (const [file, diagnostics] of byFile) tools.runDiagnostics.set(vscode.Uri.file(file), diagnostics);
}

/** The word (statement keyword) at a reported place, or one character when there is none. */
async function rangeAt(file: string, line: number, character: number): Promise<vscode.Range> {
  const start = new vscode.Position(line, character);
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    return doc.getWordRangeAtPosition(start) ?? new vscode.Range(start, start.translate(0, 1));
  } catch {
    return new vscode.Range(start, start.translate(0, 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Running wspc
// ---------------------------------------------------------------------------------------------

interface WspcResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs wspc with a cancellable progress notification; undefined when cancelled or it could not start. */
async function runWspc(tools: Tools, args: readonly string[], cwd: string, title: string): Promise<WspcResult | undefined> {
  const wspc = configuredPath("compiler.path") ?? tools.context.asAbsolutePath(path.join("dist", "wspc.mjs"));
  tools.output.appendLine(`$ wspc ${args.join(" ")}   (in ${cwd})`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `wsp: ${title}…`, cancellable: true },
    (_progress, token) => spawnWspc(wspc, args, cwd, token),
  );
  if (outcome.kind === "cancelled") tools.output.appendLine("cancelled");
  if (outcome.kind === "failed") {
    tools.output.appendLine(outcome.message);
    void vscode.window.showErrorMessage(`wsp: cannot run wspc (${wspc}): ${outcome.message}`);
  }
  return outcome.kind === "done" ? outcome.result : undefined;
}

type SpawnOutcome =
  | { readonly kind: "done"; readonly result: WspcResult }
  | { readonly kind: "cancelled" }
  | { readonly kind: "failed"; readonly message: string };

function spawnWspc(wspc: string, args: readonly string[], cwd: string, token: vscode.CancellationToken): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    // In VS Code the extension host's executable is Electron: this makes it run as plain Node.
    const child = spawn(process.execPath, [wspc, ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const cancel = token.onCancellationRequested(() => child.kill());
    child.on("error", (error) => {
      cancel.dispose();
      resolve({ kind: "failed", message: error.message });
    });
    child.on("close", (status) => {
      cancel.dispose();
      resolve(token.isCancellationRequested ? { kind: "cancelled" } : { kind: "done", result: { status, stdout, stderr } });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A path setting (`wsp.server.path`, `wsp.compiler.path`), or undefined when it is empty. */
function configuredPath(key: string): string | undefined {
  const value = vscode.workspace.getConfiguration("wsp").get<string>(key, "").trim();
  return value === "" ? undefined : value;
}

function firstLine(text: string): string | undefined {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
