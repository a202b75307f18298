/**
 * The untimed abstract model of one unit (a workload or pipeline under one schedule): per
 * orchestrator a flat program of the statements that matter to deadlocks (loops with their trip
 * counts, `when`, task submissions, scopes, channel operations, `load`, end), and the global
 * parameters (channel capacities, window size, who sends, receives and closes what).
 *
 * The bodies are lowered with the package builder's own `lowerBody` (compiler/package/plan.ts),
 * so variables are numbered and expressions compiled exactly as the runtime receives them, and
 * evaluated with the runtime's bytecode evaluator (runtime/bytecode.ts): one rule, one place.
 * The AST is walked alongside the plan (each statement lowers to exactly one plan statement) for
 * source ranges. Time is left out on purpose: whether a unit can deadlock does not depend on
 * cycles, only on the order of blocking operations (docs/deadlocks.md).
 */
import type { Block, LoopBinding, PipelineDecl, ProcessDecl, Stmt } from "../../../grammar/ast.js";
import { Program } from "../../../runtime/bytecode.js";
import { CAPABILITIES } from "../../capabilities.js";
import { exprValue, type DeclSymbol, type Semantics } from "../../check/symbols.js";
import type { Code } from "../../package/bytecode.js";
import type { PlanStmt } from "../../package/plan.js";
import type { CheckResult } from "../../program.js";
import type { AnalysisUnit } from "../index.js";
import { loweredBody, unitNumbering } from "../shared.js";
import { scopeCapacity, scopeCapacityText } from "../../../runtime/package/scope-rule.js";

export const enum Op { LoopInit, LoopNext, When, Call, ScopeBegin, ScopeEnd, Send, Recv, Consume, Close, Load, Jump, End }

/** A trip count: known, or unknown at compile time (data, or a symbol without a value). */
export type Count = { readonly n: number } | { readonly unknown: string; readonly symbol?: number };

/** An expression the model evaluates: its program and what it reads. */
export interface Expr {
  readonly program: Program;
  readonly vars: readonly number[];
  readonly symbols: readonly number[];
  /** Reads a slot (device data): never known at compile time. */
  readonly data: boolean;
  readonly code: Code;
}

export interface Ins {
  readonly op: Op;
  /** The statement this instruction comes from (null: the end of a body). */
  readonly stmt: Stmt | null;
  /** LoopInit/LoopNext: the loop's index among the body's loops. */
  readonly loop: number;
  /** Variable bound (loop, select or token), or −1; only set when its value matters. */
  readonly var: number;
  readonly count: Count | null;
  /** LoopInit, Consume: exit; LoopNext: body start; Jump: target; When: the else branch. */
  target: number;
  readonly conds: readonly Expr[];
  readonly targets: number[];
  readonly ch: number;
  /** Send: the token, when a receiver's behaviour depends on it; else null. */
  readonly value: Expr | null;
  /** Loop binding of a LoopInit/LoopNext (for the scope split fix). */
  readonly binding: LoopBinding | null;
}

export interface Body {
  readonly name: string;
  readonly code: readonly Ins[];
  readonly loops: number;
  readonly vars: number;
  /** Most tasks one outermost scope of this body can hold (Infinity when unbounded or unknown). */
  readonly maxHeld: number;
  readonly hasCalls: boolean;
}

export interface Orchestrator {
  readonly body: number;
  readonly replica: number;
  /** As the runtime names it: `workload w`, `process p`, `process p[1]`. */
  readonly who: string;
  /** Channels whose implicit close waits for this orchestrator's end (the manifest's `sends`). */
  readonly sendsTo: readonly number[];
}

export interface ChannelInfo {
  readonly name: string;
  readonly capacity: number;
  /** Orchestrators that send on it, receive from it, or close it explicitly. */
  readonly senders: readonly number[];
  readonly receivers: readonly number[];
  readonly closers: readonly number[];
  /** Orchestrators counted by the implicit close (all replicas). */
  readonly liveSenders: number;
  /** Whether some receiver's behaviour depends on the token values. */
  readonly relevant: boolean;
}

