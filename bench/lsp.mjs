/**
 * Language-server latency and memory, through a real client over stdio against the built server
 * (dist/bin/wsp-lsp.js, the `wsp-lsp` bin), on a generated 5,000-line workspace: `lib.wsp` and nine modules that
 * import it, 500 lines each (bench/generate.mjs). Measures, with the debounce set to 0 so the
 * analysis alone is timed:
 *   - diagnostics after an edit (didChange sent → publishDiagnostics received) in a leaf module,
 *     in the imported `lib` (its own and all nine importers'), and in one 5,000-line file;
 *   - completion and hover on a checked document, and right after an edit (which re-checks);
 *   - the server's RSS over 1,000 edits.
 * Prints medians, 95th percentiles and ratios measured in this run (machines are shared and
 * noisy: absolute numbers alone mean little). `node bench/lsp.mjs [edits]`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification,
  CompletionRequest, HoverRequest, ShutdownRequest, ExitNotification,
} from "vscode-languageserver-protocol/node";
import { largeProgram } from "./generate.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SERVER = path.join(REPO, "dist", "bin", "wsp-lsp.js");
const EDITS = Number(process.argv[2] ?? 1000);
const MODULES = 9;
const LINES = 500;

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
const row = (name, xs, target) =>
  console.log(`  ${name.padEnd(44)} p50 ${fmt(percentile(xs, 50))}   p95 ${fmt(percentile(xs, 95))}   (n=${xs.length}${target ? `, target p95 < ${target} ms` : ""})`);

/** A module of the workspace: the generated program, renamed, with a use of `lib` (except lib itself). */
function moduleText(name, lines, usesLib) {
  const text = largeProgram(lines).replace("module bench.large", `module ${name}`);
  const head = usesLib ? "use lib.{LIBC}\n" : "const LIBC = 3\n";
  const tail = usesLib ? "\nconst USE_LIBC = LIBC + 1\n" : "\n";
  const uses = "use std.policies.{round_robin, affinity, hash}";
  return text.replace(uses, `${uses}\n${head}`) + tail;
}

function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

class Client {
  constructor() {
    this.child = spawn(process.execPath, [SERVER, "--stdio"], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, WSP_LSP_DEBOUNCE_MS: "0" } });
    this.conn = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.waiters = [];
    this.versions = new Map();
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(performance.now());
        }
      }
    });
    this.conn.listen();
  }

  async init(root) {
    await this.conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {}, workspaceFolders: [{ uri: pathToFileURL(root).href, name: "bench" }] });
    await this.conn.sendNotification(InitializedNotification.type, {});
  }

  published(uri, test) {
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve }));
  }

  async open(uri, text) {
    this.versions.set(uri, 1);
    const done = this.published(uri, () => true);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "wsp", version: 1, text } });
    return done;
  }

  /** Replaces one line (an incremental change, as editors send) and returns when it was sent. */
  async editLine(uri, line, oldLength, newText) {
    const version = this.versions.get(uri) + 1;
    this.versions.set(uri, version);
    const t0 = performance.now();
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: oldLength } }, text: newText }],
    });
    return t0;
  }

  async timed(type, params) {
    const t0 = performance.now();
    await this.conn.sendRequest(type, params);
    return performance.now() - t0;
  }

  async close() {
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    this.conn.dispose();
  }
}

const hasError = (ds) => ds.some((d) => d.severity === 1);
const clean = (ds) => !hasError(ds);

/** Toggles `const USE_LIBC = LIBC + 1` and a misspelt variant: every edit changes the diagnostics. */
async function toggleEdits(client, uri, text, count, also = []) {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.startsWith("const USE_LIBC") || l.startsWith("const LIBC"));
  const good = lines[line];
  const bad = good.startsWith("const USE_LIBC") ? good.replace("= LIBC", "= LIBCX") : good.replace("const LIBC", "const LIBCX");
  const own = [];
  const all = [];
  let current = good;
  for (let i = 0; i < count; i++) {
    const next = current === good ? bad : good;
    const expectError = next === bad && good.startsWith("const USE_LIBC");
    const mine = client.published(uri, expectError ? hasError : clean);
    // Renaming lib's LIBC breaks every importer's `use lib.{LIBC}`.
    const others = also.map((u) => client.published(u, next === bad ? hasError : clean));
    const t0 = await client.editLine(uri, line, current.length, next);
    own.push((await mine) - t0);
    if (others.length > 0) all.push(Math.max(...(await Promise.all(others))) - t0);
    current = next;
  }
  if (current !== good) {
    const back = client.published(uri, clean);
    await client.editLine(uri, line, current.length, good);
    await back;
  }
  return { own, all };
}

