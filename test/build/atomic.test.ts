/**
 * Atomicity (issue 3): a package is written to a temporary folder and renamed into place; a
 * failed build — on disk, in the checker or in a back end — leaves every previous package
 * exactly as it was, and no partial or temporary folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writePackageDir, writePackageDirs, type WriterFs } from "../../compiler/cli/package-writer.js";
import { compile } from "../../compiler/index.js";
import { entries, readTree, scratchDir, wspc, writeFiles } from "./helpers.js";

const OLD = new Map([["manifest.json", "old manifest\n"], ["plan.json", "old plan\n"], ["pto-runtime/scene.py", "old scene\n"]]);
const NEW = new Map([["manifest.json", "new manifest\n"], ["plan.json", "new plan\n"], ["pto-runtime/kernels/x.cpp", "new source\n"]]);

/** The real file system, except that the `failAt`-th call of `op` (1-based) throws EIO. */
function failingFs(op: "writeFileSync" | "renameSync", failAt: number): WriterFs & { calls: () => number } {
  let n = 0;
  const fail = () => {
    if (++n === failAt) throw Object.assign(new Error(`injected ${op} failure`), { code: "EIO" });
  };
  return {
    mkdirSync: (d, o) => fs.mkdirSync(d, o),
    writeFileSync: (f, t) => { if (op === "writeFileSync") fail(); fs.writeFileSync(f, t); },
    renameSync: (a, b) => { if (op === "renameSync") fail(); fs.renameSync(a, b); },
    rmSync: (t, o) => fs.rmSync(t, o),
    existsSync: (t) => fs.existsSync(t),
    calls: () => n,
  };
}

function asText(tree: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...tree].map(([k, v]) => [k, v.toString("utf8")]));
}

describe("writePackageDir", () => {
  it("replaces a previous package completely (no file of the old one survives)", () => {
    const out = scratchDir();
    const dest = path.join(out, "p.wsppkg");
    writePackageDir(dest, OLD);
    writePackageDir(dest, NEW);
    expect(asText(readTree(dest))).toEqual(Object.fromEntries(NEW));
    expect(entries(out)).toEqual(["p.wsppkg"]);
  });

  // NEW has three files: failing the 1st, 2nd or 3rd write covers "before", "between" and "last".
  it.each([1, 2, 3])("a write that fails at file %i leaves the previous package untouched and no temporary folder", (n) => {
    const out = scratchDir();
    const dest = path.join(out, "p.wsppkg");
    writePackageDir(dest, OLD);
    const before = readTree(dest);
    const io = failingFs("writeFileSync", n);
    expect(() => writePackageDir(dest, NEW, io)).toThrow("injected writeFileSync failure");
    expect(io.calls()).toBe(n);
    expect(asText(readTree(dest))).toEqual(asText(before));
    expect(entries(out)).toEqual(["p.wsppkg"]);
  });

  it("a failing write with no previous package leaves nothing at all", () => {
    const out = scratchDir();
    expect(() => writePackageDir(path.join(out, "p.wsppkg"), NEW, failingFs("writeFileSync", 2))).toThrow();
    expect(entries(out)).toEqual([]);
  });

  it("a rename into place that fails puts the previous package back", () => {
    const out = scratchDir();
    const dest = path.join(out, "p.wsppkg");
    writePackageDir(dest, OLD);
    // Rename 1 moves the old package aside, rename 2 moves the new one into place: fail that.
    expect(() => writePackageDir(dest, NEW, failingFs("renameSync", 2))).toThrow("injected renameSync failure");
    expect(asText(readTree(dest))).toEqual(Object.fromEntries(OLD));
    expect(entries(out)).toEqual(["p.wsppkg"]);
  });
});

describe("writePackageDirs (several packages of one build)", () => {
  it("a failure while writing the second package leaves the first package's previous version too", () => {
    const out = scratchDir();
    const [a, b] = [path.join(out, "a.wsppkg"), path.join(out, "b.wsppkg")];
    writePackageDirs([{ dest: a, files: OLD }, { dest: b, files: OLD }]);
    // Three files per package: write 5 is the second package's second file.
    expect(() => writePackageDirs([{ dest: a, files: NEW }, { dest: b, files: NEW }], failingFs("writeFileSync", 5))).toThrow();
    expect(asText(readTree(a))).toEqual(Object.fromEntries(OLD));
    expect(asText(readTree(b))).toEqual(Object.fromEntries(OLD));
    expect(entries(out)).toEqual(["a.wsppkg", "b.wsppkg"]);
  });

  it("a rename that fails for the second package rolls the first one back", () => {
    const out = scratchDir();
    const [a, b] = [path.join(out, "a.wsppkg"), path.join(out, "b.wsppkg")];
    writePackageDirs([{ dest: a, files: OLD }, { dest: b, files: OLD }]);
    // Renames: a aside, a's new into place, b aside, b's new into place (4: fails).
    expect(() => writePackageDirs([{ dest: a, files: NEW }, { dest: b, files: NEW }], failingFs("renameSync", 4))).toThrow();
    expect(asText(readTree(a))).toEqual(Object.fromEntries(OLD));
    expect(asText(readTree(b))).toEqual(Object.fromEntries(OLD));
    expect(entries(out)).toEqual(["a.wsppkg", "b.wsppkg"]);
  });

  it("writes every package when nothing fails", () => {
    const out = scratchDir();
    writePackageDirs([{ dest: path.join(out, "a.wsppkg"), files: OLD }, { dest: path.join(out, "b.wsppkg"), files: NEW }]);
    expect(asText(readTree(out))).toEqual({
      ...Object.fromEntries([...OLD].map(([k, v]) => [`a.wsppkg/${k}`, v])),
      ...Object.fromEntries([...NEW].map(([k, v]) => [`b.wsppkg/${k}`, v])),
    });
  });
});

