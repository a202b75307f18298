/**
 * Small valid packages written by hand, following docs/package-format.md field by field, and a
 * writer that lays one out on disk with its files hashed. Tests mutate a fresh copy.
 *
 * The workload is this program (module `demo`, file demo.wsp):
 *
 *   slot gate: u64
 *   symbol n: u64
 *   tensor X: f32[4, 16] in
 *   tensor Y: f32[n, 16] out
 *   tensor G: u64[4] in
 *   kernel scale(src: in f32[16], dst: out f32[16], k: u32) on aiv cycles 100 + k
 *   axis rows = dense(4)
 *   workload tiny {
 *     parallel i in rows {
 *       load gate <- G[i]
 *       when gate != 0 { scale(X[i], Y[i], k = 2) }
 *     }
 *   }
 *   schedule tiny on a2a3sim { dispatch round_robin(4) window 16 tasks stall }
 *
 * The pipeline (`demo.flow`) has one channel `c` and two processes: `producer` runs
 * `for t in rows { scale(X[t], Y[t], k = 1); send c(t) }`, `consumer` runs
 * `consume v from c { scale(X[v], Y[v], k = 3) }`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stableId } from "../../runtime/package/ids.js";

/** Loose JSON on purpose: tests break packages in ways the types forbid. */
export type Json = any;

