/**
 * `wspc build`, `wspc validate` and `wspc doctor` as a user runs them: the built binary
 * (dist/compiler/cli/main.js) in a child process, exit statuses as the README documents
 * (0 ok, 1 problems, 2 usage or file errors).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compile, CompileOptionsError, writePackage } from "../../compiler/index.js";
import { REPO, entries, readTree, scratchDir, wspc, writeFiles } from "./helpers.js";

const BGEMM = path.join(REPO, "examples/bgemm.wsp");
const STACK = /^\s+at .+/m;

describe("wspc build", () => {
  it("-o DIR writes one package per schedule into DIR and says what it wrote", () => {
    const out = scratchDir();
    const r = wspc(["build", "examples/bgemm.wsp", "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(entries(out)).toEqual(["bgemm.a2a3.wsppkg", "bgemm.a2a3sim.wsppkg"]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^wrote ${out}/bgemm\\.a2a3sim\\.wsppkg \\(bgemm on a2a3sim, sim: 2 files, \\d+ bytes\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^wrote ${out}/bgemm\\.a2a3\\.wsppkg \\(bgemm on a2a3, pto-tmr: 4 files, \\d+ bytes\\)$`));
    // The byte count printed is the package's.
    const bytes = [...readTree(path.join(out, "bgemm.a2a3sim.wsppkg")).values()].reduce((n, b) => n + b.length, 0);
    expect(lines[0]).toContain(`, ${bytes} bytes)`);
  });

  it("without -o writes into out/ below the working folder", () => {
    const dir = scratchDir();
    expect(wspc(["build", path.join(REPO, "examples/moe.wsp")], { cwd: dir }).status).toBe(0);
    expect(entries(dir)).toEqual(["out"]);
    expect(entries(path.join(dir, "out"))).toEqual(["moe.wsppkg"]);
  });

  it("--target a2a3sim builds only that one of bgemm's two schedules", () => {
    const out = scratchDir();
    const r = wspc(["build", BGEMM, "-o", out, "--target", "a2a3sim"]);
    expect(r.status, r.stderr).toBe(0);
    expect(entries(out)).toEqual(["bgemm.a2a3sim.wsppkg"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "bgemm.a2a3sim.wsppkg/manifest.json"), "utf8"));
    expect([manifest.target.name, manifest.target.backend]).toEqual(["a2a3sim", "sim"]);
  });

  it("--target nope: exit 2 with the targets there are, nothing written", () => {
    const out = path.join(scratchDir(), "out");
    const r = wspc(["build", BGEMM, "-o", out, "--target", "nope"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("wspc: no schedule targets 'nope'; the targets here are: a2a3, a2a3sim\n");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a missing file: exit 2, one line naming it", () => {
    const dir = scratchDir();
    const r = wspc(["build", "nope.wsp"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("wspc: cannot read 'nope.wsp': no such file\n");
    expect(entries(dir)).toEqual([]);
  });

  it("a file with no workload or pipeline: exit 2, nothing to build", () => {
    const dir = writeFiles(scratchDir(), { "lib.wsp": "module lib\nconst N = 4\n" });
    const r = wspc(["build", "lib.wsp"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("wspc: nothing to build: the files declare no workload or pipeline\n");
    expect(entries(dir)).toEqual(["lib.wsp"]);
  });

  /** A workload `w` over a one-kernel program, in module `module`. */
  const program = (module: string, w = "w") =>
    `module ${module}\ntensor S: f32[4, 16] inout\nkernel k(x: inout f32[16]) on aiv cycles 1\naxis n = dense(4)\nworkload ${w} { parallel i in n { k(S[i]) } }\n`;

  it("two files of the same name in different folders: packages named by module", () => {
    const dir = writeFiles(scratchDir(), { "x/m.wsp": program("x.m"), "y/m.wsp": program("y.m") });
    const r = wspc(["build", "x/m.wsp", "y/m.wsp", "-o", "out"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(entries(path.join(dir, "out"))).toEqual(["x.m.wsppkg", "y.m.wsppkg"]);
    const subject = (p: string) => JSON.parse(fs.readFileSync(path.join(dir, "out", p, "manifest.json"), "utf8")).subject.qualified_name;
    expect([subject("x.m.wsppkg"), subject("y.m.wsppkg")]).toEqual(["x.m.w", "y.m.w"]);
  });

  it("packages that would still share a folder name: exit 2, nothing written (never one overwriting the other)", () => {
    // x/m.wsp and y/m.wsp are named by module (x.m, y.m); the file x.m.wsp has that name too.
    const dir = writeFiles(scratchDir(), { "x/m.wsp": program("x.m"), "y/m.wsp": program("y.m"), "x.m.wsp": program("z") });
    const r = wspc(["build", "x/m.wsp", "y/m.wsp", "x.m.wsp", "-o", "out"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("wspc: x.m.w (x/m.wsp) and z.w (x.m.wsp) on a2a3sim would both be written to x.m.w.wsppkg; build them separately, with different -o folders\n");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("a bad flag value or no file: exit 2 with usage, no stack trace", () => {
    for (const args of [["build"], ["build", BGEMM, "--target"], ["build", BGEMM, "--bogus"]]) {
      const r = wspc(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("wspc build --help");
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe("compile (the API)", () => {
  it("a target no schedule names is the caller's mistake: it throws, naming the targets there are", () => {
    // bgemm has schedules on a2a3sim and a2a3 (examples/bgemm.wsp, lines 26 and 32).
    expect(() => compile(["examples/bgemm.wsp"], { cwd: REPO, target: "nope" })).toThrow(CompileOptionsError);
    expect(() => compile(["examples/bgemm.wsp"], { cwd: REPO, target: "nope" })).toThrow("no schedule targets 'nope'; the targets here are: a2a3, a2a3sim");
  });
});

describe("wspc validate", () => {
  /** bgemm's a2a3sim package in a fresh folder (written through the API: faster than a child). */
  function built(): string {
    const pkg = compile(["examples/bgemm.wsp"], { cwd: REPO, target: "a2a3sim" }).packages;
    expect(pkg.map((p) => p.name)).toEqual(["bgemm.a2a3sim"]);
    return writePackage(pkg[0]!, scratchDir());
  }

  it("a package just built: exit 0, valid", () => {
    const pkg = built();
    const r = wspc(["validate", pkg]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg}: valid (ABI 1.0, bgemm on a2a3sim)\n`);
  });

  it("plan.json edited after the build: exit 1, pointing at the file and the manifest's hash", () => {
    const pkg = built();
    const plan = path.join(pkg, "plan.json");
    fs.writeFileSync(plan, fs.readFileSync(plan, "utf8").replace('"kernel": 0', '"kernel": 7'));
    const r = wspc(["validate", pkg]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${pkg}/plan\\.json: has SHA-256 [0-9a-f]{64}, but /files/0/sha256 says [0-9a-f]{64}; .*rebuild the package$`, "m"));
    expect(r.stdout).toBe("");
  });

  it("plan.json edited and re-hashed: exit 1, with a JSON pointer into the plan", () => {
    const pkg = built();
    const plan = path.join(pkg, "plan.json");
    const text = fs.readFileSync(plan, "utf8").replace('"kernel": 0', '"kernel": 7');
    fs.writeFileSync(plan, text);
    const manifestFile = path.join(pkg, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    manifest.files[0] = { path: "plan.json", bytes: Buffer.byteLength(text), sha256: sha256(text) };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
    const r = wspc(["validate", pkg]);
    expect(r.status).toBe(1);
    // bgemm's call sits in parallel > for > call: bodies/0/body/0/body/0/body/0.
    expect(r.stderr).toContain(`${pkg}/plan.json#/bodies/0/body/0/body/0/body/0/kernel: `);
  });

  it("a folder that does not exist: exit 2", () => {
    const missing = path.join(scratchDir(), "nope.wsppkg");
    const r = wspc(["validate", missing]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${missing}: the package folder cannot be opened: it does not exist\n`);
  });

  it("several packages: each reported, the worst status wins", () => {
    const pkg = built();
    const missing = path.join(scratchDir(), "nope.wsppkg");
    const r = wspc(["validate", pkg, missing]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`${pkg}: valid`);
    expect(r.stderr).toContain(`${missing}: `);
  });
});

describe("wspc doctor", () => {
  it("exits 0 and reports g++ and PTO_RUNTIME_ROOT (set or not)", () => {
    const unset = wspc(["doctor"], { env: { PTO_RUNTIME_ROOT: "" } });
    expect(unset.status).toBe(0);
    expect(unset.stdout).toMatch(/^(ok|--) +g\+\+: /m);
    expect(unset.stdout).toMatch(/^-- +PTO_RUNTIME_ROOT: not set — needed only to run a2a3 packages on a device/m);
    const bogus = path.join(scratchDir(), "no-such-checkout");
    const set = wspc(["doctor"], { env: { PTO_RUNTIME_ROOT: bogus } });
    expect(set.status).toBe(0);
    expect(set.stdout).toContain(`PTO_RUNTIME_ROOT=${bogus}: not a directory`);
    expect(set.stderr).toBe("");
  });
});

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
