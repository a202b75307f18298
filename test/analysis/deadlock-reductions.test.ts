/**
 * Two ways the deadlock analysis does less work must never change a verdict:
 * - the search visits the replicas of a process that only their number tells apart once per
 *   arrangement (search.ts, `symmetricReplicas`): on the random pipelines of the agreement test,
 *   and on pipelines made of replicated workers, it finds a deadlock exactly when the search
 *   without it does (when both finish), of the same kind, visits exactly one state per
 *   arrangement, and decides what the plain search cannot within its budget;
 * - pipelines that drain downstream (analyze.ts, `drainsDownstream`) are called free without a
 *   model: wherever that applies, the full search proves them free too.
 */
import { describe, expect, it } from "vitest";
import { drainsDownstream } from "../../compiler/analysis/deadlock/analyze.js";
import { analyzeDeadlocks } from "../../compiler/analysis/deadlock/index.js";
import { Machine, symmetricReplicas, type State } from "../../compiler/analysis/deadlock/machine.js";
import type { Model } from "../../compiler/analysis/deadlock/model.js";
import { buildModel } from "../../compiler/analysis/deadlock/model.js";
import { replay, search, type SearchResult } from "../../compiler/analysis/deadlock/search.js";
import { blockedList, kindOf } from "../../compiler/analysis/deadlock/classify.js";
import type { AnalysisUnit } from "../../compiler/analysis/index.js";
import type { Backend } from "../../compiler/check/target-model.js";
import { buildPackage } from "../../compiler/package/build.js";
import { checkProgram, type CheckResult } from "../../compiler/program.js";
import { buildUnits } from "../../compiler/units.js";
import { simulate } from "../../runtime/sim/simulate.js";
import type { SimPackage } from "../../runtime/sim/types.js";
import { memoryHost } from "../helpers/memory-host.js";
import { randomPipeline } from "./random-pipelines.js";

/** Every unit of the random pipelines of `seeds` that check clean (a predicted deadlock aside). */
function* randomUnits(seeds: number): Generator<{ seed: number; text: string; result: CheckResult; unit: AnalysisUnit }> {
  for (let seed = 1; seed <= seeds; seed++) {
    const text = randomPipeline(seed);
    const result = check(text);
    if (result.diagnostics.some((d) => d.severity === "error" && !/^WSP09/.test(d.code))) continue;
    for (const unit of units(result)) yield { seed, text, result, unit };
  }
}

function check(text: string): CheckResult {
  return checkProgram(["main.wsp"], memoryHost({ "main.wsp": text }));
}

function units(result: CheckResult): AnalysisUnit[] {
  return buildUnits(result).flatMap((unit) => {
    const target = unit.target.decl.kind === "Target" ? result.semantics.targets.get(unit.target.decl) : undefined;
    const backend = target?.properties.get("backend");
    return typeof backend === "string" ? [{ ...unit, backend: backend as Backend }] : [];
  });
}

function packageOf(result: CheckResult, unit: AnalysisUnit): SimPackage {
  const built = buildPackage(result, unit, { compilerVersion: "0.0.0-test", sourcePath: (f) => f });
  return { manifest: JSON.parse(built.files.get("manifest.json")!), plan: JSON.parse(built.files.get("plan.json")!) };
}

/** What a search decided, comparable across the two ways: found what (by kind), or free, or unknown. */
function decided(result: CheckResult, unit: AnalysisUnit, symmetry: boolean): { r: SearchResult; what: string } {
  const model = buildModel(result, unit);
  const r = search(model, 20_000, { symmetry });
  if (r.definite) {
    const rep = replay(model, r.definite.path);
    return { r, what: `deadlock ${kindOf(model, rep.machine, rep.state, blockedList(model, rep.machine, rep.state))}` };
  }
  if (r.exhausted) return { r, what: "unknown" };
  return { r, what: r.possible ? "possible" : "free" };
}

