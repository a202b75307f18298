/**
 * Protocol tests for the navigation and editing features (issue 6): rename, document highlight,
 * type definition, signature help, workspace symbols, semantic tokens, range formatting, folding
 * and selection ranges, document links. A real client over stdio against the built server; the
 * scratch folder of each test is the client's workspace folder. Expected positions come from
 * `<|>` markers or are counted by hand in the comments.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DiagnosticSeverity, LSPErrorCodes, ResponseError, DocumentHighlightKind, DocumentHighlightRequest, DocumentLinkRequest, DocumentRangeFormattingRequest, FoldingRangeRequest,
  PrepareRenameRequest, RenameRequest, SelectionRangeRequest, SemanticTokensDeltaRequest, SemanticTokensRequest,
  SignatureHelpRequest, SymbolKind, TypeDefinitionRequest, WorkspaceSymbolRequest,
  type Diagnostic, type DocumentHighlight, type DocumentLink, type FoldingRange, type Location, type Position, type Range, type SelectionRange,
  type SemanticTokens, type SemanticTokensDelta, type SemanticTokensLegend, type SignatureHelp, type SymbolInformation,
  type TextEdit, type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { marked, REPO, TestClient } from "./client.js";

const TIMEOUT = 60_000;

let client: TestClient;
let dir: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-nav-"));
  client = await TestClient.start(pathToFileURL(dir).href);
}, TIMEOUT); // starting a server on a shared, busy machine can take a while

afterEach(() => {
  client.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uriIn = (name: string) => pathToFileURL(path.join(dir, name)).href;

function request<R>(type: { method: string }, params: object): Promise<R> {
  return client.connection.sendRequest(type.method, params) as Promise<R>;
}

async function openMarked(name: string, source: string): Promise<{ uri: string; text: string; at: Position[] }> {
  const { text, positions } = marked(source);
  const uri = uriIn(name);
  await client.open(uri, text);
  return { uri, text, at: positions };
}

/** The range of `length` characters from `p` (names never span lines). */
const span = (p: Position, length: number): Range => ({ start: p, end: { line: p.line, character: p.character + length } });
const pos = (line: number, character: number): Position => ({ line, character });
/** The error diagnostics (a sanity check that a test program is valid; warnings may come and go). */
const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === DiagnosticSeverity.Error);

