/**
 * `--verify`: checks the invariants of a whole execution from its log, re-deriving each from the
 * package rather than trusting the engine's data structures:
 * - every task ran exactly once, for its cycles, after its submission cost and dispatch cost;
 * - on a core of the right kind owned by the scheduler its dispatch policy chose (the policy is
 *   re-evaluated with the reference bytecode evaluator from the task's logged attributes);
 *   no core ran two tasks at once, no scheduler dispatched two at once;
 * - after all its dependencies: recomputed from the tensor regions of all earlier tasks (RAW,
 *   WAR, WAW), the iterations of workload `for` loops, and each process's own order; every
 *   `load` after the earlier writers of its view;
 * - the window, the heap arena and every ready queue never exceeded (recomputed from the tasks'
 *   submit, issue and retire times); the TensorMap and DepList pools never exceeded (from the
 *   engine's ledger); a task retired only after it finished and after the scope holding it ended;
 * - every channel's fill between 0 and its capacity, tokens received in the order sent;
 * - every stall had a reason from the vocabulary, the reason held when it began, and an
 *   orchestrator's clock never advanced without a cause (submit cost, its own kernel, a stall).
 */
import type { ExecutionLog, TaskRecord } from "./log.js";
import { share, type MachineModel } from "./machine.js";
import type { ProgramSet } from "./program.js";
import { STALL_REASONS, type RunResult, type SimPackage, type Stats, type VerifyResult } from "./types.js";

const MAX_REPORTED = 50;

class Violations {
  readonly list: string[] = [];
  count = 0;
  add(message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED) this.list.push(message);
  }
}

interface Ctx {
  readonly pkg: SimPackage;
  readonly m: MachineModel;
  readonly log: ExecutionLog;
  readonly programs: ProgramSet;
  readonly v: Violations;
  readonly complete: boolean;
}

export function verifyRun(pkg: SimPackage, m: MachineModel, log: ExecutionLog, stats: Stats, programs: ProgramSet, status: RunResult["status"]): VerifyResult {
  const v = new Violations();
  // A run stopped by an error may leave tasks unrun; a finished or deadlocked one may not.
  const c: Ctx = { pkg, m, log, programs, v, complete: status !== "error" };
  checkTasks(c, stats);
  checkPlacement(c);
  checkExclusive(c);
  checkDependencies(c);
  checkBounds(c);
  checkChannels(c);
  checkStalls(c);
  checkClocks(c);
  if (v.count > v.list.length) v.list.push(`… and ${v.count - v.list.length} more`);
  return {
    ok: v.count === 0,
    violations: v.list,
    checked: { tasks: log.tasks.length, loads: log.loads.length, channel_ops: log.channelOps.length, stalls: log.stalls.length },
  };
}

function name(c: Ctx, t: TaskRecord): string {
  const site = c.programs.sites[t.site]!;
  return `task ${t.seq} (\`${site.kernelName}\` at ${site.loc ?? "?"})`;
}

