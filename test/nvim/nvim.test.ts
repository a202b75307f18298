/**
 * Neovim 0.7 as a real LSP client: runs test/nvim/smoke.lua headless against the built server
 * and reports its findings. Neovim is a test dependency (`.ci/run` installs Debian's `neovim`), so a
 * missing `nvim` fails the test; a developer without it may skip it with WSP_SKIP_NVIM=1, which
 * CI (CI set) ignores.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../lsp/client.js";

const SKIP = process.env.WSP_SKIP_NVIM === "1" && !process.env.CI;
const LIMIT_S = 60;

/** `nvim --version`'s first line, or why nvim cannot be run. */
function nvimVersion(env: NodeJS.ProcessEnv): { version?: string; problem?: string } {
  const r = spawnSync("nvim", ["--version"], { encoding: "utf8", env });
  if (r.error) {
    return { problem: `Neovim (\`nvim\`) is not installed (${r.error.message}): install it with \`apt-get install -y neovim\` (.ci/run does), or set WSP_SKIP_NVIM=1 to skip this test locally` };
  }
  return { version: r.stdout.split("\n")[0] };
}

/** Neovim's own files (its log, the LSP client's lsp.log) go to the scratch folder, not the user's. */
function scratchHome(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const kind of ["CONFIG", "DATA", "STATE", "CACHE"]) env[`XDG_${kind}_HOME`] = path.join(dir, kind.toLowerCase());
  return env;
}

describe.skipIf(SKIP)("Neovim 0.7 against wsp-lsp", () => {
  it("gets the deadlock diagnostic, a hover, a definition, and a quick fix that removes the diagnostic", { timeout: (LIMIT_S + 30) * 1000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wsp-nvim-"));
    const resultFile = path.join(dir, "result.txt");
    const env = { ...process.env, WSP_NVIM_RESULT: resultFile, ...scratchHome(dir) };
    try {
      const { version, problem } = nvimVersion(env);
      if (problem) expect.fail(problem);
      const run = spawnSync("timeout", [String(LIMIT_S), "nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile test/nvim/smoke.lua"], {
        cwd: REPO, encoding: "utf8", env,
      });
      const findings = fs.existsSync(resultFile) ? fs.readFileSync(resultFile, "utf8") : "(smoke.lua wrote no findings)";
      const status = run.status === 124 ? `timed out after ${LIMIT_S} s` : `exit status ${run.status ?? run.signal}`;
      const report = `${version}: ${status}\n${findings}\n${run.stderr.trim()}`;
      expect(run.status, report).toBe(0);
      // The script quits with 0 only after its last step; its findings must say so too.
      expect(findings, report).not.toMatch(/^FAIL/m);
      expect(findings, report).toMatch(/^ok {4}no error remains$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
