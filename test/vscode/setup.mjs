/**
 * Installs code-server (the real VS Code workbench and extension host, served to a browser) and
 * what it needs, offline from the npm registry and Debian's archive, following the recipe in
 * tooling.md. Every step is skipped when a stamp says it was done for this version, so a second
 * run costs nothing. Everything lands in `.cache/code-server/` (gitignored), apart from the apt
 * packages.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const CODE_SERVER_VERSION = "4.100.3";

/** Build headers for code-server's native modules, ripgrep for its search, Chromium to drive it. */
const APT_PACKAGES = ["libkrb5-dev", "pkg-config", "libx11-dev", "libxkbfile-dev", "libsecret-1-dev", "ripgrep", "chromium", "g++", "make", "python3"];
/** Native modules of VS Code that ship no prebuilt binary for this Node. */
const NATIVE_MODULES = ["@parcel/watcher", "@vscode/deviceid", "@vscode/spdlog", "kerberos", "native-watchdog", "node-pty"];

export class StepError extends Error {
  /** @param {string} step @param {string} message */
  constructor(step, message) {
    super(message);
    this.step = step;
  }
}

/**
 * Runs a command, quietly; its output is shown only when it fails.
 * @param {string} step @param {string} cmd @param {string[]} args @param {{cwd?: string, env?: NodeJS.ProcessEnv}} [opts]
 */
export function sh(step, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new StepError(step, `\`${cmd} ${args.join(" ")}\` failed (${r.error?.message ?? `exit ${r.status}`})\n${output}`);
  }
  return r.stdout;
}

/** Paths inside the cache for one repository checkout. */
export function layout(repo) {
  const cache = path.join(repo, ".cache", "code-server");
  const pkg = path.join(cache, "node_modules", "code-server");
  return {
    cache,
    stamps: path.join(cache, "stamps"),
    pkg,
    entry: path.join(pkg, "out", "node", "entry.js"),
    vscode: path.join(pkg, "lib", "vscode"),
  };
}

/**
 * Brings the cache up to date; returns the seconds each step took (0 when skipped).
 * @param {string} repo @param {(line: string) => void} log
 */
export function setup(repo, log) {
  const l = layout(repo);
  const stampOf = (step) => path.join(l.stamps, step);
  const done = (step) => fs.existsSync(stampOf(step)) && fs.readFileSync(stampOf(step), "utf8") === CODE_SERVER_VERSION;
  // A cache of another version (or an unknown state) is rebuilt from scratch rather than patched.
  if (fs.existsSync(l.cache) && !done("code-server")) fs.rmSync(l.cache, { recursive: true, force: true });

  const timings = {};
  const steps = [
    ["apt packages", () => aptPackages()],
    ["code-server", () => installCodeServer(l)],
    ["vscode dependencies", () => sh("vscode dependencies", "npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: l.vscode })],
    ["ripgrep", () => copyRipgrep(l)],
    ["native modules", () => sh("native modules", "npm", ["rebuild", ...NATIVE_MODULES], { cwd: l.vscode, env: { ...process.env, npm_config_yes: "true" } })],
    ["links", () => makeLinks(l)],
    ["builtin extensions", () => sh("builtin extensions", "npm", ["install", "--omit=dev", "--no-audit", "--no-fund"], { cwd: path.join(l.vscode, "extensions") })],
  ];
  for (const [step, run] of steps) {
    const started = performance.now();
    // apt has no stamp: dpkg itself says what is installed.
    if (step !== "apt packages" && done(step)) { timings[step] = 0; continue; }
    log(`setup: ${step}`);
    run();
    if (step !== "apt packages") {
      fs.mkdirSync(l.stamps, { recursive: true });
      fs.writeFileSync(stampOf(step), CODE_SERVER_VERSION);
    }
    timings[step] = (performance.now() - started) / 1000;
    log(`setup: ${step} took ${timings[step].toFixed(1)} s`);
  }
  return timings;
}

function aptPackages() {
  const missing = APT_PACKAGES.filter((p) => spawnSync("dpkg-query", ["-W", "-f=${db:Status-Status}", p], { encoding: "utf8" }).stdout !== "installed");
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new StepError("apt packages", `missing Debian packages: ${missing.join(" ")}; run \`sudo apt-get install -y ${missing.join(" ")}\` and retry`);
  }
  sh("apt packages", "apt-get", ["update", "-qq"]);
  sh("apt packages", "apt-get", ["install", "-y", "-qq", ...missing], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

function installCodeServer(l) {
  fs.mkdirSync(l.cache, { recursive: true });
  // Its own package.json, so npm installs here and not into the repository's package.
  fs.writeFileSync(path.join(l.cache, "package.json"), JSON.stringify({ name: "wsp-code-server-cache", private: true }) + "\n");
  // Its install script would fetch and build everything at once; the steps below do it piecewise.
  sh("code-server", "npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", `code-server@${CODE_SERVER_VERSION}`], { cwd: l.cache });
  sh("code-server", "npm", ["rebuild", "argon2"], { cwd: l.cache });
}

/** @vscode/ripgrep's install script downloads a binary; Debian's does the same job. */
function copyRipgrep(l) {
  const bin = path.join(l.vscode, "node_modules", "@vscode", "ripgrep", "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync("/usr/bin/rg", path.join(bin, "rg"));
  fs.chmodSync(path.join(bin, "rg"), 0o755);
}

/** The links code-server's own postinstall.sh makes on Linux. */
function makeLinks(l) {
  const link = (target, at) => {
    fs.rmSync(at, { recursive: true, force: true });
    fs.symlinkSync(target, at);
  };
  link("node_modules", path.join(l.vscode, "node_modules.asar"));
  link("code-linux.sh", path.join(l.vscode, "bin", "remote-cli", "code-server"));
  link("browser-linux.sh", path.join(l.vscode, "bin", "helpers", "browser.sh"));
}
