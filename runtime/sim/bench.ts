/**
 * Simulator throughput for `npm run bench`: simulated tasks per second on three packages built
 * here directly as manifest + plan objects (the runtime never imports the compiler), on the
 * a2a3sim machine model:
 * - independent: `parallel i in n { k(X[i], Y[i]) }`;
 * - dependent: `parallel i in n { a(X[i], T[i]); b(T[i], Y[i]) }` (each b reads what its a wrote);
 * - csp: the csp_pipeline example's three processes and two depth-2 channels.
 * Each is run `runs` times; the fastest run counts (the machines here are shared and noisy).
 */
import type { Manifest, Plan, Statement } from "../package/types.js";
import { simulate } from "./simulate.js";

export interface BenchRow {
  readonly name: string;
  readonly tasks: number;
  readonly ms: number;
  readonly tasksPerSecond: number;
  readonly makespan: number;
}

const A2A3SIM = {
  schedulers: 4, aic_cores: 24, aiv_cores: 48, clock_mhz: 1850, submit_cycles: 1610, dispatch_cycles: 3700,
  max_window: 16384, tensormap_pool: 65536, deplist_pool: 16384, heap_bytes: 268435456, ready_queue: 65536,
};

const POLICIES = [
  { id: "4b14f07f9da0b933", name: "round_robin", qualified_name: "std.policies.round_robin", kind: "dispatch" as const, params: [{ name: "n", type: "u32" as const }], lets: [], code: [["task", "seq"], ["var", 0], ["rem"]] as const, loc: "std/policies.wsp:1:1" },
  { id: "334e31f620a57cdb", name: "fifo", qualified_name: "std.prelude.fifo", kind: "ready" as const, params: [], lets: [], code: [["task", "seq"]] as const, loc: "std/prelude.wsp:1:1" },
  { id: "9aecbb460079a717", name: "eager", qualified_name: "std.prelude.eager", kind: "start" as const, params: [], lets: [], code: [["int", "0"]] as const, loc: "std/prelude.wsp:1:1" },
];

function kernel(name: string, i: number, cycles: number) {
  return {
    id: `00000000000000${i.toString(16).padStart(2, "0")}`, name, qualified_name: `bench.${name}`, func_id: i, executor: "AIV" as const,
    params: [
      { name: "x", kind: "tensor" as const, direction: "in" as const, dtype: "f32" as const, shape: [16] },
      { name: "y", kind: "tensor" as const, direction: "out" as const, dtype: "f32" as const, shape: [16] },
    ],
    cycles: { text: String(cycles), code: [["int", String(cycles)]] as const, loc: "bench:1:1" },
    source: null,
  };
}

function tensor(name: string, i: number, rows: number, role: "in" | "out" | "intermediate") {
  return { id: `10000000000000${i.toString(16).padStart(2, "0")}`, name, qualified_name: `bench.${name}`, dtype: "f32" as const, dims: [{ const: rows }, { const: 16 }], role };
}

function manifest(kind: "workload" | "pipeline", kernels: ReturnType<typeof kernel>[], tensors: ReturnType<typeof tensor>[], csp: Manifest["csp"]): Manifest {
  const directive = (policy: string, args: readonly (readonly (readonly [string, string])[])[]) => ({ policy, args, loc: "bench:1:1" });
  return {
    format: "wsp-package",
    wsp_runtime_abi: "1.0",
    compiler: { name: "wspc", version: "bench" },
    subject: { kind, name: kind === "workload" ? "w" : "p", qualified_name: `bench.${kind}` },
    target: { name: "a2a3sim", qualified_name: "std.targets.a2a3sim", backend: "sim", properties: A2A3SIM },
    sources: [],
    kernels,
    tensors,
    slots: [],
    symbols: [],
    policies: POLICIES,
    schedule: {
      dispatch: directive(POLICIES[0]!.id, [[["int", "4"]]]),
      window: { size: 16384, unit: "tasks", mode: "stall" },
      ready: directive(POLICIES[1]!.id, []),
      start: directive(POLICIES[2]!.id, []),
      pools: { tensormap: 65536, deplist: 16384, heap_bytes: 268435456, ready: 65536 },
    },
    csp,
    capabilities: [],
    entry: { type: "wsp-plan", version: 1, path: "plan.json" },
    files: [],
  } as unknown as Manifest;
}

