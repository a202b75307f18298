/**
 * The deadlock report. The detection rule itself is the engine's: no machine event is pending,
 * no orchestrator can move (even after every resource waiter has retried once), and some
 * orchestrator has not ended. This module names the pattern that caused it, lists every blocked
 * orchestrator with what it waits on and where, and proposes the smallest change.
 */
import type { Engine } from "./engine.js";
import { TS } from "./graph.js";
import { OS, type Orch } from "./orchestrator.js";
import { STALL_REASONS, type BlockedEntry, type DeadlockReport, type DeadlockRule, type WaitsOn } from "./types.js";
import { scopeCapacityText } from "../package/scope-rule.js";

export function deadlockReport(e: Engine): DeadlockReport {
  const blocked = e.orchs.filter((o) => o.state !== OS.Ended);
  const entries = blocked.map((o) => entry(e, o));
  const held = scopeHeld(e);
  const { rule, explanation, suggestion } = classify(e, blocked, held);
  return {
    rule,
    explanation,
    at_cycles: e.now,
    window: {
      size: Number.isFinite(e.machine.window) ? e.machine.window : null,
      in_use: e.graph.inFlight,
      high_water: e.pools.window.highWater,
      scope_held: held.tasks,
    },
    blocked: entries,
    channels: e.channels.map((c) => ({ name: c.name, fill: c.fill, capacity: c.capacity, closed: c.closed })),
    scope: { depth: Math.max(0, ...blocked.map((o) => o.scopeDepth)), held_tasks: held.tasks, blocks_retirement: held.finished > 0 || (held.tasks > 0 && e.graph.inFlight >= e.machine.window) },
    suggestion,
  };
}

function reasonOf(o: Orch): string {
  return o.stallReason >= 0 ? STALL_REASONS[o.stallReason]! : "none";
}

function entry(e: Engine, o: Orch): BlockedEntry {
  return { who: o.who, waitsOn: waitsOn(e, o), loc: o.blockLoc, since: o.stallReason >= 0 ? o.stallSince : e.now, scope_depth: o.scopeDepth, scope_held_tasks: o.heldCount };
}

function waitsOn(e: Engine, o: Orch): WaitsOn {
  const reason = reasonOf(o);
  if (reason === "CHANNEL_EMPTY_WAIT" || reason === "CHANNEL_FULL_WAIT") {
    return { channel: e.channels[o.blockObject]!.name, state: reason === "CHANNEL_EMPTY_WAIT" ? "empty" : "full" };
  }
  const m = e.machine;
  switch (reason) {
    case "TASK_RING_FULL":
      return { resource: reason, detail: o.permanent
        ? `its scope holds ${o.heldCount} tasks, the most a window of ${m.window} allows one scope (${scopeCapacityText(m.backend)}); they retire only when the scope ends`
        : `${e.graph.inFlight} of ${m.window} window places in use` };
    case "TENSORMAP_POOL_FULL":
      return { resource: reason, detail: `needs ${o.need} entries; ${e.tm.live} of ${m.tensormap} in use` };
    case "DEPLIST_POOL_FULL":
      return { resource: reason, detail: `needs ${o.need} edges; ${e.graph.edges} of ${m.deplist} in use` };
    case "HEAP_ARENA_FULL":
      return { resource: reason, detail: `needs ${o.need} bytes; ${e.pools.heap.used} of ${m.heapBytes} in use` };
    case "READY_QUEUE_FULL":
      return { resource: reason, detail: `scheduler ${o.blockObject}'s ready queue holds ${e.pools.ready[o.blockObject]?.used ?? 0} of ${m.readyQueue}` };
    case "LOAD_WAIT":
      return { resource: reason, detail: `a task writing \`${e.eval.tensorName(o.blockObject)}\` has not finished` };
    default:
      return { resource: "TASK_RING_FULL", detail: "not blocked on anything known (a runtime bug)" };
  }
}

function scopeHeld(e: Engine): { tasks: number; finished: number } {
  let tasks = 0;
  let finished = 0;
  const g = e.graph;
  for (const o of e.orchs) {
    tasks += o.heldCount;
    for (let s = o.heldHead; s >= 0; s = g.heldNext[s]!) if (g.state[s] === TS.Finished) finished++;
  }
  return { tasks, finished };
}

