/**
 * The extension's reading of `wspc run --json`: the summary it prints and the diagnostics it
 * places. The fixtures have the shape `resultJson` writes (runtime/sim/report.ts); the deadlock
 * is examples/deadlock_ring.wsp's, whose blocked `recv`s are at lines 14 and 15, column 32.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findings, parseLoc, parseRunJson, resolveRecordedPath, summaryLines, type RunJson } from "../../vscode-extension/src/run-report.js";

const stats = (over: Partial<RunJson["stats"]> = {}): RunJson["stats"] => ({
  total_cycles: 0,
  tasks: 0,
  clock_mhz: 1850,
  schedulers: [{ index: 0, tasks: 0, busy_cycles: 0, aic_cores: 6, aiv_cores: 12, ready_high_water: 0 }],
  cores: [],
  resources: {} as RunJson["stats"]["resources"],
  channels: [],
  stalls: [],
  orchestrators: [],
  ...over,
});

const blocked = (who: string, channel: string, loc: string | null) => ({
  who,
  waitsOn: { channel, state: "empty" as const },
  loc,
  since: 0,
  scope_depth: 0,
  scope_held_tasks: 0,
});

const deadlock: RunJson = {
  status: "deadlock",
  stats: stats(),
  deadlock: {
    rule: "channel-cycle",
    explanation: "every process waits to receive on an empty channel that only another waiting process would fill",
    at_cycles: 0,
    window: { size: 16384, in_use: 0, high_water: 0, scope_held: 0 },
    blocked: [blocked("process left", "pong", "examples/deadlock_ring.wsp:14:32"), blocked("process right", "ping", "examples/deadlock_ring.wsp:15:32")],
    channels: [],
    scope: { depth: 0, held_tasks: 0, blocks_retirement: false },
    suggestion: "reorder one process so that it sends before it receives",
  },
  interleaving: [],
};

describe("parseRunJson", () => {
  it("accepts a run result and refuses anything else", () => {
    expect(parseRunJson(JSON.stringify(deadlock))?.status).toBe("deadlock");
    expect(parseRunJson("")).toBeUndefined();
    expect(parseRunJson("wspc: nothing was run")).toBeUndefined();
    expect(parseRunJson('{"status": "running", "stats": {}}')).toBeUndefined();
    expect(parseRunJson('{"status": "finished"}')).toBeUndefined();
    expect(parseRunJson("[1, 2]")).toBeUndefined();
  });
});

describe("parseLoc", () => {
  it("turns the runtime's 1-based file:line:col into a 0-based place", () => {
    expect(parseLoc("examples/deadlock_ring.wsp:14:32")).toEqual({ file: "examples/deadlock_ring.wsp", line: 13, character: 31 });
    expect(parseLoc("a:b.wsp:1:1")).toEqual({ file: "a:b.wsp", line: 0, character: 0 });
    expect(parseLoc(null)).toBeUndefined();
    expect(parseLoc("no location")).toBeUndefined();
  });
});

describe("resolveRecordedPath", () => {
  const j = path.posix.join;
  const d = path.posix.dirname;
  it("finds a path recorded relative to the source root above the file that ran", () => {
    const existing = new Set(["/w/examples/deadlock_ring.wsp", "/w/lib/util.wsp"]);
    const exists = (f: string) => existing.has(f);
    expect(resolveRecordedPath("examples/deadlock_ring.wsp", "/w/examples/deadlock_ring.wsp", exists, j, d)).toBe("/w/examples/deadlock_ring.wsp");
    expect(resolveRecordedPath("lib/util.wsp", "/w/examples/deadlock_ring.wsp", exists, j, d)).toBe("/w/lib/util.wsp");
    expect(resolveRecordedPath("deadlock_ring.wsp", "/w/examples/deadlock_ring.wsp", (f) => f === "/w/examples/deadlock_ring.wsp", j, d)).toBe("/w/examples/deadlock_ring.wsp");
  });
  it("gives up on stdlib paths and paths that exist nowhere", () => {
    expect(resolveRecordedPath("std/prelude.wsp", "/w/a.wsp", () => true, j, d)).toBeUndefined();
    expect(resolveRecordedPath("gone.wsp", "/w/a/b.wsp", () => false, j, d)).toBeUndefined();
  });
});

describe("findings", () => {
  it("puts a deadlock on each blocked operation, the others as related places", () => {
    const list = findings(deadlock);
    expect(list.map((f) => [f.file, f.line, f.character, f.code])).toEqual([
      ["examples/deadlock_ring.wsp", 13, 31, "channel-cycle"],
      ["examples/deadlock_ring.wsp", 14, 31, "channel-cycle"],
    ]);
    expect(list[0]!.message).toBe(
      "Simulation deadlock at cycle 0: process left waits on channel `pong` (empty). " +
        "every process waits to receive on an empty channel that only another waiting process would fill. " +
        "Fix: reorder one process so that it sends before it receives",
    );
    expect(list[0]!.related).toEqual([{ file: "examples/deadlock_ring.wsp", line: 14, character: 31, message: "process right waits on channel `ping` (empty)" }]);
  });

  it("skips blocked operations without a location", () => {
    const run: RunJson = { ...deadlock, deadlock: { ...deadlock.deadlock!, blocked: [blocked("process left", "pong", null), deadlock.deadlock!.blocked[1]!] } };
    expect(findings(run).map((f) => f.line)).toEqual([14]);
    expect(findings(run)[0]!.related).toEqual([]);
  });

  it("puts a run-time error at its operation, and nothing for a finished run", () => {
    const error: RunJson = { status: "error", stats: stats(), error: { message: "division by zero", loc: "w.wsp:3:5", who: "workload w" }, interleaving: [] };
    expect(findings(error)).toEqual([{ file: "w.wsp", line: 2, character: 4, code: "run-time-error", message: "Simulation run-time error (workload w): division by zero", related: [] }]);
    expect(findings({ status: "finished", stats: stats(), interleaving: [] })).toEqual([]);
  });
});

describe("summaryLines", () => {
  it("reports a finished run with its makespan in cycles and microseconds", () => {
    // 3700 cycles at 1850 MHz = 2.00 µs.
    const run: RunJson = { status: "finished", stats: stats({ total_cycles: 3700, tasks: 1 }), interleaving: [] };
    expect(summaryLines(run, "a.wsp on a2a3sim")).toEqual([
      "a.wsp on a2a3sim: finished",
      "  makespan 3700 cycles (2.00 µs at 1850 MHz); 1 task",
      "  schedulers: s0 0 tasks",
    ]);
  });

  it("reports a deadlock with who waits on what, and the fix", () => {
    expect(summaryLines(deadlock, "ring")).toEqual([
      "ring: DEADLOCK at cycle 0 (rule: channel-cycle)",
      "  every process waits to receive on an empty channel that only another waiting process would fill.",
      "  blocked: process left waits on channel `pong` (empty) at examples/deadlock_ring.wsp:14:32, since cycle 0",
      "  blocked: process right waits on channel `ping` (empty) at examples/deadlock_ring.wsp:15:32, since cycle 0",
      "  fix: reorder one process so that it sends before it receives",
      "  makespan 0 cycles (0.00 µs at 1850 MHz); 0 tasks",
      "  schedulers: s0 0 tasks",
    ]);
  });
});
