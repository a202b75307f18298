/**
 * Hand-made bad manifests: each a named mutation of the valid tiny package, with the exact
 * pointer and a fragment of the message the validator must give.
 */
import { describe, expect, it } from "vitest";
import { stableId } from "../../runtime/package/ids.js";
import type { Json, PackageSpec } from "./fixture.js";
import { build, errorsOf, expectProblem, tempRoot } from "./helpers.js";

const dir = tempRoot();

interface Case {
  readonly name: string;
  readonly pipeline?: boolean;
  readonly mutate: (spec: PackageSpec) => void;
  readonly pointer: string;
  readonly message: string;
}

const m = (f: (manifest: Json) => void) => (spec: PackageSpec) => f(spec.manifest);

const CASES: readonly Case[] = [
  // --- ABI ------------------------------------------------------------------------------------
  {
    name: "ABI 0.9 (older major)",
    mutate: m((x) => { x.wsp_runtime_abi = "0.9"; }),
    pointer: "/wsp_runtime_abi",
    message: "package ABI 0.9 is older than this runtime's 1.x; rebuild the package with a current wspc",
  },
  {
    name: "ABI not MAJOR.MINOR",
    mutate: m((x) => { x.wsp_runtime_abi = "1"; }),
    pointer: "/wsp_runtime_abi",
    message: 'wsp_runtime_abi must be "MAJOR.MINOR" such as "1.0", but it is "1"',
  },
  {
    name: "ABI missing",
    mutate: m((x) => { delete x.wsp_runtime_abi; }),
    pointer: "/wsp_runtime_abi",
    message: "but it is missing",
  },
  // --- schema: required fields, types, shapes ---------------------------------------------------
  {
    name: "missing required field (kernel func_id)",
    mutate: m((x) => { delete x.kernels[0].func_id; }),
    pointer: "/kernels/0/func_id",
    message: 'missing required field "func_id" (pto-runtime\'s function id',
  },
  {
    name: "wrong type (schedulers as a string)",
    mutate: m((x) => { x.target.properties.schedulers = "4"; }),
    pointer: "/target/properties/schedulers",
    message: 'must be an integer, but it is the string "4"',
  },
  {
    name: "wrong format constant",
    mutate: m((x) => { x.format = "zip"; }),
    pointer: "/format",
    message: 'must be "wsp-package", but it is "zip"',
  },
  {
    name: "unknown executor",
    mutate: m((x) => { x.kernels[0].executor = "GPU"; }),
    pointer: "/kernels/0/executor",
    message: 'must be one of "AIC", "AIV", but it is "GPU"',
  },
  {
    name: "bad id (not 16 lowercase hex digits)",
    mutate: m((x) => { x.kernels[0].id = "ABCDEF0123456789"; }),
    pointer: "/kernels/0/id",
    message: '"ABCDEF0123456789" is not a stable id: 16 lowercase hex digits',
  },
  {
    name: "bad sha256 of a source",
    mutate: m((x) => { x.sources[0].sha256 = "00"; }),
    pointer: "/sources/0/sha256",
    message: '"00" is not a SHA-256 digest',
  },
  {
    name: "bad source location",
    mutate: m((x) => { x.kernels[0].cycles.loc = "demo.wsp"; }),
    pointer: "/kernels/0/cycles/loc",
    message: 'is not a source location "file:line:col"',
  },
  {
    name: "instruction with an operand it does not take",
    mutate: m((x) => { x.kernels[0].cycles.code[2] = ["add", 1]; }),
    pointer: "/kernels/0/cycles/code/2",
    message: 'must have at most 1 entry, but it has 2 (an operation without operands, written ["op"])',
  },
  {
    name: "unknown bytecode operation",
    mutate: m((x) => { x.kernels[0].cycles.code[2] = ["pow"]; }),
    pointer: "/kernels/0/cycles/code/2/0",
    message: 'but it is "pow" (a bytecode operation',
  },
  {
    name: "int constant not a decimal string",
    mutate: m((x) => { x.kernels[0].cycles.code[0] = ["int", 100]; }),
    pointer: "/kernels/0/cycles/code/0/1",
    message: "must be a string, but it is the integer 100",
  },
  {
    name: "slot index >= 256",
    mutate: m((x) => { x.slots[0].index = 256; }),
    pointer: "/slots/0/index",
    message: "must be at most 255, but it is 256 (a slot cell number, 0 to 255",
  },
  {
    name: "window size 0",
    mutate: m((x) => { x.schedule.window.size = 0; }),
    pointer: "/schedule/window/size",
    message: "must be at least 1, but it is 0",
  },
  {
    name: "negative channel capacity",
    pipeline: true,
    mutate: m((x) => { x.csp.channels[0].capacity = -1; }),
    pointer: "/csp/channels/0/capacity",
    message: "must be at least 0, but it is -1",
  },
  {
    name: "zero replicas",
    pipeline: true,
    mutate: m((x) => { x.csp.processes[1].replicas = 0; }),
    pointer: "/csp/processes/1/replicas",
    message: "must be at least 1, but it is 0 (a replica count",
  },
  {
    name: "zero schedulers",
    mutate: m((x) => { x.target.properties.schedulers = 0; }),
    pointer: "/target/properties/schedulers",
    message: "must be at least 1, but it is 0",
  },
  {
    name: "func_id >= 1024",
    mutate: m((x) => { x.kernels[0].func_id = 1024; }),
    pointer: "/kernels/0/func_id",
    message: "must be at most 1023, but it is 1024",
  },
  // --- ids --------------------------------------------------------------------------------------
  {
    name: "duplicate ids within a list",
    mutate: m((x) => { x.tensors[1].id = x.tensors[0].id; }),
    pointer: "/tensors/1/id",
    message: `id ${stableId("demo.X")} is also the id of /tensors/0 ("X"); ids must be unique in tensors`,
  },
  {
    name: "duplicate ids across kernels and slots",
    mutate: m((x) => { x.slots[0].id = x.kernels[0].id; }),
    pointer: "/slots/0/id",
    message: `id ${stableId("demo.scale")} is also the id of /kernels/0 ("scale"); kernels, slots, symbols, channels and policies must not share ids`,
  },
  {
    name: "id that is not the hash of the qualified name",
    mutate: m((x) => { x.symbols[0].id = "0123456789abcdef"; }),
    pointer: "/symbols/0/id",
    message: `id 0123456789abcdef is not the stable id of "demo.n" (FNV-1a 64 of it is ${stableId("demo.n")})`,
  },
  {
    name: "channel id not derived from module.pipeline.name",
    pipeline: true,
    mutate: m((x) => { x.csp.channels[0].id = stableId("demo.c"); x.csp.processes[0].sends = [stableId("demo.c")]; x.csp.processes[1].receives = [stableId("demo.c")]; }),
    pointer: "/csp/channels/0/id",
    message: 'is not the stable id of "demo.flow.c"',
  },
  {
    name: "qualified name that does not end with the name",
    mutate: m((x) => { x.tensors[2].qualified_name = "demo.H"; x.tensors[2].id = stableId("demo.H"); }),
    pointer: "/tensors/2/qualified_name",
    message: 'qualified name "demo.H" does not end with the name "G"',
  },
  {
    name: "subject qualified name that does not end with the name",
    mutate: m((x) => { x.subject.qualified_name = "demo.other"; }),
    pointer: "/subject/qualified_name",
    message: 'qualified name "demo.other" does not end with the name "tiny"',
  },
  {
    name: "policy location in a parent folder",
    mutate: m((x) => { x.policies[1].loc = "std/../../prelude.wsp:8:1"; }),
    pointer: "/policies/1/loc",
    message: 'has a ".." segment',
  },
  // --- kernels, slots, programs -------------------------------------------------------------------
  {
    name: "func_id that is not the kernel's index",
    mutate: m((x) => { x.kernels[0].func_id = 3; }),
    pointer: "/kernels/0/func_id",
    message: "func_id is 3, but this kernel is entry 0 of kernels; func_id must equal the kernel's index",
  },
  {
    name: "two slots on one cell",
    mutate: m((x) => { x.slots.push({ ...x.slots[0], id: stableId("demo.gate2"), name: "gate2", qualified_name: "demo.gate2" }); }),
    pointer: "/slots/1/index",
    message: 'slot index 0 is also the index of /slots/0 ("gate"); give each slot its own cell',
  },
  {
    name: "stack underflow in a cycle cost",
    mutate: m((x) => { x.kernels[0].cycles.code = [["int", "1"], ["add"]]; }),
    pointer: "/kernels/0/cycles/code/1",
    message: '`add` needs 2 values on the stack, but it holds 1: the cycle cost of kernel "scale" is malformed',
  },
  {
    name: "program leaving two values",
    mutate: m((x) => { x.kernels[0].cycles.code = [["int", "1"], ["int", "2"]]; }),
    pointer: "/kernels/0/cycles/code",
    message: 'the cycle cost of kernel "scale" leaves 2 values on the stack, but a program must leave exactly 1',
  },
  {
    name: "cycle cost reading a variable the kernel does not have",
    mutate: m((x) => { x.kernels[0].cycles.code[1] = ["var", 3]; }),
    pointer: "/kernels/0/cycles/code/1/1",
    message: 'local variable 3 does not exist in the cycle cost of kernel "scale", which has 3 (0 to 2)',
  },
  {
    name: "cycle cost reading a tensor parameter",
    mutate: m((x) => { x.kernels[0].cycles.code[1] = ["var", 0]; }),
    pointer: "/kernels/0/cycles/code/1/1",
    message: 'local variable 0 of the cycle cost of kernel "scale" is tensor parameter "src"; a cost can read only scalar parameters',
  },
  {
    name: "absolute file in a source location",
    mutate: m((x) => { x.kernels[0].cycles.loc = "/home/me/demo.wsp:6:68"; }),
    pointer: "/kernels/0/cycles/loc",
    message: 'is not a source location "file:line:col" (the file relative, as in sources',
  },
  {
    name: "task attribute in a cycle cost",
    mutate: m((x) => { x.kernels[0].cycles.code[1] = ["task", "seq"]; }),
    pointer: "/kernels/0/cycles/code/1",
    message: "`task` attributes exist only in policies and schedule directive arguments",
  },
  {
    name: "constant beyond 64 bits",
    mutate: m((x) => { x.kernels[0].cycles.code[0] = ["int", "18446744073709551616"]; }),
    pointer: "/kernels/0/cycles/code/0/1",
    message: "constant 18446744073709551616 does not fit in 64 bits",
  },
  {
    name: "slot read in a tensor dimension (launch time)",
    mutate: m((x) => { x.tensors[1].dims[0].code = [["slot", 0]]; }),
    pointer: "/tensors/1/dims/0/code/0",
    message: 'dimension 0 of tensor "Y" is evaluated at launch, before slots have values',
  },
  {
    name: "undeclared symbol",
    mutate: m((x) => { x.tensors[1].dims[0].code = [["sym", 1]]; }),
    pointer: "/tensors/1/dims/0/code/0/1",
    message: "symbol 1 does not exist: manifest.symbols has 1 entry",
  },
  {
    name: "policy let outside the let range",
    mutate: m((x) => { x.policies[0].code = [["task", "seq"], ["let", 0], ["var", 0]]; }),
    pointer: "/policies/0/code/1/1",
    message: '`let 0` writes no let variable of policy "round_robin": it has no let variables',
  },
  {
    name: "policy let reading itself",
    mutate: m((x) => { x.policies[0].lets = [{ var: 1, code: [["var", 1]] }]; }),
    pointer: "/policies/0/lets/0/code/0/1",
    message: 'local variable 1 does not exist in let 0 of policy "round_robin", which has 1 (0 to 0)',
  },
  {
    name: "policy let numbered out of order",
    mutate: m((x) => { x.policies[0].lets = [{ var: 5, code: [["task", "seq"]] }]; }),
    pointer: "/policies/0/lets/0/var",
    message: 'let 0 of policy "round_robin" must be local variable 1 (lets are numbered after the 1 parameter), but it is 5',
  },
  {
    name: "policy reading past its parameters and lets",
    mutate: m((x) => { x.policies[0].code = [["task", "seq"], ["var", 1], ["rem"]]; }),
    pointer: "/policies/0/code/1/1",
    message: 'local variable 1 does not exist in policy "round_robin", which has 1 (0 to 0)',
  },
  // --- schedule ---------------------------------------------------------------------------------
  {
    name: "dangling policy id",
    mutate: m((x) => { x.schedule.dispatch.policy = stableId("demo.nowhere"); }),
    pointer: "/schedule/dispatch/policy",
    message: `policy ${stableId("demo.nowhere")} is not in manifest.policies`,
  },
  {
    name: "policy of the wrong kind",
    mutate: m((x) => { x.schedule.ready.policy = stableId("std.policies.round_robin"); x.schedule.ready.args = [[["int", "4"]]]; }),
    pointer: "/schedule/ready/policy",
    message: 'policy "round_robin" is a dispatch policy, but the ready directive needs a ready policy',
  },
  {
    name: "policy given the wrong number of arguments",
    mutate: m((x) => { x.schedule.dispatch.args = []; }),
    pointer: "/schedule/dispatch/args",
    message: 'policy "round_robin" takes 1 argument (n), but 0 are given',
  },
  // --- csp --------------------------------------------------------------------------------------
  {
    name: "dangling channel id",
    pipeline: true,
    mutate: m((x) => { x.csp.processes[0].sends = [stableId("demo.flow.gone")]; }),
    pointer: "/csp/processes/0/sends/0",
    message: `channel ${stableId("demo.flow.gone")} is not in csp.channels`,
  },
  {
    name: "csp on a workload",
    mutate: m((x) => {
      x.csp = { channels: [], processes: [{ id: stableId("demo.tiny.p"), name: "p", replicas: 1, sends: [], receives: [] }] };
    }),
    pointer: "/csp",
    message: "a workload has no channels or processes; csp must be null",
  },
  {
    name: "pipeline without csp",
    pipeline: true,
    mutate: m((x) => { x.csp = null; }),
    pointer: "/csp",
    message: 'pipeline "flow" needs csp',
  },
  // --- entry ------------------------------------------------------------------------------------
  {
    name: "entry type unknown",
    mutate: m((x) => { x.entry.type = "wsp-graph"; }),
    pointer: "/entry/type",
    message: 'entry type "wsp-graph" is not one this runtime reads ("wsp-plan" version 1)',
  },
  {
    name: "entry version unknown",
    mutate: m((x) => { x.entry.version = 2; }),
    pointer: "/entry/version",
    message: '"wsp-plan" version 2 is not one this runtime reads (version 1); upgrade wsp',
  },
  {
    name: "entry path not listed",
    mutate: m((x) => { x.entry.path = "main.json"; }),
    pointer: "/entry/path",
    message: 'entry path "main.json" is not listed in files',
  },
  // --- paths ------------------------------------------------------------------------------------
  {
    name: "absolute source path",
    mutate: m((x) => { x.sources[0].path = "/home/me/demo.wsp"; }),
    pointer: "/sources/0/path",
    message: 'absolute path "/home/me/demo.wsp" is not allowed',
  },
  {
    name: "absolute kernel source",
    mutate: m((x) => { x.kernels[0].source = "/opt/kernels/scale.cpp"; }),
    pointer: "/kernels/0/source",
    message: 'absolute path "/opt/kernels/scale.cpp" is not allowed',
  },
];

