/**
 * `npm run package:vsix` end to end: it type-checks and bundles the extension, packs a .vsix
 * holding exactly what the extension needs, and the bundled server and CLI work on their own,
 * finding the standard library copied next to them.
 */
import { fork, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { isBuiltin } from "node:module";
import * as path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InitializeRequest, InitializedNotification, type InitializeResult } from "vscode-languageserver-protocol/node";
import { REPO, TestClient } from "../lsp/client.js";
import { parseRunJson } from "../../vscode-extension/src/run-report.js";

const EXT = path.join(REPO, "vscode-extension");
const DIST = path.join(EXT, "dist");
const manifest = JSON.parse(fs.readFileSync(path.join(EXT, "package.json"), "utf8")) as { name: string; version: string };
const VSIX = path.join(EXT, `${manifest.name}-${manifest.version}.vsix`);
const STDLIB = fs.readdirSync(path.join(REPO, "stdlib", "std")).filter((f) => f.endsWith(".wsp")).sort();

interface ZipEntry {
  readonly name: string;
  readonly data: () => Buffer;
}

/** The entries of a zip file, read from its central directory (a .vsix is a zip). */
function readZip(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    entries.push({
      name,
      data: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const raw = zip.subarray(start, start + size);
        return method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
      },
    });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

let packaging: { status: number | null; output: string };

beforeAll(() => {
  fs.rmSync(VSIX, { force: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "--silent", "package:vsix"], { cwd: REPO, encoding: "utf8" });
  packaging = { status: result.status, output: `${result.stdout}${result.stderr}` };
}, 600_000);

describe("npm run package:vsix", () => {
  it("succeeds and writes the .vsix", () => {
    expect(packaging.status, packaging.output).toBe(0);
    expect(fs.existsSync(VSIX)).toBe(true);
  });

  it("packs exactly the bundles, grammar, language configuration, snippets, stdlib, docs, README and LICENSE", () => {
    const names = readZip(VSIX).map((e) => e.name).sort();
    const expected = [
      "[Content_Types].xml",
      "extension.vsixmanifest",
      "extension/LICENSE.txt",
      "extension/dist/THIRD-PARTY-NOTICES.txt",
      "extension/dist/docs/diagnostics.md",
      "extension/dist/extension.js",
      "extension/dist/package.json",
      "extension/dist/server.js",
      ...STDLIB.map((f) => `extension/dist/stdlib/std/${f}`),
      "extension/dist/syntaxes/wsp.tmLanguage.json",
      "extension/dist/wspc.mjs",
      "extension/language-configuration.json",
      "extension/package.json",
      "extension/readme.md",
      "extension/snippets/wsp.json",
    ].sort();
    expect(names).toEqual(expected);
    expect(names.filter((n) => /node_modules|\.ts$|\.map$|\/src\/|test/.test(n))).toEqual([]);
  });

  it("packs the repository's grammar and stdlib byte for byte, and a dist/package.json that makes dist/ the wsp package root", () => {
    const byName = new Map(readZip(VSIX).map((e) => [e.name, e]));
    expect(byName.get("extension/dist/syntaxes/wsp.tmLanguage.json")!.data().equals(fs.readFileSync(path.join(REPO, "grammar", "wsp.tmLanguage.json")))).toBe(true);
    for (const f of STDLIB) {
      expect(byName.get(`extension/dist/stdlib/std/${f}`)!.data().equals(fs.readFileSync(path.join(REPO, "stdlib", "std", f))), f).toBe(true);
    }
    const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { name: string; version: string };
    expect(JSON.parse(byName.get("extension/dist/package.json")!.data().toString("utf8"))).toEqual({ name: root.name, version: root.version, private: true });
    // Every file the manifest points at is in the package.
    const packed = JSON.parse(byName.get("extension/package.json")!.data().toString("utf8")) as {
      main: string;
      contributes: { grammars: { path: string }[]; snippets: { path: string }[]; languages: { configuration: string }[] };
    };
    const c = packed.contributes;
    for (const p of [packed.main, ...c.grammars.map((g) => g.path), ...c.snippets.map((s) => s.path), ...c.languages.map((l) => l.configuration)]) {
      expect(byName.has(`extension/${path.posix.normalize(p)}`), p).toBe(true);
    }
  });
});

