/**
 * The server under load and abuse: cancellation (of requests, and of checks through the
 * compiler's `isCancelled`), debounced analysis, failing requests, malformed input, unknown
 * methods, positions past the end, and a 5 MB file, for the issue-6 features.
 */
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CancellationTokenSource, CodeActionRequest, CodeLensRequest, HoverRequest, InlayHintRequest, LSPErrorCodes, ErrorCodes,
  type CodeLens, type Hover, type InlayHint, type MarkupContent,
} from "vscode-languageserver-protocol/node";
import { Cancelled, checkProgram } from "../../compiler/program.js";
import { createNodeHost } from "../../compiler/cli/node-host.js";
import type { CompilerHost } from "../../compiler/host.js";
import { marked, TestClient } from "./client.js";

const TIMEOUT = 60_000;

let client: TestClient;

beforeEach(async () => {
  client = await TestClient.start();
});

afterEach(() => {
  client.kill();
});

const uriIn = (name: string) => pathToFileURL(path.join(os.tmpdir(), "wsp-lsp-robust", name)).href;
const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? "";

const SMALL = `tensor A: f32[8, 16]
kernel <|>k(x: inout f32[16]) on aiv cycles 10
axis a = dense(8)
workload w { parallel i in a { k(A[i]) } }
`;

/** About `kib` KiB of valid declarations, so a check takes a while. */
function padding(kib: number): string {
  const line = "const C_0000000 = 1 + 2 * 3 // padding padding padding padding\n";
  return Array.from({ length: Math.ceil((kib * 1024) / line.length) }, (_, i) => line.replace("0000000", String(i).padStart(7, "0"))).join("");
}

/** A host over in-memory files, with the stdlib from disk. */
function memoryHost(files: Record<string, string>): CompilerHost {
  const disk = createNodeHost();
  return {
    readFile: (f) => files[f] ?? disk.readFile(f),
    resolveModule: (p, from, mod) => disk.resolveModule(p, from, mod),
  };
}

describe("checkProgram's cancellation hook", () => {
  const host = memoryHost({ "/m/a.wsp": marked(SMALL).text });

  it("asks between passes and stops with Cancelled once told to", () => {
    let asked = 0;
    expect(() => checkProgram(["/m/a.wsp"], host, { isCancelled: () => ++asked > 3 })).toThrow(Cancelled);
    // Asked before loading, after loading, then per module and pass: the fourth question stopped it.
    expect(asked).toBe(4);
  });

  it("without cancellation, the result is the one of a check without the hook", () => {
    let asked = 0;
    const hooked = checkProgram(["/m/a.wsp"], host, { isCancelled: () => { asked++; return false; } });
    const plain = checkProgram(["/m/a.wsp"], host);
    // 7 passes over 4 modules (the file, prelude, targets, policies), plus before/after loading and before the analyses.
    expect(asked).toBe(7 * 4 + 3);
    expect(hooked.diagnostics).toEqual(plain.diagnostics);
    expect([...hooked.files.keys()]).toEqual([...plain.files.keys()]);
  });
});

