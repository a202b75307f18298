import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CompletionRequest, DefinitionRequest, DocumentFormattingRequest, DocumentSymbolRequest, HoverRequest, ReferencesRequest,
  DiagnosticSeverity, ErrorCodes, ResponseError,
  type CompletionItem, type DocumentSymbol, type Hover, type Location, type MarkupContent, type Position, type TextEdit,
} from "vscode-languageserver-protocol/node";
import { stableId } from "../../runtime/package/ids.js";
import { marked, positionOf, REPO, TestClient } from "./client.js";

const TIMEOUT = 60_000;

/**
 * examples/deadlock_ring.wsp with a doc comment, a policy import and a schedule, and without its
 * deadlock: `right` sends before it receives, so the program checks clean.
 */
const RING = `module examples.deadlock_ring

use std.targets.{a2a3sim}
use std.policies.{round_robin}

tensor S: f32[4, 16, 16]
/// One step of the ring.
kernel step(x: inout f32[16, 16]) on aiv cycles 100
axis n = dense(4)

pipeline ring {
  channel ping depth 1
  channel pong depth 1
  process left  { for i in n { recv v from pong; STEP; send ping(i) } }
  process right { for i in n { send pong(i); recv v from ping; step(S[i]) } }
}

schedule ring on a2a3sim { dispatch round_robin(4) }
`;

const ringWith = (call: string) => RING.replace("STEP", call);

let client: TestClient;
let dir: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-lsp-"));
  client = await TestClient.start();
});

