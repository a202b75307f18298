/**
 * Golden packages: every example, compiled through the API (`compile`, working folder = the
 * repository), must equal test/build/golden/<package>.wsppkg/ byte for byte, file list included,
 * and every golden package must pass `validatePackage`. A few facts of the goldens, derived by
 * hand from the examples, are asserted explicitly as well, so a wrong golden cannot hide.
 *
 * The goldens change only on purpose. After a deliberate change to the package format, the
 * lowering or an example, regenerate them and review the diff before committing:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/build/golden.test.ts
 *   git diff --stat test/build/golden
 *
 * With UPDATE_GOLDEN=1 the test rewrites test/build/golden/ (removing packages no example
 * produces any more) instead of comparing.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validatePackage, writePackage, type CompiledPackage } from "../../compiler/index.js";
import { EXAMPLES, REPO, compileClean, entries, fnv1a64, manifestOf, planOf, readTree, type Json } from "./helpers.js";

const GOLDEN = path.join(REPO, "test/build/golden");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

/** Every example's packages, compiled once for this file. */
let cache: Map<string, readonly CompiledPackage[]> | undefined;
function compiled(): Map<string, readonly CompiledPackage[]> {
  cache ??= new Map(EXAMPLES.map((f) => [f, compileClean([f]).packages]));
  return cache;
}

function allPackages(): CompiledPackage[] {
  return [...compiled().values()].flat();
}

function example(name: string): readonly CompiledPackage[] {
  return compiled().get(`examples/${name}.wsp`)!;
}

function one(name: string, pkgName = name): CompiledPackage {
  const hits = example(name).filter((p) => p.name === pkgName);
  expect(hits.map((p) => p.name)).toEqual([pkgName]);
  return hits[0]!;
}

describe("golden packages", () => {
  it("every example builds to at least one package, with distinct names", () => {
    const names = allPackages().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of EXAMPLES) expect(compiled().get(f)!.length, f).toBeGreaterThan(0);
  });

  if (UPDATE) {
    it("rewrites test/build/golden (UPDATE_GOLDEN=1)", () => {
      fs.rmSync(GOLDEN, { recursive: true, force: true });
      for (const pkg of allPackages()) writePackage(pkg, GOLDEN);
      expect(entries(GOLDEN)).toEqual(allPackages().map((p) => `${p.name}.wsppkg`).sort());
    });
  }

  it("has exactly one golden folder per package built from examples/", () => {
    expect(entries(GOLDEN)).toEqual(allPackages().map((p) => `${p.name}.wsppkg`).sort());
  });

  describe.each(EXAMPLES)("%s", (file) => {
    it("matches its golden packages byte for byte", () => {
      for (const pkg of compiled().get(file)!) {
        const golden = readTree(path.join(GOLDEN, `${pkg.name}.wsppkg`));
        expect([...golden.keys()], pkg.name).toEqual([...pkg.files.keys()].sort());
        for (const [rel, text] of pkg.files) {
          // Compared as text first for a readable diff, then as bytes.
          expect(golden.get(rel)!.toString("utf8"), `${pkg.name}/${rel}`).toBe(text);
          expect(golden.get(rel)!.equals(Buffer.from(text, "utf8")), `${pkg.name}/${rel} bytes`).toBe(true);
        }
      }
    });

    it("has golden packages that pass validatePackage", () => {
      for (const pkg of compiled().get(file)!) {
        const result = validatePackage(path.join(GOLDEN, `${pkg.name}.wsppkg`));
        const problems = result.ok ? [] : result.errors.map((e) => `${e.pointer}: ${e.message}`);
        expect(problems, pkg.name).toEqual([]);
      }
    });
  });
});

/** The policy entry a schedule directive names. */
function policyOf(m: Json, directive: "dispatch" | "ready" | "start"): Json {
  const id = m.schedule[directive].policy;
  const hits = m.policies.filter((p: Json) => p.id === id);
  expect(hits).toHaveLength(1);
  return hits[0];
}