/** Each task: once, in order, for its cycles, with the submit and dispatch costs paid. */
function checkTasks(c: Ctx, stats: Stats): void {
  const { log, m, v } = c;
  let last = 0;
  log.tasks.forEach((t, i) => {
    if (t.seq !== i) v.add(`task record ${i} has seq ${t.seq}: submissions must be numbered 0, 1, 2, … once each`);
    if (t.finish < 0) {
      if (c.complete) v.add(`${name(c, t)} never ran`);
      return;
    }
    if (t.submitDone !== t.submitAt + m.submitCycles) v.add(`${name(c, t)}: submitted at ${t.submitAt}, visible at ${t.submitDone}, not after submit_cycles ${m.submitCycles}`);
    if (t.ready < t.submitDone) v.add(`${name(c, t)} was ready at ${t.ready}, before its submission completed at ${t.submitDone}`);
    if (t.issue < t.ready) v.add(`${name(c, t)} was issued at ${t.issue}, before it was ready at ${t.ready}`);
    if (t.start !== t.issue + m.dispatchCycles) v.add(`${name(c, t)} started at ${t.start}, not dispatch_cycles after its issue at ${t.issue}`);
    if (t.finish !== t.start + t.cycles) v.add(`${name(c, t)} finished at ${t.finish}, not ${t.cycles} cycles after its start at ${t.start}`);
    if (t.retire >= 0 && t.retire < t.finish) v.add(`${name(c, t)} retired at ${t.retire}, before it finished at ${t.finish}`);
    if (t.scoped && t.retire >= 0 && (t.scopeEnd < 0 || t.retire < t.scopeEnd)) v.add(`${name(c, t)} retired at ${t.retire} while its scope was still open`);
    if (c.complete && !t.scoped && t.retire !== t.finish) v.add(`${name(c, t)} finished at ${t.finish} but retired at ${t.retire}`);
    last = Math.max(last, t.finish);
  });
  for (const end of log.ends.values()) last = Math.max(last, end);
  if (c.complete && stats.total_cycles < last) v.add(`total_cycles ${stats.total_cycles} is before the last finish or end at ${last}`);
  if (stats.tasks !== log.tasks.length) v.add(`the statistics count ${stats.tasks} tasks, the log ${log.tasks.length}`);
}

/** Core layout, recomputed from the target: scheduler-major, AIC cores first. */
function coreOwners(c: Ctx): { scheduler: number; kind: string }[] {
  const p = c.pkg.manifest.target.properties;
  const out: { scheduler: number; kind: string }[] = [];
  for (let s = 0; s < p.schedulers; s++) {
    for (let i = 0; i < share(p.aic_cores, p.schedulers, s); i++) out.push({ scheduler: s, kind: "AIC" });
    for (let i = 0; i < share(p.aiv_cores, p.schedulers, s); i++) out.push({ scheduler: s, kind: "AIV" });
  }
  return out;
}

/** The policy's scheduler, a core of that scheduler, of the kernel's executor kind. */
function checkPlacement(c: Ctx): void {
  const { log, v, pkg } = c;
  const owners = coreOwners(c);
  const K = pkg.manifest.target.properties.schedulers;
  for (const t of log.tasks) {
    const site = c.programs.sites[t.site]!;
    if (c.m.dispatchEnforced) {
      let want: bigint | string;
      try {
        want = site.dispatch.reference((n) => attribute(c, t, n), {
          slotsWide: [...(t.slots ?? [])],
          symsWide: symbolsOf(c),
          hasReplica: replicaOf(c, t) !== undefined,
          replica: Number(replicaOf(c, t) ?? 0n),
        });
      } catch (e) {
        want = `an error (${(e as Error).message})`;
      }
      if (want !== BigInt(t.sched)) v.add(`${name(c, t)} went to scheduler ${t.sched}, but its dispatch policy \`${site.dispatch.policy.name}\` gives ${want}`);
    }
    if (t.sched < 0 || t.sched >= K) v.add(`${name(c, t)} has scheduler ${t.sched}, outside 0 … ${K - 1}`);
    if (t.core < 0) continue;
    const owner = owners[t.core];
    if (!owner) {
      v.add(`${name(c, t)} ran on core ${t.core}, which the target does not have`);
      continue;
    }
    if (owner.scheduler !== t.sched) v.add(`${name(c, t)} ran on core ${t.core} of scheduler ${owner.scheduler}, but it was dispatched to scheduler ${t.sched}`);
    const kind = pkg.manifest.kernels[site.kernel]!.executor;
    if (owner.kind !== kind) v.add(`${name(c, t)} is an ${kind} kernel but ran on an ${owner.kind} core`);
  }
}

function symbolsOf(c: Ctx): bigint[] {
  return c.log.symbols;
}

function replicaOf(c: Ctx, t: TaskRecord): bigint | undefined {
  const o = c.log.orchs[t.orch];
  return o && o.hasReplica ? BigInt(o.replica) : undefined;
}

