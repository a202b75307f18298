import type { CallStmt, DispatchDirective, Ident, PipelineDecl, PolicyDecl } from "../../../grammar/ast.js";
import { EvalError, Program, type Code, type EvalEnv } from "../../../runtime/bytecode.js";
import type { ScalarType } from "../../../runtime/package/types.js";
import { narrow } from "../../../runtime/sim/values.js";
import { CAPABILITIES } from "../../capabilities.js";
import { exprValue, type DeclSymbol, type ModuleInfo, type Semantics } from "../../check/symbols.js";
import type { Backend } from "../../check/target-model.js";
import { makeDiagnostic, type Diagnostic, type Fix, type TextEdit } from "../../diagnostic.js";
import { compileExpr } from "../../package/bytecode.js";
import { codeEnv, type Numbering } from "../../package/plan.js";
import type { CheckResult } from "../../program.js";
import type { BuildUnit } from "../../units.js";
import { loweredBody, sharedMemo, unitNumbering } from "../shared.js";
import { enumerateTasks, enumerationKey, type Enumeration, type EnumerationBody, type TaskCount, type TaskGroup } from "./task-enumeration.js";

/**
 * The schedule's dispatch policy evaluated over the program's tasks, where their attributes are
 * static (task-enumeration.ts), with the runtime's own evaluation: arguments narrowed to the
 * parameter types, then `let`s, then the body, by runtime/bytecode.ts. Two verdicts:
 * - WSP1005: some task gets a scheduler index ≥ the target's `schedulers` (a run-time error);
 *   the fix sets the constant argument that bounds the result to the scheduler count, if that
 *   removes every such index (checked by evaluating again).
 * - WSP1004: with every task known, the policy uses fewer schedulers than round robin would;
 *   names the idle ones and offers `round_robin(schedulers)`.
 * At most BUDGET steps (loop iterations, tasks, `seq` values) per schedule; past that, a hint
 * (WSP1007) says the check stopped, unless what was seen already settles both verdicts. When the
 * number of tasks is unbounded, a policy of `seq` alone is tried on the first UNBOUNDED_SAMPLE
 * values only (no idle verdict is possible then anyway).
 * Only for explicit `dispatch` directives on targets that enforce dispatch.
 */
export const BUDGET = 5000;
/** `seq` values tried when the task count is unbounded (only an out-of-range index can be found then). */
const UNBOUNDED_SAMPLE = 64;

export interface LintUnit extends BuildUnit {
  readonly backend: Backend;
}

export function lintDispatch(result: CheckResult, unit: LintUnit): Diagnostic[] {
  const d = unit.schedule?.directives.find((x): x is DispatchDirective => x.kind === "Dispatch");
  const sem = result.semantics;
  const schedulers = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl)?.properties.get("schedulers") : undefined;
  const policy = d ? sem.references.get(d.policy.name) : undefined;
  if (!d || typeof schedulers !== "bigint" || policy?.kind !== "global" || policy.symbol.decl.kind !== "Policy") return [];
  if (CAPABILITIES[unit.backend].dispatch.status !== "enforced") return [];
  const file = unit.scheduleFile ?? unit.subject.module.file;
  const ctx: Ctx = { sem, unit, d, file, schedulers, module: result.modules.get(file) };
  const numbering = unitNumbering(result, unit);
  const model = policyModel(result, d, policy.symbol, numbering);
  const others = [...model.reads].filter((n) => n !== "seq");
  if (model.reads.has("seq") && others.length > 0 && unit.subject.decl.kind === "Pipeline") return []; // seq order is the simulation's
  const seqOnly = model.reads.has("seq") && others.length === 0;
  const S = schedulers;
  const bodyList = bodies(result, unit);
  // Units whose bodies enumerate alike share the outcomes, their calls mapped by position.
  const { key, calls } = enumerationKey(sem, numbering.axisList, bodyList);
  let enumeration: Enumeration | undefined;
  const compute = (override?: Override): Outcome => {
    enumeration ??= enumerateTasks({
      sem,
      axes: numbering.axisList,
      bodies: bodyList,
      needs: seqOnly ? new Set() : model.reads,
      perTask: model.reads.has("seq") && !seqOnly,
      budget: BUDGET,
    });
    return seqOnly ? seqOutcome(model, enumeration, S, override) : groupOutcome(model, enumeration, S, override);
  };
  const outcome = (override?: Override): Outcome => {
    const k = `${key}#${S}#${override ? `${override.index}=${override.value}` : ""}`;
    const known = model.outcomes.get(k);
    if (known) return concrete(known, calls);
    const o = compute(override);
    model.outcomes.set(k, abstract(o, calls));
    return o;
  };
  return verdicts(ctx, model, outcome);
}