async function main() {
  if (!fs.existsSync(SERVER)) throw new Error("build first: npm run build");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-bench-lsp-"));
  const files = [{ name: "lib", text: moduleText("lib", LINES, false) }];
  for (let k = 1; k <= MODULES; k++) files.push({ name: `m${k}`, text: moduleText(`m${k}`, LINES, true) });
  for (const f of files) fs.writeFileSync(path.join(root, `${f.name}.wsp`), f.text);
  const totalLines = files.reduce((n, f) => n + f.text.split("\n").length, 0);
  const uri = (name) => pathToFileURL(path.join(root, `${name}.wsp`)).href;

  const client = new Client();
  try {
    await client.init(root);
    for (const f of files) await client.open(uri(f.name), f.text);
    const leaf = files[1];
    console.log(`\nlanguage server: ${files.length} files, ${totalLines} lines; debounce 0 (excluded); ${EDITS} edits`);

    // Warm-up: JIT and caches are not what we measure.
    await toggleEdits(client, uri(leaf.name), leaf.text, 20);

    const rss = [rssKiB(client.child.pid)];
    const leafLatency = [];
    for (let done = 0; done < EDITS; done += 100) {
      leafLatency.push(...(await toggleEdits(client, uri(leaf.name), leaf.text, Math.min(100, EDITS - done))).own);
      rss.push(rssKiB(client.child.pid));
    }
    const libLatency = await toggleEdits(client, uri("lib"), files[0].text, 40, files.slice(1).map((f) => uri(f.name)));

    // Completion inside a workload body, hover on a kernel call: warm, then right after an edit.
    const lines = leaf.text.split("\n");
    const bodyLine = lines.findIndex((l) => l.includes("store0(B0[i, j], C0[i, j])"));
    const completionAt = { textDocument: { uri: uri(leaf.name) }, position: { line: bodyLine, character: 4 } };
    const hoverAt = { textDocument: { uri: uri(leaf.name) }, position: { line: bodyLine, character: 6 } };
    const warm = { completion: [], hover: [] };
    for (let i = 0; i < 200; i++) {
      warm.completion.push(await client.timed(CompletionRequest.type, completionAt));
      warm.hover.push(await client.timed(HoverRequest.type, hoverAt));
    }
    const afterEdit = { completion: [], hover: [] };
    const useLine = lines.findIndex((l) => l.startsWith("const USE_LIBC"));
    for (let i = 0; i < 60; i++) {
      const text = i % 2 === 0 ? `const USE_LIBC = LIBC + ${i + 2}` : lines[useLine];
      await client.editLine(uri(leaf.name), useLine, 40, text);
      (i % 4 < 2 ? afterEdit.completion : afterEdit.hover).push(await client.timed(i % 4 < 2 ? CompletionRequest.type : HoverRequest.type, i % 4 < 2 ? completionAt : hoverAt));
    }
    await client.editLine(uri(leaf.name), useLine, 40, lines[useLine]);

    // One 5,000-line file on its own: the whole program is re-checked on each edit.
    const big = { name: "big", text: moduleText("big", 5000, false) };
    fs.writeFileSync(path.join(root, "big.wsp"), big.text);
    await client.open(uri("big"), big.text);
    await toggleEdits(client, uri("big"), big.text, 5);
    const bigLatency = (await toggleEdits(client, uri("big"), big.text, 60)).own;

    console.log("\ndiagnostics after an edit (edit sent → diagnostics received)");
    row("leaf module (500 lines, imports lib)", leafLatency, 50);
    row("lib (500 lines): its own diagnostics", libLatency.own, 50);
    row("lib: all 9 importers re-published", libLatency.all);
    row("one 5,000-line file", bigLatency, 50);
    console.log("\nrequests on a 500-line module of the workspace");
    row("completion, document already checked", warm.completion, 20);
    row("hover, document already checked", warm.hover, 20);
    row("completion right after an edit (re-checks)", afterEdit.completion);
    row("hover right after an edit (re-checks)", afterEdit.hover);
    console.log("\nratios (same run)");
    console.log(`  5,000-line file / leaf module p50   ${(percentile(bigLatency, 50) / percentile(leafLatency, 50)).toFixed(2)}x`);
    console.log(`  lib all importers / lib own p50     ${(percentile(libLatency.all, 50) / percentile(libLatency.own, 50)).toFixed(2)}x`);
    console.log(`  completion after edit / warm p50    ${(percentile(afterEdit.completion, 50) / percentile(warm.completion, 50)).toFixed(2)}x`);
    console.log(`\nserver memory (RSS) every 100 edits of the leaf module, MiB: ${rss.map((k) => (k / 1024).toFixed(0)).join(" ")}`);
    // The garbage collector makes RSS a sawtooth: compare halves, not single samples.
    const half = Math.floor(rss.length / 2);
    const [early, late] = [rss.slice(1, half + 1), rss.slice(half + 1)];
    if (early.length > 0 && late.length > 0) {
      console.log(`  median of the second half / of the first half: ${(percentile(late, 50) / percentile(early, 50)).toFixed(2)}x; max ${(Math.max(...rss) / 1024).toFixed(0)} MiB   (flat memory: about 1x)`);
    }
  } finally {
    await client.close().catch(() => client.child.kill());
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