/** Applies LSP edits to a text (offsets computed here, independently of the server). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offset = (p: Position) => text.split("\n").slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe("navigation and editing features", () => {
  it("advertises them", { timeout: TIMEOUT }, () => {
    const c = client.capabilities;
    expect(c.renameProvider).toEqual({ prepareProvider: true });
    expect(c.documentHighlightProvider).toBe(true);
    expect(c.typeDefinitionProvider).toBe(true);
    expect(c.signatureHelpProvider?.triggerCharacters).toEqual(["(", ","]);
    expect(c.workspaceSymbolProvider).toBe(true);
    expect(c.semanticTokensProvider?.full).toEqual({ delta: true });
    expect(c.documentRangeFormattingProvider).toBe(true);
    expect(c.foldingRangeProvider).toBe(true);
    expect(c.selectionRangeProvider).toBe(true);
    expect(c.documentLinkProvider).toEqual({ resolveProvider: false });
  });
});

describe("rename", () => {
  it("renames a constant across the workspace, files on disk included, keeping an alias", { timeout: TIMEOUT }, async () => {
    fs.writeFileSync(path.join(dir, "lib.wsp"), "const N = 4\nconst M = N * 2\n");
    fs.writeFileSync(path.join(dir, "other.wsp"), "use lib.{N as Q}\nconst R = Q\n");
    const main = await openMarked("main.wsp", "use lib.{N}\nconst K = <|>N + 1\n");
    expect(errors(await client.waitForDiagnostics(main.uri, () => true))).toEqual([]);

    const prepared = await request(PrepareRenameRequest.type, { textDocument: { uri: main.uri }, position: main.at[0] });
    expect(prepared).toEqual({ range: span(pos(1, 10), 1), placeholder: "N" });

    const edit = await request<WorkspaceEdit>(RenameRequest.type, { textDocument: { uri: main.uri }, position: main.at[0], newName: "SIZE" });
    const to = (p: Position) => ({ range: span(p, 1), newText: "SIZE" });
    expect(edit.changes).toEqual({
      // lib.wsp: `const N` (line 0, col 6) and `N * 2` (line 1, col 10).
      [uriIn("lib.wsp")]: [to(pos(0, 6)), to(pos(1, 10))],
      // main.wsp: the use item (col 9) and the use (line 1, col 10).
      [main.uri]: [to(pos(0, 9)), to(pos(1, 10))],
      // other.wsp: only the imported name; the alias `Q` and its uses stay.
      [uriIn("other.wsp")]: [to(pos(0, 9))],
    });
  });

  const PROGRAM = `use std.targets.{a2a3sim}
use std.policies.{round_<|>robin}
const <|>N = 4
const M = 8
tensor A: f32[4, 8] inout
kernel k(x: inout f32[8], <|>n: u32) on aiv cycles <|>n
axis rows = dense(N)
workload w {
  <|>for <|>i in rows { k(A[<|>i], <|>n = N) }
}
schedule w on a2a3sim { dispatch round_robin(4) }
`;

  it("refuses stdlib declarations, keywords, bad names and collisions, with a reason", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("r.wsp", PROGRAM);
    expect(errors(await client.waitForDiagnostics(uri, () => true))).toEqual([]);
    const prepare = (p: Position) => request(PrepareRenameRequest.type, { textDocument: { uri }, position: p });
    const rename = (p: Position, newName: string) => request<WorkspaceEdit>(RenameRequest.type, { textDocument: { uri }, position: p, newName });

    await expect(prepare(at[0]!)).rejects.toThrow("`round_robin` is declared in the standard library (`std.policies`) and cannot be renamed");
    await expect(prepare(at[4]!)).rejects.toThrow("`for` is a keyword and cannot be renamed");
    await expect(rename(at[1]!, "2x")).rejects.toThrow("`2x` is not a name");
    await expect(rename(at[1]!, "for")).rejects.toThrow("`for` is a keyword");
    // `M` is declared on line 4 of the same module (named after its file).
    await expect(rename(at[1]!, "M")).rejects.toThrow("module `r` already declares `M` (line 4)");
    // `N` is used on line 9 inside `for i`, where `i` would hide it.
    await expect(rename(at[1]!, "i")).rejects.toThrow("`i` is a local name where `N` is used (line 9)");
    // Inside the loop, `A` already names the tensor.
    await expect(rename(at[5]!, "A")).rejects.toThrow("`A` already names something else in the scope of `i` (line 9)");
    await expect(rename(at[5]!, "seq")).rejects.toThrow("`seq` is reserved");
  });

  it("renames a loop variable, and a kernel parameter with its named arguments", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("r.wsp", PROGRAM);
    const rename = (p: Position, newName: string) => request<WorkspaceEdit>(RenameRequest.type, { textDocument: { uri }, position: p, newName });
    expect((await rename(at[6]!, "row")).changes).toEqual({ [uri]: [at[5]!, at[6]!].map((p) => ({ range: span(p, 1), newText: "row" })) });
    // The parameter, its use in `cycles`, and `n = N` at the call.
    expect((await rename(at[3]!, "count")).changes).toEqual({ [uri]: [at[2]!, at[3]!, at[7]!].map((p) => ({ range: span(p, 1), newText: "count" })) });
  });

  it("renames a channel within its pipeline, and refuses a name another member has", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("ch.wsp", `axis n = dense(4)
pipeline ring {
  channel <|>ping depth 1
  channel pong depth 1
  process left { for i in n { send <|>ping(i) } }
  process right { for i in n { recv v from <|>ping } }
}
`);
    const rename = (p: Position, newName: string) => request<WorkspaceEdit>(RenameRequest.type, { textDocument: { uri }, position: p, newName });
    expect((await rename(at[1]!, "msgs")).changes).toEqual({ [uri]: at.map((p) => ({ range: span(p, 4), newText: "msgs" })) });
    await expect(rename(at[0]!, "pong")).rejects.toThrow("pipeline `ring` already has a channel `pong` (line 4)");
  });

  it("renames an import alias in its file, and refuses a variable that `task.X` reads by name", { timeout: TIMEOUT }, async () => {
    const alias = await openMarked("alias.wsp", `use std.targets.{a2a3sim}
use std.policies.{round_robin as <|>rr}
tensor A: f32[4, 8] inout
kernel k(x: inout f32[8]) on aiv cycles 1
axis rows = dense(4)
workload w { parallel i in rows { k(A[i]) } }
schedule w on a2a3sim { dispatch <|>rr(4) }
`);
    expect(await request(PrepareRenameRequest.type, { textDocument: { uri: alias.uri }, position: alias.at[1] })).toEqual({ range: span(alias.at[1]!, 2), placeholder: "rr" });
    const edit = await request<WorkspaceEdit>(RenameRequest.type, { textDocument: { uri: alias.uri }, position: alias.at[1], newName: "deal" });
    expect(edit.changes).toEqual({ [alias.uri]: alias.at.map((p) => ({ range: span(p, 2), newText: "deal" })) });

    const task = await openMarked("task.wsp", `use std.targets.{a2a3sim}
use std.policies.{affinity}
tensor A: f32[4, 8] inout
kernel k(x: inout f32[8]) on aiv cycles 1
axis rows = dense(4)
workload w { parallel <|>i in rows { k(A[i]) } }
schedule w on a2a3sim { dispatch affinity(task.i, 4) }
`);
    expect(errors(await client.waitForDiagnostics(task.uri, () => true))).toEqual([]);
    await expect(request(RenameRequest.type, { textDocument: { uri: task.uri }, position: task.at[0], newName: "j" }))
      .rejects.toThrow("`task.i` (line 7) reads variables named `i` by name");
  });
});

describe("document highlight", () => {
  it("marks channel sends and tensor outputs as writes, receives and inputs as reads", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("h.wsp", `const <|>N = 4
tensor <|>A: f32[4, 8] inout
tensor B: f32[4, 8] inout
kernel copy(src: in f32[8], dst: out f32[8]) on aiv cycles 10
axis n = dense(<|>N)
pipeline ring {
  channel <|>ping depth 1
  process left { for i in n { copy(<|>A[i], B[i]); send <|>ping(i) } }
  process right { for i in n { recv v from <|>ping; copy(B[i], <|>A[i]) } }
}
`);
    const highlight = (p: Position) => request<DocumentHighlight[]>(DocumentHighlightRequest.type, { textDocument: { uri }, position: p });
    const { Text, Read, Write } = DocumentHighlightKind;
    expect(await highlight(at[0]!)).toEqual([{ range: span(at[0]!, 1), kind: Write }, { range: span(at[2]!, 1), kind: Read }]);
    expect(await highlight(at[4]!)).toEqual([
      { range: span(at[1]!, 1), kind: Text }, { range: span(at[4]!, 1), kind: Read }, { range: span(at[7]!, 1), kind: Write },
    ]);
    expect(await highlight(at[6]!)).toEqual([
      { range: span(at[3]!, 4), kind: Text }, { range: span(at[5]!, 4), kind: Write }, { range: span(at[6]!, 4), kind: Read },
    ]);
  });
});

describe("type definition", () => {
  it("goes from a loop variable to its axis, a token to its channel, a view to its tensor", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("t.wsp", `tensor <|>S: f32[4, 16, 16]
kernel step(x: inout f32[16, 16]) on aiv cycles 100
axis <|>n = dense(4)
pipeline ring {
  channel <|>ping depth 1
  process left { for i in n { step(S[i]); send ping(i) } }
  process right { for <|>i in n { recv <|>v from ping; <|>step(<|>S[<|>i]) } }
}
`);
    const typeDef = (p: Position) => request<Location | null>(TypeDefinitionRequest.type, { textDocument: { uri }, position: p });
    // Markers: 0 tensor S, 1 axis n, 2 channel ping, 3 `for i`, 4 `recv v`, 5 `step(`, 6 `S[`, 7 `[i]`.
    expect(await typeDef(at[3]!)).toEqual({ uri, range: span(at[1]!, 1) });
    expect(await typeDef(at[7]!)).toEqual({ uri, range: span(at[1]!, 1) });
    expect(await typeDef(at[4]!)).toEqual({ uri, range: span(at[2]!, 4) });
    expect(await typeDef(at[6]!)).toEqual({ uri, range: span(at[0]!, 1) });
    // A kernel has no type of its own to go to.
    expect(await typeDef(at[5]!)).toBeNull();
  });
});

describe("signature help", () => {
  const HEAD = `use std.targets.{a2a3sim}
use std.policies.{affinity}
tensor A: f32[4, 8] inout
/// Scales a row.
kernel scale(x: inout f32[8], factor: u32) on aiv cycles 10
axis rows = dense(4)
workload w {<|>
  parallel r in rows {
    `;

  async function help(tail: string): Promise<SignatureHelp | null> {
    const { uri, at } = await openMarked("s.wsp", HEAD + tail);
    return request<SignatureHelp | null>(SignatureHelpRequest.type, { textDocument: { uri }, position: at[at.length - 1] });
  }

  it("shows a kernel's parameters while its call is half typed", { timeout: TIMEOUT }, async () => {
    const h = await help("scale(<|>");
    // "scale(" is 6 characters; "x: inout f32[8]" 15; ", "; "factor: u32" 11.
    expect(h?.signatures[0]).toMatchObject({
      label: "scale(x: inout f32[8], factor: u32)",
      documentation: { kind: "markdown", value: "Scales a row." },
      parameters: [{ label: [6, 21] }, { label: [23, 34] }],
    });
    expect(h?.signatures[0]?.parameters?.[1]?.documentation).toEqual({ kind: "markdown", value: "`factor`: scalar u32" });
    expect(h?.activeParameter).toBe(0);
    expect((await help("scale(A[r, <|>"))?.activeParameter).toBe(0);
    expect((await help("scale(A[r], <|>"))?.activeParameter).toBe(1);
    expect((await help("scale(A[r], factor = min(1, <|>"))?.activeParameter).toBe(1);
    expect((await help("scale(factor = <|>"))?.activeParameter).toBe(1);
    expect((await help("scale(A[r], 2, <|>"))?.activeParameter).toBeNull();
  });

  it("shows a policy's parameters in a schedule, and nothing outside a call", { timeout: TIMEOUT }, async () => {
    const h = await help("scale(A[r])\n  }\n}\nschedule w on a2a3sim { dispatch affinity(task.seq, <|>");
    expect(h?.signatures[0]?.label).toBe("affinity(key: u64, n: u32): dispatch");
    expect(h?.signatures[0]?.parameters?.[1]).toEqual({ label: [19, 25], documentation: { kind: "markdown", value: "`n`: u32" } });
    expect(h?.activeParameter).toBe(1);

    const { uri, at } = await openMarked("s2.wsp", HEAD + "scale(A[r])\n  }\n}\n");
    expect(await request(SignatureHelpRequest.type, { textDocument: { uri }, position: at[0] })).toBeNull();
  });
});

describe("workspace symbols", () => {
  it("matches exact names, then prefixes, word starts, substrings and letters in order", { timeout: TIMEOUT }, async () => {
    fs.writeFileSync(path.join(dir, "a.wsp"), `kernel scale(x: inout f32[8]) on aiv cycles 10
tensor Scores: f32[8] inout
pipeline stream {
  channel sc depth 1
  process producer { }
}
`);
    fs.writeFileSync(path.join(dir, "b.wsp"), "const describe_scan = 1\nconst basic = 2\n");
    const found = await request<SymbolInformation[]>(WorkspaceSymbolRequest.type, { query: "sc" });
    expect(found.map((s) => [s.name, s.kind, s.containerName])).toEqual([
      ["sc", SymbolKind.Event, "a.stream"],
      ["Scores", SymbolKind.Array, "a"],
      ["scale", SymbolKind.Function, "a"],
      ["describe_scan", SymbolKind.Constant, "b"],
      ["basic", SymbolKind.Constant, "b"],
    ]);
    expect(found[3]!.location).toEqual({ uri: uriIn("b.wsp"), range: span(pos(0, 6), 13) });
    expect(await request(WorkspaceSymbolRequest.type, { query: "zzz" })).toEqual([]);

    const robin = await request<SymbolInformation[]>(WorkspaceSymbolRequest.type, { query: "robin" });
    expect(robin.map((s) => s.name)).toEqual(["round_robin"]);
    expect(robin[0]!.location.uri).toBe(pathToFileURL(path.join(REPO, "stdlib", "std", "policies.wsp")).href);
  });
});

describe("semantic tokens", () => {
  const TEXT = `const N: u32 = 4
tensor A: f32[N] in
kernel k(x: in f32[4]) on aiv cycles 10
axis rows = dense(N)
pipeline p {
  channel c depth 2
  process q { for i in rows { k(A); send c(i) } }
}
`;

  /** Absolute [line, character, length, type, modifiers] from the relative encoding. */
  function decode(data: readonly number[], legend: SemanticTokensLegend): [number, number, number, string, string[]][] {
    const out: [number, number, number, string, string[]][] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      character = data[i]! === 0 ? character + data[i + 1]! : data[i + 1]!;
      const mods = legend.tokenModifiers.filter((_, b) => (data[i + 4]! & (1 << b)) !== 0);
      out.push([line, character, data[i + 2]!, legend.tokenTypes[data[i + 3]!]!, mods]);
    }
    return out;
  }

  it("classifies names by what they denote, soft keywords and dtypes", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("tok.wsp");
    await client.open(uri, TEXT);
    const legend = client.capabilities.semanticTokensProvider!.legend;
    const full = await request<SemanticTokens>(SemanticTokensRequest.type, { textDocument: { uri } });
    const decl = "declaration";
    const ro = "readonly";
    expect(decode(full.data, legend)).toEqual([
      [0, 6, 1, "variable", [decl, ro]], [0, 9, 3, "type", []],
      [1, 7, 1, "tensor", [decl, ro]], [1, 10, 3, "type", []], [1, 14, 1, "variable", [ro]],
      [2, 7, 1, "kernel", [decl]], [2, 9, 1, "parameter", [decl, ro]], [2, 15, 3, "type", []], [2, 30, 6, "keyword", []],
      [3, 5, 4, "axis", [decl]], [3, 18, 1, "variable", [ro]],
      [4, 9, 1, "pipeline", [decl]],
      [5, 10, 1, "channel", [decl]], [5, 12, 5, "keyword", []],
      [6, 10, 1, "process", [decl]], [6, 18, 1, "variable", [decl, ro]], [6, 23, 4, "axis", []], [6, 30, 1, "kernel", []],
      [6, 32, 1, "tensor", [ro]], [6, 41, 1, "channel", []], [6, 43, 1, "variable", [ro]],
    ]);
  });

  it("answers a delta with the changed stretch only, and a full answer for an unknown previous result", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("tok.wsp");
    await client.open(uri, TEXT);
    const first = await request<SemanticTokens>(SemanticTokensRequest.type, { textDocument: { uri } });
    await client.replace(uri, TEXT + "const Z = 1\n");
    const delta = await request<SemanticTokensDelta>(SemanticTokensDeltaRequest.type, { textDocument: { uri }, previousResultId: first.resultId });
    // One token appended: line 8 is two below the last token (line 6); `Z` at column 6;
    // variable (type 13) with declaration | readonly (bits 1 + 2).
    expect(delta.edits).toEqual([{ start: first.data.length, deleteCount: 0, data: [2, 6, 1, 13, 3] }]);
    expect(delta.resultId).not.toBe(first.resultId);

    const again = await request<SemanticTokens>(SemanticTokensDeltaRequest.type, { textDocument: { uri }, previousResultId: "no-such-id" });
    expect(again.data).toEqual([...first.data, 2, 6, 1, 13, 3]);
  });
});