/** `task.X` for a logged task: seq, replica, or a variable in scope at its call. */
function attribute(c: Ctx, t: TaskRecord, n: string): bigint | undefined {
  if (n === "seq") return BigInt(t.seq);
  if (n === "replica") return replicaOf(c, t);
  const attrs = c.programs.sites[t.site]!.attrs;
  for (let i = attrs.length - 1; i >= 0; i--) if (attrs[i]!.name === n) return t.attrs[i];
  return undefined;
}

/** No core runs two tasks at once (from issue to finish); a scheduler dispatches one at a time. */
function checkExclusive(c: Ctx): void {
  const { log, v, m } = c;
  const byCore = new Map<number, TaskRecord[]>();
  const bySched = new Map<number, TaskRecord[]>();
  for (const t of log.tasks) {
    if (t.core < 0) continue;
    (byCore.get(t.core) ?? byCore.set(t.core, []).get(t.core)!).push(t);
    (bySched.get(t.sched) ?? bySched.set(t.sched, []).get(t.sched)!).push(t);
  }
  for (const [core, ts] of byCore) {
    ts.sort((a, b) => a.issue - b.issue || a.seq - b.seq);
    for (let i = 1; i < ts.length; i++) {
      if (ts[i]!.issue < ts[i - 1]!.finish) v.add(`core ${core} took ${name(c, ts[i]!)} at ${ts[i]!.issue} while ${name(c, ts[i - 1]!)} ran until ${ts[i - 1]!.finish}`);
    }
  }
  for (const [k, ts] of bySched) {
    ts.sort((a, b) => a.issue - b.issue || a.seq - b.seq);
    for (let i = 1; i < ts.length; i++) {
      if (ts[i]!.issue < ts[i - 1]!.issue + m.dispatchCycles) v.add(`scheduler ${k} issued ${name(c, ts[i]!)} at ${ts[i]!.issue}, during the dispatch of ${name(c, ts[i - 1]!)} (${ts[i - 1]!.issue} + ${m.dispatchCycles})`);
    }
  }
}

/** Latest finish of earlier accesses per region; `sub` aggregates a region's whole subtree. */
interface RegionAgg {
  w: number;
  r: number;
  subW: number;
  subR: number;
}

class RegionIndex {
  private readonly maps = new Map<number, Map<string, RegionAgg>>();

  private node(t: number, key: string): RegionAgg {
    let m = this.maps.get(t);
    if (!m) this.maps.set(t, (m = new Map()));
    let n = m.get(key);
    if (!n) m.set(key, (n = { w: -1, r: -1, subW: -1, subR: -1 }));
    return n;
  }

  private peek(t: number, key: string): RegionAgg | undefined {
    return this.maps.get(t)?.get(key);
  }

  /** Latest finish among earlier accesses overlapping (t, prefix) that conflict with this access. */
  conflict(t: number, prefix: readonly number[], writes: boolean): number {
    let worst = -1;
    for (let k = 0; k <= prefix.length; k++) {
      const n = this.peek(t, prefix.slice(0, k).join(","));
      if (!n) continue;
      if (k === prefix.length) worst = Math.max(worst, n.subW, writes ? n.subR : -1);
      else worst = Math.max(worst, n.w, writes ? n.r : -1);
    }
    return worst;
  }

  add(t: number, prefix: readonly number[], writes: boolean, reads: boolean, finish: number): void {
    for (let k = 0; k <= prefix.length; k++) {
      const n = this.node(t, prefix.slice(0, k).join(","));
      if (writes) n.subW = Math.max(n.subW, finish);
      if (reads) n.subR = Math.max(n.subR, finish);
      if (k === prefix.length) {
        if (writes) n.w = Math.max(n.w, finish);
        if (reads) n.r = Math.max(n.r, finish);
      }
    }
  }
}

