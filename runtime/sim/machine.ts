/**
 * The machine model read from the manifest: K AICPU schedulers, each owning a disjoint set of
 * AIC and AIV cores; per-task orchestration and dispatch costs; the window and pool bounds.
 *
 * What the target only records is not enforced here either (the issue: "simulating a pto-runtime
 * target is honest"): the manifest's `capabilities` say, per directive, whether the target acts
 * on it. A directive that is not enforced falls back to what that runtime does — ready tasks
 * dealt round-robin to schedulers, fifo order, no start hold-off, the runtime's own pool sizes
 * (or none), no window, scopes that hold nothing.
 */
import type { Manifest } from "../package/types.js";
import { scopeCapacity } from "../package/scope-rule.js";

export const AIC = 0;
export const AIV = 1;

export interface CoreInfo {
  readonly name: string;
  readonly scheduler: number;
  /** AIC or AIV. */
  readonly kind: number;
}

export interface MachineModel {
  readonly schedulers: number;
  readonly cores: readonly CoreInfo[];
  /** Core ids by [scheduler][kind], ascending. */
  readonly coresOf: readonly (readonly (readonly number[])[])[];
  readonly submitCycles: number;
  readonly dispatchCycles: number;
  readonly clockMhz: number | null;
  /** Infinity when the window is not enforced on this target. */
  readonly window: number;
  readonly tensormap: number;
  readonly deplist: number;
  readonly heapBytes: number;
  readonly readyQueue: number;
  readonly maxScopeDepth: number;
  readonly maxTasks: number;
  readonly dispatchEnforced: boolean;
  readonly readyEnforced: boolean;
  readonly startEnforced: boolean;
  readonly scopesEnforced: boolean;
  /** The most tasks one scope may hold (scope-rule.ts); Infinity without a window. */
  readonly scopeCapacity: number;
  /** The target's back end, for messages that depend on it. */
  readonly backend: string;
}

/** Target defaults for absent optional keys (language §3.11). */
const DEFAULT_POOLS = { tensormap: 65536, deplist: 16384, heap: 268435456, ready: 65536 };

function status(manifest: Manifest, directive: string): string {
  return manifest.capabilities.find((c) => c.directive === directive)?.status ?? "enforced";
}

/** `n` cores split over `k` schedulers as evenly as possible: the first `n % k` get one more. */
export function share(n: number, k: number, scheduler: number): number {
  return Math.floor(n / k) + (scheduler < n % k ? 1 : 0);
}

export function machineModel(manifest: Manifest): MachineModel {
  const p = manifest.target.properties;
  const k = p.schedulers;
  const cores: CoreInfo[] = [];
  const coresOf: number[][][] = [];
  for (let s = 0; s < k; s++) {
    const own: number[][] = [[], []];
    for (const [kind, total, label] of [[AIC, p.aic_cores, "aic"], [AIV, p.aiv_cores, "aiv"]] as const) {
      for (let i = 0; i < share(total, k, s); i++) {
        own[kind]!.push(cores.length);
        cores.push({ name: `s${s}.${label}${i}`, scheduler: s, kind });
      }
    }
    coresOf.push(own);
  }
  const sched = manifest.schedule;
  const pools = poolBounds(manifest);
  return {
    schedulers: k,
    cores,
    coresOf,
    submitCycles: p.submit_cycles ?? 0,
    dispatchCycles: p.dispatch_cycles ?? 0,
    clockMhz: p.clock_mhz ?? null,
    window: status(manifest, "window") === "enforced" ? sched.window.size : Infinity,
    ...pools,
    maxScopeDepth: p.max_scope_depth ?? Infinity,
    maxTasks: p.max_tasks ?? Infinity,
    dispatchEnforced: status(manifest, "dispatch") === "enforced",
    readyEnforced: status(manifest, "ready") === "enforced",
    startEnforced: status(manifest, "start") === "enforced",
    scopesEnforced: status(manifest, "scopes") === "enforced",
    scopeCapacity: status(manifest, "window") === "enforced" ? scopeCapacity(manifest.target.backend, sched.window.size) : Infinity,
    backend: manifest.target.backend,
  };
}

function poolBounds(manifest: Manifest): { tensormap: number; deplist: number; heapBytes: number; readyQueue: number } {
  const s = status(manifest, "pools");
  const pools = manifest.schedule.pools as Manifest["schedule"]["pools"] | null;
  if (s === "enforced" && pools) {
    const or = (v: number | null): number => (v === null ? Infinity : v);
    return { tensormap: or(pools.tensormap), deplist: or(pools.deplist), heapBytes: or(pools.heap_bytes), readyQueue: or(pools.ready) };
  }
  // Recorded: the runtime's own build-time sizes. Enforced without sizes in the package: the
  // target's values or their defaults (language §3.11).
  if (s === "recorded" || s === "enforced") {
    const p = manifest.target.properties;
    return {
      tensormap: p.tensormap_pool ?? DEFAULT_POOLS.tensormap,
      deplist: p.deplist_pool ?? DEFAULT_POOLS.deplist,
      heapBytes: p.heap_bytes ?? DEFAULT_POOLS.heap,
      readyQueue: p.ready_queue ?? DEFAULT_POOLS.ready,
    };
  }
  return { tensormap: Infinity, deplist: Infinity, heapBytes: Infinity, readyQueue: Infinity };
}