describe("range formatting", () => {
  it("changes only the lines of the range, through wspc fmt's formatter", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("f.wsp");
    const text = "const   N=4\nconst M =   N*2\nconst   K=1\n";
    await client.open(uri, text);
    const format = (range: Range) => request<TextEdit[]>(DocumentRangeFormattingRequest.type, { textDocument: { uri }, range, options: { tabSize: 2, insertSpaces: true } });
    // Line 1 only: "const M = " is kept; "  N*" becomes "N * "; "2\n" is kept.
    expect(await format({ start: pos(1, 0), end: pos(1, 5) })).toEqual([{ range: { start: pos(1, 10), end: pos(1, 14) }, newText: "N * " }]);
    const all = await format({ start: pos(0, 0), end: pos(3, 0) });
    expect(applyEdits(text, all)).toBe("const N = 4\nconst M = N * 2\nconst K = 1\n");

    // Blank lines collapse to one: the two extra ones (lines 2 and 3) go in one edit.
    await client.replace(uri, "const A = 1\n\n\n\nconst B = 2\n");
    expect(await format({ start: pos(2, 0), end: pos(2, 0) })).toEqual([{ range: { start: pos(2, 0), end: pos(4, 0) }, newText: "" }]);
    expect(await format({ start: pos(4, 0), end: pos(4, 5) })).toEqual([]);

    await client.replace(uri, "const   N = (4\n");
    expect(await format({ start: pos(0, 0), end: pos(1, 0) })).toEqual([]);
  });
});