export interface Model {
  readonly subject: string;
  readonly bodies: readonly Body[];
  readonly orchs: readonly Orchestrator[];
  readonly channels: readonly ChannelInfo[];
  /** Infinity when the target does not enforce a window. */
  readonly window: number;
  /** The most tasks one scope may hold (runtime/package/scope-rule.ts); Infinity without a window. */
  readonly scopeCapacity: number;
  /** The rule in words, for messages. */
  readonly scopeCapacityText: string;
  /** The target's back end, which the scope rule depends on. */
  readonly backend: string;
  readonly scopesEnforced: boolean;
  /** Symbols by the numbering the expressions use. */
  readonly symbols: readonly DeclSymbol[];
  /** Values given to symbols (a search over one symbol); others are unknown. */
  readonly symbolValues: ReadonlyMap<number, bigint>;
  /** The source file of the subject (every statement's file). */
  readonly file: string;
}

/** Program changes tried by the fixes, applied while lowering. */
export interface Rewrites {
  /** A block's statements in another order (indices into the original list). */
  readonly order?: ReadonlyMap<Block, readonly number[]>;
  /** A `scope` whose single loop statement gets the scope moved inside its first `level` bindings. */
  readonly split?: ReadonlyMap<Stmt, number>;
  readonly capacities?: ReadonlyMap<number, number>;
  readonly window?: number;
}

export function buildModel(result: CheckResult, unit: AnalysisUnit, symbolValues: ReadonlyMap<number, bigint> = new Map(), rewrites: Rewrites = {}): Model {
  const sem = result.semantics;
  const numbering = unitNumbering(result, unit);
  const file = unit.subject.module.file;
  const subject = unit.subject.decl;
  const processes: { name: string; block: Block; decl: ProcessDecl | null }[] = subject.kind === "Workload"
    ? [{ name: subject.name.text, block: subject.body, decl: null }]
    : (subject as PipelineDecl).members.flatMap((m) => (m.kind === "Process" ? [{ name: m.name.text, block: m.body, decl: m }] : []));
  const plans = processes.map((p) => loweredBody(result, unit, p.block));
  const channelDecls = subject.kind === "Pipeline" ? subject.members.flatMap((m) => (m.kind === "Channel" ? [m] : [])) : [];
  const relevance = tokenRelevance(plans.map((p) => p.body), channelDecls.length);
  const ctx: LowerCtx = { sem, symbols: numbering.symbolList, symbolValues, rewrites, relevance };
  const bodies = processes.map((p, i) => flatten(p.name, plans[i]!.body, p.block, plans[i]!.vars, i, ctx));

  const orchs: Orchestrator[] = [];
  /** Per body, its orchestrators (one per replica). */
  const parties: number[][] = processes.map((p, i) => {
    const replicas = p.decl?.replicate ? Number(exprValue(sem, p.decl.replicate) ?? 1n) : 1;
    const own: number[] = [];
    for (let r = 0; r < replicas; r++) {
      const who = p.decl ? (replicas > 1 ? `process ${p.name}[${r}]` : `process ${p.name}`) : `workload ${p.name}`;
      own.push(orchs.length);
      orchs.push({ body: i, replica: r, who, sendsTo: [] });
    }
    return own;
  });
  const channels: ChannelInfo[] = channelDecls.map((c, ci) => {
    const uses = processes.map((_, b) => channelUse(bodies[b]!.code, ci));
    const pick = (f: (u: ReturnType<typeof channelUse>) => boolean) => uses.flatMap((u, b) => (f(u) ? parties[b]! : []));
    // As the package builder lists them: senders send, or close without receiving.
    const implicit = pick((u) => u.sends || (u.closes && !u.receives));
    for (const o of implicit) (orchs[o]!.sendsTo as number[]).push(ci);
    const depth = c.depth ? Number(exprValue(sem, c.depth) ?? 1n) : 1;
    return {
      name: c.name.text,
      capacity: rewrites.capacities?.get(ci) ?? depth,
      senders: pick((u) => u.sends),
      receivers: pick((u) => u.receives),
      closers: pick((u) => u.closes),
      liveSenders: implicit.length,
      relevant: relevance.channels[ci]!,
    };
  });
  const caps = CAPABILITIES[unit.backend];
  const window = rewrites.window ?? (caps.window.status === "enforced" ? scheduleWindow(result, unit) : Infinity);
  return {
    subject: unit.subject.name,
    bodies,
    orchs,
    channels,
    window,
    scopeCapacity: window === Infinity ? Infinity : scopeCapacity(unit.backend, window),
    scopeCapacityText: scopeCapacityText(unit.backend),
    backend: unit.backend,
    scopesEnforced: caps.scopes.status === "enforced",
    symbols: numbering.symbolList,
    symbolValues,
    file,
  };
}

