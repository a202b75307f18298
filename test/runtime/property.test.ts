/**
 * Property: on random small programs — workloads with nested parallel/for/when/scope over views
 * at every depth, pipelines of processes with channels of every depth and latency, replicas —
 * on random machines (schedulers, cores, costs, window, pools, ready and start policies),
 * `--verify` finds no violation, whatever the outcome (a deadlock is a legal outcome: a random
 * scope may exceed a random window). Pipelines also run under random interleavings, and replaying
 * a run's interleaving reproduces it exactly.
 */
import { afterAll, describe, expect, test } from "vitest";
import { simulate } from "../../runtime/sim/simulate.js";
import { cleanPackages, packageOf } from "./helpers.js";

afterAll(cleanPackages);

class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed * 0x9e3779b1 + 1;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), this.s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const DECLS = `
tensor In0: f32[4, 4, 8] in
tensor Mid0: f32[4, 4, 8]
tensor Mid1: f32[4, 4, 8]
tensor Out0: f32[4, 4, 8] out
axis a2 = dense(2)
axis a3 = dense(3)
axis a4 = dense(4)
`;

/** Kernels by the depth of view they take: tile [8] (2 indices), row [4, 8] (1), whole (0). */
function kernels(r: Rand): string {
  return `
kernel ka(x: in f32[8], y: out f32[8]) on aiv cycles ${r.int(1, 200)}
kernel kb(x: in f32[4, 8], y: inout f32[8]) on aic cycles ${r.int(1, 200)}
kernel kc(x: in f32[4, 4, 8], y: out f32[4, 8]) on aiv cycles ${r.int(1, 200)}
kernel kd(x: in f32[8], y: inout f32[4, 8], n: u32) on aic cycles 10 + n * ${r.int(1, 9)}
`;
}

function target(r: Rand): { text: string; schedulers: number } {
  const schedulers = r.int(1, 3);
  const text = `target rnd {
  backend "sim" schedulers ${schedulers} aic_cores ${schedulers * r.int(1, 2)} aiv_cores ${schedulers * r.int(1, 3)}
  submit_cycles ${r.int(0, 20)} dispatch_cycles ${r.int(0, 10)} max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}`;
  return { text, schedulers };
}

class Body {
  private n = 0;
  constructor(private readonly r: Rand) {}

  /** An index expression over the variables in scope, always below 4. */
  private index(vars: readonly string[]): string {
    const r = this.r;
    if (vars.length === 0 || r.next() < 0.3) return String(r.int(0, 3));
    return `(${r.pick(vars)} + ${r.int(0, 3)}) % 4`;
  }

  private view(tensor: string, depth: number, vars: readonly string[]): string {
    if (depth === 0) return tensor;
    const idx = Array.from({ length: depth }, () => this.index(vars));
    return `${tensor}[${idx.join(", ")}]`;
  }

  call(vars: readonly string[]): string {
    const r = this.r;
    const src = r.pick(["In0", "Mid0", "Mid1", "Out0"]);
    const dst = r.pick(["Mid0", "Mid1", "Out0"].filter((t) => t !== src));
    switch (r.int(0, 3)) {
      case 0: return `ka(${this.view(src, 2, vars)}, ${this.view(dst, 2, vars)})`;
      case 1: return `kb(${this.view(src, 1, vars)}, ${this.view(dst, 2, vars)})`;
      case 2: return `kc(${this.view(src, 0, vars)}, ${this.view(dst, 1, vars)})`;
      default: return `kd(${this.view(src, 2, vars)}, ${this.view(dst, 1, vars)}, n = ${vars.length > 0 ? r.pick(vars) : r.int(0, 5)})`;
    }
  }

  block(depth: number, vars: readonly string[], inScope: boolean): string {
    const r = this.r;
    const count = r.int(1, 3);
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.statement(depth, vars, inScope));
    return out.join("\n");
  }

  private statement(depth: number, vars: readonly string[], inScope: boolean): string {
    const r = this.r;
    const roll = depth === 0 ? 0 : r.int(0, 5);
    if (roll <= 1) return this.call(vars);
    const v = `v${this.n++}`;
    const axis = r.pick(["a2", "a3", "a4"]);
    switch (roll) {
      case 2: return `parallel ${v} in ${axis} {\n${this.block(depth - 1, [...vars, v], inScope)}\n}`;
      case 3: return `for ${v} in ${axis} {\n${this.block(depth - 1, [...vars, v], inScope)}\n}`;
      case 4: {
        if (vars.length === 0) return this.call(vars);
        const c = r.pick(vars);
        return `when ${c} % 2 == 0 {\n${this.block(depth - 1, vars, inScope)}\n} else {\n${this.block(depth - 1, vars, inScope)}\n}`;
      }
      default:
        return inScope ? this.call(vars) : `scope {\n${this.block(depth - 1, vars, true)}\n}`;
    }
  }
}