/** Data dependencies, `for` iterations, process order and loads, recomputed in submission order. */
function checkDependencies(c: Ctx): void {
  const { log, v } = c;
  const index = new RegionIndex();
  const loads = [...log.loads].sort((a, b) => a.seqBefore - b.seqBefore || a.time - b.time);
  let li = 0;
  const checkLoadsBefore = (seq: number): void => {
    while (li < loads.length && loads[li]!.seqBefore <= seq) {
      const l = loads[li++]!;
      const need = index.conflict(l.tensor, l.prefix, false);
      if (need > l.time) v.add(`the load of \`${c.pkg.manifest.tensors[l.tensor]!.name}[${l.prefix.join(", ")}]\` at ${l.time} read before an earlier writer finished at ${need}`);
    }
  };
  const forState = new Map<number, { iter: number; before: number; current: number }>();
  const lastOfOrch = new Map<number, TaskRecord>();
  const processes = c.pkg.manifest.csp !== null;
  for (const t of log.tasks) {
    checkLoadsBefore(t.seq);
    if (t.finish < 0) continue;
    let need = -1;
    for (const r of t.regions) need = Math.max(need, index.conflict(r.tensor, r.prefix, r.writes));
    if (need > t.ready) v.add(`${name(c, t)} was ready at ${t.ready}, before a task it depends on (overlapping tensor region) finished at ${need}`);
    for (const [exec, iter] of t.fors) {
      let s = forState.get(exec);
      if (!s) forState.set(exec, (s = { iter, before: -1, current: -1 }));
      if (iter > s.iter) {
        s.before = Math.max(s.before, s.current);
        s.current = -1;
        s.iter = iter;
      }
      if (s.before > t.ready) v.add(`${name(c, t)} (a \`for\` iteration) was ready at ${t.ready}, before the earlier iterations finished at ${s.before}`);
      s.current = Math.max(s.current, t.finish);
    }
    if (processes) {
      const prev = lastOfOrch.get(t.orch);
      if (prev && t.submitAt < prev.finish) v.add(`${name(c, t)} was submitted at ${t.submitAt}, before its process's previous kernel finished at ${prev.finish}`);
      lastOfOrch.set(t.orch, t);
    }
    for (const r of t.regions) index.add(r.tensor, r.prefix, r.writes, r.reads, t.finish);
  }
  checkLoadsBefore(Infinity);
}

/** Use over time of a quantity that each record holds over [from, to): its maximum. */
function peak(intervals: readonly [number, number, number][]): number {
  const points: [number, number][] = [];
  for (const [from, to, amount] of intervals) {
    if (amount === 0) continue;
    points.push([from, amount]);
    if (to >= 0) points.push([to, -amount]);
  }
  // Releases before acquisitions at the same cycle (a retirement frees the place a submission takes).
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let use = 0;
  let max = 0;
  for (const [, d] of points) {
    use += d;
    max = Math.max(max, use);
  }
  return max;
}

function checkBounds(c: Ctx): void {
  const { log, v, m } = c;
  const window = peak(log.tasks.map((t) => [t.submitAt, t.retire, 1]));
  if (window > m.window) v.add(`the window held ${window} tasks at once, more than its size ${m.window}`);
  const heap = peak(log.tasks.map((t) => [t.submitAt, t.retire, t.heapBytes]));
  if (heap > m.heapBytes) v.add(`the heap arena held ${heap} bytes at once, more than its ${m.heapBytes}`);
  if (m.dispatchEnforced) {
    for (let k = 0; k < m.schedulers; k++) {
      const q = peak(log.tasks.filter((t) => t.sched === k).map((t) => [t.submitAt, t.issue, 1]));
      if (q > m.readyQueue) v.add(`scheduler ${k}'s ready queue held ${q} tasks at once, more than its ${m.readyQueue}`);
    }
  }
  for (const e of log.ledger) {
    const cap = e.pool === "tensormap" ? m.tensormap : m.deplist;
    if (e.used > cap || e.used < 0) {
      v.add(`the ${e.pool} pool held ${e.used} at cycle ${e.time}, outside 0 … ${cap}`);
      break;
    }
  }
}

