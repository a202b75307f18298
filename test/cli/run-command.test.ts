import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir, wspc, writeFiles } from "./helpers.js";

/** `wspc run`: the CLI shell over the reference runtime (its semantics are tested in test/runtime). */
describe("wspc run", () => {
  it("runs a .wsp file's a2a3sim schedule and prints a summary (exit 0)", () => {
    const r = wspc(["run", "examples/csp_pipeline.wsp"]);
    expect(r.status).toBe(0);
    // 110444 cycles: derived by hand in test/runtime/examples.test.ts.
    expect(r.stdout).toContain("pipeline examples.csp_pipeline.stream on a2a3sim: finished");
    expect(r.stdout).toContain("makespan 110444 cycles");
  });

  it("runs a built package folder, with --json and --verify", () => {
    const out = scratchDir();
    expect(wspc(["build", "examples/bgemm.wsp", "-o", out]).status).toBe(0);
    const r = wspc(["run", path.join(out, "bgemm.a2a3sim.wsppkg"), "--json", "--verify"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("finished");
    expect(doc.stats.tasks).toBe(64); // 1 x 4 x 4 tiles x 4 k-steps
    expect(doc.verify.ok).toBe(true);
  });

  it("ends a deadlock with exit 3 and names both blocked processes", () => {
    const r = wspc(["run", "examples/deadlock_ring.wsp"]);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain("DEADLOCK");
    expect(r.stdout).toMatch(/process left\s+waits on channel `pong` \(empty\) at examples\/deadlock_ring\.wsp:14:/);
    expect(r.stdout).toMatch(/process right\s+waits on channel `ping` \(empty\) at examples\/deadlock_ring\.wsp:15:/);
  });

  it("writes a Chrome trace", () => {
    const dir = scratchDir();
    const trace = path.join(dir, "t.json");
    expect(wspc(["run", "examples/attention.wsp", "--symbol", "batch=1", "--trace", trace]).status).toBe(0);
    const events = JSON.parse(fs.readFileSync(trace, "utf8"));
    const list = Array.isArray(events) ? events : events.traceEvents;
    expect(list.some((e: { ph: string; name: string }) => e.ph === "X" && e.name === "attention_tile")).toBe(true);
  });

  it("reports a run-time error with exit 1 and the source line", () => {
    const dir = writeFiles(scratchDir(), {
      "p.wsp": [
        "use std.targets.{a2a3sim}",
        "tensor T: f32[4, 8]",
        "kernel k(x: inout f32[8]) on aiv cycles 10",
        "axis n = dense(4)",
        "pipeline p {",
        "  channel c depth 4",
        "  process a { send c(1); close c; send c(2) }",
        "  process b { consume t from c { k(T[t]) } }",
        "}",
        "",
      ].join("\n"),
    });
    const r = wspc(["run", "p.wsp"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/p\.wsp:7:/);
  });

  it("refuses bad usage with exit 2 and one line", () => {
    expect(wspc(["run", "examples/nope.wsp"]).status).toBe(2);
    const bad = wspc(["run", "examples/attention.wsp", "--symbol", "batch"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--symbol takes NAME=INTEGER");
    const target = wspc(["run", "examples/bgemm.wsp", "--target", "nowhere"]);
    expect(target.status).toBe(2);
    expect(target.stderr).toContain("no schedule targets 'nowhere'");
    expect(wspc(["run", "examples/attention.wsp", "--interleave", "sideways"]).status).toBe(2);
  });

  it("refuses a program with errors with exit 2, running nothing", () => {
    const dir = writeFiles(scratchDir(), { "bad.wsp": "workload w { k() }\n" });
    const r = wspc(["run", "bad.wsp"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("nothing was run");
  });

  it("takes tensor data from --input and rejects data of the wrong size with exit 1", () => {
    const dir = scratchDir();
    // indexer: EffSeq is u64[2, 4, 1, 1]: 8 elements.
    fs.writeFileSync(path.join(dir, "eff.json"), JSON.stringify([1, 2, 3, 4, 5000, 6000, 70000, 80000]));
    fs.writeFileSync(path.join(dir, "short.json"), JSON.stringify([1, 2]));
    const ok = wspc(["run", "examples/indexer.wsp", "--input", `EffSeq=${path.join(dir, "eff.json")}`, "--json"]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).stats.tasks).toBe(8);
    const short = wspc(["run", "examples/indexer.wsp", "--input", `EffSeq=${path.join(dir, "short.json")}`]);
    expect(short.status).toBe(1);
    expect(short.stdout + short.stderr).toContain("input for tensor `EffSeq` has 2 elements, but u64[2, 4, 1, 1] has 8");
  });
});