function classify(e: Engine, blocked: readonly Orch[], held: { tasks: number }): { rule: DeadlockRule; explanation: string; suggestion: string } {
  const m = e.machine;
  const scoped = blocked.find((o) => o.permanent && reasonOf(o) === "TASK_RING_FULL");
  if (scoped) {
    return {
      rule: "scope-exceeds-window",
      explanation: `${scoped.who} opened a scope (${scoped.scopeLoc ?? "?"}) that already holds ${scoped.heldCount} tasks, the most a window of ${m.window} allows one scope (${scopeCapacityText(m.backend)}); its next submission needs a window place that only the end of the scope would free`,
      suggestion: `make the window larger than the number of tasks the scope submits (now ${m.window}), or open smaller scopes, e.g. one per loop iteration`,
    };
  }
  const tooBig = blocked.find((o) => o.permanent);
  if (tooBig) {
    const reason = reasonOf(tooBig);
    const what = reason === "HEAP_ARENA_FULL" ? `${tooBig.need} bytes of heap arena (pool: ${m.heapBytes})` : `${tooBig.need} TensorMap entries (pool: ${m.tensormap})`;
    return {
      rule: "resource-exceeds-capacity",
      explanation: `${tooBig.who} submits a task that needs ${what}, more than the whole pool`,
      suggestion: reason === "HEAP_ARENA_FULL" ? `raise \`pools { heap … }\` to at least ${tooBig.need} bytes` : `raise \`pools { tensormap … }\` to at least ${tooBig.need}`,
    };
  }
  const windowWaiter = blocked.find((o) => reasonOf(o) === "TASK_RING_FULL");
  if (windowWaiter && held.tasks > 0) {
    const holders = blocked.filter((o) => o.heldCount > 0);
    const names = holders.map((o) => `${o.who} (${o.heldCount} tasks, waiting: ${reasonOf(o)})`).join(", ");
    return {
      rule: "scope-blocks-window",
      explanation: `${windowWaiter.who} waits for a window place, but ${held.tasks} of the ${e.graph.inFlight} tasks in flight are held by open scopes of blocked orchestrators: ${names}`,
      suggestion: `raise the window above ${e.graph.inFlight} (now ${m.window}), or end the scope before the blocking channel operation`,
    };
  }
  const onChannels = blocked.filter((o) => reasonOf(o) === "CHANNEL_EMPTY_WAIT" || reasonOf(o) === "CHANNEL_FULL_WAIT");
  if (onChannels.length === blocked.length && blocked.length > 0) {
    const full = onChannels.filter((o) => reasonOf(o) === "CHANNEL_FULL_WAIT");
    const cycle = onChannels.map((o) => `${o.who} waits on \`${e.channels[o.blockObject]!.name}\` (${reasonOf(o) === "CHANNEL_EMPTY_WAIT" ? "empty" : "full"})`).join("; ");
    if (full.length > 0) {
      const c = e.channels[full[0]!.blockObject]!;
      return {
        rule: "channel-capacity",
        explanation: `every process waits on a channel and at least one channel is full: ${cycle}`,
        suggestion: c.capacity === 0
          ? `give channel \`${c.name}\` a depth (it is a rendezvous), or reorder the operations so its receiver is ready first`
          : `raise the depth of channel \`${c.name}\` above ${c.capacity}, or reorder the sends and receives`,
      };
    }
    return {
      rule: "channel-cycle",
      explanation: `every process waits to receive on an empty channel that only another waiting process would fill: ${cycle}`,
      suggestion: "reorder one process so that it sends before it receives (or have a process outside the cycle send the first token)",
    };
  }
  const list = blocked.map((o) => `${o.who} (${reasonOf(o)})`).join(", ");
  return {
    rule: "no-progress",
    explanation: `no task is running and no orchestrator can move: ${list}`,
    suggestion: "look at what each blocked orchestrator waits on; raising the bound it names usually removes the wait",
  };
}