/**
 * Everything of a model the search (machine.ts, search.ts) reads, as a string: two models with
 * the same shape have the same executions. Names, statements and bindings are left out (only
 * messages and fixes read them, from the unit's own model).
 */
export function modelShape(model: Model): string {
  const expr = (e: Expr | null) => (e ? JSON.stringify(e.code) : "-");
  const count = (c: Count | null) => (c === null ? "-" : "n" in c ? String(c.n) : `?${c.symbol ?? ""}`);
  const bodies = model.bodies.map((b) => {
    const code = b.code.map((x) => `${x.op} ${x.loop} ${x.var} ${count(x.count)} ${x.target} ${x.conds.map(expr).join("&")} ${x.targets.join(",")} ${x.ch} ${expr(x.value)}`);
    return `${b.loops} ${b.vars} ${b.maxHeld} ${b.hasCalls}:${code.join(";")}`;
  });
  const orchs = model.orchs.map((o) => `${o.body} ${o.replica} ${o.sendsTo.join(",")}`);
  const channels = model.channels.map((c) => `${c.capacity} ${c.senders.join(",")} ${c.receivers.join(",")} ${c.closers.join(",")} ${c.liveSenders} ${c.relevant}`);
  const values = [...model.symbolValues].map(([k, v]) => `${k}=${v}`);
  return `${model.window} ${model.scopeCapacity} ${model.scopesEnforced}|${values.join(",")}|${bodies.join("/")}|${orchs.join("/")}|${channels.join("/")}`;
}

/** The outermost `scope` around the instruction at `pc` of a body (undefined outside any). */
export function enclosingScope(model: Model, body: number, pc: number): Stmt | undefined {
  const code = model.bodies[body]!.code;
  const open: Stmt[] = [];
  for (let i = 0; i < pc; i++) {
    const x = code[i]!;
    if (x.op === Op.ScopeBegin && x.stmt) open.push(x.stmt);
    else if (x.op === Op.ScopeEnd) open.pop();
  }
  return open[0];
}

/** The model under another window; the scope capacity follows it. */
export function withWindow(model: Model, window: number): Model {
  return { ...model, window, scopeCapacity: Number.isFinite(window) ? scopeCapacity(model.backend, window) : Infinity };
}

/** The unit's window: its schedule's, else the target's `max_window`, else the default 16384. */
export function scheduleWindow(result: CheckResult, unit: AnalysisUnit): number {
  const sem = result.semantics;
  const w = unit.schedule?.directives.find((d) => d.kind === "Window");
  const size = w && w.kind === "Window" ? exprValue(sem, w.size) : undefined;
  if (typeof size === "bigint") return Number(size);
  const target = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl) : undefined;
  const max = target?.properties.get("max_window");
  return typeof max === "bigint" ? Number(max) : 16384;
}

// ---------------------------------------------------------------------------------------------

function channelUse(code: readonly Ins[], ch: number): { sends: boolean; receives: boolean; closes: boolean } {
  let sends = false, receives = false, closes = false;
  for (const ins of code) {
    if (ins.ch !== ch) continue;
    if (ins.op === Op.Send) sends = true;
    else if (ins.op === Op.Recv || ins.op === Op.Consume) receives = true;
    else if (ins.op === Op.Close) closes = true;
  }
  return { sends, receives, closes };
}

// ---- token relevance -------------------------------------------------------------------------

interface Relevance {
  /** Variables (by body) whose values the model needs. */
  readonly vars: Set<number>[];
  /** Channels whose token values some receiver needs. */
  readonly channels: boolean[];
}

function readsOf(code: Code): number[] {
  return code.flatMap((i) => (i[0] === "var" ? [i[1] as number] : []));
}