describe("bad manifests", () => {
  it.each(CASES)("$name", (c) => {
    const { result } = build(dir(), { pipeline: c.pipeline, mutate: c.mutate });
    expectProblem(result, c.pointer, c.message);
  });

  it("refuses ABI 2.0 with the exact message, before reading anything else", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.manifest.wsp_runtime_abi = "2.0";
        delete s.manifest.kernels; // a schema error that must not be reported
      },
    });
    expect(errorsOf(result)).toEqual([{ pointer: "/wsp_runtime_abi", message: "package ABI 2.0 is newer than this runtime's 1.x; upgrade wsp" }]);
  });

  it("accepts ABI 1.7 with unknown fields at every level (a newer minor)", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.manifest.wsp_runtime_abi = "1.7";
        s.manifest.telemetry = { hints: [1, 2, 3] };
        s.manifest.kernels[0].vector_width = 128;
        s.manifest.schedule.window.policy_hint = "adaptive";
        s.manifest.target.properties.l2_bytes = 4194304;
        s.plan.bodies[0].body[0].unroll = 2;
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("accepts a kernel source that climbs out of the source folder (recorded, never opened)", () => {
    const { result } = build(dir(), { mutate: m((x) => { x.kernels[0].source = "../kernels/aiv/scale.cpp"; }) });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("accepts a policy with lets (locals numbered after the parameters)", () => {
    const { result } = build(dir(), {
      mutate: m((x) => {
        // round_robin written as: let s = task.seq; return s % n
        x.policies[0].lets = [{ var: 1, code: [["task", "seq"]] }];
        x.policies[0].code = [["var", 1], ["var", 0], ["rem"]];
      }),
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("reports many problems at once but lists at most 100", () => {
    const { result } = build(dir(), {
      mutate: m((x) => {
        for (let i = 0; i < 150; i++) x.capabilities.push({ directive: "window", status: "maybe", reason: "" });
      }),
    });
    const errors = errorsOf(result);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toEqual({ pointer: "/capabilities/2/status", message: 'must be one of "enforced", "recorded", "diagnosed", "unsupported", but it is "maybe"' });
    expect(errors[100]).toEqual({ pointer: ".", message: "50 more problems not shown; fix the ones above first" });
  });
});