describe("facts of the golden packages, checked by hand", () => {
  it("bgemm: one AIC kernel gemm_tile (func_id 0), C is inout, tile_owner(4) on a2a3sim and tile_owner(3) on a2a3", () => {
    expect(example("bgemm").map((p) => p.name).sort()).toEqual(["bgemm.a2a3", "bgemm.a2a3sim"]);
    for (const [pkgName, count, backend] of [["bgemm.a2a3sim", "4", "sim"], ["bgemm.a2a3", "3", "pto-tmr"]] as const) {
      const m = manifestOf(one("bgemm", pkgName));
      expect(m.target.backend).toBe(backend);
      expect(m.kernels.map((k: Json) => [k.name, k.func_id, k.executor, k.id])).toEqual([["gemm_tile", 0, "AIC", fnv1a64("examples.bgemm.gemm_tile")]]);
      // a, b: in f16 tiles; c: the inout f32 accumulator tile.
      expect(m.kernels[0].params.map((p: Json) => `${p.name}:${p.direction}:${p.dtype}:${p.shape.join("x")}`)).toEqual(["a:in:f16:16x16", "b:in:f16:16x16", "c:inout:f32:16x16"]);
      expect(m.tensors.map((t: Json) => [t.name, t.role])).toEqual([["A", "in"], ["B", "in"], ["C", "inout"]]);
      const dispatch = policyOf(m, "dispatch");
      expect([dispatch.qualified_name, dispatch.kind]).toEqual(["examples.bgemm.tile_owner", "dispatch"]);
      expect(m.schedule.dispatch.args).toEqual([[["int", count]]]);
      // (task.m * 4 + task.n) % count, count being parameter 0.
      expect(dispatch.code).toEqual([["task", "m"], ["int", "4"], ["mul"], ["task", "n"], ["add"], ["var", 0], ["rem"]]);
    }
    // 1 x 4 x 4 parallel, 4 sequential: the plan keeps both loops (four variables), not 64 tasks.
    const plan = planOf(one("bgemm", "bgemm.a2a3sim"));
    expect(plan.bodies[0].vars).toBe(4);
    expect(plan.bodies[0].body.map((s: Json) => [s.op, s.names])).toEqual([["parallel", ["bb", "m", "n"]]]);
    expect(plan.bodies[0].body[0].body.map((s: Json) => [s.op, s.names])).toEqual([["for", ["k"]]]);
    // The a2a3sim schedule sets `window 64` and `ready fifo`; the a2a3 one only dispatch.
    expect(manifestOf(one("bgemm", "bgemm.a2a3sim")).schedule.window).toEqual({ size: 64, unit: "tasks", mode: "stall" });
    expect(policyOf(manifestOf(one("bgemm", "bgemm.a2a3sim")), "ready").qualified_name).toBe("std.prelude.fifo");
  });

  it("bgemm on a2a3 carries a pto-runtime tree; on a2a3sim it does not", () => {
    expect([...one("bgemm", "bgemm.a2a3").files.keys()]).toEqual([
      "manifest.json", "plan.json", "pto-runtime/kernels/orchestration/bgemm_orch.cpp", "pto-runtime/scene.py",
    ]);
    expect([...one("bgemm", "bgemm.a2a3sim").files.keys()]).toEqual(["manifest.json", "plan.json"]);
  });

  it("csp_pipeline: two channels of capacity 2 and latency 0, three processes, the loader only sends on l2c", () => {
    const m = manifestOf(one("csp_pipeline"));
    const q = "examples.csp_pipeline.stream";
    expect(m.subject).toEqual({ kind: "pipeline", name: "stream", qualified_name: q });
    expect(m.csp.channels).toEqual([
      { id: fnv1a64(`${q}.l2c`), name: "l2c", capacity: 2, latency: 0 },
      { id: fnv1a64(`${q}.c2s`), name: "c2s", capacity: 2, latency: 0 },
    ]);
    const [l2c, c2s] = [fnv1a64(`${q}.l2c`), fnv1a64(`${q}.c2s`)];
    expect(m.csp.processes).toEqual([
      { id: fnv1a64(`${q}.loader`), name: "loader", replicas: 1, sends: [l2c], receives: [] },
      { id: fnv1a64(`${q}.computer`), name: "computer", replicas: 1, sends: [c2s], receives: [l2c] },
      { id: fnv1a64(`${q}.storer`), name: "storer", replicas: 1, sends: [], receives: [c2s] },
    ]);
    // One plan body per process, in manifest order.
    expect(planOf(one("csp_pipeline")).bodies.map((b: Json) => b.name)).toEqual(["loader", "computer", "storer"]);
    expect(m.tensors.map((t: Json) => [t.name, t.role])).toEqual([["X", "in"], ["T0", "intermediate"], ["T1", "intermediate"], ["Y", "out"]]);
  });

  it("moe: the rendezvous channel jobs has capacity 0, the worker 4 replicas, dispatch is the splitmix64 hash", () => {
    const m = manifestOf(one("moe"));
    expect(m.csp.channels.map((c: Json) => [c.name, c.capacity, c.latency])).toEqual([["jobs", 0, 0]]);
    expect(m.csp.processes.map((p: Json) => [p.name, p.replicas])).toEqual([["router", 1], ["worker", 4]]);
    const hash = policyOf(m, "dispatch");
    expect(hash.qualified_name).toBe("std.policies.hash");
    // The two splitmix64 multipliers, 0xbf58476d1ce4e5b9 and 0x94d049bb133111eb, as decimal strings.
    expect(hash.lets[1].code).toEqual([["var", 2], ["int", BigInt("0xbf58476d1ce4e5b9").toString()], ["mul"]]);
    expect(hash.lets[3].code).toEqual([["var", 4], ["int", BigInt("0x94d049bb133111eb").toString()], ["mul"]]);
    expect(m.schedule.dispatch.args).toEqual([[["task", "job"]], [["int", "4"]]]);
    // `pools { ..., heap 256 MiB, ready 1024 }`.
    expect(m.schedule.pools).toEqual({ tensormap: 65536, deplist: 16384, heap_bytes: 256 * 1024 * 1024, ready: 1024 });
  });

  it("indexer: slot eff_seq is cell 0 with the FNV-1a 64 id of examples.indexer.eff_seq", () => {
    // The reference vectors of FNV-1a 64 first, so the independent hash is itself checked.
    expect([fnv1a64(""), fnv1a64("a"), fnv1a64("foobar")]).toEqual(["cbf29ce484222325", "af63dc4c8601ec8c", "85944171f73967e8"]);
    const m = manifestOf(one("indexer"));
    expect(m.slots).toEqual([{
      id: fnv1a64("examples.indexer.eff_seq"), name: "eff_seq", qualified_name: "examples.indexer.eff_seq", index: 0,
      type: "u64", width: 64, update: { host: "between-runs", device: "load" },
    }]);
    // 800 + (pad / 32) * 128 with pad an i32 (parameter 2): signed division.
    expect(m.kernels[0].cycles.code).toEqual([["int", "800"], ["var", 2], ["int", "32"], ["divs"], ["int", "128"], ["mul"], ["add"]]);
    expect(m.kernels[0].source).toBe("kernels/aiv/topk8.cpp");
    // The plan loads the slot, then branches on it: eff_seq <= 2048, else eff_seq <= 8192, else.
    const loop = planOf(one("indexer")).bodies[0].body[0];
    expect(loop.body.map((s: Json) => s.op)).toEqual(["load", "when"]);
    expect(loop.body[0].slot).toBe(0);
    expect(loop.body[1].branches.map((b: Json) => b.cond)).toEqual([[["slot", 0], ["int", "2048"], ["le"]], [["slot", 0], ["int", "8192"], ["le"]]]);
  });

  it("deadlock_ring has no schedule: the default one (round_robin over a2a3sim's 4 schedulers, the target's window)", () => {
    const m = manifestOf(one("deadlock_ring"));
    expect(m.target.name).toBe("a2a3sim");
    expect(policyOf(m, "dispatch").qualified_name).toBe("std.policies.round_robin");
    expect(m.schedule.dispatch.args).toEqual([[["int", "4"]]]);
    expect(m.schedule.window).toEqual({ size: 16384, unit: "tasks", mode: "stall" });
    // Default directives point at the policy's own declaration.
    expect(m.schedule.dispatch.loc).toMatch(/^std\/policies\.wsp:\d+:1$/);
  });

  it("records sources relative to the project root, the stdlib as std/..., with their SHA-256", () => {
    for (const pkg of allPackages()) {
      const m = manifestOf(pkg);
      const paths = m.sources.map((s: Json) => s.path);
      expect(paths.filter((p: string) => !p.startsWith("std/")), pkg.name).toEqual([`examples/${pkg.name.split(".")[0]}.wsp`]);
      expect(paths.filter((p: string) => p.startsWith("std/"))).toEqual(["std/policies.wsp", "std/prelude.wsp", "std/targets.wsp"]);
      for (const s of m.sources) {
        const file = s.path.startsWith("std/") ? path.join(REPO, "stdlib", s.path) : path.join(REPO, s.path);
        expect(s.sha256, s.path).toBe(createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
      }
    }
  });
});
