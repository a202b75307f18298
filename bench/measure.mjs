/**
 * What every benchmark here shares: medians over several runs after a warm-up (machines are
 * shared and noisy; absolute times alone mean little), and a host serving one generated file.
 */
import { performance } from "node:perf_hooks";
import { createNodeHost } from "../dist/compiler/cli/node-host.js";

export const RUNS = Number(process.env.BENCH_RUNS ?? 7);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall milliseconds of `fn` over `runs` runs, after one warm-up (JIT, parser setup). */
export function time(fn, runs = RUNS) {
  return timeWithCpu(fn, runs).wall;
}

/**
 * Median wall and CPU (user + system, all threads: GC included) milliseconds of `fn`, after a
 * warm-up, and the fastest wall time (on a shared machine the spread says how noisy it was).
 */
export function timeWithCpu(fn, runs = RUNS) {
  fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), fastest: Math.min(...wall) };
}

/** A host serving one in-memory root file and the stdlib from disk. */
export function hostWith(file, text) {
  const disk = createNodeHost();
  return {
    readFile: (f) => (f === file ? text : disk.readFile(f)),
    resolveModule: (p, from, mod) => disk.resolveModule(p, from, mod),
  };
}
