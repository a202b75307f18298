/**
 * One run of the extension in real VS Code: a scratch profile with the .vsix installed, a scratch
 * workspace holding a copy of examples/, code-server serving it, and Debian's Chromium driven by
 * playwright-core through what a user does: open the file, see the squiggle and the Problems entry,
 * hover the kernel, run the quick fix, see the diagnostic go. Screenshots go to test/artifacts/.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { sh, StepError } from "./setup.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
/** The first diagnostic needs the extension host, the extension and the server to start. */
const FIRST_DIAGNOSTIC_MS = 90_000;
const STEP_MS = 30_000;
const EXAMPLE = "deadlock_ring.wsp";

/** Settings that keep the workbench from opening anything but what the test asks for. */
const SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.hover.delay": 300,
};

/**
 * What the example says the editor must show: the kernel, where it is first called, and the line
 * of the first blocked `recv`, where the deadlock is reported (1-based, as VS Code shows them).
 * @param {string} text
 */
export function expectations(text) {
  const lines = text.split("\n");
  const kernel = /^kernel\s+([\w]+)\s*\(/m.exec(text)?.[1];
  if (!kernel) throw new StepError("read example", `${EXAMPLE} declares no kernel`);
  const declIndex = lines.findIndex((l) => l.startsWith(`kernel ${kernel}`));
  const callIndex = lines.findIndex((l, i) => i > declIndex && new RegExp(`\\W${kernel}\\(`).test(l));
  const recvIndex = lines.findIndex((l) => /recv\s+\w+\s+from\s+\w+/.test(l));
  if (callIndex < 0 || recvIndex < 0) throw new StepError("read example", `${EXAMPLE} no longer calls \`${kernel}\` after a \`recv\``);
  const callColumn = lines[callIndex].search(new RegExp(`(?<=\\W)${kernel}\\(`)) + 1;
  const recvColumn = lines[recvIndex].search(/recv\s/) + 1;
  return { kernel, call: { line: callIndex + 1, column: callColumn }, diagnostic: { line: recvIndex + 1, column: recvColumn } };
}

/**
 * @param {{ repo: string, entry: string, vsix: string, artifacts: string, log: (s: string) => void, keep?: boolean }} o
 * @returns {Promise<Record<string, number>>} seconds per phase
 */
export async function runInEditor(o) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-vscode-"));
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(scratch, "config"), XDG_DATA_HOME: path.join(scratch, "data") };
  const workspace = path.join(scratch, "workspace");
  fs.cpSync(path.join(o.repo, "examples"), path.join(workspace, "examples"), { recursive: true });
  const want = expectations(fs.readFileSync(path.join(workspace, "examples", EXAMPLE), "utf8"));
  const timings = {};
  const time = async (phase, f) => {
    const started = performance.now();
    try { return await f(); } finally { timings[phase] = (performance.now() - started) / 1000; }
  };

  /** @type {import("node:child_process").ChildProcess | undefined} */
  let server;
  /** @type {import("playwright-core").Browser | undefined} */
  let browser;
  const serverLog = [];
  // Interrupted (Ctrl+C): code-server runs in its own process group, which the terminal's signal
  // does not reach, so stop it here and leave no scratch folder behind.
  const onSignal = (signal) => {
    if (server?.pid) stopGroup(server.pid);
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await time("install extension", () => installExtension(o.entry, o.vsix, env));
    writeSettings(env.XDG_DATA_HOME);
    const url = await time("start code-server", () => {
      const started = startCodeServer(o.entry, workspace, env, serverLog);
      server = started.child;
      return started.url;
    });
    browser = await time("start chromium", () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      .catch((e) => { throw new StepError("start chromium", String(e)); }));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await time("editor steps", () => steps(page, url, workspace, want, o));
    return timings;
  } catch (e) {
    if (e instanceof StepError && serverLog.length > 0) e.message += `\ncode-server's last lines:\n${serverLog.slice(-15).join("")}`;
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await browser?.close().catch(() => {});
    if (server?.pid) stopGroup(server.pid);
    if (o.keep) o.log(`kept the scratch profile and workspace in ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function installExtension(entry, vsix, env) {
  const out = sh("install extension", process.execPath, [entry, "--install-extension", vsix, "--force"], { env });
  if (!/successfully installed/i.test(out)) throw new StepError("install extension", `code-server did not confirm installing ${vsix}:\n${out}`);
}

function writeSettings(dataHome) {
  const user = path.join(dataHome, "code-server", "User");
  fs.mkdirSync(user, { recursive: true });
  fs.writeFileSync(path.join(user, "settings.json"), JSON.stringify(SETTINGS, null, 2));
}

/** Starts code-server on a port the OS picks (`:0`); `url` resolves once its log names the port. */
function startCodeServer(entry, workspace, env, serverLog) {
  const args = [entry, "--bind-addr", "127.0.0.1:0", "--auth", "none", "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--disable-getting-started-override", workspace];
  // Its own process group, so stopping it also stops the extension host and the language server.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StepError("start code-server", "no `HTTP server listening` line within 60 s")), 60_000);
    const read = (chunk) => {
      serverLog.push(chunk.toString());
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serverLog.join(""));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => { clearTimeout(timer); reject(new StepError("start code-server", `code-server exited with ${code}`)); });
  });
  return { child, url };
}

function stopGroup(pid) {
  try { process.kill(-pid, "SIGTERM"); } catch { /* already gone */ }
}

/**
 * Runs `f` as step `name`: its failure names the step and leaves a screenshot.
 * @param {import("playwright-core").Page} page
 */
async function step(page, o, name, f) {
  o.log(`vscode: ${name}`);
  try {
    return await f();
  } catch (e) {
    const shot = path.join(o.artifacts, "vscode-failure.png");
    await page.screenshot({ path: shot }).catch(() => {});
    throw e instanceof StepError ? e : new StepError(name, `${e instanceof Error ? e.message.split("\n")[0] : String(e)} (screenshot: ${path.relative(o.repo, shot)})`);
  }
}

/** @param {import("playwright-core").Page} page */
async function steps(page, url, workspace, want, o) {
  const shot = (n) => page.screenshot({ path: path.join(o.artifacts, `vscode-${n}.png`) });
  const editor = page.locator(".editor-instance .monaco-editor").first();

  await step(page, o, "open the workbench", async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`, { timeout: STEP_MS });
    await page.locator(".monaco-workbench .part.statusbar").waitFor({ timeout: FIRST_DIAGNOSTIC_MS });
  });

  await step(page, o, `open examples/${EXAMPLE} (Ctrl+P)`, async () => {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: STEP_MS });
    await input.fill(EXAMPLE);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: EXAMPLE }).first().waitFor({ timeout: STEP_MS });
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: EXAMPLE }).waitFor({ timeout: STEP_MS });
  });

  await step(page, o, "see the squiggle (.squiggly-error)", async () => {
    await page.locator(".squiggly-error").first().waitFor({ state: "attached", timeout: FIRST_DIAGNOSTIC_MS });
    await shot("1-squiggle");
  });

  const problem = await step(page, o, "read the Problems entry", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: /WSP09\d\d/, has: page.locator(".codicon-error") }).first();
    await row.waitFor({ timeout: STEP_MS });
    const label = (await row.innerText()).replace(/\s+/g, " ");
    const at = /Ln (\d+), Col (\d+)/.exec(label);
    o.log(`vscode: Problems: ${/WSP\d{4}/.exec(label)?.[0]} at ${at?.[0]}: ${label.slice(0, 120)}…`);
    if (!at) throw new StepError("read the Problems entry", `no position in the entry: ${label}`);
    const where = `Ln ${want.diagnostic.line}, Col ${want.diagnostic.column}`;
    if (at[0] !== where) throw new StepError("read the Problems entry", `the deadlock error is at ${at[0]}, not at ${where} (the first recv): ${label}`);
    await shot("2-problems");
    return { row, line: Number(at[1]), column: Number(at[2]) };
  });

  await step(page, o, `hover the kernel \`${want.kernel}\``, async () => {
    // The cursor on the kernel name's second letter, then the mouse over it: a real hover.
    await goTo(page, editor, want.call.line, want.call.column + 1);
    const cursor = await editor.locator(".cursor").first().boundingBox();
    if (!cursor) throw new Error("no cursor in the editor");
    await page.mouse.move(cursor.x + 3, cursor.y + cursor.height / 2);
    const hover = page.locator(".monaco-hover .hover-contents, .monaco-hover .rendered-markdown", { hasText: `kernel ${want.kernel}` }).first();
    await hover.waitFor({ timeout: STEP_MS });
    o.log(`vscode: hover: ${(await hover.innerText()).replace(/\s+/g, " ").slice(0, 160)}`);
    await shot("3-hover");
    await page.mouse.move(5, 5);
    await page.keyboard.press("Escape");
  });

  await step(page, o, "run the quick fix (Ctrl+.)", async () => {
    await goTo(page, editor, problem.line, problem.column);
    await page.keyboard.press("Control+.");
    const action = page.locator(".action-widget .monaco-list-row.action").first();
    await action.waitFor({ timeout: STEP_MS });
    o.log(`vscode: quick fix: ${(await action.innerText()).trim()}`);
    await shot("4-quick-fix");
    await page.keyboard.press("Enter"); // the first action is focused
    await action.waitFor({ state: "detached", timeout: STEP_MS });
  });

  await step(page, o, "see the diagnostic go", async () => {
    // `first()` of a locator is detached once nothing matches it: every deadlock entry is gone.
    await page.locator(".markers-panel .monaco-list-row", { hasText: /WSP09\d\d/ }).first().waitFor({ state: "detached", timeout: STEP_MS });
    await page.locator(".squiggly-error").first().waitFor({ state: "detached", timeout: STEP_MS });
    await shot("5-fixed");
  });
}

/** Go to line:column (1-based) with Ctrl+G, as a user would. */
async function goTo(page, editor, line, column) {
  await editor.click({ position: { x: 200, y: 10 } });
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: STEP_MS });
  await input.fill(`:${line}:${column}`); // without the ":" Ctrl+G starts with, it would search files
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: STEP_MS });
}
