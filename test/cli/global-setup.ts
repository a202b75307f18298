import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Builds dist/ as `npm run build` does (tsc, then the bundles of compiler/cli/bundle.mjs) so that
 * tests spawn the same `dist/bin/wspc.js` and `dist/bin/wsp-lsp.js` the bins run. A compile error
 * fails the whole run with tsc's own report.
 */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: REPO, encoding: "utf8", stdio: "pipe" });
    execFileSync(process.execPath, ["compiler/cli/bundle.mjs"], { cwd: REPO, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string };
    throw new Error(`building dist/ for the CLI and server tests failed:\n${out.stdout ?? ""}${out.stderr ?? ""}`);
  }
}