const TYPE_ERROR = `module bad
use std.targets.{a2a3sim}
tensor X: f32[4, 16] inout
kernel k(x: inout f32[16]) on aiv cycles 10
axis n = dense(4)
const BIG: bool = 3
workload w { parallel i in n { k(X[i]) } }
`;

/** 17 tensor arguments: fine on a2a3sim, over pto-runtime's 16 per task on a2a3 (a back-end error). */
/**
 * One producer read by 129 consumers: fine for the checker and on a2a3sim, but host_build_graph
 * keeps at most 128 successors per task, which only its back end (expanding the graph) finds.
 */
function tooManySuccessors(): string {
  return `module many
use std.targets.{a2a3sim, a2a3_hbg}
tensor T: f32[1, 4]
tensor U: f32[129, 4] out
kernel p(t: out f32[4]) on aiv cycles 1
kernel c(t: in f32[4], u: out f32[4]) on aiv cycles 1
axis n = dense(129)
workload w {
  p(T[0])
  parallel i in n { c(T[0], U[i]) }
}
schedule w on a2a3sim { window 256 tasks stall }
schedule w on a2a3_hbg { }
`;
}

describe("wspc build that fails writes nothing", () => {
  it("a type error: exit 1, 'no package written', the out folder not created", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": TYPE_ERROR });
    const r = wspc(["build", "bad.wsp", "-o", "out"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^bad\.wsp:6:\d+: error WSP\d{4}: /m);
    expect(r.stderr).toContain("wspc: no package written");
    expect(r.stdout).toBe("");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("a type error leaves an earlier package of the same file untouched", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": TYPE_ERROR.replace("const BIG: bool = 3\n", "") });
    expect(wspc(["build", "bad.wsp", "-o", "out"], { cwd: dir }).status).toBe(0);
    const before = readTree(path.join(dir, "out"));
    writeFiles(dir, { "bad.wsp": TYPE_ERROR });
    expect(wspc(["build", "bad.wsp", "-o", "out"], { cwd: dir }).status).toBe(1);
    expect(asText(readTree(path.join(dir, "out")))).toEqual(asText(before));
    expect(entries(path.join(dir, "out"))).toEqual(["bad.wsppkg"]);
  });

  it("when the second of two packages fails in its back end, neither is written (nor an earlier one changed)", () => {
    const dir = writeFiles(scratchDir(), { "many.wsp": tooManySuccessors() });
    // The API agrees: the checker is happy, the a2a3_hbg back end is not.
    const api = compile(["many.wsp"], { cwd: dir });
    expect(api.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(api.diagnostics.map((d) => d.code)).toContain("WSP0803");
    expect(api.packages).toEqual([]);

    const r = wspc(["build", "many.wsp", "-o", "out"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^many\.wsp:9:3: error WSP0803: task 0 of this call has 129 successors, but a2a3_hbg \(pto-hbg\) keeps at most 128/m);
    expect(r.stderr).toContain("wspc: no package written");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);

    // With an earlier a2a3sim-only build in place, the failing build leaves it as it was.
    expect(wspc(["build", "many.wsp", "-o", "out", "--target", "a2a3sim"], { cwd: dir }).status).toBe(0);
    const before = readTree(path.join(dir, "out"));
    expect([...before.keys()]).toEqual(["many.a2a3sim.wsppkg/manifest.json", "many.a2a3sim.wsppkg/plan.json"]);
    expect(wspc(["build", "many.wsp", "-o", "out"], { cwd: dir }).status).toBe(1);
    expect(asText(readTree(path.join(dir, "out")))).toEqual(asText(before));
    expect(entries(path.join(dir, "out"))).toEqual(["many.a2a3sim.wsppkg"]);
  });

  it("a pipeline scheduled on a2a3 (no channels there) is refused before anything is written", () => {
    const dir = writeFiles(scratchDir(), {
      "pipe.wsp": `module pipe
use std.targets.{a2a3sim, a2a3}
tensor X: f32[8, 64] in
tensor Y: f32[8, 64] out
kernel copy(src: in f32[64], dst: out f32[64]) on aiv cycles 4096
axis tiles = dense(8)
pipeline p {
  channel c depth 1
  process a { for t in tiles { send c(t) } }
  process b { consume t from c { copy(X[t], Y[t]) } }
}
schedule p on a2a3sim { window 64 tasks stall }
schedule p on a2a3 { window 64 tasks stall }
`,
    });
    const r = wspc(["build", "pipe.wsp", "-o", "out"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error WSP0801: .*a2a3 \(pto-tmr\)/);
    expect(r.stderr).toContain("wspc: no package written");
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });

  it("an out folder that cannot be created: exit 2, one line, no stack trace", () => {
    const dir = writeFiles(scratchDir(), { "ok.wsp": TYPE_ERROR.replace("const BIG: bool = 3\n", ""), "file": "not a folder\n" });
    const r = wspc(["build", "ok.wsp", "-o", "file/out"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wspc: cannot write the packages into 'file\/out': /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(path.join(dir, "file"), "utf8")).toBe("not a folder\n");
  });
});
