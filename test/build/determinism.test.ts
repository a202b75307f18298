/**
 * Determinism (issue 3): the same sources give byte-identical packages — across processes, from
 * any working folder, whatever order the files are named in — and no package records an absolute
 * path. (The golden test is a determinism test too: its files were written by another process.)
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validatePackage } from "../../compiler/index.js";
import { EXAMPLES, REPO, compileClean, readTree, scratchDir, wspc, writeFiles } from "./helpers.js";

function build(args: readonly string[], cwd: string = REPO): void {
  const r = wspc(["build", ...args], { cwd });
  expect(r.stderr.split("\n").filter((l) => / error /.test(l))).toEqual([]);
  expect(r.status, r.stderr).toBe(0);
}

/** Every file of every package below `out`, by `<package>/<path>`. */
function packagesIn(out: string): Map<string, Buffer> {
  return readTree(out);
}

function expectValid(dir: string): void {
  const result = validatePackage(dir);
  expect(result.ok ? [] : result.errors.map((e) => `${e.pointer}: ${e.message}`), dir).toEqual([]);
}

describe("determinism", () => {
  it("two wspc processes building the same files write identical bytes", () => {
    const [a, b] = [scratchDir(), scratchDir()];
    const files = ["examples/bgemm.wsp", "examples/csp_pipeline.wsp", "examples/paged_attention.wsp"];
    for (const f of files) build([f, "-o", a]);
    for (const f of files) build([f, "-o", b]);
    const [ta, tb] = [packagesIn(a), packagesIn(b)];
    // bgemm x2, csp_pipeline, paged_attention x2: manifest + plan each, and pto-runtime trees on a2a3.
    expect([...ta.keys()].filter((k) => k.endsWith("/manifest.json"))).toHaveLength(5);
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [k, bytes] of ta) expect(tb.get(k)!.equals(bytes), k).toBe(true);
  });

  it("building from examples/ gives the same package as from the repository root", () => {
    const [fromRoot, fromExamples] = [scratchDir(), scratchDir()];
    build(["examples/csp_pipeline.wsp", "-o", fromRoot]);
    build(["csp_pipeline.wsp", "-o", fromExamples], path.join(REPO, "examples"));
    const [a, b] = [packagesIn(fromRoot), packagesIn(fromExamples)];
    expect([...b.keys()]).toEqual(["csp_pipeline.wsppkg/manifest.json", "csp_pipeline.wsppkg/plan.json"]);
    for (const [k, bytes] of a) expect(b.get(k)?.toString("utf8"), k).toBe(bytes.toString("utf8"));
    // Recorded paths are relative to the project root (the folder above `examples/`, as the
    // module name `examples.csp_pipeline` says), not to the working folder.
    const sources = JSON.parse(b.get("csp_pipeline.wsppkg/manifest.json")!.toString()).sources.map((s: { path: string }) => s.path);
    expect(sources).toEqual(["examples/csp_pipeline.wsp", "std/policies.wsp", "std/prelude.wsp", "std/targets.wsp"]);
  });

  it("a file outside the working folder gives the same, valid package (no `..` in recorded paths)", () => {
    const [inside, outside] = [scratchDir(), scratchDir()];
    build(["examples/indexer.wsp", "-o", inside]);
    // From compiler/: the file is ../examples/indexer.wsp; from a scratch folder: an absolute path.
    build(["../examples/indexer.wsp", "-o", path.join(outside, "a")], path.join(REPO, "compiler"));
    build([path.join(REPO, "examples/indexer.wsp"), "-o", path.join(outside, "b")], outside);
    const want = packagesIn(inside);
    for (const sub of ["a", "b"]) {
      const got = packagesIn(path.join(outside, sub));
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [k, bytes] of want) expect(got.get(k)?.toString("utf8"), `${sub}/${k}`).toBe(bytes.toString("utf8"));
      expectValid(path.join(outside, sub, "indexer.wsppkg"));
    }
  });

  it("records a file without a `module` line by its name, from any working folder", () => {
    const dir = writeFiles(scratchDir(), {
      "proj/src/tiny.wsp": "tensor X: f32[4, 16] inout\nkernel k(x: inout f32[16]) on aiv cycles 10\naxis n = dense(4)\nworkload w { parallel i in n { k(X[i]) } }\n",
    });
    const locs = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "tiny.wsppkg/manifest.json"), "utf8")).kernels[0].cycles.loc;
    build(["proj/src/tiny.wsp", "-o", "o1"], dir);
    build(["tiny.wsp", "-o", "../../o2"], path.join(dir, "proj/src"));
    expect(locs(path.join(dir, "o1"))).toBe("tiny.wsp:2:42");
    expect(fs.readFileSync(path.join(dir, "o2/tiny.wsppkg/manifest.json"), "utf8")).toBe(fs.readFileSync(path.join(dir, "o1/tiny.wsppkg/manifest.json"), "utf8"));
    expectValid(path.join(dir, "o1/tiny.wsppkg"));
  });

  it("the order the files are named in does not change which packages are built, nor their bytes", () => {
    // b.wsp schedules a's workload: it has a schedule, so no default a2a3sim package, whichever comes first.
    const dir = writeFiles(scratchDir(), {
      "a.wsp": "module a\ntensor S: f32[4, 16] inout\nkernel step(x: inout f32[16]) on aiv cycles 100\naxis n = dense(4)\nworkload w { parallel i in n { step(S[i]) } }\n",
      "b.wsp": "module b\nuse std.targets.{a2a3sim}\nuse a.{w}\nschedule w on a2a3sim { window 64 tasks stall }\n",
    });
    const ab = compileClean(["a.wsp", "b.wsp"], dir);
    const ba = compileClean(["b.wsp", "a.wsp"], dir);
    expect(ab.packages.map((p) => [p.name, p.target])).toEqual([["a", "a2a3sim"]]);
    expect(ba.packages.map((p) => [p.name, p.target])).toEqual([["a", "a2a3sim"]]);
    expect([...ba.packages[0]!.files]).toEqual([...ab.packages[0]!.files]);
    // The schedule's window, not the target's default: this is the scheduled unit.
    expect(JSON.parse(ab.packages[0]!.files.get("manifest.json")!).schedule.window.size).toBe(64);
  });

  it("records each source's SHA-256 of its bytes on disk, a byte-order mark and non-UTF-8 bytes included", () => {
    const program = "tensor S: f32[4, 16] inout\nkernel k(x: inout f32[16]) on aiv cycles 1\naxis n = dense(4)\nworkload w { parallel i in n { k(S[i]) } }\n";
    const dir = scratchDir();
    // A BOM (EF BB BF) first; and a Latin-1 "é" (E9, not UTF-8) in a comment.
    const bytes = {
      "bom.wsp": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`module bom\n${program}`)]),
      "latin.wsp": Buffer.concat([Buffer.from("module latin\n// caf"), Buffer.from([0xe9]), Buffer.from(`\n${program}`)]),
    };
    for (const [name, data] of Object.entries(bytes)) {
      fs.writeFileSync(path.join(dir, name), data);
      const [pkg] = compileClean([name], dir).packages;
      const sources = JSON.parse(pkg!.files.get("manifest.json")!).sources;
      const own = sources.filter((s: { path: string }) => s.path === name);
      expect(own.map((s: { sha256: string }) => s.sha256), name).toEqual([createHash("sha256").update(data).digest("hex")]);
    }
  });

  it("the API names a file given twice (two spellings) once, as wspc does", () => {
    const twice = compileClean(["examples/bgemm.wsp", "./examples/bgemm.wsp"]);
    expect(twice.packages.map((p) => p.name)).toEqual(["bgemm.a2a3sim", "bgemm.a2a3"]);
  });
});

describe("no absolute path in a package", () => {
  it("no file of any example's packages mentions the repository, the temp folder or the home folder", () => {
    // (A home folder of "/" would match everything; it is not a path worth looking for.)
    const forbidden = [REPO, fs.realpathSync(os.tmpdir()), os.tmpdir(), "/tmp", os.homedir()].filter((p) => p.length > 1);
    for (const f of EXAMPLES) {
      for (const pkg of compileClean([f]).packages) {
        for (const [rel, text] of pkg.files) {
          for (const bad of forbidden) expect(text.includes(bad), `${pkg.name}/${rel} mentions ${bad}`).toBe(false);
        }
      }
    }
  });

  it("nor does a package built from a temporary folder, with absolute paths on the command line", () => {
    const dir = scratchDir();
    const out = path.join(dir, "out");
    build([path.join(REPO, "examples/paged_attention.wsp"), "-o", out], dir);
    for (const [rel, bytes] of packagesIn(out)) {
      const text = bytes.toString("utf8");
      for (const bad of [REPO, dir, "/tmp"]) expect(text.includes(bad), `${rel} mentions ${bad}`).toBe(false);
    }
  });
});