const H = "module main\nuse std.targets.{a2a3sim}\ntensor X: f32[64, 16] in\ntensor Y: f32[64, 16] out\nkernel copy(src: in f32[16], dst: out f32[16]) on aiv cycles 100\naxis n = dense(64)\n";

/** A producer of 64 tokens and `replicas` workers, each holding `calls` tasks in a scope per token. */
function workers(replicas: number, calls: number, window: number, body = ""): string {
  const copies = Array.from({ length: calls }, () => "copy(X[j], Y[j])").join("; ");
  return `${H}pipeline p {\n  channel jobs depth 1\n  process producer { for i in n { send jobs(i) } }\n  process worker replicate ${replicas} { consume j from jobs { ${body}scope { ${copies} } } }\n}\nschedule p on a2a3sim { window ${window} }\n`;
}

/** `s` with orchestrator `o`'s part moved to `to[o]` (replicas of one body have parts of one size). */
function renamed(m: Machine, s: State, to: readonly number[]): State {
  const t = s.clone();
  to.forEach((p, o) => {
    t.pc[p] = s.pc[o]!;
    t.depth[p] = s.depth[o]!;
    t.held[p] = s.held[o]!;
    t.ended[p] = s.ended[o]!;
    const body = m.model.bodies[m.model.orchs[o]!.body]!;
    for (let i = 0; i < body.loops; i++) {
      const [from, into] = [m.loopBase[o]! + i, m.loopBase[p]! + i];
      t.pos[into] = s.pos[from]!;
      t.end[into] = s.end[from]!;
      t.gen[into] = s.gen[from]!;
      t.active[into] = s.active[from]!;
    }
    for (let i = 0; i < body.vars; i++) t.vars[m.varBase[p]! + i] = s.vars[m.varBase[o]! + i]!;
  });
  return t;
}