describe("wsp-lsp under load and abuse", () => {
  it("answers a request cancelled before it ran with RequestCancelled, and the others normally", { timeout: TIMEOUT }, async () => {
    const { text, positions } = marked(padding(1024) + SMALL);
    const uri = uriIn("big.wsp");
    await client.open(uri, text);
    // The first hover checks the 1 MB document; the second is cancelled while it waits its turn.
    const first = client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! });
    const source = new CancellationTokenSource();
    const second = client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! }, source.token);
    source.cancel();
    await expect(second).rejects.toMatchObject({ code: LSPErrorCodes.RequestCancelled });
    expect(hoverText(await first)).toContain("(kernel)");
    expect(hoverText(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! }))).toContain("(kernel)");
  });

  it("debounces a burst of edits: fewer publications than edits, and the last one is for the last text", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("burst.wsp");
    const { text } = marked(SMALL);
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, () => true);
    // This handler replaces the test client's own (one per method): it counts the publications
    // and sees the first clean one, which only the last text can produce.
    const published: number[] = [];
    const clean = new Promise<void>((resolve) => {
      client.connection.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: unknown[] }) => {
        if (p.uri !== uri) return;
        published.push(p.diagnostics.length);
        if (p.diagnostics.length === 0) resolve();
      });
    });
    const edits = 20;
    // Every intermediate text has one unknown name; the last has none.
    for (let i = 1; i < edits; i++) await client.replace(uri, text.replace("k(A[i])", `k${i}(A[i])`));
    await client.replace(uri, text);
    await clean;
    expect(published.length).toBeLessThan(edits);
    expect(published.at(-1)).toBe(0);
  });

  it("logs an exception inside a request, answers it as an error, and keeps serving", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("small.wsp");
    const { text, positions } = marked(SMALL);
    await client.open(uri, text);
    const broken = client.connection.sendRequest(CodeActionRequest.method, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });
    await expect(broken).rejects.toMatchObject({ code: ErrorCodes.InternalError });
    expect(client.logs.some((l) => l.type === 1 && l.message.includes("textDocument/codeAction failed"))).toBe(true);
    const badRange = client.connection.sendRequest(InlayHintRequest.method, { textDocument: { uri }, range: { start: { line: "a", character: 0 }, end: {} } });
    await expect(badRange).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });
    expect(hoverText(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! }))).toContain("(kernel)");
  });

  it("survives malformed input on stdio: a bad header, a body that is not JSON, a wrong length", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("small.wsp");
    const { text, positions } = marked(SMALL);
    await client.open(uri, text);
    const stdin = client.child.stdin!;
    stdin.write("Content-Length: abc\r\n\r\n");
    stdin.write("X-Nonsense: 1\r\n\r\n");
    stdin.write("Content-Length: 5\r\n\r\n{oops");
    stdin.write("Content-Length: 2\r\n\r\n[]");
    // A length shorter than its body: the rest is garbage until the next header.
    stdin.write("Content-Length: 4\r\n\r\n{\"jsonrpc\":\"2.0\"}");
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! });
    expect(hoverText(h)).toContain("(kernel)");
    expect(client.child.exitCode).toBeNull();
  });

  it("answers unknown methods with MethodNotFound, ignores unknown notifications, and clamps positions past the end", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("small.wsp");
    const { text, positions } = marked(SMALL);
    await client.open(uri, text);
    await expect(client.connection.sendRequest("wsp/unknown", { x: 1 })).rejects.toMatchObject({ code: ErrorCodes.MethodNotFound });
    await client.connection.sendNotification("wsp/unknownNotification", { x: 1 });
    const far = { start: { line: 5000, character: 9 }, end: { line: 9000, character: 9 } };
    expect(await client.connection.sendRequest(InlayHintRequest.method, { textDocument: { uri }, range: far })).toEqual([]);
    expect(await client.connection.sendRequest(CodeActionRequest.method, { textDocument: { uri }, range: far, context: { diagnostics: [] } })).toEqual([]);
    // A range from the start to far past the end covers the whole file: the call's hints.
    const all = await client.connection.sendRequest(InlayHintRequest.method, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: far.end } }) as InlayHint[];
    expect(all.map((h) => h.label)).toEqual(["8 tasks", "→ sched i % 4"]);
    // A document that is not open has no lenses.
    expect(await client.connection.sendRequest(CodeLensRequest.method, { textDocument: { uri: uriIn("closed.wsp") } })).toEqual([]);
    expect(hoverText(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positions[0]! }))).toContain("(kernel)");
  });

  it("serves hints, lenses and actions on a 5 MB file", { timeout: 180_000 }, async () => {
    const program = `use std.targets.{a2a3sim}\n${SMALL.replace("<|>", "")}schedule w on a2a3sim { window 64 }\n`;
    const text = padding(5 * 1024) + program;
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    const uri = uriIn("huge.wsp");
    await client.open(uri, text);
    const lines = text.split("\n").length;
    const hints = await client.connection.sendRequest(InlayHintRequest.method, { textDocument: { uri }, range: { start: { line: lines - 5, character: 0 }, end: { line: lines, character: 0 } } }) as InlayHint[];
    expect(hints.map((h) => h.label)).toEqual(["8 tasks", "→ sched i % 4"]);
    const lenses = await client.connection.sendRequest(CodeLensRequest.method, { textDocument: { uri } }) as CodeLens[];
    expect(lenses.map((l) => [l.range.start.line, l.command?.command])).toEqual([[lines - 2, "wsp.build"], [lines - 2, "wsp.simulate"]]);
    expect(await client.connection.sendRequest(CodeActionRequest.method, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, context: { diagnostics: [] } })).toEqual([]);
  });
});
