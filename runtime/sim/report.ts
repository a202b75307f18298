/**
 * How a run is shown: `formatSummary` is the human summary `wspc run` prints (a few readable
 * lines; for a deadlock, a report a newcomer can act on), `resultJson` the `--json` document
 * (the result without the trace, which goes to its own file).
 */
import type { DeadlockReport, RunResult, SimPackage, Stats } from "./types.js";

export function formatSummary(result: RunResult, pkg: SimPackage): string {
  const m = pkg.manifest;
  const lines: string[] = [];
  const head = `${m.subject.kind} ${m.subject.qualified_name} on ${m.target.name}`;
  const s = result.stats;
  if (result.status === "error") {
    const e = result.error!;
    lines.push(`${e.loc ? `${e.loc}: ` : ""}error: ${e.message}${e.who ? ` (${e.who})` : ""}`);
    lines.push(`${head}: stopped at cycle ${s.total_cycles} after ${s.tasks} task${plural(s.tasks)}`);
  } else if (result.status === "deadlock") {
    lines.push(...deadlockLines(result.deadlock!, head));
    lines.push("  statistics up to the deadlock:", ...statLines(s).map((l) => `  ${l}`));
  } else {
    lines.push(`${head}: finished`);
    lines.push(...statLines(s));
  }
  if (result.verify) {
    const v = result.verify;
    const c = v.checked;
    if (v.ok) lines.push(`  verify: ok (${c.tasks} tasks, ${c.loads} loads, ${c.channel_ops} channel operations, ${c.stalls} stalls checked)`);
    else lines.push(`  verify: FAILED, ${v.violations.length} violation${plural(v.violations.length)}:`, ...v.violations.map((x) => `    - ${x}`));
  }
  return `${lines.join("\n")}\n`;
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}

function time(s: Stats, cycles: number): string {
  if (!s.clock_mhz) return `${cycles} cycles`;
  const us = cycles / s.clock_mhz;
  const shown = us >= 1000 ? `${(us / 1000).toFixed(3)} ms` : `${us.toFixed(2)} µs`;
  return `${cycles} cycles (${shown} at ${s.clock_mhz} MHz)`;
}

function statLines(s: Stats): string[] {
  const out: string[] = [];
  out.push(`  makespan ${time(s, s.total_cycles)}; ${s.tasks} task${plural(s.tasks)}`);
  out.push(`  schedulers: ${s.schedulers.map((k) => `s${k.index} ${k.tasks}`).join(", ")} tasks (dispatch busy ${s.schedulers.map((k) => k.busy_cycles).join("/")} cycles)`);
  const used = s.cores.filter((c) => c.tasks > 0);
  if (used.length > 0) {
    const busiest = [...used].sort((a, b) => b.busy_cycles - a.busy_cycles || a.name.localeCompare(b.name))[0]!;
    const mean = used.reduce((a, c) => a + c.utilisation, 0) / used.length;
    out.push(`  cores: ${used.length} of ${s.cores.length} used, mean utilisation ${pct(mean)} of the used ones; busiest ${busiest.name} (${busiest.tasks} tasks, ${pct(busiest.utilisation)})`);
  } else {
    out.push(`  cores: none used (${s.cores.length} available)`);
  }
  out.push(...stallLines(s));
  const r = s.resources;
  const hw = (x: { high_water: number; capacity: number | null }, unit = ""): string => `${x.high_water}${unit}/${x.capacity ?? "∞"}${unit}`;
  out.push(`  high-water: window ${hw(r.task_ring)}, tensormap ${hw(r.tensormap)}, deplist ${hw(r.deplist)}, heap ${hw(r.heap_arena, " B")}, ready queue ${hw(r.ready_queue)}`);
  for (const c of s.channels) {
    out.push(`  channel ${c.name} (depth ${c.capacity}${c.latency ? `, latency ${c.latency}` : ""}): ${c.sends} sent, ${c.receives} received, max fill ${c.max_fill}, ${c.full_waits} full wait${plural(c.full_waits)}, ${c.empty_waits} empty wait${plural(c.empty_waits)}`);
  }
  return out;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Where the run stalled and why: each orchestrator's stalls, longest first. */
function stallLines(s: Stats): string[] {
  const rows = s.orchestrators
    .map((o) => ({ o, cycles: o.stalls.reduce((a, x) => a + x.cycles, 0) }))
    .filter((x) => x.cycles > 0)
    .sort((a, b) => b.cycles - a.cycles || a.o.who.localeCompare(b.o.who));
  if (rows.length === 0) {
    const waits = s.orchestrators.filter((o) => o.stalls.length > 0).map((o) => `${o.who} (${o.stalls.map((x) => x.reason).join(", ")})`);
    return [waits.length > 0 ? `  stalls: ${waits.join(", ")}, 0 cycles` : "  stalls: none"];
  }
  const shown = rows.slice(0, 4).map(({ o, cycles }) => {
    const reasons = o.stalls.filter((x) => x.cycles > 0).map((x) => `${x.reason} ${x.count}× ${x.cycles}`).join(", ");
    const l = o.longest_stall;
    const where = l ? `; longest ${l.cycles} cycles on ${l.reason}${l.on ? ` (${l.on})` : ""}${l.loc ? ` at ${l.loc}` : ""}` : "";
    return `    ${o.who}: ${cycles} cycles stalled — ${reasons}${where}`;
  });
  const more = rows.length > 4 ? [`    … and ${rows.length - 4} more`] : [];
  return ["  stalls (cycles):", ...shown, ...more];
}

function deadlockLines(d: DeadlockReport, head: string): string[] {
  const out = [`${head}: DEADLOCK at cycle ${d.at_cycles} (rule: ${d.rule})`, `  ${d.explanation}.`, "  blocked:"];
  const width = Math.max(...d.blocked.map((b) => b.who.length));
  for (const b of d.blocked) {
    const on = "channel" in b.waitsOn ? `waits on channel \`${b.waitsOn.channel}\` (${b.waitsOn.state})` : `stalled on ${b.waitsOn.resource}: ${b.waitsOn.detail}`;
    const scope = b.scope_depth > 0 ? `, inside ${b.scope_depth} scope${plural(b.scope_depth)} holding ${b.scope_held_tasks} task${plural(b.scope_held_tasks)}` : "";
    out.push(`    ${b.who.padEnd(width)}  ${on}${b.loc ? ` at ${b.loc}` : ""}, since cycle ${b.since}${scope}`);
  }
  if (d.channels.length > 0) out.push(`  channels: ${d.channels.map((c) => `${c.name} ${c.fill}/${c.capacity}${c.closed ? " closed" : ""}`).join(", ")}`);
  const w = d.window;
  out.push(`  window: ${w.in_use} in use of ${w.size ?? "∞"} (high-water ${w.high_water}); scopes: ${d.scope.depth === 0 ? "none open" : `depth ${d.scope.depth}, holding ${d.scope.held_tasks} task${plural(d.scope.held_tasks)}`}${d.scope.blocks_retirement ? " — scope-held tasks block retirement" : ""}`);
  out.push(`  fix: ${d.suggestion}`);
  return out;
}

/** The `--json` document: the result without its trace, with a stable key order. */
export function resultJson(result: RunResult): string {
  const { trace: _trace, ...rest } = result;
  void _trace;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