describe("folding and selection ranges", () => {
  const TEXT = `use std.targets.{a2a3sim}
use std.policies.{round_robin}

/// Scales a row.
/// Twice.
kernel scale(x: inout f32[8]) on aiv cycles 10
tensor A: f32[4, 8] inout
axis rows = dense(4)
workload w {
  parallel r in rows {
    scale(A[<|>r])
  }
}
/* a
   block */
`;

  it("folds the uses, comment runs and blocks", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("fold.wsp", TEXT);
    const ranges = await request<FoldingRange[]>(FoldingRangeRequest.type, { textDocument: { uri } });
    expect(ranges).toEqual([
      { startLine: 0, endLine: 1, kind: "imports" },
      { startLine: 3, endLine: 4, kind: "comment" },
      // The workload (line 8) down to the line before its closing `}` (line 12).
      { startLine: 8, endLine: 11, kind: "region" },
      { startLine: 9, endLine: 10, kind: "region" },
      { startLine: 13, endLine: 14, kind: "comment" },
    ]);
  });

  it("expands from a name through its expression, statement and blocks to the declaration and file", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("sel.wsp", TEXT);
    const [sel] = await request<SelectionRange[]>(SelectionRangeRequest.type, { textDocument: { uri }, positions: [at[0]] });
    const chain: Range[] = [];
    for (let s: SelectionRange | undefined = sel; s; s = s.parent) chain.push(s.range);
    expect(chain).toEqual([
      { start: pos(10, 12), end: pos(10, 13) },   // r
      { start: pos(10, 10), end: pos(10, 14) },   // A[r]
      { start: pos(10, 4), end: pos(10, 15) },    // scale(A[r])
      { start: pos(9, 21), end: pos(11, 3) },     // the parallel's block
      { start: pos(9, 2), end: pos(11, 3) },      // the parallel statement
      { start: pos(8, 11), end: pos(12, 1) },     // the workload's block
      { start: pos(8, 0), end: pos(12, 1) },      // the workload
      { start: pos(0, 0), end: pos(15, 0) },      // the file
    ]);
  });
});

