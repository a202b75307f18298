import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createNodeHost } from "../../compiler/cli/node-host.js";
import { checkProgram } from "../../compiler/program.js";
import { REPO_ROOT, STDLIB_DIR } from "../helpers/memory-host.js";

const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");
const STD_DIR = path.join(STDLIB_DIR, "std");
const examples = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".wsp")).sort();
const stdModules = fs.readdirSync(STD_DIR).filter((f) => f.endsWith(".wsp")).sort();

/** Checks one file from disk the way `wspc check` does. */
function checkFile(file: string) {
  return checkProgram([file], createNodeHost(REPO_ROOT));
}

function problems(file: string): string[] {
  return checkFile(file).diagnostics.map((d) => `${path.relative(REPO_ROOT, path.resolve(REPO_ROOT, d.file))}: ${d.code} ${d.message}`);
}

describe("examples/*.wsp", () => {
  it("include the six contract programs of the language issue", () => {
    for (const name of ["indexer", "attention", "csp_pipeline", "bgemm", "moe", "deadlock_ring"]) {
      expect(examples).toContain(`${name}.wsp`);
    }
  });

  /**
   * The lints each example earns, derived from the sources: indexer's `affinity(task.i, 4)` sees
   * i ∈ {0, 1} (axis b = dense(2)) and llama_layer's `affinity(task.t, 4)` sees t ∈ {0, 1}
   * (TILES = 2), so schedulers 2 and 3 get nothing; indexer imports a2a3 and softmax imports
   * affinity without using them.
   */
  const EXPECTED_LINTS: Record<string, string[]> = {
    "indexer.wsp": ["WSP1002 `a2a3` is imported but never used", "WSP1004 schedulers 2 and 3 of a2a3sim get no task"],
    "llama_layer.wsp": ["WSP1004 schedulers 2 and 3 of a2a3sim get no task"],
    "softmax.wsp": ["WSP1002 `affinity` is imported but never used"],
  };

  /**
   * WSP0802 warnings are the capability analysis's notes on what a back end does not enforce
   * (e.g. `dispatch` on a2a3); they belong to the target, not to the program's correctness.
   * Everything else but the expected lints, and any error at all, fails.
   */
  it.each(examples.filter((f) => !f.startsWith("deadlock_")))("%s checks with no diagnostics but capability notes and its expected lints", (name) => {
    const diagnostics = checkFile(path.join(EXAMPLES_DIR, name)).diagnostics.filter((d) => d.code !== "WSP0802" || d.severity === "error");
    const expected = EXPECTED_LINTS[name] ?? [];
    expect(diagnostics.map((d) => d.code)).toEqual(expected.map((e) => e.split(" ")[0]));
    diagnostics.forEach((d, i) => expect(`${d.code} ${d.message}`).toContain(expected[i]!.slice(8)));
  });

  /** The deliberate deadlocks: one deadlock error each (test/analysis/deadlock.test.ts checks which), and nothing else but its lint. */
  it.each(examples.filter((f) => f.startsWith("deadlock_")))("%s has exactly one error, a deadlock", (name) => {
    const errors = checkFile(path.join(EXAMPLES_DIR, name)).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toHaveLength(1);
    expect(errors[0]!.code).toMatch(/^WSP090[1-5]$/);
  });

  it.each(examples)("%s: every schedule resolves its subject and target", (name) => {
    const result = checkFile(path.join(EXAMPLES_DIR, name));
    for (const [decl, s] of result.semantics.schedules) {
      expect(s.subject?.name, `schedule at ${decl.start}`).toBe(decl.subject.text);
      expect(s.target?.name).toBe(decl.target.text);
    }
  });

  it("indexer: folds TILES into the tensor shapes and gives tasks i and j", () => {
    const result = checkFile(path.join(EXAMPLES_DIR, "indexer.wsp"));
    const dims = [...result.semantics.tensors.values()].map((t) => t.dims.map((d) => (d?.kind === "const" ? Number(d.value) : d?.kind)));
    expect(dims).toEqual([[2, 4, 1, 32], [2, 4, 1, 1], [2, 4, 1, 8]]);
    const sites = [...result.taskSites.values()].flat();
    expect(sites).toHaveLength(3);
    for (const s of sites) expect([...s.attributes].sort()).toEqual(["i", "j", "seq"]);
  });

  it("attention: keeps the batch dimension symbolic", () => {
    const result = checkFile(path.join(EXAMPLES_DIR, "attention.wsp"));
    for (const t of result.semantics.tensors.values()) {
      expect(t.dims[0]).toEqual({ kind: "symbolic", text: "examples.attention.batch", display: "batch" });
    }
  });

  it("moe: the worker's tasks have the token `job` and `replica`", () => {
    const result = checkFile(path.join(EXAMPLES_DIR, "moe.wsp"));
    const sites = [...result.taskSites.values()].flat();
    expect(sites.map((s) => [s.process?.name.text, [...s.attributes].sort()])).toEqual([["worker", ["job", "replica", "seq"]]]);
  });
});

describe("stdlib/std/*.wsp", () => {
  it("has the prelude, the policies and the targets", () => {
    expect(stdModules).toEqual(["policies.wsp", "prelude.wsp", "targets.wsp"]);
  });

  it.each(stdModules)("%s checks with zero diagnostics", (name) => {
    expect(problems(path.join(STD_DIR, name))).toEqual([]);
  });

  it("prelude and policies declare policies of the documented kinds", () => {
    const result = checkProgram([path.join(STD_DIR, "policies.wsp")], createNodeHost(REPO_ROOT));
    const kinds = new Map<string, string | undefined>();
    for (const [decl, info] of result.semantics.policies) kinds.set(decl.name.text, info.kind);
    expect(Object.fromEntries(kinds)).toEqual({
      round_robin: "dispatch", affinity: "dispatch", hash: "dispatch",
      fifo: "ready", lifo: "ready", priority: "ready", eager: "start",
    });
  });

  it("targets carry the scheduler counts of the team brief", () => {
    const result = checkProgram([path.join(STD_DIR, "targets.wsp")], createNodeHost(REPO_ROOT));
    const schedulers = new Map<string, unknown>();
    for (const [decl, info] of result.semantics.targets) schedulers.set(decl.name.text, info.properties.get("schedulers"));
    expect(Object.fromEntries(schedulers)).toEqual({ a2a3sim: 4n, a2a3: 3n, a2a3_hbg: 3n });
  });
});
