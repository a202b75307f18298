/**
 * Code actions, inlay hints, code lenses and their commands, and the hover and completion
 * additions of issue 6, through a real client against the built server.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CodeActionRequest, CodeLensRequest, CompletionRequest, ExecuteCommandRequest, HoverRequest, InlayHintRequest,
  ShowMessageNotification, MessageType, ErrorCodes, InsertTextFormat,
  type CodeAction, type CodeLens, type CompletionItem, type Diagnostic, type Hover, type InlayHint, type MarkupContent,
  type Position, type ShowMessageParams, type TextEdit,
} from "vscode-languageserver-protocol/node";
import { marked, TestClient } from "./client.js";

const TIMEOUT = 60_000;

let client: TestClient;
let dir: string;
let messages: ShowMessageParams[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-lsp-actions-"));
  client = await TestClient.start();
  messages = [];
  client.connection.onNotification(ShowMessageNotification.type, (p) => { messages.push(p); });
});

afterEach(() => {
  client.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uriIn = (name: string) => pathToFileURL(path.join(dir, name)).href;

async function request<R>(type: { method: string }, params: object): Promise<R> {
  return client.connection.sendRequest(type.method, params) as Promise<R>;
}

async function openMarked(name: string, source: string): Promise<{ uri: string; text: string; at: Position[] }> {
  const { text, positions } = marked(source);
  const uri = uriIn(name);
  await client.open(uri, text);
  return { uri, text, at: positions };
}

/** Applies LSP edits of one document to its text (edits in any order, non-overlapping). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offset = (p: Position) => text.split("\n").slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const actionsAt = (uri: string, d: Diagnostic) =>
  request<CodeAction[]>(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });

const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? "";

const RING = `module ring

use std.targets.{a2a3sim}
use std.policies.{round_robin}

tensor S: f32[4, 16, 16]
kernel step(x: inout f32[16, 16]) on aiv cycles 100
axis n = dense(4)

pipeline ring {
  channel ping depth 1
  channel pong depth 1
  process left  { for i in n { STEP; send ping(i); recv v from pong } }
  process right { for i in n { recv v from ping; step(S[i]); send pong(i) } }
}

schedule ring on a2a3sim { dispatch round_robin(4) }
`;

describe("code actions", () => {
  it("advertises code actions, inlay hints, code lenses and the two commands", { timeout: TIMEOUT }, () => {
    const c = client.capabilities;
    expect(c.codeActionProvider).toEqual({ codeActionKinds: ["quickfix"] });
    expect(c.inlayHintProvider).toBe(true);
    expect(c.codeLensProvider).toBeDefined();
    expect(c.executeCommandProvider?.commands).toEqual(["wsp.build", "wsp.simulate"]);
  });

  it("offers the did-you-mean of an unknown name as the preferred quick fix, and applying it clears the diagnostic", { timeout: TIMEOUT }, async () => {
    const { uri, text } = await openMarked("ring.wsp", RING.replace("STEP", "stepp(S[i])"));
    const [d] = await client.waitForDiagnostics(uri, (ds) => ds.length > 0);
    expect(d!.code).toBe("WSP0101");
    const actions = await actionsAt(uri, d!);
    expect(actions).toHaveLength(1);
    const [a] = actions;
    expect(a!.title).toBe("change `stepp` to `step`");
    expect(a!.kind).toBe("quickfix");
    expect(a!.isPreferred).toBe(true);
    expect(a!.diagnostics?.[0]?.code).toBe("WSP0101");
    const edits = a!.edit!.changes![uri]!;
    expect(edits).toEqual([{ range: d!.range, newText: "step" }]);

    const fixed = applyEdits(text, edits);
    expect(fixed).toBe(RING.replace("STEP", "step(S[i])"));
    await client.replace(uri, fixed);
    expect(await client.waitForDiagnostics(uri, (ds) => ds.length === 0)).toEqual([]);
  });

  it("offers a fix a later analysis attached (a pto-tmr window rounded to a power of two)", { timeout: TIMEOUT }, async () => {
    const source = `use std.targets.{a2a3}
tensor S: f32[4, 16, 16]
kernel step(x: inout f32[16, 16]) on aiv cycles 100
axis n = dense(4)
workload w { parallel i in n { step(S[i]) } }
schedule w on a2a3 { window 100 }
`;
    const { uri, text } = await openMarked("tmr.wsp", source);
    const ds = await client.waitForDiagnostics(uri, (x) => x.some((d) => d.code === "WSP0809"));
    const d = ds.find((x) => x.code === "WSP0809")!;
    const [a, ...rest] = await actionsAt(uri, d);
    expect(rest).toEqual([]);
    expect(a!.title).toBe("use window 128");
    expect(a!.isPreferred).toBe(true);
    expect(applyEdits(text, a!.edit!.changes![uri]!)).toContain("schedule w on a2a3 { window 128 }");
  });

  it("adds a missing `use` for a name the stdlib declares: into the braced use of that module, else as a new line", { timeout: TIMEOUT }, async () => {
    const base = RING.replace("STEP", "step(S[i])");
    const withoutPolicies = base.replace("use std.policies.{round_robin}\n", "");
    const { uri, text } = await openMarked("a.wsp", withoutPolicies);
    const [d] = await client.waitForDiagnostics(uri, (ds) => ds.length > 0);
    expect(d!.code).toBe("WSP0101");
    const actions = await actionsAt(uri, d!);
    const use = actions.find((a) => a.title === "add `use std.policies.{round_robin}`")!;
    expect(use.isPreferred).toBe(true);
    expect(applyEdits(text, use.edit!.changes![uri]!)).toBe(withoutPolicies.replace("use std.targets.{a2a3sim}", "use std.targets.{a2a3sim}\nuse std.policies.{round_robin}"));

    const withAffinity = base.replace("use std.policies.{round_robin}", "use std.policies.{affinity}");
    const second = await openMarked("b.wsp", withAffinity);
    const [d2] = await client.waitForDiagnostics(second.uri, (ds) => ds.some((x) => x.code === "WSP0101"));
    const add = (await actionsAt(second.uri, d2!)).find((a) => a.title === "add `use std.policies.{round_robin}`")!;
    expect(applyEdits(second.text, add.edit!.changes![second.uri]!)).toBe(base.replace("use std.policies.{round_robin}", "use std.policies.{affinity, round_robin}"));
  });

  it("adds a missing `use` for a name another workspace module declares, under the path that resolves", { timeout: TIMEOUT }, async () => {
    // On disk (module resolution looks there) and open.
    const kernels = "kernel step(x: inout f32[16, 16]) on aiv cycles 100\n";
    fs.writeFileSync(path.join(dir, "kernels.wsp"), kernels);
    await client.open(uriIn("kernels.wsp"), kernels);
    const source = RING.replace("STEP", "step(S[i])").replace("module ring\n", "").replace("kernel step(x: inout f32[16, 16]) on aiv cycles 100\n", "");
    const { uri, text } = await openMarked("main.wsp", source);
    const ds = await client.waitForDiagnostics(uri, (x) => x.length > 0);
    expect(ds.every((d) => d.code === "WSP0101")).toBe(true);
    const use = (await actionsAt(uri, ds[0]!)).find((a) => a.title.startsWith("add `use"))!;
    expect(use.title).toBe("add `use kernels.{step}`");
    const fixed = applyEdits(text, use.edit!.changes![uri]!);
    expect(fixed).toContain("use std.policies.{round_robin}\nuse kernels.{step}\n");
    await client.replace(uri, fixed);
    expect(await client.waitForDiagnostics(uri, (x) => x.length === 0)).toEqual([]);
  });

  it("offers nothing where there is no diagnostic, and honours `only`", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("ring.wsp", RING.replace("STEP", "stepp(S[i])"));
    const [d] = await client.waitForDiagnostics(uri, (ds) => ds.length > 0);
    expect(await request(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, context: { diagnostics: [] } })).toEqual([]);
    expect(await request(CodeActionRequest.type, { textDocument: { uri }, range: d!.range, context: { diagnostics: [d], only: ["refactor"] } })).toEqual([]);
  });
});

describe("inlay hints", () => {
  const hintsOf = async (uri: string): Promise<{ line: number; label: string }[]> => {
    const hints = await request<InlayHint[]>(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } } });
    return hints.map((h) => ({ line: h.position.line, label: String(h.label) }));
  };

  it("shows tasks per call and the static scheduler of an affinity over a loop variable", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("w.wsp", `use std.targets.{a2a3sim}
use std.policies.{affinity}
tensor A: f32[8, 2, 16]
slot s: u64
kernel k(x: inout f32[16]) on aiv cycles 10
axis a = dense(8)
axis b = dense(2)
workload w {
  parallel i in a, j in b {
    k(A[i, j])<|>
    when s > 1 { k(A[i, j])<|> }
  }
}
schedule w on a2a3sim { dispatch affinity(task.i, 4) }
`);
    await client.waitForDiagnostics(uri, () => true);
    const hints = await request<InlayHint[]>(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    // 8 x 2 iterations; the second call is under a condition read at run time.
    expect(hints.map((h) => [h.position, h.label])).toEqual([
      [at[0], "16 tasks"], [at[0], "→ sched i % 4"],
      [at[1], "≤ 16 tasks"], [at[1], "→ sched i % 4"],
    ]);
  });

  it("shows the default round_robin as a function of the loop variables for the only call of a workload", { timeout: TIMEOUT }, async () => {
    // No schedule: round_robin(4) over a2a3sim's 4 schedulers, task.seq = i * 2 + j.
    const { uri } = await openMarked("d.wsp", `tensor A: f32[8, 2, 16]
kernel k(x: inout f32[16]) on aiv cycles 10
axis a = dense(8)
axis b = dense(2)
workload w { parallel i in a, j in b { k(A[i, j]) } }
`);
    await client.waitForDiagnostics(uri, () => true);
    expect(await hintsOf(uri)).toEqual([{ line: 4, label: "16 tasks" }, { line: 4, label: "→ sched (i * 2 + j) % 4" }]);
  });

  it("folds a single task's scheduler to a number, and says nothing of counts or schedulers that are dynamic", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("s.wsp", `use std.targets.{a2a3sim}
use std.policies.{round_robin, hash}
symbol batch: u64
tensor A: f32[8, 16]
kernel k(x: inout f32[16]) on aiv cycles 10
axis d = dyn(batch)
workload one { k(A[0]) }
workload many { parallel i in d { k(A[i]) } }
schedule one on a2a3sim { dispatch round_robin(3) }
schedule many on a2a3sim { dispatch hash(task.seq, 4) }
`);
    await client.waitForDiagnostics(uri, () => true);
    // `one`: seq 0, 0 % 3 = 0. `many`: a dyn axis, and seq-based hashing of it: no hint.
    expect(await hintsOf(uri)).toEqual([{ line: 6, label: "1 task" }, { line: 6, label: "→ sched 0" }]);
  });
});

describe("hover and completion additions", () => {
  it("hovers a kernel call with its task count and a directive with its capability on the target", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("h.wsp", `use std.targets.{a2a3}
use std.policies.{round_robin}
tensor A: f32[8, 16]
kernel k(x: inout f32[16]) on aiv cycles 10
axis a = dense(8)
workload w { parallel i in a { <|>k(A[i]) } }
schedule w on a2a3 { dis<|>patch round_robin(3) }
`);
    await client.waitForDiagnostics(uri, () => true);
    const call = hoverText(await request<Hover | null>(HoverRequest.type, { textDocument: { uri }, position: at[0] }));
    expect(call).toContain("(kernel)");
    expect(call).toContain("this call creates 8 tasks per run");
    const directive = hoverText(await request<Hover | null>(HoverRequest.type, { textDocument: { uri }, position: at[1] }));
    expect(directive).toMatch(/^`dispatch` on `a2a3` \(back end `pto-tmr`\): \*\*recorded\*\* — pto-runtime has no per-task AICPU scheduler assignment/);
  });

  it("completes declaration snippets at the top level, tensors with their shapes, and a call's parameter names", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("c.wsp", `const T = 4
tensor A: f32[T, 2, 16]
kernel mix(a: in f32[16], b: inout f32[16], scale: i32) on aiv cycles 10
axis t = dense(T)
<|>
workload w { parallel i in t { mix(A[i, 0], A[i, 1], <|>) } }
`);
    await client.waitForDiagnostics(uri, () => true);
    const top = await request<CompletionItem[]>(CompletionRequest.type, { textDocument: { uri }, position: at[0] });
    const snippet = top.find((i) => i.label === "workload" && i.insertTextFormat === InsertTextFormat.Snippet);
    expect(snippet?.insertText).toBe("workload ${1:name} {\n\tparallel ${2:i} in ${3:axis} {\n\t\t$0\n\t}\n}");
    expect(top.filter((i) => i.insertTextFormat === InsertTextFormat.Snippet).map((i) => i.label).sort()).toEqual(["kernel", "pipeline", "schedule", "workload"]);

    const inCall = await request<CompletionItem[]>(CompletionRequest.type, { textDocument: { uri }, position: at[1] });
    const params = inCall.filter((i) => i.label.endsWith(" ="));
    expect(params.map((i) => i.insertText)).toEqual(["a = ", "b = ", "scale = "]);
    expect(params[2]!.detail).toBe("parameter of mix: scale: i32");
    const tensor = inCall.find((i) => i.label === "A");
    expect(tensor?.labelDetails?.detail).toBe(" f32[4, 2, 16]");
  });
});

describe("code lenses and commands", () => {
  const JOB = `use std.targets.{a2a3sim}
use std.policies.{round_robin}

tensor S: f32[4, 16, 16]
kernel step(x: inout f32[16, 16]) on aiv cycles 100
axis n = dense(4)
workload job { parallel i in n { step(S[i]) } }

schedule job on a2a3sim { dispatch round_robin(4) }
`;
  const DEADLOCK = `use std.targets.{a2a3sim}
tensor S: f32[4, 16, 16]
tensor D: u64[1, 1] in
slot k: u64
kernel step(x: inout f32[16, 16]) on aiv cycles 100
pipeline ring {
  channel ping depth 1
  channel pong depth 1
  process left  { load k <- D[0, 0]; when k == k { <|>recv v from pong }; step(S[0]); send ping(1) }
  process right { <|>recv w from ping; step(S[1]); send pong(2) }
}
schedule ring on a2a3sim { window 64 }
`;

  it("puts Build package and Simulate above each schedule, with [uri, scheduleName]", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("job.wsp", JOB);
    const lenses = await request<CodeLens[]>(CodeLensRequest.type, { textDocument: { uri } });
    expect(lenses).toEqual([
      { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 23 } }, command: { title: "Build package", command: "wsp.build", arguments: [uri, "job on a2a3sim"] } },
      { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 23 } }, command: { title: "Simulate", command: "wsp.simulate", arguments: [uri, "job on a2a3sim"] } },
    ]);
  });

  it("builds the package of a schedule into out/ and says where", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("job.wsp", JOB);
    const outcome = await request<{ ok: boolean; packageDir: string }>(ExecuteCommandRequest.type, { command: "wsp.build", arguments: [uri, "job on a2a3sim"] });
    expect(outcome.ok).toBe(true);
    expect(outcome.packageDir).toBe(path.join(dir, "out", "job.wsppkg"));
    expect(fs.existsSync(path.join(dir, "out", "job.wsppkg", "manifest.json"))).toBe(true);
    expect(messages).toEqual([{ type: MessageType.Info, message: `built job on a2a3sim: ${outcome.packageDir}` }]);
  });

  it("simulates a schedule: a finished run as information", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("job.wsp", JOB);
    const outcome = await request<{ ok: boolean; status: string; message: string }>(ExecuteCommandRequest.type, { command: "wsp.simulate", arguments: [uri, "job"] });
    expect(outcome.status).toBe("finished");
    expect(messages[0]!.type).toBe(MessageType.Info);
    expect(messages[0]!.message).toMatch(/^workload job\.job on a2a3sim: finished\n/);
  });

  it("simulates a schedule that deadlocks: an error message and diagnostics at the blocked operations", { timeout: TIMEOUT }, async () => {
    const { uri, at } = await openMarked("dl.wsp", DEADLOCK);
    await client.waitForDiagnostics(uri, () => true);
    const outcome = await request<{ ok: boolean; status: string }>(ExecuteCommandRequest.type, { command: "wsp.simulate", arguments: [uri, "ring on a2a3sim"] });
    expect(outcome).toMatchObject({ ok: false, status: "deadlock" });
    expect(messages[0]!.type).toBe(MessageType.Error);
    expect(messages[0]!.message).toContain("DEADLOCK");
    const ds = await client.waitForDiagnostics(uri, (x) => x.some((d) => d.source === "wsp simulate"));
    const run = ds.filter((d) => d.source === "wsp simulate");
    expect(run.map((d) => [d.range.start, d.code])).toEqual([[at[0], "channel-cycle"], [at[1], "channel-cycle"]]);
    expect(run[0]!.message).toContain("process left waits on channel `pong` (empty)");
    // An edit retires them: they described the text that ran.
    await client.replace(uri, marked(DEADLOCK).text + "\n");
    await client.waitForDiagnostics(uri, (x) => !x.some((d) => d.source === "wsp simulate"));
  });

  it("answers bad command arguments and unknown commands with InvalidParams", { timeout: TIMEOUT }, async () => {
    const { uri } = await openMarked("job.wsp", JOB);
    await expect(request(ExecuteCommandRequest.type, { command: "wsp.build", arguments: [42] })).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });
    await expect(request(ExecuteCommandRequest.type, { command: "wsp.nothing", arguments: [uri, "job"] })).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });
    const missing = await request<{ ok: boolean; message: string }>(ExecuteCommandRequest.type, { command: "wsp.build", arguments: [uri, "nope on a2a3sim"] });
    expect(missing).toEqual({ ok: false, message: "wsp.build: job.wsp has no schedule `nope on a2a3sim`" });
  });
});