describe("document links", () => {
  const TEXT = `kernel a() on aiv cycles 1 source "<|>kernels/a.cpp<|>"
kernel b() on aiv cycles 1 source "../outside.cpp"
`;

  it("links a kernel's source path inside the workspace, and not one outside", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("k.wsp", TEXT);
    const links = await request<DocumentLink[]>(DocumentLinkRequest.type, { textDocument: { uri } });
    expect(links.map((l) => ({ range: l.range, target: l.target }))).toEqual([
      { range: { start: at[0], end: at[1] }, target: pathToFileURL(path.join(dir, "kernels", "a.cpp")).href },
    ]);
  });

  it("links nothing without a workspace folder", { timeout: TIMEOUT }, async () => {
    const bare = await TestClient.start();
    try {
      const uri = uriIn("k.wsp");
      await bare.open(uri, marked(TEXT).text);
      expect(await bare.connection.sendRequest(DocumentLinkRequest.method, { textDocument: { uri } })).toEqual([]);
    } finally {
      bare.kill();
    }
  });
});

describe("robustness", () => {
  it("answers every feature past the end of the file and in a half-typed program without failing", { timeout: TIMEOUT }, async () => {
    const uri = uriIn("broken.wsp");
    await client.open(uri, "tensor A: f32[4, 8] inout\nkernel k(x: inout f32[8]) on\naxis rows = dense(\nworkload w { parallel r in rows { k(A[r, ");
    const doc = { textDocument: { uri } };
    for (const position of [pos(10_000, 5), pos(3, 10_000), pos(3, 36), pos(1, 8)]) {
      await expect(request(DocumentHighlightRequest.type, { ...doc, position })).resolves.toBeDefined();
      await expect(request(TypeDefinitionRequest.type, { ...doc, position })).resolves.toBeDefined();
      await expect(request(SignatureHelpRequest.type, { ...doc, position })).resolves.toBeDefined();
      await expect(request(SelectionRangeRequest.type, { ...doc, positions: [position] })).resolves.toHaveLength(1);
      // Either a range to rename or a refusal, never an internal error.
      const prepared = await request(PrepareRenameRequest.type, { ...doc, position }).catch((e: ResponseError) => e.code);
      expect(prepared === LSPErrorCodes.RequestFailed || (typeof prepared === "object" && prepared !== null && "range" in prepared)).toBe(true);
    }
    await expect(request(RenameRequest.type, { ...doc, position: pos(10_000, 0), newName: "x" })).rejects.toThrow("nothing to rename");
    await expect(request(DocumentRangeFormattingRequest.type, { ...doc, range: { start: pos(0, 0), end: pos(10_000, 0) }, options: { tabSize: 2, insertSpaces: true } })).resolves.toEqual([]);
    await expect(request(SemanticTokensRequest.type, doc)).resolves.toHaveProperty("data");
    await expect(request(FoldingRangeRequest.type, doc)).resolves.toBeDefined();
    await expect(request(DocumentLinkRequest.type, doc)).resolves.toEqual([]);
    await expect(request(WorkspaceSymbolRequest.type, { query: "row" })).resolves.toHaveLength(1);
    // Signature help still finds the half-typed call at its end: inside `A[r, `, the first parameter.
    const h = await request<SignatureHelp | null>(SignatureHelpRequest.type, { ...doc, position: pos(3, 41) });
    expect(h?.signatures[0]?.label).toBe("k(x: inout f32[8])");
    expect(h?.activeParameter).toBe(0);
    expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
  });
});