interface Ctx {
  readonly sem: Semantics;
  readonly unit: LintUnit;
  readonly d: DispatchDirective;
  readonly file: string;
  readonly schedulers: bigint;
  readonly module: ModuleInfo | undefined;
}

function verdicts(ctx: Ctx, model: PolicyModel, outcome: (o?: Override) => Outcome): Diagnostic[] {
  const { d, file, schedulers: S } = ctx;
  const o = outcome();
  const ref = text(ctx, d.policy);
  const target = ctx.unit.target.name;
  if (o.over) {
    const fix = boundingArgument(ctx, model, outcome);
    const who = o.over.call ? `${o.over.certain && o.over.seq !== undefined ? `task ${o.over.seq} (\`${o.over.call.callee.text}\`)` : `tasks of \`${o.over.call.callee.text}\``}` : `task ${o.over.seq}`;
    const verb = o.over.certain ? "sends" : "can send";
    const message = `\`${ref}\` ${verb} ${who} to scheduler ${o.over.value}, but ${target} has ${S} scheduler${S === 1n ? "" : "s"} (0 … ${S - 1n}): a dispatch index ≥ ${S} stops the run with an error${fix ? `; use ${S}` : ""}`;
    return [makeDiagnostic("WSP1005", file, fix?.at ?? d.policy, message, { fixes: fix ? [fix.fix] : [] })];
  }
  if (o.complete) {
    const spread = o.tasks.min < S ? o.tasks.min : S;
    if (BigInt(o.used.size) >= spread) return [];
    const used = [...o.used.keys()].sort((a, b) => (a < b ? -1 : 1));
    const idleCount = S - BigInt(used.length);
    const fix = roundRobinFix(ctx);
    const message = `\`${ref}\` places this program's ${count(o.tasks)} on ${used.length === 0 ? "no scheduler" : `scheduler${used.length === 1 ? "" : "s"} ${list(used, BigInt(used.length))}`} only: ${idleCount === 1n ? "scheduler" : "schedulers"} ${list(idle(o.used, S), idleCount)} of ${target} ${idleCount === 1n ? "gets" : "get"} no task; \`round_robin(${S})\` would spread them over ${spread}`;
    return [makeDiagnostic("WSP1004", file, d.policy, message, { fixes: fix ? [fix] : [] })];
  }
  if (o.capped && BigInt(o.used.size) < S) {
    return [makeDiagnostic("WSP1007", file, d.policy,
      `the dispatch check of \`${ref}\` stopped after ${BUDGET} steps (tasks, loop iterations or attribute values): whether it leaves schedulers idle or exceeds ${target}'s ${S} schedulers is not known`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// The policy as the runtime evaluates it

interface PolicyModel {
  readonly params: readonly { readonly type: ScalarType }[];
  readonly args: readonly Program[];
  readonly lets: readonly { readonly var: number; readonly program: Program }[];
  readonly body: Program;
  /** Task attributes the arguments and the body read. */
  readonly reads: ReadonlySet<string>;
  /** Whether it reads a slot, a symbol or `replica` outside a task attribute: never static here. */
  readonly readsLaunchValues: boolean;
  /** Parameters whose argument is a compile-time constant (the candidates for a fix). */
  readonly constantArgs: readonly number[];
  /** For a policy of `task.seq` alone: its values from seq 0 on, by override. */
  readonly seqValues: Map<string, (bigint | undefined)[]>;
  /** Outcomes by enumeration key, scheduler count and override, calls by position (`abstract`). */
  readonly outcomes: Map<string, AbstractOutcome>;
  /** Their scans (`seqScan`), by override, limit and scheduler count. */
  readonly seqScans: Map<string, SeqScan>;
  /** `reads` in a fixed order: the key path of `memo`. */
  readonly readList: readonly string[];
  /** Values already computed, by override then by the read attributes' values in `readList` order
   *  (nested maps: no key is built per task). Shared by every unit that calls the policy alike. */
  readonly memo: Map<string, ValueMemo>;
}

/** Nested by attribute value; the innermost level holds the result (null: cannot be evaluated). */
type ValueMemo = Map<bigint, ValueMemo | bigint | null>;

/**
 * The policy as a directive calls it. The body and `let`s are compiled once per policy and
 * program; the model, with its values and outcomes, once per compiled policy and arguments (units
 * that call a policy alike share it: `hash(task.seq, 4)` in every schedule is evaluated once, and
 * so are policies declared alike under different names).
 */
function policyModel(result: CheckResult, d: DispatchDirective, policy: DeclSymbol, numbering: Numbering): PolicyModel {
  const sem = result.semantics;
  const decl = policy.decl as PolicyDecl;
  const map = sem.argumentMaps.get(d.policy.args) ?? [];
  const argExprs = decl.params.map((_, i) => d.policy.args[map[i]!]!.value);
  const argCodes = argExprs.map((e) => compileExpr(e, codeEnv(sem, numbering, () => undefined)));
  const constantArgs = argExprs.flatMap((e, i) => (typeof exprValue(sem, e) === "bigint" ? [i] : []));
  const models = sharedMemo<string, PolicyModel>(result, "dispatch-policy");
  const body = policyBody(result, decl, numbering);
  const key = `${body.id}#${JSON.stringify(argCodes)}#${constantArgs.join(",")}`;
  let m = models.get(key);
  if (!m) {
    const reads = new Set(body.reads);
    let readsLaunchValues = body.readsLaunchValues;
    for (const code of argCodes) {
      for (const ins of code) {
        if (ins[0] === "task") reads.add(ins[1] as string);
        if (ins[0] === "slot" || ins[0] === "sym" || ins[0] === "replica") readsLaunchValues = true;
      }
    }
    m = {
      params: decl.params.map((p) => ({ type: p.type.name as ScalarType })),
      args: argCodes.map((c) => Program.prepare(c)),
      // Prepared here, once per shape: policies compiled alike share these programs.
      lets: body.lets.map((l) => ({ var: l.var, program: Program.prepare(l.code) })),
      body: Program.prepare(body.body),
      reads,
      readsLaunchValues,
      constantArgs,
      seqValues: new Map(),
      seqScans: new Map(),
      outcomes: new Map(),
      readList: [...reads],
      memo: new Map(),
    };
    models.set(key, m);
  }
  return m;
}

interface PolicyBody {
  /** Tells policies apart in memo keys. */
  readonly id: number;
  readonly lets: readonly { readonly var: number; readonly code: Code }[];
  readonly body: Code;
  readonly reads: ReadonlySet<string>;
  readonly readsLaunchValues: boolean;
}

function policyBody(result: CheckResult, decl: PolicyDecl, numbering: Numbering): PolicyBody {
  const bodies = sharedMemo<PolicyDecl, PolicyBody>(result, "dispatch-policy-body");
  let b = bodies.get(decl);
  if (b) return b;
  const vars = new Map<Ident, number>(decl.params.map((p, i) => [p.name, i]));
  decl.lets.forEach((l, i) => vars.set(l.name, decl.params.length + i));
  const env = codeEnv(result.semantics, numbering, (l) => vars.get(l.ident));
  const letCodes = decl.lets.map((l) => compileExpr(l.value, env));
  const bodyCode = compileExpr(decl.result, env);
  const reads = new Set<string>();
  let readsLaunchValues = false;
  for (const code of [...letCodes, bodyCode]) {
    for (const ins of code) {
      if (ins[0] === "task") reads.add(ins[1] as string);
      if (ins[0] === "slot" || ins[0] === "sym" || ins[0] === "replica") readsLaunchValues = true;
    }
  }
  // Told apart by what they compile to: policies declared alike (say one per workload) share one
  // model, and with it the values already computed.
  const ids = sharedMemo<string, number>(result, "dispatch-policy-code");
  const shape = JSON.stringify([decl.params.map((p) => p.type.name), letCodes, bodyCode]);
  let id = ids.get(shape);
  if (id === undefined) {
    id = ids.size;
    ids.set(shape, id);
  }
  b = {
    id,
    lets: letCodes.map((c, i) => ({ var: decl.params.length + i, code: c })),
    body: bodyCode,
    reads,
    readsLaunchValues,
  };
  bodies.set(decl, b);
  return b;
}

/** A constant argument replaced, to try a fix. */
interface Override {
  readonly index: number;
  readonly value: bigint;
}

/**
 * The policy's value at a seq for a policy of `task.seq` alone (undefined where it cannot be
 * evaluated): a function of the model and the override only, so each is computed once, in order,
 * and only as far as some scan reads.
 */
function seqValue(m: PolicyModel, seq: number, override?: Override): bigint | undefined {
  const key = override ? `${override.index}=${override.value}` : "";
  let values = m.seqValues.get(key);
  if (!values) {
    values = [];
    m.seqValues.set(key, values);
  }
  for (let next = values.length; next <= seq; next++) {
    const s = BigInt(next);
    values.push(evaluate(m, (n) => (n === "seq" ? s : undefined), override));
  }
  return values[seq];
}

/** The runtime's evaluation (runtime/sim/policies.ts, `reference`); undefined when it reads something not static. */
function evaluate(m: PolicyModel, task: (name: string) => bigint | undefined, override?: Override): bigint | undefined {
  // Checked first: a thrown EvalError (with its stack trace) costs far more than the run.
  if (m.readsLaunchValues) return undefined;
  for (const name of m.reads) if (task(name) === undefined) return undefined;
  const base: EvalEnv = { task };
  const vars: bigint[] = [];
  try {
    m.params.forEach((p, i) => {
      vars[i] = narrow(override?.index === i ? override.value : m.args[i]!.run(base), p.type);
    });
    const env: EvalEnv = { task, vars };
    for (const l of m.lets) vars[l.var] = l.program.run(env);
    return m.body.run(env);
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// What the policy does with the enumerated tasks

interface Outcome {
  /** Schedulers (< S) that some task gets, with the first such call. */
  readonly used: Map<bigint, CallStmt | undefined>;
  /** Every task that can exist was placed: no scheduler outside `used` gets one. */
  readonly complete: boolean;
  readonly tasks: TaskCount;
  readonly over: { readonly value: bigint; readonly call: CallStmt | undefined; readonly certain: boolean; readonly seq: bigint | undefined } | undefined;
  /** The budget ran out before every task was seen. */
  readonly capped: boolean;
}

/** An outcome with each call replaced by its position in the walk order (`enumerationKey`; −1: none). */
interface AbstractOutcome {
  readonly used: readonly (readonly [bigint, number])[];
  readonly complete: boolean;
  readonly tasks: TaskCount;
  readonly over: { readonly value: bigint; readonly call: number; readonly certain: boolean; readonly seq: bigint | undefined } | undefined;
  readonly capped: boolean;
}

function abstract(o: Outcome, calls: readonly CallStmt[]): AbstractOutcome {
  const at = (c: CallStmt | undefined): number => (c ? calls.indexOf(c) : -1);
  return {
    used: [...o.used].map(([r, c]) => [r, at(c)] as const),
    complete: o.complete,
    tasks: o.tasks,
    over: o.over && { ...o.over, call: at(o.over.call) },
    capped: o.capped,
  };
}

function concrete(a: AbstractOutcome, calls: readonly CallStmt[]): Outcome {
  const call = (i: number): CallStmt | undefined => (i >= 0 ? calls[i] : undefined);
  return {
    used: new Map(a.used.map(([r, i]) => [r, call(i)])),
    complete: a.complete,
    tasks: a.tasks,
    over: a.over && { ...a.over, call: call(a.over.call) },
    capped: a.capped,
  };
}

function groupOutcome(m: PolicyModel, e: Enumeration, S: bigint, override?: Override): Outcome {
  const used = new Map<bigint, CallStmt | undefined>();
  let complete = !e.capped && e.tasks.max !== undefined;
  let over: Outcome["over"];
  // Groups in a row with the same attributes (the calls of one loop iteration) get the same result.
  let lastAttrs: TaskGroup["attrs"] | undefined;
  let lastSeq: bigint | undefined;
  for (const g of e.groups) {
    if (g.count === 0n) continue;
    // Alike to the last group: its result was counted already (the first call keeps the credit).
    if (lastAttrs === g.attrs && lastSeq === g.seq) continue;
    const r = groupValue(m, g, override);
    lastAttrs = g.attrs;
    lastSeq = g.seq;
    if (r === undefined) {
      complete = false;
      continue;
    }
    if (r >= S) over ??= { value: r, call: g.call, certain: g.certain, seq: g.count === 1n ? g.seq : undefined };
    else if (!used.has(r)) used.set(r, g.call);
  }
  return { used, complete, tasks: e.tasks, over, capped: e.capped };
}

/** The policy's value for a group's tasks, computed once per model, override and attribute values. */
function groupValue(m: PolicyModel, g: TaskGroup, override?: Override): bigint | undefined {
  if (m.readsLaunchValues) return undefined;
  const okey = override ? `${override.index}=${override.value}` : "";
  let level = m.memo.get(okey);
  if (!level) {
    level = new Map();
    m.memo.set(okey, level);
  }
  const list = m.readList;
  // A policy that reads no attribute has one value: kept under the key 0 of the top level.
  let key = 0n;
  for (let i = 0; i < list.length; i++) {
    const n = list[i]!;
    const v = n === "seq" ? g.seq : g.attrs.get(n);
    if (v === undefined) return undefined;
    if (i === list.length - 1) {
      key = v;
      break;
    }
    let next = level.get(v) as ValueMemo | undefined;
    if (!next) {
      next = new Map();
      level.set(v, next);
    }
    level = next;
  }
  const known = level.get(key) as bigint | null | undefined;
  if (known !== undefined) return known ?? undefined;
  const r = evaluate(m, (n) => (n === "seq" ? g.seq : g.attrs.get(n)), override);
  level.set(key, r ?? null);
  return r;
}

/** A policy of `task.seq` alone: its values over seq = 0 … T−1 (T at most the task count). */
function seqOutcome(m: PolicyModel, e: Enumeration, S: bigint, override?: Override): Outcome {
  const max = e.tasks.max;
  // Unbounded (a loop of launch-time size, a `consume`): only `over` can be found, so a sample.
  const limit = max === undefined ? BigInt(UNBOUNDED_SAMPLE) : max < BigInt(BUDGET) ? max : BigInt(BUDGET);
  const callAt = seqCalls(e);
  const scan = seqScan(m, Number(limit), S, override);
  const used = new Map<bigint, CallStmt | undefined>();
  for (const [r, seq] of scan.firsts) used.set(r, callAt(BigInt(seq)));
  let over: Outcome["over"];
  if (scan.over) {
    const seq = BigInt(scan.over.seq);
    over = { value: scan.over.value, call: callAt(seq), certain: seq < e.tasks.min, seq };
  }
  const capped = e.capped || (max !== undefined && max > limit);
  return { used, complete: !capped && scan.placed && max !== undefined, tasks: e.tasks, over, capped };
}

/** What seq = 0 … limit−1 do under S schedulers: each index's first seq, in order, until an undefined value or one ≥ S. */
interface SeqScan {
  readonly firsts: readonly (readonly [bigint, number])[];
  readonly over: { readonly value: bigint; readonly seq: number } | undefined;
  readonly placed: boolean;
}

/** `SeqScan`, a function of the model, the override, the limit and S only: computed once for the units that share them. */
function seqScan(m: PolicyModel, limit: number, S: bigint, override?: Override): SeqScan {
  const key = `${override ? `${override.index}=${override.value}` : ""}|${limit}|${S}`;
  let scan = m.seqScans.get(key);
  if (scan) return scan;
  const firsts: [bigint, number][] = [];
  const seen = new Set<bigint>();
  let over: SeqScan["over"];
  let placed = true;
  for (let seq = 0; seq < limit; seq++) {
    const r = seqValue(m, seq, override);
    if (r === undefined) {
      placed = false;
      break;
    }
    if (r >= S) {
      over = { value: r, seq };
      break;
    }
    if (!seen.has(r)) {
      seen.add(r);
      firsts.push([r, seq]);
    }
  }
  scan = { firsts, over, placed };
  m.seqScans.set(key, scan);
  return scan;
}

/** The call of the task with a given seq, when submission order is known (a single orchestrator, counts known). */
function seqCalls(e: Enumeration): (seq: bigint) => CallStmt | undefined {
  return (seq) => {
    let at = 0n;
    for (const g of e.groups) {
      if (!g.certain || g.count === undefined) return undefined;
      if (seq < at + g.count) return g.call;
      at += g.count;
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// Fixes

/** The first constant argument that, set to the scheduler count, leaves no index out of range. */
function boundingArgument(ctx: Ctx, m: PolicyModel, outcome: (o?: Override) => Outcome): { at: { start: number; end: number }; fix: Fix } | undefined {
  const map = ctx.sem.argumentMaps.get(ctx.d.policy.args) ?? [];
  for (const i of m.constantArgs) {
    const attempt = outcome({ index: i, value: ctx.schedulers });
    if (attempt.over) continue;
    const arg = ctx.d.policy.args[map[i]!]!.value;
    return {
      at: arg,
      fix: { message: `use ${ctx.schedulers}, ${ctx.unit.target.name}'s scheduler count`, edits: [{ file: ctx.file, start: arg.start, end: arg.end, newText: String(ctx.schedulers) }] },
    };
  }
  return undefined;
}

/** `round_robin(S)` in place of the policy, importing it from std.policies when needed. */
function roundRobinFix(ctx: Ctx): Fix | undefined {
  const m = ctx.module;
  if (!m) return undefined;
  const found = m.decls.get("round_robin") ?? m.imports.get("round_robin")?.target ?? m.prelude.get("round_robin");
  if (found && found.qualifiedName !== "std.policies.round_robin") return undefined;
  const edits: TextEdit[] = [{ file: ctx.file, start: ctx.d.policy.start, end: ctx.d.policy.end, newText: `round_robin(${ctx.schedulers})` }];
  if (!found) edits.unshift(importRoundRobin(m));
  return { message: `dispatch round_robin(${ctx.schedulers})`, edits };
}

function importRoundRobin(m: ModuleInfo): TextEdit {
  const ast = m.source.ast;
  const policies = ast.uses.find((u) => u.braced && u.module.parts.map((p) => p.text).join(".") === "std.policies");
  if (policies) {
    const last = policies.items[policies.items.length - 1]!;
    return { file: m.file, start: last.end, end: last.end, newText: ", round_robin" };
  }
  const after = ast.uses[ast.uses.length - 1] ?? ast.module;
  if (after) return { file: m.file, start: after.end, end: after.end, newText: "\nuse std.policies.{round_robin}" };
  return { file: m.file, start: 0, end: 0, newText: "use std.policies.{round_robin}\n" };
}

// ---------------------------------------------------------------------------------------------

/** The unit's bodies, lowered once per program (the deadlock analysis reads the same lowering). */
function bodies(result: CheckResult, unit: BuildUnit): EnumerationBody[] {
  const subject = unit.subject.decl;
  if (subject.kind === "Workload") {
    const l = loweredBody(result, unit, subject.body);
    return [{ plan: l.body, ast: subject.body, vars: l.vars, replicas: 1n }];
  }
  return (subject as PipelineDecl).members.flatMap((p) => {
    if (p.kind !== "Process") return [];
    const l = loweredBody(result, unit, p.body);
    const n = p.replicate ? exprValue(result.semantics, p.replicate) : 1n;
    return [{ plan: l.body, ast: p.body, vars: l.vars, replicas: typeof n === "bigint" ? n : 1n }];
  });
}

function text(ctx: Ctx, span: { start: number; end: number }): string {
  return (ctx.module?.source.text.slice(span.start, span.end) ?? "").replace(/\s+/g, " ");
}

/** "8 tasks", "8 to 24 tasks". */
function count(t: TaskCount): string {
  return t.min === t.max ? `${t.min} task${t.min === 1n ? "" : "s"}` : `${t.min} to ${t.max} tasks`;
}

/** The first few schedulers below S that get no task. */
function idle(used: ReadonlyMap<bigint, unknown>, S: bigint): bigint[] {
  const out: bigint[] = [];
  for (let k = 0n; k < S && out.length < SHOWN; k++) if (!used.has(k)) out.push(k);
  return out;
}

const SHOWN = 8;

/** "0", "0 and 1", "0, 1 and 2", "0, 1, … (12 in all)". */
function list(xs: readonly bigint[], count: bigint): string {
  if (BigInt(xs.length) < count || xs.length > SHOWN) return `${xs.slice(0, SHOWN).join(", ")}, … (${count} in all)`;
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}