describe("the bundles", () => {
  /**
   * Modules a bundle loads at run time: `require("x")` calls and static `import ... from "x"`
   * (not ajv's `'require("ajv/dist/runtime/...")'` strings, code it would emit for standalone
   * validators and never runs here).
   */
  const loads = (file: string) => {
    const text = fs.readFileSync(path.join(DIST, file), "utf8");
    const found = [...text.matchAll(/(?<!['`])\brequire\("([^"]+)"\)|^import [^;]*? from "([^"]+)"/gm)].map((m) => m[1] ?? m[2]!);
    return [...new Set(found)].sort();
  };

  it("load nothing but Node's built-in modules (and the editor's `vscode` in the client)", () => {
    for (const file of ["extension.js", "server.js", "wspc.mjs"]) {
      const external = loads(file).filter((m) => !isBuiltin(m) && !(file === "extension.js" && m === "vscode"));
      expect(external, file).toEqual([]);
    }
    expect(loads("extension.js")).toContain("vscode");
  });
});

describe("the bundled server (dist/server.js)", () => {
  let client: TestClient | undefined;
  afterAll(() => client?.kill());

  it("answers initialize over stdio and publishes diagnostics that need the bundled stdlib", async () => {
    client = new TestClient(spawn(process.execPath, [path.join(DIST, "server.js"), "--stdio"], { cwd: path.parse(REPO).root, stdio: ["pipe", "pipe", "pipe"] }));
    const init: InitializeResult = await client.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await client.connection.sendNotification(InitializedNotification.type, {});
    expect(init.serverInfo?.name).toBe("wsp-lsp");
    expect(init.capabilities.hoverProvider).toBeTruthy();

    // `a2a3sim` resolves only if std.targets was found; `no_such_target` must be the one error.
    const uri = pathToFileURL(path.join(REPO, "scratch", "uses_std.wsp")).href;
    await client.open(uri, "use std.targets.{a2a3sim, no_such_target}\n");
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    const errors = diagnostics.filter((d) => d.severity === 1);
    const text = (d: (typeof diagnostics)[number]) => (typeof d.message === "string" ? d.message : d.message.value);
    expect(errors.map((d) => d.range.start)).toEqual([{ line: 0, character: 26 }]);
    expect(text(errors[0]!)).toContain("no_such_target");
    expect(errors.some((d) => text(d).includes("a2a3sim"))).toBe(false);
    // The code's link points at the diagnostics reference shipped in dist/docs/.
    const href = errors[0]!.codeDescription?.href;
    expect(href).toBeDefined();
    expect(fileURLToPath(href!).startsWith(DIST + path.sep)).toBe(true);
    expect(fs.existsSync(fileURLToPath(href!))).toBe(true);
  });

  it("reports the deadlock of examples/deadlock_ring.wsp at its blocked receive", async () => {
    const file = path.join(REPO, "examples", "deadlock_ring.wsp");
    const uri = pathToFileURL(file).href;
    await client!.open(uri, fs.readFileSync(file, "utf8"));
    const diagnostics = await client!.waitForDiagnostics(uri, (d) => d.some((x) => x.severity === 1));
    // Line 14 (0-based 13): `process left  { for i in n { recv v from pong; ... } }`.
    expect(diagnostics.filter((d) => d.severity === 1).map((d) => d.range.start.line)).toContain(13);
    expect(diagnostics.some((d) => /deadlock/i.test(typeof d.message === "string" ? d.message : d.message.value))).toBe(true);
  });

  it("starts over Node IPC, as the VS Code client starts it", async () => {
    const child = fork(path.join(DIST, "server.js"), ["--node-ipc"], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const ipc = new TestClient(child, true);
    try {
      const init: InitializeResult = await ipc.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
      expect(init.serverInfo?.name).toBe("wsp-lsp");
    } finally {
      ipc.kill();
    }
  });
});

describe("the bundled wspc (dist/wspc.mjs)", () => {
  it("simulates an example into the JSON the extension reads", () => {
    const result = spawnSync(process.execPath, [path.join(DIST, "wspc.mjs"), "run", path.join("examples", "csp_pipeline.wsp"), "--json"], { cwd: REPO, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const run = parseRunJson(result.stdout);
    expect(run?.status).toBe("finished");
    // 8 tiles through three stages, one kernel call each: 24 tasks.
    expect(run?.stats.tasks).toBe(24);
  });

  it("reports the repository's version, read from dist/package.json", () => {
    const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
    const result = spawnSync(process.execPath, [path.join(DIST, "wspc.mjs"), "--version"], { cwd: path.parse(REPO).root, encoding: "utf8" });
    expect(result.stdout.trim()).toBe(root.version);
  });
});
