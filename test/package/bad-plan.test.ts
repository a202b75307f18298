/**
 * Hand-made bad plans: each a named mutation of the tiny workload's or pipeline's plan.json,
 * with the exact pointer (`plan.json#/...`) and a fragment of the message.
 *
 * Workload plan: bodies[0].body[0] is the parallel loop; its body[0] the load, body[1] the when,
 * whose branches[0].body[0] is the call. Pipeline plan: bodies[0] the producer (a for loop whose
 * body is [call, send]), bodies[1] the consumer (a consume whose body is [call]).
 */
import { describe, expect, it } from "vitest";
import type { Json, PackageSpec } from "./fixture.js";
import { build, expectProblem, tempRoot } from "./helpers.js";

const dir = tempRoot();

interface Case {
  readonly name: string;
  readonly pipeline?: boolean;
  readonly mutate: (plan: Json, spec: PackageSpec) => void;
  readonly pointer: string;
  readonly message: string;
}

const LOOP = "plan.json#/bodies/0/body/0";
const CALL = `${LOOP}/body/1/branches/0/body/0`;
const loopOf = (p: Json) => p.bodies[0].body[0];
const callOf = (p: Json) => loopOf(p).body[1].branches[0].body[0];

const CASES: readonly Case[] = [
  // --- shape (schema) -----------------------------------------------------------------------------
  {
    name: "unknown statement",
    mutate: (p) => { loopOf(p).body[0].op = "jump"; },
    pointer: `${LOOP}/body/0/op`,
    message: 'must be one of "parallel", "for", "select", "when", "load", "call", "scope", "send", "recv", "consume", "close", but it is "jump"',
  },
  {
    name: "statement without loc",
    mutate: (p) => { delete callOf(p).loc; },
    pointer: `${CALL}/loc`,
    message: 'missing required field "loc"',
  },
  {
    name: "call without kernel",
    mutate: (p) => { delete callOf(p).kernel; },
    pointer: `${CALL}/kernel`,
    message: 'missing required field "kernel"',
  },
  {
    name: "dense axis with an outer axis",
    mutate: (p) => { p.axes[0].outer = 0; },
    pointer: "plan.json#/axes/0/outer",
    message: "must be null, but it is the integer 0",
  },
  {
    name: "no bodies at all",
    mutate: (p) => { p.bodies = []; },
    pointer: "plan.json#/bodies",
    message: "must have at least 1 entry, but it has 0",
  },
  {
    name: "source location with a `..` path",
    mutate: (p) => { callOf(p).loc = "../demo.wsp:11:22"; },
    pointer: `${CALL}/loc`,
    message: 'the file of source location "../demo.wsp:11:22" is not relative and in normal form: path "../demo.wsp" has a ".." segment',
  },
  {
    name: "source location with an absolute path",
    mutate: (p) => { callOf(p).loc = "/work/demo.wsp:11:22"; },
    pointer: `${CALL}/loc`,
    message: 'is not a source location "file:line:col" (the file relative, as in sources; 1-based line and column)',
  },
  // --- body count -------------------------------------------------------------------------------
  {
    name: "body count mismatch (workload with two bodies)",
    mutate: (p) => { p.bodies.push(p.bodies[0]); },
    pointer: "plan.json#/bodies",
    message: "the plan has 2 bodies, but a workload has exactly 1",
  },
  {
    name: "body count mismatch (pipeline missing a process body)",
    pipeline: true,
    mutate: (p) => { p.bodies.pop(); },
    pointer: "plan.json#/bodies",
    message: 'the plan has 1 bodies, but pipeline "flow" has 2 processes in csp.processes',
  },
  {
    name: "body named after another process",
    pipeline: true,
    mutate: (p) => { p.bodies[1].name = "producer"; },
    pointer: "plan.json#/bodies/1/name",
    message: 'body 1 is named "producer", but it is the body of process "consumer"; bodies follow csp.processes in order',
  },
  {
    name: "frame size that does not fit the body",
    mutate: (p) => { p.bodies[0].vars = 0; },
    pointer: "plan.json#/bodies/0/vars",
    message: "the frame size is 0, but the body has at most 1 local variable in scope; it must be 1",
  },
  // --- indices into the manifest and the plan --------------------------------------------------------
  {
    name: "kernel index out of range",
    mutate: (p) => { callOf(p).kernel = 5; },
    pointer: `${CALL}/kernel`,
    message: "kernel 5 does not exist: manifest.kernels has 1 entries",
  },
  {
    name: "tensor index out of range in a load",
    mutate: (p) => { loopOf(p).body[0].tensor = 3; },
    pointer: `${LOOP}/body/0/tensor`,
    message: "tensor 3 does not exist: manifest.tensors has 3 entries",
  },
  {
    name: "slot not declared",
    mutate: (p) => { loopOf(p).body[0].slot = 7; },
    pointer: `${LOOP}/body/0/slot`,
    message: "slot 7 is not declared: no entry of manifest.slots has index 7",
  },
  {
    name: "axis index out of range",
    mutate: (p) => { loopOf(p).axes = [1]; },
    pointer: `${LOOP}/axes/0`,
    message: "axis 1 does not exist: the plan has 1 axes",
  },
  {
    name: "slot read of an undeclared slot in a condition",
    mutate: (p) => { loopOf(p).body[1].branches[0].cond[0] = ["slot", 3]; },
    pointer: `${LOOP}/body/1/branches/0/cond/0/1`,
    message: "slot 3 is not declared",
  },
  // --- local variables ----------------------------------------------------------------------------
  {
    name: "variable out of scope",
    mutate: (p) => { callOf(p).args[0].index[0] = [["var", 3]]; },
    pointer: `${CALL}/args/0/index/0/0/1`,
    message: 'local variable 3 does not exist in index 0 of argument 0 of the call to "scale", which has 1 (0 to 0)',
  },
  {
    name: "loop variable numbered out of order",
    mutate: (p) => { loopOf(p).vars = [1]; },
    pointer: `${LOOP}/vars/0`,
    message: "variable number 1 breaks the numbering: locals are numbered by nesting depth, so this one must be 0",
  },
  {
    name: "loop lists of different lengths",
    mutate: (p) => { loopOf(p).vars = [0, 1]; },
    pointer: `${LOOP}/vars`,
    message: "vars, axes and rows need one entry per loop binding, but there are 2, 1 and 1",
  },
  {
    name: "consume variable numbered out of order",
    pipeline: true,
    mutate: (p) => { p.bodies[1].body[0].var = 2; },
    pointer: "plan.json#/bodies/1/body/0/var",
    message: "so this one must be 0",
  },
  {
    name: "task attribute in a plan condition",
    mutate: (p) => { loopOf(p).body[1].branches[0].cond = [["task", "seq"]]; },
    pointer: `${LOOP}/body/1/branches/0/cond/0`,
    message: "`task` attributes exist only in policies and schedule directive arguments, not in the condition of branch 0",
  },
  {
    name: "replica in a workload",
    mutate: (p) => { callOf(p).args[2].scalar = [["replica"]]; },
    pointer: `${CALL}/args/2/scalar/0`,
    message: "`replica` exists only in the body of a pipeline process",
  },
  {
    name: "let in a plan",
    mutate: (p) => { callOf(p).args[2].scalar = [["int", "1"], ["let", 0], ["int", "2"]]; },
    pointer: `${CALL}/args/2/scalar/1`,
    message: '`let` is only allowed in a policy, not in argument 2 of the call to "scale"',
  },
  // --- axes ---------------------------------------------------------------------------------------
  {
    name: "parallel over a sparse axis",
    mutate: (p) => {
      p.axes.push({ name: "experts", kind: "sparse", size: null, outer: 0, lengths: null, indptr: 2, indices: 2 });
      loopOf(p).axes = [1];
    },
    pointer: `${LOOP}/axes/0`,
    message: 'sparse axis "experts" can only be iterated by a select statement',
  },
  {
    name: "ragged axis without a row",
    mutate: (p) => {
      p.axes.push({ name: "cols", kind: "ragged", size: null, outer: 0, lengths: 2, indptr: null, indices: null });
      loopOf(p).axes = [1];
    },
    pointer: `${LOOP}/rows/0`,
    message: 'ragged axis "cols" has one row per outer index, so binding 0 needs a row program',
  },
  {
    name: "row reading its own binding's variable",
    mutate: (p) => {
      p.axes.push({ name: "cols", kind: "ragged", size: null, outer: 0, lengths: 2, indptr: null, indices: null });
      Object.assign(loopOf(p), { vars: [0, 1], axes: [0, 1], rows: [null, [["var", 1]]] });
    },
    pointer: `${LOOP}/rows/1/0/1`,
    message: "local variable 1 does not exist in the row of binding 1, which has 1 (0 to 0)",
  },
  {
    name: "dense axis with a row",
    mutate: (p) => { loopOf(p).rows = [[["int", "0"]]]; },
    pointer: `${LOOP}/rows/0`,
    message: 'dense axis "rows" is rectangular, so the row of binding 0 must be null',
  },
  {
    name: "ragged lengths that are not a 1-d integer tensor",
    mutate: (p) => { p.axes.push({ name: "cols", kind: "ragged", size: null, outer: 0, lengths: 0, indptr: null, indices: null }); },
    pointer: "plan.json#/axes/1/lengths",
    message: '"lengths" of axis "cols" must be a one-dimensional integer tensor, but "X" is f32 with 2 dimensions',
  },
  {
    name: "outer axis that is not rectangular",
    mutate: (p) => {
      p.axes.push({ name: "cols", kind: "ragged", size: null, outer: 0, lengths: 2, indptr: null, indices: null });
      p.axes.push({ name: "deep", kind: "ragged", size: null, outer: 1, lengths: 2, indptr: null, indices: null });
    },
    pointer: "plan.json#/axes/2/outer",
    message: 'the outer axis of "deep" must be dense or dyn, but "cols" is ragged',
  },
  {
    name: "select over a dense axis",
    mutate: (p) => { loopOf(p).body.push({ op: "select", var: 1, axis: 0, row: [["var", 0]], body: [], loc: "demo.wsp:12:5" }); },
    pointer: `${LOOP}/body/2/axis`,
    message: 'select iterates a sparse row, but axis "rows" is dense',
  },
  // --- calls ----------------------------------------------------------------------------------------
  {
    name: "call with too few arguments",
    mutate: (p) => { callOf(p).args.pop(); },
    pointer: `${CALL}/args`,
    message: 'kernel "scale" takes 3 arguments (src, dst, k), but 2 are given',
  },
  {
    name: "scalar passed for a tensor parameter",
    mutate: (p) => { callOf(p).args[0] = { scalar: [["int", "0"]] }; },
    pointer: `${CALL}/args/0`,
    message: 'parameter "src" of kernel "scale" is a tensor tile, so the argument must be {tensor, index}',
  },
  {
    name: "tensor of the wrong dtype",
    mutate: (p) => { callOf(p).args[0].tensor = 2; },
    pointer: `${CALL}/args/0/tensor`,
    message: 'parameter "src" of kernel "scale" takes f32, but tensor "G" holds u64',
  },
  {
    name: "view of the wrong rank",
    mutate: (p) => { callOf(p).args[0].index = []; },
    pointer: `${CALL}/args/0/index`,
    message: 'tensor "X" has 2 dimensions and parameter "src" takes a 1-d tile, so the view needs 1 index, but it has 0',
  },
  {
    name: "view of the wrong tile size",
    mutate: (_p, s) => { s.manifest.tensors[0].dims[1] = { const: 32 }; },
    pointer: `${CALL}/args/0/tensor`,
    message: 'dimension 1 of tensor "X" is 32, but parameter "src" of kernel "scale" takes a tile of 16 there',
  },
  // --- channels -----------------------------------------------------------------------------------
  {
    name: "send in a workload",
    mutate: (p) => { loopOf(p).body.push({ op: "send", channel: 0, value: [["var", 0]], loc: "demo.wsp:12:5" }); },
    pointer: `${LOOP}/body/2/channel`,
    message: "send is only allowed in a pipeline process; this workload has no channels",
  },
  {
    name: "channel index out of range",
    pipeline: true,
    mutate: (p) => { p.bodies[1].body[0].channel = 1; },
    pointer: "plan.json#/bodies/1/body/0/channel",
    message: "channel 1 does not exist: csp.channels has 1 entries",
  },
  {
    name: "process sending on a channel it does not list",
    pipeline: true,
    mutate: (p) => { p.bodies[1].body[0].body.push({ op: "send", channel: 0, value: [["var", 0]], loc: "demo.wsp:28:7" }); },
    pointer: "plan.json#/bodies/1/body/0/body/1/channel",
    message: 'process "consumer" sends on channel "c", but /csp/processes/1/sends does not list it',
  },
];

