/**
 * The run's statistics (the list): total_cycles; tasks; per scheduler tasks and busy
 * cycles; per core utilisation; per bounded resource capacity, high-water mark, stall count and
 * stall cycles; per channel sends, receives, max fill, full and empty waits. A stall still open
 * when the run stops (a deadlock) counts up to that cycle.
 */
import type { Engine } from "./engine.js";
import { machineModel, type MachineModel } from "./machine.js";
import { OS } from "./orchestrator.js";
import type { Manifest } from "../package/types.js";
import { RESOURCE_REASON, STALL_REASONS, type ResourceName, type ResourceStats, type Stats } from "./types.js";

const UNITS: Readonly<Record<ResourceName, ResourceStats["unit"]>> = {
  task_ring: "tasks",
  tensormap: "entries",
  deplist: "edges",
  heap_arena: "bytes",
  ready_queue: "tasks",
};

const bound = (n: number): number | null => (Number.isFinite(n) ? n : null);

export function collectStats(e: Engine): Stats {
  const m = e.machine;
  const count = Float64Array.from(e.stallCount);
  const cycles = Float64Array.from(e.stallCycles);
  for (const o of e.orchs) {
    if (o.state !== OS.Ended && o.stallReason >= 0) {
      count[o.stallReason]!++;
      cycles[o.stallReason]! += e.now - o.stallSince;
    }
  }
  let total = e.now;
  for (const o of e.orchs) if (o.state === OS.Ended) total = Math.max(total, o.endTime);
  const s = e.schedulers;
  const resource = (name: ResourceName, capacity: number, high: number): ResourceStats => {
    const r = STALL_REASONS.indexOf(RESOURCE_REASON[name]);
    return { capacity: bound(capacity), unit: UNITS[name], high_water: high, stall_count: count[r]!, stall_cycles: cycles[r]!, reason: RESOURCE_REASON[name] };
  };
  return {
    total_cycles: total,
    tasks: e.nextSeq,
    clock_mhz: m.clockMhz,
    schedulers: Array.from({ length: m.schedulers }, (_, k) => ({
      index: k,
      tasks: s.tasks[k]!,
      busy_cycles: s.busyCycles[k]!,
      aic_cores: m.coresOf[k]![0]!.length,
      aiv_cores: m.coresOf[k]![1]!.length,
      ready_high_water: e.pools.ready[k]!.highWater,
    })),
    cores: m.cores.map((c, i) => ({
      name: c.name,
      scheduler: c.scheduler,
      kind: c.kind === 0 ? "AIC" as const : "AIV" as const,
      tasks: s.coreTasks[i]!,
      busy_cycles: s.coreBusy[i]!,
      utilisation: total > 0 ? s.coreBusy[i]! / total : 0,
    })),
    resources: {
      task_ring: resource("task_ring", m.window, e.pools.window.highWater),
      tensormap: resource("tensormap", m.tensormap, e.tm.highWater),
      deplist: resource("deplist", m.deplist, e.pools.deplist.highWater),
      heap_arena: resource("heap_arena", m.heapBytes, e.pools.heap.highWater),
      ready_queue: resource("ready_queue", m.readyQueue, Math.max(0, ...e.pools.ready.map((q) => q.highWater))),
    },
    channels: e.channels.map((c) => ({
      name: c.name,
      capacity: c.capacity,
      latency: c.latency,
      sends: c.sends,
      receives: c.receives,
      max_fill: c.maxFill,
      full_waits: c.fullWaits,
      empty_waits: c.emptyWaits,
    })),
    stalls: STALL_REASONS.map((reason, r) => ({ reason, count: count[r]!, cycles: cycles[r]! })),
    orchestrators: e.orchs.map((o) => ({
      who: o.who,
      tasks: o.tasks,
      end_cycles: o.state === OS.Ended ? o.endTime : e.now,
      ended: o.state === OS.Ended,
      stalls: STALL_REASONS.map((reason, r) => {
        // An episode still open when the run stopped counts up to that cycle.
        const open = o.state !== OS.Ended && o.stallReason === r;
        return { reason, count: o.stallCounts[r]! + (open ? 1 : 0), cycles: o.stallCycles[r]! + (open ? e.now - o.stallSince : 0) };
      }).filter((x) => x.count > 0),
      longest_stall: o.longest ? { reason: STALL_REASONS[o.longest.reason]!, cycles: o.longest.cycles, loc: o.longest.loc, on: waitedOn(e, o.longest.reason, o.longest.object) } : null,
    })),
  };
}

/** What a stall waited on, in words: a channel, a scheduler's queue, a tensor, or the pool. */
function waitedOn(e: Engine, reason: number, object: number): string | null {
  const r = STALL_REASONS[reason]!;
  if (r === "CHANNEL_EMPTY_WAIT" || r === "CHANNEL_FULL_WAIT") return `channel ${e.channels[object]?.name ?? object}`;
  if (r === "READY_QUEUE_FULL") return `scheduler ${object}'s ready queue`;
  if (r === "LOAD_WAIT") return `tensor ${e.eval.tensorName(object)}`;
  return null;
}

/** Statistics of a run that stopped before it started (a launch error): all zero. */
export function emptyStats(manifest: Manifest): Stats {
  const m: MachineModel = machineModel(manifest);
  const zero = (name: ResourceName, capacity: number): ResourceStats => ({
    capacity: bound(capacity), unit: UNITS[name], high_water: 0, stall_count: 0, stall_cycles: 0, reason: RESOURCE_REASON[name],
  });
  return {
    total_cycles: 0,
    tasks: 0,
    clock_mhz: m.clockMhz,
    schedulers: Array.from({ length: m.schedulers }, (_, k) => ({
      index: k, tasks: 0, busy_cycles: 0, aic_cores: m.coresOf[k]![0]!.length, aiv_cores: m.coresOf[k]![1]!.length, ready_high_water: 0,
    })),
    cores: m.cores.map((c) => ({ name: c.name, scheduler: c.scheduler, kind: c.kind === 0 ? "AIC" as const : "AIV" as const, tasks: 0, busy_cycles: 0, utilisation: 0 })),
    resources: {
      task_ring: zero("task_ring", m.window),
      tensormap: zero("tensormap", m.tensormap),
      deplist: zero("deplist", m.deplist),
      heap_arena: zero("heap_arena", m.heapBytes),
      ready_queue: zero("ready_queue", m.readyQueue),
    },
    channels: (manifest.csp?.channels ?? []).map((c) => ({
      name: c.name, capacity: c.capacity, latency: c.latency, sends: 0, receives: 0, max_fill: 0, full_waits: 0, empty_waits: 0,
    })),
    stalls: STALL_REASONS.map((reason) => ({ reason, count: 0, cycles: 0 })),
    orchestrators: [],
  };
}