export interface PackageSpec {
  manifest: Json;
  /** Written to plan.json; undefined writes no plan. */
  plan: Json;
  /** Other files of the package, by path. */
  extra: Map<string, string | Buffer>;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON as packages print it: two-space indentation and a final newline. */
export function packageJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const POLICY_SOURCE = "std/policies.wsp";
const PRELUDE_SOURCE = "std/prelude.wsp";

function policies(): Json[] {
  return [
    {
      id: stableId("std.policies.round_robin"), name: "round_robin", qualified_name: "std.policies.round_robin", kind: "dispatch",
      params: [{ name: "n", type: "u32" }], lets: [],
      code: [["task", "seq"], ["var", 0], ["rem"]], loc: `${POLICY_SOURCE}:13:1`,
    },
    {
      id: stableId("std.prelude.fifo"), name: "fifo", qualified_name: "std.prelude.fifo", kind: "ready",
      params: [], lets: [], code: [["task", "seq"]], loc: `${PRELUDE_SOURCE}:8:1`,
    },
    {
      id: stableId("std.prelude.eager"), name: "eager", qualified_name: "std.prelude.eager", kind: "start",
      params: [], lets: [], code: [["int", "0"]], loc: `${PRELUDE_SOURCE}:26:1`,
    },
  ];
}

export function tinyWorkload(): PackageSpec {
  const manifest = {
    format: "wsp-package",
    wsp_runtime_abi: "1.0",
    compiler: { name: "wspc", version: "0.1.0" },
    subject: { kind: "workload", name: "tiny", qualified_name: "demo.tiny" },
    target: {
      name: "a2a3sim", qualified_name: "std.targets.a2a3sim", backend: "sim",
      properties: { schedulers: 4, aic_cores: 24, aiv_cores: 48, clock_mhz: 1850, max_window: 16384 },
    },
    sources: [
      { path: "demo.wsp", module: "demo", sha256: sha256("module demo\n") },
      { path: POLICY_SOURCE, module: "std.policies", sha256: sha256("module std.policies\n") },
      { path: PRELUDE_SOURCE, module: "std.prelude", sha256: sha256("module std.prelude\n") },
    ],
    kernels: [{
      id: stableId("demo.scale"), name: "scale", qualified_name: "demo.scale", func_id: 0, executor: "AIV",
      params: [
        { name: "src", kind: "tensor", direction: "in", dtype: "f32", shape: [16] },
        { name: "dst", kind: "tensor", direction: "out", dtype: "f32", shape: [16] },
        { name: "k", kind: "scalar", dtype: "u32" },
      ],
      cycles: { text: "100 + k", code: [["int", "100"], ["var", 2], ["add"]], loc: "demo.wsp:6:68" },
      source: null,
    }],
    tensors: [
      { id: stableId("demo.X"), name: "X", qualified_name: "demo.X", dtype: "f32", dims: [{ const: 4 }, { const: 16 }], role: "in" },
      { id: stableId("demo.Y"), name: "Y", qualified_name: "demo.Y", dtype: "f32", dims: [{ code: [["sym", 0]], loc: "demo.wsp:4:15" }, { const: 16 }], role: "out" },
      { id: stableId("demo.G"), name: "G", qualified_name: "demo.G", dtype: "u64", dims: [{ const: 4 }], role: "in" },
    ],
    slots: [{
      id: stableId("demo.gate"), name: "gate", qualified_name: "demo.gate", index: 0, type: "u64", width: 64,
      update: { host: "between-runs", device: "load" },
    }],
    symbols: [{ id: stableId("demo.n"), name: "n", qualified_name: "demo.n", type: "u64", width: 64 }],
    policies: policies(),
    schedule: {
      dispatch: { policy: stableId("std.policies.round_robin"), args: [[["int", "4"]]], loc: "demo.wsp:14:3" },
      window: { size: 16, unit: "tasks", mode: "stall" },
      ready: { policy: stableId("std.prelude.fifo"), args: [], loc: "demo.wsp:13:1" },
      start: { policy: stableId("std.prelude.eager"), args: [], loc: "demo.wsp:13:1" },
      pools: { tensormap: 65536, deplist: 16384, heap_bytes: 268435456, ready: 65536 },
    },
    csp: null,
    capabilities: [
      { directive: "dispatch", status: "enforced", reason: "the reference runtime places each task on the scheduler the policy names" },
      { directive: "window", status: "enforced", reason: "submission stalls while 16 tasks are in flight" },
    ],
    entry: { type: "wsp-plan", version: 1, path: "plan.json" },
    files: [],
  };
  const plan = {
    axes: [{ name: "rows", kind: "dense", size: [["int", "4"]], outer: null, lengths: null, indptr: null, indices: null }],
    bodies: [{
      name: "tiny",
      vars: 1,
      body: [{
        op: "parallel", vars: [0], axes: [0], rows: [null], loc: "demo.wsp:9:3",
      body: [
        { op: "load", slot: 0, tensor: 2, index: [[["var", 0]]], loc: "demo.wsp:10:5" },
        {
          op: "when", loc: "demo.wsp:11:5", else: null,
          branches: [{
            cond: [["slot", 0], ["int", "0"], ["ne"]],
            body: [{
              op: "call", kernel: 0, loc: "demo.wsp:11:22",
              args: [{ tensor: 0, index: [[["var", 0]]] }, { tensor: 1, index: [[["var", 0]]] }, { scalar: [["int", "2"]] }],
            }],
          }],
        },
      ],
      }],
    }],
  };
  return { manifest, plan, extra: new Map() };
}

export function tinyPipeline(): PackageSpec {
  const spec = tinyWorkload();
  const m = spec.manifest;
  m.subject = { kind: "pipeline", name: "flow", qualified_name: "demo.flow" };
  const c = stableId("demo.flow.c");
  m.csp = {
    channels: [{ id: c, name: "c", capacity: 1, latency: 0 }],
    processes: [
      { id: stableId("demo.flow.producer"), name: "producer", replicas: 1, sends: [c], receives: [] },
      { id: stableId("demo.flow.consumer"), name: "consumer", replicas: 1, sends: [], receives: [c] },
    ],
  };
  const call = (k: string, loc: string): Json => ({
    op: "call", kernel: 0, loc, args: [{ tensor: 0, index: [[["var", 0]]] }, { tensor: 1, index: [[["var", 0]]] }, { scalar: [["int", k]] }],
  });
  spec.plan.bodies = [
    {
      name: "producer",
      vars: 1,
      body: [{
        op: "for", vars: [0], axes: [0], rows: [null], loc: "demo.wsp:20:5",
        body: [call("1", "demo.wsp:21:7"), { op: "send", channel: 0, value: [["var", 0]], loc: "demo.wsp:22:7" }],
      }],
    },
    {
      name: "consumer",
      vars: 1,
      body: [{ op: "consume", channel: 0, var: 0, loc: "demo.wsp:26:5", body: [call("3", "demo.wsp:27:7")] }],
    },
  ];
  return spec;
}

export interface WriteOptions {
  /** Edits the computed `files` list before manifest.json is written. */
  readonly editFiles?: (files: Json[]) => void;
}

/**
 * Writes `spec` into folder `dir`: plan.json and the extra files, then manifest.json with
 * `files` listing each of them (sorted, with size and SHA-256).
 */
export function writePackage(dir: string, spec: PackageSpec, options: WriteOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  const contents = new Map(spec.extra);
  if (spec.plan !== undefined) contents.set("plan.json", packageJson(spec.plan));
  const files: Json[] = [];
  for (const [path, data] of [...contents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
    files.push({ path, bytes: Buffer.byteLength(data), sha256: sha256(data) });
  }
  options.editFiles?.(files);
  spec.manifest.files = files;
  writeFileSync(join(dir, "manifest.json"), packageJson(spec.manifest));
}