function checkChannels(c: Ctx): void {
  const { log, v } = c;
  const chans = c.pkg.manifest.csp?.channels ?? [];
  const fifo = chans.map(() => [] as bigint[]);
  const heads = chans.map(() => 0);
  for (const op of log.channelOps) {
    const ch = chans[op.channel]!;
    const q = fifo[op.channel]!;
    if (op.kind === "handoff") {
      if (ch.capacity !== 0) v.add(`channel \`${ch.name}\` (depth ${ch.capacity}) handed a token over directly at ${op.time}`);
      continue;
    }
    if (op.kind === "push") {
      if (ch.capacity === 0) v.add(`rendezvous channel \`${ch.name}\` stored a token at ${op.time}`);
      q.push(op.value);
      if (q.length - heads[op.channel]! > ch.capacity) v.add(`channel \`${ch.name}\` held ${q.length - heads[op.channel]!} tokens at ${op.time}, more than its depth ${ch.capacity}`);
    } else {
      const h = heads[op.channel]!;
      if (h >= q.length) v.add(`channel \`${ch.name}\` gave a token at ${op.time} while empty`);
      else if (q[h] !== op.value) v.add(`channel \`${ch.name}\` gave token ${op.value} at ${op.time}, but ${q[h]} was sent first`);
      heads[op.channel] = h + 1;
    }
  }
}

/** Fill of channel `ch` over the operations at cycle `time`: [before any of them, highest, lowest]. */
function fillAt(c: Ctx, ch: number, time: number): { before: number; max: number; min: number } {
  let fill = 0;
  let before = 0;
  let max = 0;
  let min = Infinity;
  for (const op of c.log.channelOps) {
    if (op.channel !== ch || op.kind === "handoff") continue;
    if (op.time > time) break;
    if (op.time < time) before = fill + (op.kind === "push" ? 1 : -1);
    fill += op.kind === "push" ? 1 : -1;
    if (op.time === time) {
      max = Math.max(max, fill);
      min = Math.min(min, fill);
    }
  }
  return { before, max: Math.max(max, before), min: Math.min(min, before) };
}

/** Every stall: a known reason, a sane interval, and a reason that held when it began. */
function checkStalls(c: Ctx): void {
  const { log, v, m } = c;
  const chans = c.pkg.manifest.csp?.channels ?? [];
  for (const s of log.stalls) {
    const who = log.orchs[s.orch]?.who ?? `orchestrator ${s.orch}`;
    if (!STALL_REASONS.includes(s.reason)) {
      v.add(`${who} stalled at ${s.from} with an unknown reason ${s.reason}`);
      continue;
    }
    if (s.to < s.from) v.add(`${who}'s ${s.reason} stall ends at ${s.to}, before it began at ${s.from}`);
    switch (s.reason) {
      case "TASK_RING_FULL": {
        const inUse = log.tasks.filter((t) => t.submitAt <= s.from && (t.retire < 0 || t.retire >= s.from)).length;
        const held = log.tasks.filter((t) => t.orch === s.orch && t.scoped && t.submitAt <= s.from && (t.scopeEnd < 0 || t.scopeEnd > s.from)).length;
        if (inUse < m.window && held < m.scopeCapacity) v.add(`${who} stalled on TASK_RING_FULL at ${s.from} with ${inUse} of ${m.window} places in use and ${held} held by its scope`);
        break;
      }
      case "HEAP_ARENA_FULL": {
        const used = log.tasks.filter((t) => t.submitAt <= s.from && (t.retire < 0 || t.retire > s.from)).reduce((a, t) => a + t.heapBytes, 0);
        if (used + s.need <= m.heapBytes) v.add(`${who} stalled on HEAP_ARENA_FULL at ${s.from} needing ${s.need} bytes with ${used} of ${m.heapBytes} in use`);
        break;
      }
      case "READY_QUEUE_FULL": {
        const used = log.tasks.filter((t) => t.sched === s.object && t.submitAt <= s.from && (t.issue < 0 || t.issue > s.from)).length;
        if (used < m.readyQueue) v.add(`${who} stalled on READY_QUEUE_FULL at ${s.from} with ${used} of ${m.readyQueue} places of scheduler ${s.object}'s queue in use`);
        break;
      }
      case "TENSORMAP_POOL_FULL":
      case "DEPLIST_POOL_FULL":
        if (s.used + s.need <= s.capacity) v.add(`${who} stalled on ${s.reason} at ${s.from} needing ${s.need} with ${s.used} of ${s.capacity} in use`);
        break;
      case "CHANNEL_FULL_WAIT": {
        const ch = chans[s.object]!;
        const f = fillAt(c, s.object, s.from);
        if (ch.capacity > 0 && f.max < ch.capacity) v.add(`${who} waited on full channel \`${ch.name}\` at ${s.from}, but it held at most ${f.max} of ${ch.capacity}`);
        break;
      }
      case "CHANNEL_EMPTY_WAIT": {
        const ch = chans[s.object]!;
        const f = fillAt(c, s.object, s.from);
        if (ch.latency === 0 && f.min > 0 && ch.capacity > 0) v.add(`${who} waited on empty channel \`${ch.name}\` at ${s.from}, but it held ${f.min} tokens`);
        break;
      }
      case "LOAD_WAIT": {
        const running = log.tasks.some((t) => t.submitAt <= s.from && t.finish > s.from && t.regions.some((r) => r.tensor === s.object && r.writes));
        if (!running) v.add(`${who} waited in a load at ${s.from} though no task writing \`${c.pkg.manifest.tensors[s.object]!.name}\` was running`);
        break;
      }
    }
  }
}

