/**
 * Generators of large, valid .wsp programs for benchmarks (deterministic: same n, same text).
 */

/** A program of about `lines` lines: groups of tensors, kernels, a workload, a pipeline, schedules. */
export function largeProgram(lines) {
  const out = ["/// Generated benchmark program.", "module bench.large", "", "use std.targets.{a2a3sim}", "use std.policies.{round_robin, affinity, hash}", "", "const T = 8", "slot key: u64", ""];
  let g = 0;
  while (out.length < lines) {
    out.push(
      `/// Group ${g}.`,
      `tensor A${g}: f32[T, 4, 32, 32] in`,
      `tensor B${g}: f32[T, 4, 32, 32]`,
      `tensor C${g}: f32[T, 4, 32, 32] out`,
      `tensor K${g}: u64[T, 1, 1] in`,
      `kernel load${g}(src: in f32[32, 32], dst: out f32[32, 32]) on aiv cycles 1000 + ${g}`,
      `kernel mix${g}(a: in f32[32, 32], b: inout f32[32, 32], scale: i32)`,
      `  on aic`,
      `  cycles 2000 + scale * 4`,
      `kernel store${g}(src: in f32[32, 32], dst: out f32[32, 32]) on aiv cycles 900`,
      `axis t${g} = dense(T)`,
      `axis q${g} = dense(4)`,
      `policy owner${g}(n: u32): dispatch = (task.i * 4 + task.j) % n`,
      `workload w${g} {`,
      `  parallel i in t${g}, j in q${g} {`,
      `    load key <- K${g}[i]`,
      `    load${g}(A${g}[i, j], B${g}[i, j])`,
      `    when key > ${g} { mix${g}(A${g}[i, j], B${g}[i, j], scale = ${g % 100}) }`,
      `    else { mix${g}(A${g}[i, j], B${g}[i, j], scale = 1) }`,
      `    store${g}(B${g}[i, j], C${g}[i, j])`,
      `  }`,
      `}`,
      `schedule w${g} on a2a3sim {`,
      `  dispatch owner${g}(4)`,
      `  window 256 tasks stall`,
      `}`,
      `pipeline p${g} {`,
      `  channel c${g} depth 2`,
      `  process producer { for i in t${g} { load${g}(A${g}[i, 0], B${g}[i, 0]); send c${g}(i) } }`,
      `  process consumer replicate 2 { consume i from c${g} { store${g}(B${g}[i, 0], C${g}[i, 0]) } }`,
      `}`,
      `schedule p${g} on a2a3sim { dispatch hash(task.seq, 4) }`,
      "",
    );
    g++;
  }
  return out.join("\n");
}

/** A workload creating exactly `tasks` tasks (a power of ten from 10^3): 1000 x 10^(k-3) grid. */
export function taskProgram(tasks) {
  const inner = tasks / 1000;
  return [
    "module bench.tasks",
    "use std.targets.{a2a3sim}",
    "use std.policies.{round_robin}",
    `tensor X: f32[1000, ${inner}, 16] in`,
    `tensor Y: f32[1000, ${inner}, 16] out`,
    "kernel k(x: in f32[16], y: out f32[16]) on aiv cycles 100",
    "axis a = dense(1000)",
    `axis b = dense(${inner})`,
    "workload many { parallel i in a, j in b { k(X[i, j], Y[i, j]) } }",
    "schedule many on a2a3sim {",
    "  dispatch round_robin(4)",
    "  window 1024 tasks stall",
    "}",
    "",
  ].join("\n");
}