/**
 * Which values matter: variables read by `when` conditions (of branches with different effects),
 * tokens bound to such variables, and — transitively — the send values that become them. Every
 * other value (kernel arguments, indices) is left out, so a pipeline that only passes tile
 * indices along runs without evaluating a single expression.
 */
function tokenRelevance(bodies: readonly PlanStmt[][], channels: number): Relevance {
  const vars = bodies.map(() => new Set<number>());
  const chans = new Array<boolean>(channels).fill(false);
  for (let changed = true; changed;) {
    changed = false;
    bodies.forEach((body, b) => walkPlan(body, (s) => {
      const need = (code: Code) => { for (const v of readsOf(code)) if (!vars[b]!.has(v)) { vars[b]!.add(v); changed = true; } };
      if (s.op === "when" && !sameEffects(s)) for (const br of s.branches) need(br.cond);
      if ((s.op === "recv" || s.op === "consume") && vars[b]!.has(s.var) && !chans[s.channel]) { chans[s.channel] = true; changed = true; }
      if (s.op === "send" && chans[s.channel]) need(s.value);
    }));
  }
  return { vars, channels: chans };
}

function walkPlan(stmts: readonly PlanStmt[], f: (s: PlanStmt) => void): void {
  for (const s of stmts) {
    f(s);
    if (s.op === "when") {
      for (const b of s.branches) walkPlan(b.body, f);
      if (s.else) walkPlan(s.else, f);
    } else if ("body" in s) {
      walkPlan(s.body, f);
    }
  }
}

/** What a statement list does to tasks, scopes and channels (kernel, arguments and slots aside). */
function effects(stmts: readonly PlanStmt[]): string {
  return stmts.map((s): string => {
    switch (s.op) {
      // The axes themselves: loops over axes of different sizes send and submit different counts.
      case "parallel": case "for": return `L(${s.axes.join(",")}|${JSON.stringify(s.rows)}|${s.vars.join(",")}){${effects(s.body)}}`;
      case "select": return `S(${s.axis}|${s.var}){${effects(s.body)}}`;
      case "when": return `W(${s.branches.map((b) => `${JSON.stringify(b.cond)}:{${effects(b.body)}}`).join(";")}|${s.else ? effects(s.else) : ""})`;
      case "load": return "D";
      case "call": return "C";
      case "scope": return `P{${effects(s.body)}}`;
      case "send": return `>${s.channel}(${JSON.stringify(s.value)})`;
      case "recv": return `<${s.channel}:${s.var}`;
      case "consume": return `<*${s.channel}:${s.var}{${effects(s.body)}}`;
      case "close": return `X${s.channel}`;
    }
  }).join(";");
}

/** A `when` whose branches (and the missing or given else) all have the same effects needs no decision. */
function sameEffects(s: Extract<PlanStmt, { op: "when" }>): boolean {
  const first = effects(s.branches[0]!.body);
  return s.branches.every((b) => effects(b.body) === first) && effects(s.else ?? []) === first;
}

// ---- flattening ------------------------------------------------------------------------------

interface LowerCtx {
  readonly sem: Semantics;
  readonly symbols: readonly DeclSymbol[];
  readonly symbolValues: ReadonlyMap<number, bigint>;
  readonly rewrites: Rewrites;
  readonly relevance: Relevance;
}

interface Flat {
  readonly code: Ins[];
  loops: number;
  readonly body: number;
  readonly ctx: LowerCtx;
}

function ins(op: Op, stmt: Stmt | null, extra: Partial<Ins> = {}): Ins {
  return { op, stmt, loop: -1, var: -1, count: null, target: -1, conds: [], targets: [], ch: -1, value: null, binding: null, ...extra };
}

function expr(code: Code): Expr {
  return {
    program: Program.prepare(code),
    vars: readsOf(code),
    symbols: code.flatMap((i) => (i[0] === "sym" ? [i[1] as number] : [])),
    data: code.some((i) => i[0] === "slot" || i[0] === "task"),
    code,
  };
}

function flatten(name: string, plan: PlanStmt[], block: Block, vars: number, index: number, ctx: LowerCtx): Body {
  const f: Flat = { code: [], loops: 0, body: index, ctx };
  lowerBlock(plan, block, f);
  f.code.push(ins(Op.End, null));
  return { name, code: f.code, loops: f.loops, vars, maxHeld: maxHeld(f.code), hasCalls: f.code.some((i) => i.op === Op.Call) };
}