afterEach(() => {
  client.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A file URI in the scratch folder (the file need not exist: open buffers win over disk). */
const uriIn = (name: string) => pathToFileURL(path.join(dir, name)).href;

async function request<R>(type: { method: string }, params: object): Promise<R> {
  return client.connection.sendRequest(type.method, params) as Promise<R>;
}

/** Opens `source` (with `<|>` markers) and returns where the markers stood. */
async function openMarked(name: string, source: string): Promise<{ uri: string; text: string; at: Position[] }> {
  const { text, positions } = marked(source);
  const uri = uriIn(name);
  await client.open(uri, text);
  return { uri, text, at: positions };
}

const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? "";

describe("wsp-lsp over stdio", () => {
  it("serves over Node IPC too", { timeout: TIMEOUT }, async () => {
    const ipc = await TestClient.startIpc();
    try {
      const { text, positions } = marked(ringWith("st<|>ep(S[i])"));
      const uri = uriIn("ring.wsp");
      await ipc.open(uri, text);
      expect(await ipc.waitForDiagnostics(uri, () => true)).toEqual([]);
      const h = await ipc.connection.sendRequest(HoverRequest.method, { textDocument: { uri }, position: positions[0] }) as Hover | null;
      expect(hoverText(h)).toContain("(kernel)");
    } finally {
      ipc.kill();
    }
  });

  it("advertises the features it serves", { timeout: TIMEOUT }, () => {
    const c = client.capabilities;
    expect(c.hoverProvider).toBe(true);
    expect(c.definitionProvider).toBe(true);
    expect(c.referencesProvider).toBe(true);
    expect(c.documentSymbolProvider).toBe(true);
    expect(c.documentFormattingProvider).toBe(true);
    expect(c.completionProvider).toBeDefined();
  });

  it("publishes a compiler diagnostic with code, link and range, and clears it once fixed", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("ring.wsp", ringWith("<|>stepp<|>(S[i])"));
    const [d, ...rest] = await client.waitForDiagnostics(uri, (ds) => ds.length > 0);
    expect(rest).toEqual([]);
    expect(d!.code).toBe("WSP0101");
    expect(d!.severity).toBe(DiagnosticSeverity.Error);
    expect(d!.source).toBe("wsp");
    expect(d!.message).toContain("unknown kernel `stepp`");
    // Line 14 of the file, columns 50-54 (1-based) in the editor's 0-based terms.
    expect(d!.range).toEqual({ start: { line: 13, character: 49 }, end: { line: 13, character: 54 } });
    expect(d!.range).toEqual({ start: at[0], end: at[1] });
    expect(d!.codeDescription?.href).toBe(pathToFileURL(path.join(REPO, "docs", "diagnostics.md")).href + "#wsp0101-unknown-name");

    await client.replace(uri, ringWith("step(S[i])"));
    expect(await client.waitForDiagnostics(uri, (ds) => ds.length === 0)).toEqual([]);
  });

  it("reports related locations of a diagnostic", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("dup.wsp", "const <|>N<|> = 1\nconst <|>N<|> = 2\n");
    const [d] = await client.waitForDiagnostics(uri, (ds) => ds.length > 0);
    expect(d!.code).toBe("WSP0102");
    expect(d!.range).toEqual({ start: at[2], end: at[3] });
    expect(d!.relatedInformation).toEqual([{ location: { uri, range: { start: at[0], end: at[1] } }, message: "first declared here" }]);
  });

  it("hovers a kernel call with its declaration and doc comment", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("ring.wsp", ringWith("st<|>ep(S[i])"));
    const h = await request<Hover | null>(HoverRequest.type, { textDocument: { uri }, position: at[0] });
    const text = hoverText(h);
    expect(text).toContain("(kernel)");
    expect(text).toContain("```wsp\nkernel step(x: inout f32[16, 16]) on aiv cycles 100\n```");
    expect(text).toContain("One step of the ring.");
    expect(text).not.toContain("stable id");
  });

  it("hovers a channel and a policy with their stable ids", { timeout: TIMEOUT }, async () => {
    const src = ringWith("step(S[i])").replace("send ping(i) } }", "send pi<|>ng(i) } }").replace("dispatch round_robin", "dispatch round_<|>robin");
    const { uri, at } = await openMarked("ring.wsp", src);
    const channel = hoverText(await request(HoverRequest.type, { textDocument: { uri }, position: at[0] }));
    expect(channel).toContain("(channel)");
    expect(channel).toContain("channel ping depth 1");
    expect(channel).toContain(`stable id \`${stableId("examples.deadlock_ring.ring.ping")}\``);
    const policy = hoverText(await request(HoverRequest.type, { textDocument: { uri }, position: at[1] }));
    expect(policy).toContain("policy round_robin(n: u32): dispatch = task.seq % n");
    expect(policy).toContain("Deals tasks to `n` schedulers");
    expect(policy).toContain(`stable id \`${stableId("std.policies.round_robin")}\``);
  });

  it("goes to the definition of an imported policy in the stdlib", { timeout: TIMEOUT }, async () => {
    const src = ringWith("step(S[i])").replace("dispatch round_robin", "dispatch round_r<|>obin");
    const { uri, at } = await openMarked("ring.wsp", src);
    const loc = await request<Location | null>(DefinitionRequest.type, { textDocument: { uri }, position: at[0] });
    const stdFile = path.join(REPO, "stdlib", "std", "policies.wsp");
    const stdText = fs.readFileSync(stdFile, "utf8");
    const nameAt = stdText.indexOf("policy round_robin(") + "policy ".length;
    expect(loc?.uri).toBe(pathToFileURL(stdFile).href);
    expect(loc?.range).toEqual({ start: positionOf(stdText, nameAt), end: positionOf(stdText, nameAt + "round_robin".length) });
    // policies.wsp: the module doc (5 lines), `module`, a blank line, 3 doc lines, then the policy.
    expect(loc?.range.start.line).toBe(10);
  });

  it("goes to the definition of a loop variable and of the use item it was imported by", { timeout: TIMEOUT }, async () => {
    const src = ringWith("step(S[i])").replace("process right { for i in n { send pong(i); recv v from ping; step(S[i])", "process right { for <|>i in n { send pong(i); recv v from ping; step(S[<|>i])")
      .replace("use std.policies.{round_robin}", "use std.policies.{round_ro<|>bin}");
    const { uri, at } = await openMarked("ring.wsp", src);
    const local = await request<Location | null>(DefinitionRequest.type, { textDocument: { uri }, position: at[2] });
    expect(local).toEqual({ uri, range: { start: at[1], end: { line: at[1]!.line, character: at[1]!.character + 1 } } });
    const item = await request<Location | null>(DefinitionRequest.type, { textDocument: { uri }, position: at[0] });
    expect(item?.uri).toBe(pathToFileURL(path.join(REPO, "stdlib", "std", "policies.wsp")).href);
  });

  it("finds the references of a channel, with and without its declaration", { timeout: TIMEOUT }, async () => {
    const src = ringWith("step(S[i])")
      .replace("channel ping", "channel <|>ping")
      .replace("send ping(i)", "send <|>ping(i)")
      .replace("recv v from ping", "recv v from <|>ping");
    const { uri, at } = await openMarked("ring.wsp", src);
    const range = (p: Position) => ({ start: p, end: { line: p.line, character: p.character + 4 } });
    const all = await request<Location[]>(ReferencesRequest.type, { textDocument: { uri }, position: at[1], context: { includeDeclaration: true } });
    expect(all).toEqual([at[0]!, at[1]!, at[2]!].map((p) => ({ uri, range: range(p) })));
    const uses = await request<Location[]>(ReferencesRequest.type, { textDocument: { uri }, position: at[0], context: { includeDeclaration: false } });
    expect(uses).toEqual([at[1]!, at[2]!].map((p) => ({ uri, range: range(p) })));
  });

  it("re-checks an open importer when the imported file changes, and finds references across both", { timeout: TIMEOUT }, async () => {
    // The imported module must exist on disk to be found (resolution is wspc's); its open buffer wins.
    fs.writeFileSync(path.join(dir, "lib.wsp"), "const N = 4\n");
    const lib = await openMarked("lib.wsp", "const <|>N = 4\n");
    const main = await openMarked("main.wsp", "use lib.{<|>N}\nconst M = <|>N + 1\n");
    expect(await client.waitForDiagnostics(main.uri, () => true)).toEqual([]);
    const refs = await request<Location[]>(ReferencesRequest.type, { textDocument: { uri: lib.uri }, position: lib.at[0], context: { includeDeclaration: true } });
    const one = (uri: string, p: Position) => ({ uri, range: { start: p, end: { line: p.line, character: p.character + 1 } } });
    expect(refs).toEqual([one(lib.uri, lib.at[0]!), one(main.uri, main.at[0]!), one(main.uri, main.at[1]!)]);

    await client.replace(lib.uri, "const K = 4\n");
    const ds = await client.waitForDiagnostics(main.uri, (d) => d.length > 0);
    expect(ds.map((d) => d.code)).toContain("WSP0103");
  });

  it("lists the outline of a file", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("ring.wsp", ringWith("step(S[i])"));
    expect(await client.waitForDiagnostics(uri, () => true)).toEqual([]);
    const symbols = await request<DocumentSymbol[]>(DocumentSymbolRequest.type, { textDocument: { uri } });
    expect(symbols.map((s) => `${s.detail} ${s.name}`)).toEqual([
      "tensor S", "kernel step", "axis n", "pipeline ring", "schedule schedule ring on a2a3sim",
    ]);
    const ring = symbols.find((s) => s.name === "ring")!;
    expect(ring.children?.map((c) => `${c.detail} ${c.name}`)).toEqual(["channel ping", "channel pong", "process left", "process right"]);
    expect(ring.selectionRange).toEqual({ start: { line: 10, character: 9 }, end: { line: 10, character: 13 } });
    expect(symbols.find((s) => s.name === "step")!.children?.map((c) => c.name)).toEqual(["x"]);
  });

  it("formats the whole document with wspc fmt's formatter, and not a file with syntax errors", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("fmt.wsp");
    await client.open(uri, "const   N=4\nconst M =   N*2\n");
    const edits = await request<TextEdit[]>(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toEqual([{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: "const N = 4\nconst M = N * 2\n" }]);

    await client.replace(uri, "const N = 4\n");
    expect(await request(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    await client.replace(uri, "const   N = (4\n");
    expect(await request(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it("completes kernel names, locals and statement keywords inside a workload", { timeout: TIMEOUT }, async () => {
    const src = `use std.targets.{a2a3sim}
tensor A: f32[4, 8] inout
kernel scale(x: inout f32[8]) on aiv cycles 10
kernel shift(x: inout f32[8]) on aiv cycles 10
axis rows = dense(4)
workload w {
  parallel r in rows {
    scale(A[r])
    <|>
  }
}
<|>
`;
    const { uri, at } = await openMarked("w.wsp", src);
    const items = await request<CompletionItem[]>(CompletionRequest.type, { textDocument: { uri }, position: at[0] });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["scale", "shift", "A", "rows", "r", "parallel", "for", "when", "scope"]));
    expect(labels).not.toContain("kernel");
    expect(labels).not.toContain("a2a3sim");
    expect(items.find((i) => i.label === "shift")?.detail).toBe("kernel shift(x: inout f32[8]) on aiv cycles 10");

    const top = (await request<CompletionItem[]>(CompletionRequest.type, { textDocument: { uri }, position: at[1] })).map((i) => i.label);
    expect(top).toEqual(expect.arrayContaining(["kernel", "workload", "schedule", "use"]));
    expect(top).not.toContain("scale");
  });

  it("answers a bad request with an error, logs an internal failure, and keeps serving", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("ring.wsp", ringWith("st<|>ep(S[i])"));
    const garbage = request(HoverRequest.type, { textDocument: { uri }, position: { line: "x", character: {} } });
    await expect(garbage).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });

    const broken = request(HoverRequest.type, { position: at[0] });
    await expect(broken).rejects.toBeInstanceOf(ResponseError);
    await expect(broken).rejects.toMatchObject({ code: ErrorCodes.InternalError });
    expect(client.logs.some((l) => l.type === 1 && l.message.includes("textDocument/hover failed"))).toBe(true);

    await expect(client.connection.sendRequest("wsp/noSuchMethod", {})).rejects.toMatchObject({ code: ErrorCodes.MethodNotFound });

    // Past the end of the file: clamped to its end, where there is no name.
    expect(await request(HoverRequest.type, { textDocument: { uri }, position: { line: 10_000, character: 5 } })).toBeNull();
    expect(await request(DefinitionRequest.type, { textDocument: { uri }, position: { line: 0, character: 10_000 } })).toBeNull();

    expect(hoverText(await request(HoverRequest.type, { textDocument: { uri }, position: at[0] }))).toContain("(kernel)");
  });

  it("survives a 5 MB file", { timeout: 180_000 }, async () => {
    const line = "const C_0000000 = 1 + 2 * 3 // padding padding padding padding\n";
    const count = Math.ceil((5 * 1024 * 1024) / line.length);
    const text = Array.from({ length: count }, (_, i) => line.replace("0000000", String(i).padStart(7, "0"))).join("") + "const <|>Z = 1\n";
    const { uri, at } = await openMarked("big.wsp", text);
    expect(marked(text).text.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(await client.waitForDiagnostics(uri, () => true)).toEqual([]);
    const h = await request<Hover | null>(HoverRequest.type, { textDocument: { uri }, position: at[0] });
    expect(hoverText(h)).toContain("const Z = 1");
  });

  it("checks every stdlib file without a diagnostic", { timeout: TIMEOUT }, async () => {
    const stdDir = path.join(REPO, "stdlib", "std");
    const files = fs.readdirSync(stdDir).filter((f) => f.endsWith(".wsp")).sort();
    expect(files).toEqual(["policies.wsp", "prelude.wsp", "targets.wsp"]);
    for (const f of files) {
      const uri = pathToFileURL(path.join(stdDir, f)).href;
      await client.open(uri, fs.readFileSync(path.join(stdDir, f), "utf8"));
      expect(await client.waitForDiagnostics(uri, () => true)).toEqual([]);
    }
  });

  it("shuts down and exits with status 0", { timeout: TIMEOUT }, async () => {
    expect(await client.shutdown()).toBe(0);
  });
});
