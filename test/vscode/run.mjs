#!/usr/bin/env node
/**
 * `npm run test:vscode`: the extension in real VS Code (code-server 4.100.3 driven through Debian's
 * Chromium). Sets up what is missing (setup.mjs; a no-op once done), packages the extension with
 * `npm run package:vsix`, runs the editor steps (editor.mjs), and prints how long each phase took.
 * Exits 1 naming the step that failed.
 *
 * Environment: WSP_VSIX=path uses that .vsix instead of packaging one; WSP_KEEP_SCRATCH=1 keeps the
 * scratch profile and workspace for a look afterwards.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runInEditor } from "./editor.mjs";
import { layout, setup, sh, StepError } from "./setup.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = path.join(REPO, "test", "artifacts");
const log = (line) => console.log(line);

/** Runs `npm run package:vsix` and returns the .vsix it wrote (the newest one under vscode-extension/). */
function packageVsix() {
  const started = Date.now();
  sh("package the extension", "npm", ["run", "--silent", "package:vsix"], { cwd: REPO });
  const dir = path.join(REPO, "vscode-extension");
  const fresh = fs.readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith(".vsix") && !f.includes(`${path.sep}node_modules${path.sep}`) && fs.statSync(f).mtimeMs >= started - 1000)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (fresh.length === 0) throw new StepError("package the extension", "`npm run package:vsix` wrote no .vsix under vscode-extension/");
  return fresh[0];
}

function seconds(t) {
  return `${t.toFixed(1)} s`;
}

async function main() {
  const started = performance.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // Screenshots of an earlier run would pass for this one's.
  for (const f of fs.readdirSync(ARTIFACTS)) if (/^vscode-.*\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  const setupTimings = setup(REPO, log);
  const setupDone = performance.now();
  const vsix = process.env.WSP_VSIX ? path.resolve(process.env.WSP_VSIX) : packageVsix();
  const packaged = performance.now();
  log(`vscode: extension ${path.relative(REPO, vsix)}`);
  const runTimings = await runInEditor({ repo: REPO, entry: layout(REPO).entry, vsix, artifacts: ARTIFACTS, log, keep: process.env.WSP_KEEP_SCRATCH === "1" });
  const finished = performance.now();

  log("test:vscode passed; screenshots in test/artifacts/vscode-*.png");
  log(`timings: setup ${seconds((setupDone - started) / 1000)} (${Object.entries(setupTimings).map(([k, v]) => `${k} ${seconds(v)}`).join(", ")})`);
  log(`         package ${seconds((packaged - setupDone) / 1000)}; run ${seconds((finished - packaged) / 1000)} (${Object.entries(runTimings).map(([k, v]) => `${k} ${seconds(v)}`).join(", ")})`);
  log(`         total ${seconds((finished - started) / 1000)}`);
}

main().catch((e) => {
  if (e instanceof StepError) console.error(`test:vscode FAILED at step "${e.step}": ${e.message}`);
  else console.error(`test:vscode FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