function directives(r: Rand, schedulers: number): { decls: string; text: string } {
  const decls = `
policy spread(k: u32): dispatch = (task.seq * 7 + 3) % k
policy sometimes(): start = task.seq % 3 * ${r.int(0, 30)}
`;
  const dispatch = r.pick([`round_robin(${schedulers})`, `spread(${schedulers})`]);
  const ready = r.pick(["fifo", "lifo", "priority(task.seq % 5)"]);
  const start = r.pick(["eager", "sometimes"]);
  const pools = r.next() < 0.5 ? "" : `pools { tensormap ${r.int(8, 64)}, deplist ${r.int(4, 64)}, heap ${r.int(1, 8) * 1024}, ready ${r.int(2, 16)} }`;
  return { decls, text: `dispatch ${dispatch}\n window ${r.int(8, 64)}\n ready ${ready}\n start ${start}\n ${pools}` };
}

function workload(seed: number): string {
  const r = new Rand(seed);
  const t = target(r);
  const d = directives(r, t.schedulers);
  const body = new Body(r).block(3, [], false);
  return `use std.policies.{round_robin}\n${t.text}\n${DECLS}\n${kernels(r)}\n${d.decls}\nworkload w {\n${body}\n}\nschedule w on rnd {\n${d.text}\n}\n`;
}

function pipeline(seed: number): string {
  const r = new Rand(seed);
  const t = target(r);
  const d = directives(r, t.schedulers);
  const b = new Body(r);
  const stages = r.int(2, 3);
  const chans = Array.from({ length: stages - 1 }, (_, i) => `channel c${i} depth ${r.int(0, 2)} latency ${r.pick([0, 0, 5, 40])}`);
  const procs: string[] = [];
  const axis = r.pick(["a2", "a3", "a4"]);
  procs.push(`process p0 { for t in ${axis} {\n${b.call(["t"])}\nsend c0(t) } }`);
  for (let i = 1; i < stages; i++) {
    const send = i < stages - 1 ? `\nsend c${i}(t${i})` : "";
    const replicas = r.next() < 0.4 ? ` replicate ${r.int(2, 3)}` : "";
    const scoped = r.next() < 0.3;
    const work = b.call([`t${i}`]);
    procs.push(`process p${i}${replicas} { consume t${i} from c${i - 1} {\n${scoped ? `scope { ${work} }` : work}${send} } }`);
  }
  return `use std.policies.{round_robin}\n${t.text}\n${DECLS}\n${kernels(r)}\n${d.decls}\npipeline pl {\n${chans.join("\n")}\n${procs.join("\n")}\n}\nschedule pl on rnd {\n${d.text}\n}\n`;
}

describe("verify holds on random programs", () => {
  const seeds = Array.from({ length: 25 }, (_, i) => i + 1);

  test.each(seeds)("workload %i", (seed) => {
    const text = workload(seed);
    const r = simulate(packageOf(text, "rnd"), { verify: true });
    expect(["finished", "deadlock"], text).toContain(r.status);
    expect(r.verify?.violations, text).toEqual([]);
    if (r.status === "finished") expect(r.stats.resources.task_ring.high_water).toBeLessThanOrEqual(r.stats.resources.task_ring.capacity!);
  });

  test.each(seeds)("pipeline %i, default and random interleavings, replayed", (seed) => {
    const text = pipeline(seed);
    const pkg = packageOf(text, "rnd");
    const base = simulate(pkg, { verify: true });
    expect(["finished", "deadlock"], text).toContain(base.status);
    expect(base.verify?.violations, text).toEqual([]);
    for (const s of [1, 2]) {
      const random = simulate(pkg, { verify: true, interleave: { kind: "random", seed: seed * 10 + s } });
      expect(random.verify?.violations, `${text}\ninterleave random:${seed * 10 + s}`).toEqual([]);
      const replay = simulate(pkg, { interleave: { kind: "replay", steps: random.interleaving } });
      expect(replay.stats, "replaying the choices reproduces the run").toEqual(random.stats);
      expect(replay.interleaving).toEqual(random.interleaving);
    }
  });
});