describe("bad plans", () => {
  it.each(CASES)("$name", (c) => {
    const { result } = build(dir(), { pipeline: c.pipeline, mutate: (s) => c.mutate(s.plan, s) });
    expectProblem(result, c.pointer, c.message);
  });

  it("accepts a row that reads an earlier binding of the same loop", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.plan.axes.push({ name: "cols", kind: "ragged", size: null, outer: 0, lengths: 2, indptr: null, indices: null });
        Object.assign(loopOf(s.plan), { vars: [0, 1], axes: [0, 1], rows: [null, [["var", 0]]] });
        s.plan.bodies[0].vars = 2;
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("accepts replica and recv in a pipeline process, numbering recv's variable after the ones in scope", () => {
    const { result } = build(dir(), {
      pipeline: true,
      mutate: (s) => {
        // consumer: recv w from c (local 0), then consume v from c (local 1) using both and replica.
        s.plan.bodies[1].vars = 2;
        s.plan.bodies[1].body = [
          { op: "recv", channel: 0, var: 0, loc: "demo.wsp:26:5" },
          {
            op: "consume", channel: 0, var: 1, loc: "demo.wsp:27:5",
            body: [{
              op: "call", kernel: 0, loc: "demo.wsp:28:7",
              args: [{ tensor: 0, index: [[["var", 1]]] }, { tensor: 1, index: [[["var", 0]]] }, { scalar: [["replica"], ["var", 1], ["add"]] }],
            }],
          },
        ];
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