/** Every ordering of `xs`. */
function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * Every reachable decision state of a deadlock-free model, by plain depth-first search with the
 * machine alone: how many there are, and how many up to renaming the replicas of each group
 * (counted by trying every renaming, not with the search's own arrangement key).
 */
function reachable(model: Model): { states: number; arrangements: number } {
  const m = new Machine(model);
  const groups = symmetricReplicas(model);
  const identity = model.orchs.map((_, o) => o);
  const renamings = groups.reduce<number[][]>((acc, g) => acc.flatMap((to) => permutations(g).map((p) => {
    const next = [...to];
    g.forEach((o, i) => (next[o] = p[i]!));
    return next;
  })), [identity]);
  const keys = new Set<string>();
  const arrangements = new Set<string>();
  const stack: State[] = [m.initial()];
  while (stack.length > 0) {
    const s = stack.pop()!;
    m.runSafe(s, Number.MAX_SAFE_INTEGER);
    if (s.error !== null || s.ended.every((e) => e === 1)) continue;
    const choices = m.choices(s);
    if (choices.length === 0) throw new Error("this model deadlocks");
    if (keys.has(s.key())) continue;
    keys.add(s.key());
    arrangements.add(renamings.map((to) => renamed(m, s, to).key()).sort()[0]!);
    for (const c of choices) {
      const t = s.clone();
      m.apply(t, c);
      stack.push(t);
    }
  }
  return { states: keys.size, arrangements: arrangements.size };
}

describe("symmetry reduction of replicated processes", () => {
  it("groups the replicas of a process unless its code reads `replica`", () => {
    const plain = check(workers(4, 2, 32));
    expect(symmetricReplicas(buildModel(plain, units(plain)[0]!))).toEqual([[1, 2, 3, 4]]);
    const reads = check(workers(4, 2, 32, "when replica == 0 { copy(X[0], Y[0]) } "));
    expect(symmetricReplicas(buildModel(reads, units(reads)[0]!))).toEqual([]);
  });

  it("never changes a verdict on the random pipelines, and never visits more states", () => {
    let compared = 0;
    let grouped = 0;
    for (const { seed, text, result, unit } of randomUnits(400)) {
      if (symmetricReplicas(buildModel(result, unit)).length > 0) grouped++;
      const a = decided(result, unit, true);
      const b = decided(result, unit, false);
      if (a.what === "unknown" || b.what === "unknown") continue;
      compared++;
      expect(a.what, `seed ${seed}\n${text}`).toBe(b.what);
      expect(a.r.states, `seed ${seed}`).toBeLessThanOrEqual(b.r.states);
    }
    expect(compared).toBeGreaterThan(300);
    expect(grouped).toBeGreaterThan(50);
  });

  it("agrees with the plain search on replicated workers racing for the window, deadlock or not", () => {
    // Each worker holds `calls` places while it works; the producer holds none. A deadlock needs
    // the scopes to be able to fill the window: workers × calls ≥ window is necessary, not sufficient.
    const seen = new Set<string>();
    for (const [replicas, calls, window] of [[2, 2, 4], [2, 3, 4], [3, 2, 4], [3, 3, 8], [4, 2, 8], [4, 3, 8], [5, 2, 8]] as const) {
      const result = check(workers(replicas, calls, window));
      const unit = units(result)[0]!;
      const a = decided(result, unit, true);
      const b = decided(result, unit, false);
      const what = `${replicas} × ${calls} under ${window}`;
      expect(b.what, what).not.toBe("unknown");
      expect(a.what, what).toBe(b.what);
      expect(a.r.states, what).toBeLessThan(b.r.states);
      seen.add(a.what);
      const v = analyzeDeadlocks(result, unit);
      if (v.kind !== "deadlock") continue;
      // The witness of the reduced search is a real execution: the runtime replays it into the deadlock.
      const r = simulate(packageOf(result, unit), { interleave: { kind: "order", steps: v.witness } });
      expect(r.status, what).toBe("deadlock");
      expect(r.deadlock?.rule, what).toBe(v.rule);
    }
    expect([...seen].sort()).toEqual(["deadlock scope-blocks-window", "free"]);
  });

  it("visits each arrangement of a free model's reachable states exactly once", () => {
    // Workers whose later `when` reads the token they took: which worker holds which token is
    // part of their state, so arrangements must keep it (a reduction that dropped it would merge
    // states that differ and visit fewer).
    const tokened = (replicas: number, window: number, tokens: number) => `${H.replace("dense(64)", `dense(${tokens})`)}pipeline p {\n  channel jobs depth 1\n  process producer { for i in n { send jobs(i) } }\n  process worker replicate ${replicas} { consume j from jobs { scope { copy(X[j], Y[j]); when j % 2 == 0 { copy(X[j], Y[j]); copy(X[j], Y[j]) } } } }\n}\nschedule p on a2a3sim { window ${window} }\n`;
    for (const text of [workers(2, 2, 4), workers(3, 2, 4), workers(4, 2, 8), tokened(2, 5, 4), tokened(3, 7, 6)]) {
      const result = check(text);
      const model = buildModel(result, units(result)[0]!);
      const all = reachable(model);
      const plain = search(model, 20_000, { symmetry: false });
      const reduced = search(model, 20_000, { symmetry: true });
      expect([plain.definite, plain.exhausted, reduced.definite, reduced.exhausted]).toEqual([undefined, false, undefined, false]);
      expect(plain.states).toBe(all.states);
      expect(reduced.states).toBe(all.arrangements);
      expect(all.arrangements).toBeLessThan(all.states);
    }
  });

  it("decides 16 interchangeable workers that the plain search gives up on, and the runtime agrees", () => {
    // 16 workers × 2 tasks exactly fill a window of 32: every interleaving of their submissions
    // matters, and 16 workers in ~5 states each are ~10^11 assignments but ~10^4 arrangements.
    const result = check(workers(16, 2, 32));
    const unit = units(result)[0]!;
    expect(decided(result, unit, false).what).toBe("unknown");
    const a = decided(result, unit, true);
    expect(a.what).toBe("free");
    expect(analyzeDeadlocks(result, unit)).toEqual({ kind: "free", exhaustive: true });
    const pkg = packageOf(result, unit);
    expect(simulate(pkg).status).toBe("finished");
    for (let seed = 1; seed <= 10; seed++) expect(simulate(pkg, { interleave: { kind: "random", seed } }).status).toBe("finished");
  });
});

describe("pipelines that drain downstream, decided without a model", () => {
  const P = (members: string, window = 64) => `${H}pipeline p {\n${members}\n}\nschedule p on a2a3sim { window ${window} }\n`;
  const shape = (text: string): { drains: boolean; search: string } => {
    const result = check(text);
    expect(result.diagnostics.filter((d) => d.severity === "error" && !/^WSP09/.test(d.code))).toEqual([]);
    const unit = units(result)[0]!;
    const decl = unit.subject.decl;
    return { drains: decl.kind === "Pipeline" && drainsDownstream(decl, result.semantics), search: decided(result, unit, true).what };
  };

  it("takes chains and trees of consuming stages, and nothing that can wait in a cycle or on an undrained channel", () => {
    const chain = "  channel a depth 1\n  channel b depth 0\n  process src { for i in n { send a(i) } }\n  process mid replicate 3 { consume t from a { copy(X[t], Y[t]); send b(t) } }\n  process sink { consume t from b { copy(X[t], Y[t]) } }";
    const tree = "  channel l depth 1\n  channel r depth 1\n  process src { for i in n { when i % 2 == 0 { send l(i) } else { send r(i) } } }\n  process left { copy(X[0], Y[0]); consume t from l { } }\n  process right { consume t from r { copy(X[t], Y[t]) } }";
    expect(shape(P(chain))).toEqual({ drains: true, search: "free" });
    expect(shape(P(tree))).toEqual({ drains: true, search: "free" });
    // Sent on, never consumed: the sender fills the channel and waits for ever.
    expect(shape(P("  channel a depth 1\n  process src { for i in n { send a(i) } }"))).toEqual({ drains: false, search: "deadlock channel-capacity" });
    // Two inputs (a join) can wait on each other through capacities: left to the search.
    const join = "  channel a depth 1\n  channel b depth 1\n  process src { for i in n { send a(i); send b(i) } }\n  process sink { consume t from a { }; consume u from b { } }";
    expect(shape(P(join))).toEqual({ drains: false, search: "deadlock channel-capacity" });
    // A consume only inside a `when` may never run; a cycle; `recv`; `scope`: all left to the search.
    expect(shape(P("  channel a depth 1\n  process src { for i in n { send a(i) } }\n  process sink { for i in n { when i == 0 { consume t from a { } } } }")).drains).toBe(false);
    expect(shape(P("  channel a depth 1\n  channel b depth 1\n  process x { send a(0); consume t from b { } }\n  process y { consume t from a { send b(t) } }")).drains).toBe(false);
    expect(shape(P("  channel a depth 1\n  process src { for i in n { send a(i) } }\n  process sink { recv t from a }")).drains).toBe(false);
    expect(shape(P("  channel a depth 1\n  process src { for i in n { send a(i) } }\n  process sink { consume t from a { scope { copy(X[t], Y[t]) } } }")).drains).toBe(false);
  });

  it("whenever it applies to a random pipeline, the full search proves it free", () => {
    let applies = 0;
    for (const { seed, text, result, unit } of randomUnits(600)) {
      const decl = unit.subject.decl;
      if (decl.kind !== "Pipeline" || !drainsDownstream(decl, result.semantics)) continue;
      applies++;
      expect(decided(result, unit, true).what, `seed ${seed}\n${text}`).toBe("free");
    }
    expect(applies).toBeGreaterThan(20);
  });
});