const at = "bench:1:1";
const call = (k: number, x: number, y: number, v = 0): Statement => ({ op: "call", kernel: k, args: [{ tensor: x, index: [[["var", v]]] }, { tensor: y, index: [[["var", v]]] }], loc: at });
const axis = (n: number) => ({ name: "n", kind: "dense" as const, size: [["int", String(n)]] as const, outer: null, lengths: null, indptr: null, indices: null });
const loop = (op: "parallel" | "for", body: Statement[]): Statement => ({ op, vars: [0], names: ["i"], axes: [0], rows: [null], body, loc: at } as Statement);

export function independentPackage(n: number): { manifest: Manifest; plan: Plan } {
  return {
    manifest: manifest("workload", [kernel("k", 0, 1000)], [tensor("X", 0, n, "in"), tensor("Y", 1, n, "out")], null),
    plan: { axes: [axis(n)], bodies: [{ name: "w", vars: 1, body: [loop("parallel", [call(0, 0, 1)])] }] } as unknown as Plan,
  };
}

export function dependentPackage(n: number): { manifest: Manifest; plan: Plan } {
  const rows = n / 2;
  return {
    manifest: manifest("workload", [kernel("a", 0, 1000), kernel("b", 1, 1000)], [tensor("X", 0, rows, "in"), tensor("T", 1, rows, "intermediate"), tensor("Y", 2, rows, "out")], null),
    plan: { axes: [axis(rows)], bodies: [{ name: "w", vars: 1, body: [loop("parallel", [call(0, 0, 1), call(1, 1, 2)])] }] } as unknown as Plan,
  };
}

export function cspPackage(n: number): { manifest: Manifest; plan: Plan } {
  const tiles = Math.floor(n / 3);
  const channels = [
    { id: "2000000000000000", name: "l2c", capacity: 2, latency: 0 },
    { id: "2000000000000001", name: "c2s", capacity: 2, latency: 0 },
  ];
  const processes = [
    { id: "3000000000000000", name: "loader", replicas: 1, sends: [channels[0]!.id], receives: [] },
    { id: "3000000000000001", name: "computer", replicas: 1, sends: [channels[1]!.id], receives: [channels[0]!.id] },
    { id: "3000000000000002", name: "storer", replicas: 1, sends: [], receives: [channels[1]!.id] },
  ];
  const send = (c: number): Statement => ({ op: "send", channel: c, value: [["var", 0]], loc: at });
  const consume = (c: number, body: Statement[]): Statement => ({ op: "consume", channel: c, var: 0, name: "t", body, loc: at } as Statement);
  return {
    manifest: manifest(
      "pipeline",
      [kernel("load_tile", 0, 4096), kernel("square_tile", 1, 6144), kernel("store_tile", 2, 4096)],
      [tensor("X", 0, tiles, "in"), tensor("T0", 1, tiles, "intermediate"), tensor("T1", 2, tiles, "intermediate"), tensor("Y", 3, tiles, "out")],
      { channels, processes },
    ),
    plan: {
      axes: [axis(tiles)],
      bodies: [
        { name: "loader", vars: 1, body: [loop("for", [call(0, 0, 1), send(0)])] },
        { name: "computer", vars: 1, body: [consume(0, [call(1, 1, 2), send(1)])] },
        { name: "storer", vars: 1, body: [consume(1, [call(2, 2, 3)])] },
      ],
    } as unknown as Plan,
  };
}

/** Runs the three benchmarks with about `tasks` tasks each: the median of `runs` timed runs after a warm-up. */
export function benchSimulator(tasks = 1_000_000, runs = 3): BenchRow[] {
  const cases: [string, { manifest: Manifest; plan: Plan }][] = [
    ["independent tasks", independentPackage(tasks)],
    ["dependent tasks (RAW pairs)", dependentPackage(tasks)],
    ["CSP pipeline (3 processes)", cspPackage(tasks)],
  ];
  return cases.map(([name, pkg]) => {
    let result = simulate(pkg); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      result = simulate(pkg);
      samples.push(performance.now() - t0);
    }
    if (result.status !== "finished") throw new Error(`bench ${name}: ${result.status}`);
    const ms = [...samples].sort((a, b) => a - b)[samples.length >> 1]!;
    return { name, tasks: result.stats.tasks, ms, tasksPerSecond: (result.stats.tasks / ms) * 1000, makespan: result.stats.total_cycles };
  });
}