function lowerBlock(plan: readonly PlanStmt[], block: Block, f: Flat): void {
  const order = f.ctx.rewrites.order?.get(block) ?? plan.map((_, i) => i);
  for (const i of order) lowerStmt(plan[i]!, block.statements[i]!, f);
}

function lowerStmt(p: PlanStmt, s: Stmt, f: Flat): void {
  const code = f.code;
  const relevant = (v: number) => f.ctx.relevance.vars[f.body]!.has(v);
  switch (p.op) {
    case "parallel":
    case "for": {
      const bindings = (s as Extract<Stmt, { kind: "Parallel" | "For" }>).bindings;
      const body = (s as Extract<Stmt, { kind: "Parallel" | "For" }>).body;
      lowerLoops(p.vars, bindings, s, f, () => lowerBlock(p.body, body, f));
      return;
    }
    case "select": {
      const sel = s as Extract<Stmt, { kind: "Select" }>;
      lowerLoop(relevant(p.var) ? p.var : -1, { unknown: `the rows of sparse axis \`${sel.binding.axis.text}\`` }, sel.binding, s, f, () => lowerBlock(p.body, sel.body, f));
      return;
    }
    case "when": {
      const w = s as Extract<Stmt, { kind: "When" }>;
      if (sameEffects(p)) {
        lowerBlock(p.branches[0]!.body, w.branches[0]!.body, f);
        return;
      }
      const node = ins(Op.When, s, { conds: p.branches.map((b) => expr(b.cond)) });
      code.push(node);
      const jumps: Ins[] = [];
      p.branches.forEach((b, i) => {
        node.targets.push(code.length);
        lowerBlock(b.body, w.branches[i]!.body, f);
        const j = ins(Op.Jump, s);
        jumps.push(j);
        code.push(j);
      });
      node.target = code.length;
      if (p.else && w.otherwise) lowerBlock(p.else, w.otherwise, f);
      for (const j of jumps) j.target = code.length;
      return;
    }
    case "load":
      code.push(ins(Op.Load, s));
      return;
    case "call":
      code.push(ins(Op.Call, s));
      return;
    case "scope": {
      const sc = s as Extract<Stmt, { kind: "Scope" }>;
      const level = f.ctx.rewrites.split?.get(s);
      const loop = sc.body.statements[0];
      const lp = p.body[0];
      if (level !== undefined && loop && lp && (lp.op === "parallel" || lp.op === "for") && (loop.kind === "Parallel" || loop.kind === "For")) {
        // The scope moved inside the loop's first `level` bindings: one scope per iteration there.
        const outer = loop.bindings.slice(0, level);
        const inner = loop.bindings.slice(level);
        lowerLoops(lp.vars.slice(0, level), outer, loop, f, () => {
          code.push(ins(Op.ScopeBegin, s));
          lowerLoops(lp.vars.slice(level), inner, loop, f, () => lowerBlock(lp.body, loop.body, f));
          code.push(ins(Op.ScopeEnd, s));
        });
        return;
      }
      code.push(ins(Op.ScopeBegin, s));
      lowerBlock(p.body, sc.body, f);
      code.push(ins(Op.ScopeEnd, s));
      return;
    }
    case "send":
      code.push(ins(Op.Send, s, { ch: p.channel, value: f.ctx.relevance.channels[p.channel] ? expr(p.value) : null }));
      return;
    case "recv":
      code.push(ins(Op.Recv, s, { ch: p.channel, var: relevant(p.var) ? p.var : -1 }));
      return;
    case "consume": {
      const c = s as Extract<Stmt, { kind: "Consume" }>;
      const head = ins(Op.Consume, s, { ch: p.channel, var: relevant(p.var) ? p.var : -1 });
      const at = code.length;
      code.push(head);
      lowerBlock(p.body, c.body, f);
      code.push(ins(Op.Jump, s, { target: at }));
      head.target = code.length;
      return;
    }
    case "close":
      code.push(ins(Op.Close, s, { ch: p.channel }));
      return;
  }
}

