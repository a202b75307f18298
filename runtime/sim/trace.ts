/**
 * The run as Chrome trace-event JSON (loads in Perfetto and chrome://tracing):
 * - "schedulers": a lane per scheduler, a slice per dispatch (`dispatch_cycles` long);
 * - "cores": a lane per core, a slice per task, named after its kernel, with its arguments;
 * - "orchestrators": a lane per workload orchestrator or process replica, with its submit costs,
 *   its waits for its own kernels, and its stalls (named by their reason);
 * - "counters": each channel's fill and the window's use over time.
 * Timestamps are microseconds at the target's clock (cycles / clock_mhz); a target without a clock
 * shows cycles as microseconds. Built from the execution log only, so it is deterministic.
 */
import type { Engine } from "./engine.js";
import { OS } from "./orchestrator.js";
import type { Stats, SimPackage, TraceJson } from "./types.js";

const PID_SCHED = 1;
const PID_CORES = 2;
const PID_ORCH = 3;
const PID_COUNTERS = 4;

export function buildTrace(pkg: SimPackage, e: Engine, stats: Stats): TraceJson {
  const log = e.log!;
  const m = e.machine;
  const mhz = m.clockMhz ?? 1;
  const ts = (cycles: number): number => cycles / mhz;
  const events: Record<string, unknown>[] = [];
  const meta = (pid: number, tid: number | null, name: string, sort: number): void => {
    if (tid === null) {
      events.push({ ph: "M", pid, name: "process_name", args: { name } });
      events.push({ ph: "M", pid, name: "process_sort_index", args: { sort_index: sort } });
    } else {
      events.push({ ph: "M", pid, tid, name: "thread_name", args: { name } });
      events.push({ ph: "M", pid, tid, name: "thread_sort_index", args: { sort_index: sort } });
    }
  };
  meta(PID_SCHED, null, "schedulers", 1);
  meta(PID_CORES, null, "cores", 2);
  meta(PID_ORCH, null, "orchestrators", 0);
  meta(PID_COUNTERS, null, "counters", 3);
  for (let k = 0; k < m.schedulers; k++) meta(PID_SCHED, k, `scheduler ${k}`, k);
  m.cores.forEach((c, i) => meta(PID_CORES, i, c.name, i));
  e.orchs.forEach((o) => meta(PID_ORCH, o.id, o.who, o.id));

  const sites = e.programs.sites;
  for (const t of log.tasks) {
    const site = sites[t.site]!;
    if (t.issue >= 0) {
      events.push({ ph: "X", pid: PID_SCHED, tid: t.sched, ts: ts(t.issue), dur: ts(m.dispatchCycles), name: `dispatch ${site.kernelName}`, args: { seq: t.seq } });
    }
    if (t.start >= 0) {
      const args: Record<string, unknown> = { seq: t.seq, scheduler: t.sched, cycles: t.cycles, loc: site.loc };
      site.attrs.forEach((a, i) => {
        args[a.name] = t.attrs[i]!.toString();
      });
      site.scalarArgs.forEach((a, i) => {
        args[a.name] = t.scalars[i]!.toString();
      });
      site.tensorArgs.forEach((a, i) => {
        const r = t.regions[i]!;
        args[a.param] = `${e.eval.tensorName(a.tensor)}[${r.prefix.join(", ")}]`;
      });
      events.push({ ph: "X", pid: PID_CORES, tid: t.core, ts: ts(t.start), dur: ts(t.cycles), name: site.kernelName, args });
    }
  }
  for (const s of log.segments) {
    let name: string;
    let args: Record<string, unknown>;
    if (s.kind === "stall") {
      const r = log.stalls[s.ref]!;
      name = r.reason;
      args = { loc: r.loc, used: r.used, need: r.need, capacity: Number.isFinite(r.capacity) ? r.capacity : null };
    } else if (s.kind === "hold") {
      name = "held by the order";
      args = {};
    } else {
      const t = log.tasks[s.ref];
      const kernel = t ? sites[t.site]!.kernelName : "?";
      name = s.kind === "submit" ? `submit ${kernel}` : `wait for ${kernel}`;
      args = { seq: t?.seq ?? null };
    }
    events.push({ ph: "X", pid: PID_ORCH, tid: s.orch, ts: ts(s.from), dur: ts(s.to - s.from), name, args });
  }
  // Stalls still open when the run stopped (a deadlock): up to that cycle.
  for (const o of e.orchs) {
    if (o.state === OS.Ended || o.stallReason < 0 || o.stallRecord < 0) continue;
    const r = log.stalls[o.stallRecord]!;
    events.push({ ph: "X", pid: PID_ORCH, tid: o.id, ts: ts(r.from), dur: ts(e.now - r.from), name: r.reason, args: { loc: r.loc, open: true } });
  }
  // Channel fills.
  const fill = e.channels.map(() => 0);
  e.channels.forEach((c) => events.push({ ph: "C", pid: PID_COUNTERS, ts: 0, name: `channel ${c.name}`, args: { fill: 0 } }));
  for (const op of log.channelOps) {
    if (op.kind === "handoff") continue;
    fill[op.channel]! += op.kind === "push" ? 1 : -1;
    events.push({ ph: "C", pid: PID_COUNTERS, ts: ts(op.time), name: `channel ${e.channels[op.channel]!.name}`, args: { fill: fill[op.channel] } });
  }
  // Window use: +1 at each submission, −1 at each retirement, in time order.
  const changes: [number, number][] = [];
  for (const t of log.tasks) {
    changes.push([t.submitAt, 1]);
    if (t.retire >= 0) changes.push([t.retire, -1]);
  }
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let use = 0;
  for (const [time, d] of changes) {
    use += d;
    events.push({ ph: "C", pid: PID_COUNTERS, ts: ts(time), name: "window", args: { in_use: use } });
  }
  return {
    traceEvents: events,
    displayTimeUnit: "ns",
    otherData: {
      subject: pkg.manifest.subject.qualified_name,
      target: pkg.manifest.target.name,
      clock_mhz: m.clockMhz,
      time_unit: m.clockMhz ? "microseconds at the target clock" : "cycles shown as microseconds (the target has no clock)",
      total_cycles: stats.total_cycles,
      tasks: stats.tasks,
    },
  };
}
