/**
 * `npm run bench`: medians over several runs, with ratios against a baseline measured in the
 * same run (machines here are shared and noisy; absolute times alone mean little).
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { parse } from "../dist/grammar/parse.js";
import { checkProgram } from "../dist/compiler/program.js";
import { buildUnits } from "../dist/compiler/units.js";
import { buildPackage } from "../dist/compiler/package/build.js";
import { formatSource } from "../dist/compiler/format.js";
import { analysisStages } from "../dist/compiler/analysis/index.js";
import { benchSimulator } from "../dist/runtime/sim/bench.js";
import { benchDeadlocks } from "./deadlock.mjs";
import { largeProgram, taskProgram } from "./generate.mjs";
import { RUNS, hostWith, median, time, timeWithCpu } from "./measure.mjs";

function frontEnd() {
  const text = largeProgram(10_000);
  const lines = text.split("\n").length;
  const mb = Buffer.byteLength(text) / 1e6;
  const host = hostWith("bench/large.wsp", text);
  const errors = checkProgram(["bench/large.wsp"], host).diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`generated program has errors: ${errors[0].message}`);
  // CPU time beside wall time: on a shared machine it varies far less.
  // More runs than elsewhere: a run takes a tenth of a second, and this is the aim's figure.
  const runs = Math.max(RUNS, 15);
  const parsed = timeWithCpu(() => parse(text), runs);
  const checked = timeWithCpu(() => checkProgram(["bench/large.wsp"], host), runs);
  const tParse = parsed.wall;
  const tCheck = checked.wall;
  console.log(`\nfront end: ${lines} lines, ${mb.toFixed(2)} MB (median of ${runs}; fastest run in brackets)`);
  console.log(`  parse only          ${tParse.toFixed(1)} ms [${parsed.fastest.toFixed(1)}] (cpu ${parsed.cpu.toFixed(1)} ms)   ${(lines / tParse * 1000).toFixed(0)} lines/s   ${(mb / tParse * 1000).toFixed(1)} MB/s`);
  console.log(`  parse + check       ${tCheck.toFixed(1)} ms [${checked.fastest.toFixed(1)}] (cpu ${checked.cpu.toFixed(1)} ms)   ${(lines / tCheck * 1000).toFixed(0)} lines/s   ${(mb / tCheck * 1000).toFixed(1)} MB/s   (target: < 150 ms)`);
  const tFmt = time(() => formatSource("bench/large.wsp", text));
  console.log(`  parse + format      ${tFmt.toFixed(1)} ms   (fmt's own work: ${(tFmt - tParse).toFixed(1)} ms)`);
  console.log(`  ratio check/parse   ${(tCheck / tParse).toFixed(2)}x   ratio fmt/parse ${(tFmt / tParse).toFixed(2)}x`);
  const analysesWall = analysesBreakdown(checkProgram(["bench/large.wsp"], host));
  console.log(`  checker alone       ${(tCheck - analysesWall).toFixed(1)} ms   (parse + check minus the analyses' ${analysesWall.toFixed(1)} ms wall)`);
}

/**
 * The analyses that `parse + check` includes (compiler/analysis/index.ts), one line each: median
 * CPU ms over RUNS runs, each on a fresh copy of the checked program's `Semantics`, so nothing an
 * earlier run shared (lowerings, memo tables: compiler/analysis/shared.ts) is reused. Returns the
 * median wall milliseconds of all of them together.
 */
function analysesBreakdown(result) {
  const samples = new Map();
  const walls = [];
  for (let i = -1; i < RUNS; i++) {
    const fresh = { ...result, semantics: { ...result.semantics } };
    let total = 0;
    const t0 = performance.now();
    for (const stage of analysisStages(fresh)) {
      const c0 = process.cpuUsage();
      stage.run();
      const c = process.cpuUsage(c0);
      const ms = (c.user + c.system) / 1000;
      total += ms;
      if (i >= 0) samples.set(stage.name, [...(samples.get(stage.name) ?? []), ms]);
    }
    if (i >= 0) samples.set("all analyses", [...(samples.get("all analyses") ?? []), total]);
    if (i >= 0) walls.push(performance.now() - t0);
  }
  console.log(`  analyses, cpu ms (median of ${RUNS}; included in parse + check)`);
  for (const [name, ms] of samples) console.log(`    ${name.padEnd(24)} ${median(ms).toFixed(1).padStart(6)} ms`);
  return median(walls);
}

function builds() {
  console.log(`\nbuild: plan size must stay flat as the task count grows (median of ${RUNS})`);
  console.log("  tasks        build ms   plan bytes   manifest bytes");
  let baseline;
  for (let k = 3; k <= 7; k++) {
    const tasks = 10 ** k;
    const text = taskProgram(tasks);
    const host = hostWith("bench/tasks.wsp", text);
    let pkg;
    const ms = time(() => {
      const result = checkProgram(["bench/tasks.wsp"], host);
      const [unit] = buildUnits(result);
      pkg = buildPackage(result, unit, { compilerVersion: "bench", sourcePath: (f) => f });
    });
    const plan = Buffer.byteLength(pkg.files.get("plan.json"));
    const manifest = Buffer.byteLength(pkg.files.get("manifest.json"));
    baseline ??= ms;
    console.log(`  ${String(tasks).padEnd(12)} ${ms.toFixed(1).padStart(8)}   ${String(plan).padStart(10)}   ${String(manifest).padStart(14)}   (${(ms / baseline).toFixed(2)}x of 10^3)`);
  }
}

function simulator() {
  const tasks = Number(process.env.BENCH_SIM_TASKS ?? 1_000_000);
  // Baseline: the device's own orchestrator submits a task in about 0.87 µs (domain brief).
  const device = 1e6 / 0.87;
  console.log(`\nsimulator: ${tasks} tasks per run (median of ${RUNS}); ratio against the device orchestrator's 1.15 M tasks/s`);
  for (const row of benchSimulator(tasks, RUNS)) {
    console.log(`  ${row.name.padEnd(30)} ${(row.tasksPerSecond / 1e6).toFixed(2)} M tasks/s   ${(row.tasksPerSecond / device).toFixed(2)}x device   (${row.ms.toFixed(0)} ms, makespan ${row.makespan} cycles)`);
  }
}

/** Peak memory of a 10^7-task run, in a fresh process so nothing else is counted. */
function simulatorMemory() {
  const script = `
    import { independentPackage } from "./dist/runtime/sim/bench.js";
    import { simulate } from "./dist/runtime/sim/index.js";
    const r = simulate(independentPackage(10_000_000));
    console.log(JSON.stringify({ status: r.status, tasks: r.stats.tasks, maxRssMB: process.resourceUsage().maxRSS / 1024 }));`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: new URL("..", import.meta.url).pathname });
  if (out.status !== 0) throw new Error(`memory run failed: ${out.stderr}`);
  const r = JSON.parse(out.stdout);
  console.log(`\nsimulator memory: ${r.tasks} independent tasks (${r.status}), peak RSS ${r.maxRssMB.toFixed(0)} MB (target: < 300 MB)`);
}

frontEnd();
builds();
simulator();
simulatorMemory();
benchDeadlocks();
// The language server in its own process, through a real client (bench/lsp.mjs).
spawnSync(process.execPath, [new URL("./lsp.mjs", import.meta.url).pathname], { stdio: "inherit" });