/**
 * An orchestrator's clock advances only through its segments: between two things it did at
 * different cycles (submissions, channel operations, loads, its end) every cycle is covered by
 * its submit cost, its wait for its own kernel, or a stall with a reason.
 */
function checkClocks(c: Ctx): void {
  const { log, v, m } = c;
  const acts = new Map<number, number[]>();
  const act = (o: number, t: number): void => {
    if (o >= 0) (acts.get(o) ?? acts.set(o, []).get(o)!).push(t);
  };
  for (const t of log.tasks) act(t.orch, t.submitAt);
  for (const op of log.channelOps) {
    act(op.orch, op.time);
    if (op.kind === "handoff") act(op.partner, op.time + (c.pkg.manifest.csp?.channels[op.channel]?.latency ?? 0));
  }
  for (const l of log.loads) act(l.orch, l.time);
  for (const [o, t] of log.ends) act(o, t);
  const segs = new Map<number, [number, number][]>();
  for (const s of log.segments) {
    (segs.get(s.orch) ?? segs.set(s.orch, []).get(s.orch)!).push([s.from, s.to]);
    if (s.kind === "submit" && s.to - s.from !== m.submitCycles) v.add(`${log.orchs[s.orch]?.who}: a submission took ${s.to - s.from} cycles, not submit_cycles ${m.submitCycles}`);
    if (s.kind === "kernel") {
      const t = log.tasks[s.ref];
      if (!t || t.finish !== s.to) v.add(`${log.orchs[s.orch]?.who} waited for its kernel until ${s.to}, but the task finished at ${t?.finish}`);
    }
  }
  for (const [o, times] of acts) {
    const covered = merge(segs.get(o) ?? []);
    const sorted = [0, ...times].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b > a && !contains(covered, a, b)) {
        v.add(`${log.orchs[o]?.who}'s clock went from ${a} to ${b} without a recorded cause (submit cost, kernel wait or stall)`);
        break;
      }
    }
  }
}

function merge(intervals: [number, number][]): [number, number][] {
  const s = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [f, t] of s) {
    const last = out[out.length - 1];
    if (last && f <= last[1]) last[1] = Math.max(last[1], t);
    else out.push([f, t]);
  }
  return out;
}

function contains(merged: readonly [number, number][], a: number, b: number): boolean {
  return merged.some(([f, t]) => f <= a && t >= b);
}
