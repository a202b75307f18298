/**
 * The runtime's `order` interleaving: one entry per action (submission, send, take, close, load),
 * the named orchestrator acts while every other is held before its next action. Every expectation
 * below is derived by hand on the target `flat`: 1 scheduler, 1 AIC and 1 AIV core, no submit or
 * dispatch cost, so a task submitted at t runs at once if its core is free.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runPackage, UsageError, type RunFlags } from "../../compiler/cli/run-command.js";
import { simulate } from "../../runtime/sim/simulate.js";
import { readInterleave } from "../../runtime/sim/interleave.js";
import type { Interleave, RunResult } from "../../runtime/sim/types.js";
import { cleanPackages, packageOf } from "./helpers.js";

afterAll(cleanPackages);

const HEAD = `
target flat {
  backend "sim" schedulers 1 aic_cores 1 aiv_cores 1 submit_cycles 0 dispatch_cycles 0 max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
tensor X: f32[4, 8] out
tensor Y: f32[4, 8] out
tensor Z: f32[4, 8] out
kernel slow(y: out f32[8]) on aiv cycles 100
kernel fast(y: out f32[8]) on aiv cycles 10
`;

function pipeline(body: string, window = 64): string {
  return `${HEAD}\npipeline p {\n${body}\n}\nschedule p on flat { window ${window} }\n`;
}

function run(text: string, interleave?: Interleave): RunResult {
  const r = simulate(packageOf(text, "flat"), { verify: true, ...(interleave ? { interleave } : {}) });
  const violations = r.verify?.violations ?? [];
  if (violations.length > 0) throw new Error(`verify failed:\n${violations.join("\n")}`);
  return r;
}

const order = (...steps: number[]): Interleave => ({ kind: "order", steps });
const ends = (r: RunResult) => r.stats.orchestrators.map((o) => o.end_cycles);

// Orchestrators: q = 0, p1 = 1, p2 = 2. Each p opens a scope, submits one task (held by the
// scope: 1 = window − 1 place, allowed) and waits for a token; q submits one task, then sends two.
const SCOPES = pipeline(`
channel c depth 2
process q { fast(X[0]); send c(0); send c(1) }
process p1 { scope { fast(Y[0]); recv v from c } }
process p2 { scope { fast(Z[0]); recv v from c } }`, 2);

describe("order replay", () => {
  test("the default order finishes where a legal order deadlocks on scope-held window places", () => {
    // Default, at cycle 0: q submits (1 of 2 places), p1 submits (2 of 2), p2 stalls on the full
    // window; q's task finishes at 10 and retires, p2 gets the place; q sends both tokens, p1 and
    // p2 each take one and close their scopes.
    const base = run(SCOPES);
    expect(base.status).toBe("finished");
    // Order [1, 2]: p1 and p2 submit first; their scopes hold both places, q can never submit,
    // so it never sends, and p1, p2 wait on the empty channel forever.
    const r = run(SCOPES, order(1, 2));
    expect(r.status).toBe("deadlock");
    expect(r.deadlock!.rule).toBe("scope-blocks-window");
    expect(r.deadlock!.blocked.map((b) => [b.who, b.waitsOn])).toEqual([
      ["process q", { resource: "TASK_RING_FULL", detail: "2 of 2 window places in use" }],
      ["process p1", { channel: "c", state: "empty" }],
      ["process p2", { channel: "c", state: "empty" }],
    ]);
    expect(r.deadlock!.window).toMatchObject({ size: 2, in_use: 2, scope_held: 2 });
    expect(r.interleaving).toEqual([]);
  });

  test("an order the runtime cannot follow is a replay error, not a deadlock", () => {
    // Step 0: p1 submits (its task runs 0–10). Step 1 names p1 again: after its kernel, at 10, its
    // recv finds the channel empty, and q, the only sender, is held.
    const r = run(SCOPES, order(1, 1));
    expect(r.status).toBe("error");
    expect(r.error!.message).toBe(
      "order step 1 names orchestrator 1 (process p1), which cannot perform its next action while the others are held: " +
        "it waits to receive on channel `c` (empty), and nothing left running can change that at cycle 10; held: process q, process p2. " +
        "The order and the runtime disagree",
    );
    expect(r.error!.who).toBe("process p1");
    expect(r.error!.loc).toMatch(/main\.wsp:\d+:\d+$/);
  });

  test("the named orchestrator waits for its kernel, then acts; the others keep their place", () => {
    // One AIV core. Default: a (0) submits slow at 0 (runs 0–100), b (1) submits fast at 0, which
    // waits for the core (runs 100–110): a ends at 100, b at 110. Order [1, 0]: b's fast runs
    // 0–10, a's slow 10–110.
    const text = pipeline(`
  process a { slow(X[0]) }
  process b { fast(Y[0]) }`);
    expect(ends(run(text))).toEqual([100, 110]);
    expect(ends(run(text, order(1, 0)))).toEqual([110, 10]);
    // Order [1]: b first, then the default resumes and a submits at once.
    expect(ends(run(text, order(1)))).toEqual([110, 10]);
  });

  test("a held orchestrator still ends its scopes, leaves a drained consume and ends", () => {
    // w (0) sends one token and ends: its end closes c. r (1) takes it, submits fast(X[0]) (runs
    // 0–10); its consume then finds c closed and drained — not an action — and it submits
    // fast(Y[0]) (10–20) though w is never named after its send.
    const text = pipeline(`
  channel c depth 1
  process w { send c(0) }
  process r { consume t from c { fast(X[t]) } fast(Y[0]) }`);
    const r = run(text, order(0, 1, 1, 1));
    expect(r.status).toBe("finished");
    expect(ends(r)).toEqual([0, 20]);
    // Window 3. s (0) submits two tasks in a scope (window − 1 places): X[0] runs 0–100, X[1]
    // 100–200. t (1) submits Y[0] at 100 (the third place; it runs 200–300), then at 300 Y[1],
    // which needs a fourth place unless s's scope has ended: s is never named again, but it ends
    // its scope at 200, as soon as its kernel lets it move. Y[1] runs 300–400.
    const scopes = pipeline(`
  process s { scope { slow(X[0]); slow(X[1]) } }
  process t { scope { slow(Y[0]); slow(Y[1]) } }`, 3);
    const o = run(scopes, order(0, 0, 1, 1));
    expect(o.status).toBe("finished");
    expect(ends(o)).toEqual([200, 400]);
  });

  test("a rendezvous takes one entry per side, in either order", () => {
    // Depth 0: s (0) sends, r (1) receives, then r runs fast (0–10).
    const text = pipeline(`
  channel c depth 0
  process s { send c(7) }
  process r { recv v from c; fast(X[v % 4]) }`);
    for (const steps of [[0, 1, 1], [1, 0, 1]]) {
      const r = run(text, order(...steps));
      expect(r.status, String(steps)).toBe("finished");
      expect(ends(r), String(steps)).toEqual([0, 10]);
    }
    // s offered its token at step 0; naming it again at step 1 asks for an action it cannot do.
    const stuck = run(text, order(0, 0));
    expect(stuck.status).toBe("error");
    expect(stuck.error!.message).toContain("order step 1 names orchestrator 0 (process s), which cannot perform its next action while the others are held: it waits for a partner on rendezvous channel `c`");
  });

  test("the named sender waits while a taken token is still in flight and holds its place", () => {
    // Depth 1, latency 40. Step 0: s sends 0 at 0 (it arrives at 40). Step 1: r takes it; it
    // leaves the channel when it arrives, at 40, and r resumes then. Step 2: s acts only once r
    // has (actions are atomic in the order, as in the analysis): held until 40, it finds the
    // channel free and sends 1 at 40 (arriving at 80), so it never waits on a full channel.
    // Step 3: r takes it at 80.
    const text = pipeline(`
  channel c depth 1 latency 40
  process s { send c(0); send c(1) }
  process r { recv v from c; recv w from c }`);
    const o = run(text, order(0, 1, 0, 1));
    expect(o.status).toBe("finished");
    expect(ends(o)).toEqual([40, 80]);
    expect(o.stats.channels[0]).toMatchObject({ sends: 2, receives: 2, full_waits: 0 });
  });

  test("the named one acts only once the others have reached their next action or ended", () => {
    // Submissions cost 5 cycles here, so a process ends 5 cycles after its last task. Window 2.
    // Entries: q's task (q's scope holds 1), p's send and q's take on the rendezvous c, p's task,
    // then q's second task: q must not offer another take on c before p has ended (its entry
    // would be spent on a take that never comes). Once p has ended, c is closed, q's consume ends
    // and its task is the action the entry names; q's scope ends and frees its places, so r's
    // two scoped tasks fit the window.
    const text = pipeline(`
  channel c depth 0
  process p { send c(0); fast(X[0]) }
  process q { scope { fast(Y[0]); consume t from c { }; fast(Y[1]) } }
  process r { scope { fast(Z[0]); fast(Z[1]) } }`, 2).replace("submit_cycles 0", "submit_cycles 5");
    const o = run(text, order(1, 0, 1, 0, 1, 2, 2));
    expect(o.error?.message).toBeUndefined();
    expect(o.status).toBe("finished");
    expect(o.stats.channels[0]).toMatchObject({ sends: 1, receives: 1 });
  });

  test("a workload replays its single orchestrator; the named one waits for a window place", () => {
    // Window 1: each submission waits until the previous task has finished (10, 20, 30).
    const text = `${HEAD}\naxis n = dense(3)\nworkload w { parallel i in n { fast(X[i]) } }\nschedule w on flat { window 1 }\n`;
    const r = run(text, order(0, 0, 0));
    expect(r.status).toBe("finished");
    expect(r.stats.total_cycles).toBe(30);
    expect(r.stats.resources.task_ring.stall_count).toBe(2);
  });

  test("entries that name no orchestrator, or one with nothing left to do, are errors", () => {
    const text = pipeline(`
  process a { fast(X[0]) }
  process b { fast(Y[0]) }`);
    expect(run(text, order(0, 2)).error?.message).toBe("order step 1 names orchestrator 2, but this pipeline has orchestrators 0 … 1");
    expect(run(text, order(0, 0)).error?.message).toBe("order step 1 names orchestrator 0 (process a), which has no action left: it ended");
  });
});

describe("--interleave files", () => {
  test("{\"order\": [...]} is an order; an array or a --json result is a replay of choices", () => {
    expect(readInterleave('{"order": [1, 0, 2]}')).toEqual({ kind: "order", steps: [1, 0, 2] });
    expect(readInterleave("[1, 0]")).toEqual({ kind: "replay", steps: [1, 0] });
    expect(readInterleave('{"status": "finished", "interleaving": [2]}')).toEqual({ kind: "replay", steps: [2] });
    expect(() => readInterleave('{"order": [1, -1]}')).toThrow("the interleaving file's `order` must be a JSON array of orchestrator numbers, one per action");
    expect(() => readInterleave('{"order": 3}')).toThrow("`order` must be a JSON array");
    expect(() => readInterleave("{")).toThrow("the interleaving file is not JSON");
  });

  test("wspc run --interleave FILE replays an order file: the deadlock, exit status 3", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wsp-order-"));
    try {
      writeFileSync(path.join(dir, "witness.json"), '{"order": [1, 2]}');
      writeFileSync(path.join(dir, "bad.json"), '{"order": [1, "q"]}');
      const flags = (interleave: string): RunFlags => ({ json: true, symbol: [], slot: [], input: [], seed: "1", interleave });
      const out: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: () => {}, stderrIsTTY: false, cwd: dir };
      const pkg = packageOf(SCOPES, "flat");
      expect(runPackage(pkg, flags("witness.json"), io)).toBe(3);
      const json = JSON.parse(out.join(""));
      expect(json.status).toBe("deadlock");
      expect(json.deadlock.rule).toBe("scope-blocks-window");
      expect(runPackage(pkg, flags("default"), io)).toBe(0);
      expect(() => runPackage(pkg, flags("bad.json"), io)).toThrow(UsageError);
      expect(() => runPackage(pkg, flags("bad.json"), io)).toThrow("--interleave bad.json: the interleaving file's `order` must be a JSON array of orchestrator numbers, one per action");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
