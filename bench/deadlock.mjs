/**
 * Deadlock analysis time (compiler/analysis/deadlock): medians over several runs of
 * `analyzeDeadlocks` on three-stage pipelines of 10^3 … 10^7 tokens (free, and with a depth-1
 * channel a producer must run 2 ahead through, which deadlocks at once), and the whole analysis
 * pass (`deadlockDiagnostics` over every unit) of the 10,000-line generated program. Needs
 * `dist/` (npm run build). Run alone: `node bench/deadlock.mjs`; bench/run.mjs can import
 * `benchDeadlocks` and call it.
 */
import { pathToFileURL } from "node:url";
import { checkProgram } from "../dist/compiler/program.js";
import { buildUnits } from "../dist/compiler/units.js";
import { analyzeDeadlocks, deadlockDiagnostics, isDeadlockPrediction } from "../dist/compiler/analysis/deadlock/index.js";
import { largeProgram } from "./generate.mjs";
import { RUNS, hostWith, time } from "./measure.mjs";

/** load -> compute -> store over `tokens` tiles; with `ahead`, the loader sends two tokens on `a` before one on `b`. */
export function pipelineProgram(tokens, ahead = false) {
  return [
    "module bench.stream",
    "use std.targets.{a2a3sim}",
    `tensor X: f32[${tokens}, 16] in`,
    `tensor T: f32[${tokens}, 16]`,
    `tensor Y: f32[${tokens}, 16] out`,
    "kernel ld(src: in f32[16], dst: out f32[16]) on aiv cycles 100",
    "kernel st(src: in f32[16], dst: out f32[16]) on aiv cycles 100",
    `axis tiles = dense(${tokens})`,
    "pipeline stream {",
    `  channel a depth ${ahead ? 1 : 2}`,
    "  channel b depth 2",
    ahead
      ? "  process loader { for t in tiles { ld(X[t], T[t]); send a(t); send a(t); send b(t) } }"
      : "  process loader { for t in tiles { ld(X[t], T[t]); send a(t); send b(t) } }",
    ahead
      ? "  process computer { for t in tiles { recv y from b; recv x from a; recv z from a; st(T[x], Y[x]) } }"
      : "  process computer { consume x from a { recv y from b; st(T[x], Y[x]) } }",
    "}",
    "schedule stream on a2a3sim { window 64 }",
    "",
  ].join("\n");
}

/** The checked program with a fresh `Semantics` object, so no memo of an earlier run is reused. */
function fresh(result) {
  return { ...result, semantics: { ...result.semantics } };
}

/** The program's units on a2a3sim; a generated program with errors is a bug in this file. */
function unitsOf(result) {
  const errors = result.diagnostics.filter((d) => d.severity === "error" && !isDeadlockPrediction(d.code));
  if (errors.length > 0) throw new Error(`generated program has errors: ${errors[0].code} ${errors[0].message}`);
  return buildUnits(result).map((u) => ({ ...u, backend: "sim" }));
}

export function benchDeadlocks() {
  console.log(`\ndeadlock analysis: analyzeDeadlocks per unit (median of ${RUNS}); ratio against 10^3 tokens`);
  let baseline;
  for (let k = 3; k <= 7; k++) {
    const tokens = 10 ** k;
    for (const ahead of [false, true]) {
      const text = pipelineProgram(tokens, ahead);
      const result = checkProgram(["bench/stream.wsp"], hostWith("bench/stream.wsp", text));
      const [unit] = unitsOf(result);
      let verdict;
      // A fresh copy of the Semantics each run: the analyses memoize per program (shared.ts).
      const ms = time(() => { verdict = analyzeDeadlocks(fresh(result), unit); });
      if (!ahead) baseline ??= ms;
      const what = verdict.kind === "deadlock" ? `deadlock (${verdict.rule}, fix: ${verdict.fix?.edits[0]?.newText.trim() ?? "none"})` : verdict.kind;
      console.log(`  ${String(tokens).padEnd(10)} ${ahead ? "runs ahead" : "free      "} ${ms.toFixed(2).padStart(9)} ms   ${what}   (${(ms / baseline).toFixed(2)}x)`);
    }
  }
  const text = largeProgram(10_000);
  const result = checkProgram(["bench/large.wsp"], hostWith("bench/large.wsp", text));
  const units = unitsOf(result);
  const ms = time(() => {
    const r = fresh(result);
    for (const u of units) deadlockDiagnostics(r, u);
  }, Math.min(RUNS, 5));
  console.log(`  10,000-line program: ${units.length} units, ${ms.toFixed(1)} ms for the whole pass (${(ms / units.length).toFixed(3)} ms per unit)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) benchDeadlocks();