/** Nested loops for `bindings` (outermost first) around `inner`. */
function lowerLoops(vars: readonly number[], bindings: readonly LoopBinding[], s: Stmt, f: Flat, inner: () => void): void {
  if (bindings.length === 0) {
    inner();
    return;
  }
  const relevant = f.ctx.relevance.vars[f.body]!.has(vars[0]!);
  lowerLoop(relevant ? vars[0]! : -1, tripCount(bindings[0]!, f.ctx), bindings[0]!, s, f, () => lowerLoops(vars.slice(1), bindings.slice(1), s, f, inner));
}

function lowerLoop(v: number, count: Count, binding: LoopBinding, s: Stmt, f: Flat, body: () => void): void {
  const loop = f.loops++;
  const init = ins(Op.LoopInit, s, { loop, var: v, count, binding });
  f.code.push(init);
  const start = f.code.length;
  body();
  f.code.push(ins(Op.LoopNext, s, { loop, var: v, count, target: start, binding }));
  init.target = f.code.length;
}

/** A binding's trip count: dense sizes are constants; `dyn` sizes are symbols; rows are data. */
function tripCount(b: LoopBinding, ctx: LowerCtx): Count {
  const r = ctx.sem.references.get(b.axis);
  if (r?.kind !== "global" || r.symbol.decl.kind !== "Axis") return { unknown: `axis \`${b.axis.text}\`` };
  const d = r.symbol.decl;
  const kind = d.axisKind.text;
  const map = ctx.sem.argumentMaps.get(d.args) ?? [];
  const arg = map[0] === undefined ? undefined : d.args[map[0]]?.value;
  if (kind === "dense" && arg) {
    const v = exprValue(ctx.sem, arg);
    if (typeof v === "bigint") return { n: Number(v) };
  }
  if (kind === "dyn" && arg?.kind === "Name") {
    const sr = ctx.sem.references.get(arg.name);
    const index = sr?.kind === "global" ? ctx.symbols.indexOf(sr.symbol) : -1;
    const given = ctx.symbolValues.get(index);
    if (given !== undefined) return { n: Number(given) };
    return { unknown: `symbol \`${arg.name.text}\` (the size of \`${b.axis.text}\`)`, symbol: index };
  }
  return { unknown: `the rows of ${kind} axis \`${b.axis.text}\`` };
}

/**
 * The most tasks one execution of an outermost scope can hold: loops multiply by their counts, a
 * `when` takes its largest branch; a loop of unknown count or a `consume` around a task in a
 * scope makes it unbounded (Infinity).
 */
function maxHeld(code: readonly Ins[]): number {
  let best = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i]!.op !== Op.ScopeBegin) continue;
    let depth = 1;
    let e = i + 1;
    for (; e < code.length && depth > 0; e++) {
      if (code[e]!.op === Op.ScopeBegin) depth++;
      else if (code[e]!.op === Op.ScopeEnd) depth--;
    }
    best = Math.max(best, countRange(code, i + 1, e - 1));
    i = e - 1;
  }
  return best;
}

/** Tasks submitted by one execution of the structured code in [from, to). */
function countRange(code: readonly Ins[], from: number, to: number): number {
  let tasks = 0;
  let i = from;
  while (i < to) {
    const x = code[i]!;
    switch (x.op) {
      case Op.Call:
        tasks++;
        i++;
        break;
      case Op.LoopInit: {
        const inner = countRange(code, i + 1, x.target - 1);
        const n = x.count && "n" in x.count ? x.count.n : Infinity;
        tasks += inner === 0 || n === 0 ? 0 : inner * n;
        i = x.target;
        break;
      }
      case Op.Consume:
        tasks += countRange(code, i + 1, x.target - 1) > 0 ? Infinity : 0;
        i = x.target;
        break;
      case Op.When: {
        // Each branch ends with a jump to the statement's end; the else runs up to that end.
        const end = code[x.targets[1] !== undefined ? x.targets[1] - 1 : x.target - 1]!.target;
        const starts = [...x.targets, x.target];
        let most = countRange(code, x.target, end);
        for (let b = 0; b < x.targets.length; b++) most = Math.max(most, countRange(code, starts[b]!, starts[b + 1]! - 1));
        tasks += most;
        i = end;
        break;
      }
      default:
        i++;
    }
  }
  return tasks;
}
