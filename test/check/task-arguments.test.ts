/**
 * Per-task argument limits (WSP0803) are checked with the program, at the call, for the target
 * of each schedule: a2a3sim and a2a3 take 16 tensors and 32 scalars per task, a2a3_hbg 16
 * arguments in all (stdlib/std/targets.wsp).
 */
import { describe, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { expectClean, expectDiagnostics } from "./expect-diagnostics.js";

const params = (n: number, tensor: boolean) => Array.from({ length: n }, (_, i) => (tensor ? `t${i}: in f32[8]` : `s${i}: u32`));
const args = (n: number, tensor: boolean) => Array.from({ length: n }, (_, i) => (tensor ? "T[0]" : String(i)));

/** The call `k(...)` is on line 5, column 14. */
function program(tensors: number, scalars: number, target: string): string {
  return `use std.targets.{${target}}
tensor T: f32[4, 8] in
kernel k(${[...params(tensors, true), ...params(scalars, false)].join(", ")}) on aiv cycles 1
// the call
workload w { k(${[...args(tensors, true), ...args(scalars, false)].join(", ")}) }
schedule w on ${target} { }
`;
}

describe("per-task argument limits (WSP0803)", () => {
  it("allows exactly the limits", () => {
    expectClean(checkText(program(16, 32, "a2a3")));
    expectClean(checkText(program(16, 32, "a2a3sim")));
    expectClean(checkText(program(8, 8, "a2a3_hbg")));
  });

  it("reports 17 tensors or 33 scalars at the call on pto-tmr and on the simulator", () => {
    expectDiagnostics(checkText(program(17, 0, "a2a3")), [["5:14 WSP0803", "a task of `k` takes 17 tensor arguments, but a2a3 (pto-tmr) allows at most 16 per task (`max_tensors_per_task`)"]]);
    expectDiagnostics(checkText(program(1, 33, "a2a3")), [["5:14 WSP0803", "a task of `k` takes 33 scalar arguments, but a2a3 (pto-tmr) allows at most 32 per task (`max_scalars_per_task`)"]]);
    expectDiagnostics(checkText(program(17, 0, "a2a3sim")), [["5:14 WSP0803", "a2a3sim (sim) allows at most 16 per task"]]);
  });

  it("counts tensors and scalars together against host_build_graph's max_args", () => {
    expectDiagnostics(checkText(program(9, 8, "a2a3_hbg")), [["5:14 WSP0803", "a task of `k` takes 17 arguments (tensors and scalars), but a2a3_hbg (pto-hbg) allows at most 16 per task (`max_args`)"]]);
  });

  it("judges each schedule by its own target", () => {
    // 17 arguments in all, 9 of them tensors: fine on a2a3sim, too many for a2a3_hbg.
    const text = program(9, 8, "a2a3sim").replace("use std.targets.{a2a3sim}", "use std.targets.{a2a3sim, a2a3_hbg}") + "schedule w on a2a3_hbg { }\n";
    expectDiagnostics(checkText(text), [["5:14 WSP0803", "a2a3_hbg (pto-hbg) allows at most 16 per task (`max_args`)"]]);
  });
});
