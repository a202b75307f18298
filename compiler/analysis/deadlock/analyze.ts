/**
 * The deadlock analysis of one unit: build the model, search its executions, and turn what the
 * search found into a verdict — a definite deadlock with its witness, blocked set, trace and
 * verified smallest fix; a deadlock that depends on launch-time or device data (with the symbol
 * values that deadlock, when one symbol decides it); or freedom, exhaustive or within the budget.
 */
import type { Block, ChannelDecl, Ident, PipelineDecl, ProcessDecl } from "../../../grammar/ast.js";
import type { Semantics } from "../../check/symbols.js";
import { CAPABILITIES } from "../../capabilities.js";
import type { Fix } from "../../diagnostic.js";
import type { CheckResult } from "../../program.js";
import type { AnalysisUnit } from "../index.js";
import { blockedList, kindOf, traceOf, type Blocked } from "./classify.js";
import { computeFixes } from "./fixes.js";
import { sharedMemo } from "../shared.js";
import { buildModel, modelShape, Op, type Model } from "./model.js";
import { DEFAULT_BUDGET, replay, search, type Found, type SearchResult } from "./search.js";
import type { DeadlockVerdict } from "./verdict.js";

/** Symbol values tried when one launch-time symbol decides whether a unit deadlocks. */
export const SYMBOL_SEARCH_LIMIT = 64;

export interface AnalysisOptions {
  /** States the interleaving search may visit (default 20,000). */
  readonly budget?: number;
}

/** The verdict with what the diagnostics need beyond it. */
export interface Analysis {
  readonly verdict: DeadlockVerdict;
  readonly model: Model | undefined;
  /** For a deadlock: the blocked orchestrators with their instructions, every verified fix, and
   *  whether the unit has a single execution (so code after the deadlock never runs). */
  readonly deadlock?: {
    readonly blocked: readonly Blocked[];
    readonly fixes: readonly Fix[];
    /** The fix search stopped at its limit of trials (fixes.ts): no fix found proves none exists. */
    readonly fixSearchExhausted: boolean;
    readonly unconditional: boolean;
    readonly ran: readonly Uint8Array[];
  };
  readonly states: number;
  /** The verdict is not one to report (the target cannot run the unit at all). */
  readonly silent?: boolean;
}

export function analyzeUnit(result: CheckResult, unit: AnalysisUnit, options: AnalysisOptions = {}): Analysis {
  const budget = options.budget ?? DEFAULT_BUDGET;
  if (unit.subject.decl.kind === "Pipeline" && CAPABILITIES[unit.backend].channels.status !== "enforced") {
    return { verdict: { kind: "inconclusive", reason: `${unit.target.name} cannot run pipelines (no channels)` }, model: undefined, states: 0, silent: true };
  }
  // A workload without scopes never waits: it has no channels, and its tasks all retire.
  if (unit.subject.decl.kind === "Workload" && !hasScope(unit.subject.decl.body)) return { verdict: { kind: "free", exhaustive: true }, model: undefined, states: 0, silent: true };
  if (unit.subject.decl.kind === "Pipeline" && drainsDownstream(unit.subject.decl, result.semantics)) return { verdict: { kind: "free", exhaustive: true }, model: undefined, states: 0, silent: true };
  const model = buildModel(result, unit);
  if (neverBlocks(model)) return { verdict: { kind: "free", exhaustive: true }, model, states: 0 };
  const r = searchOnce(result, model, budget);
  if (r.definite) return deadlockAnalysis(result, unit, model, new Map(), r, r.definite, budget);
  if (r.possible) return conditional(result, unit, model, r, budget);
  return { verdict: { kind: "free", exhaustive: !r.exhausted }, model, states: r.states };
}

/**
 * A pipeline that cannot deadlock by its shape alone, so no model is built for it (most
 * pipelines: a chain or a tree of stages, like load -> compute -> store):
 * - no `scope`, so the window holds no task for good and every submission eventually proceeds;
 * - no `recv` and no `close`: tokens are taken only by `consume`, which drains its channel until
 *   the channel's senders have all ended;
 * - each process consumes at most one channel, with a `consume` at the top level of its body
 *   (so it reaches it: nothing before it waits for anything but a downstream stage);
 * - every channel that is sent on is consumed, and every consumed channel is sent on;
 * - sender-to-consumer edges between processes form no cycle.
 * By induction from the stages that send nowhere: each stage's channels are drained, so its sends
 * proceed; each stage ends once its input's senders end (the sources have no input), and its
 * `consume` then ends too. Anything else is left to the model and the search.
 */
export function drainsDownstream(p: PipelineDecl, sem: Semantics): boolean {
  const processes = p.members.filter((m): m is ProcessDecl => m.kind === "Process");
  const input = new Map<ProcessDecl, ChannelDecl>();
  const sends = new Map<ProcessDecl, Set<ChannelDecl>>();
  const channelOf = (name: Ident): ChannelDecl | undefined => {
    const r = sem.references.get(name);
    return r?.kind === "channel" ? r.decl : undefined;
  };
  for (const q of processes) {
    const out = new Set<ChannelDecl>();
    sends.set(q, out);
    let fits = true;
    const visit = (b: Block): void => {
      for (const s of b.statements) {
        if (!fits) return;
        switch (s.kind) {
          case "Scope": case "Recv": case "Close": fits = false; return;
          case "Send": {
            const c = channelOf(s.channel);
            if (c) out.add(c);
            else fits = false;
            break;
          }
          case "Consume": {
            const c = channelOf(s.channel);
            if (!c || (input.has(q) && input.get(q) !== c)) fits = false;
            else input.set(q, c);
            visit(s.body);
            break;
          }
          case "When":
            for (const br of s.branches) visit(br.body);
            if (s.otherwise) visit(s.otherwise);
            break;
          case "Parallel": case "For": case "Select":
            visit(s.body);
            break;
          case "Load": case "Call":
            break;
        }
      }
    };
    visit(q.body);
    if (!fits) return false;
    const c = input.get(q);
    if (c && !q.body.statements.some((s) => s.kind === "Consume" && channelOf(s.channel) === c)) return false;
  }
  // Every channel sent on is drained by some process, and every drained channel has a sender
  // (a channel nobody consumes fills up; one nobody sends on is left to the search).
  const consumed = new Set(input.values());
  const sent = new Set<ChannelDecl>();
  for (const out of sends.values()) for (const c of out) sent.add(c);
  for (const c of sent) if (!consumed.has(c)) return false;
  for (const c of consumed) if (!sent.has(c)) return false;
  // No cycle of "sends to a channel that is consumed by": a depth-first search over processes.
  const state = new Map<ProcessDecl, "open" | "done">();
  const acyclic = (q: ProcessDecl): boolean => {
    const now = state.get(q);
    if (now) return now === "done";
    state.set(q, "open");
    for (const r of processes) {
      const c = input.get(r);
      if (c && sends.get(q)!.has(c) && !acyclic(r)) return false;
    }
    state.set(q, "done");
    return true;
  };
  return processes.every(acyclic);
}

function hasScope(block: Block): boolean {
  return block.statements.some((s) => s.kind === "Scope"
    || (s.kind === "When" ? s.branches.some((b) => hasScope(b.body)) || (s.otherwise !== undefined && hasScope(s.otherwise)) : "body" in s && hasScope(s.body)));
}

/**
 * The search, once per model shape and budget in a program: units whose models differ only in
 * names (the same pipeline under two schedules, generated code) have the same executions. The
 * result holds orchestrator numbers, instruction indices and states, never a name.
 */
function searchOnce(result: CheckResult, model: Model, budget: number): SearchResult {
  const memo = sharedMemo<string, SearchResult>(result, "deadlock-search");
  const key = `${budget}#${modelShape(model)}`;
  let r = memo.get(key);
  if (!r) {
    r = search(model, budget);
    memo.set(key, r);
  }
  return r;
}

/** No channels, and the scopes of all orchestrators together can never fill the window. */
function neverBlocks(model: Model): boolean {
  if (model.channels.length > 0) return false;
  const held = model.scopesEnforced ? model.orchs.reduce((a, o) => a + model.bodies[o.body]!.maxHeld, 0) : 0;
  return held < model.window;
}

function deadlockAnalysis(result: CheckResult, unit: AnalysisUnit, model: Model, symbolValues: ReadonlyMap<number, bigint>, r: SearchResult, found: Found, budget: number): Analysis {
  const rep = replay(model, found.path);
  const s = rep.state;
  const blocked = blockedList(model, rep.machine, s);
  const rule = kindOf(model, rep.machine, s, blocked);
  const { fixes, exhausted } = computeFixes({ result, unit, model, symbolValues, rule, blocked, state: s, budget });
  const verdict: DeadlockVerdict = {
    kind: "deadlock",
    rule,
    witness: rep.recorder.truncated ? [] : rep.recorder.orchs(),
    blocked: blocked.map(({ orchestrator, who, waitsOn, at }) => ({ orchestrator, who, waitsOn, at })),
    channels: model.channels.map((c, i) => ({ name: c.name, fill: s.fill[i]!, capacity: c.capacity, closed: s.closed[i] === 1 })),
    window: { size: model.window, held: s.totalHeld },
    trace: traceOf(model, rep.recorder, blocked),
    fix: fixes[0],
  };
  return { verdict, model, deadlock: { blocked, fixes, fixSearchExhausted: exhausted, unconditional: !r.branched, ran: rep.machine.ran }, states: r.states };
}

/** The symbols a model needs and was not given (dyn sizes, conditions, tokens). */
function unknownSymbols(model: Model): number[] {
  const out = new Set<number>();
  for (const b of model.bodies) {
    for (const x of b.code) {
      if (x.count && "unknown" in x.count && x.count.symbol !== undefined && x.count.symbol >= 0) out.add(x.count.symbol);
      for (const e of [...x.conds, ...(x.value ? [x.value] : [])]) for (const k of e.symbols) if (!model.symbolValues.has(k)) out.add(k);
    }
  }
  return [...out];
}

/** What the data decisions on a path were: the reason a deadlock is only possible. */
function dataReasons(model: Model, found: Found): string[] {
  const reasons = new Set<string>();
  for (const c of found.path) {
    if (!c.data || c.pc === undefined) continue;
    const x = model.bodies[model.orchs[c.orch]!.body]!.code[c.pc]!;
    if (x.count && "unknown" in x.count) reasons.add(`the trip count of ${x.count.unknown}`);
    else if (x.op === Op.When) reasons.add(`the \`when\` condition at offset ${x.stmt?.start ?? 0}`);
  }
  return [...reasons];
}

/**
 * A deadlock reachable only through data decisions. When one launch-time symbol is what the
 * model lacks, try its values 0 … SYMBOL_SEARCH_LIMIT exactly and say which deadlock.
 */
function conditional(result: CheckResult, unit: AnalysisUnit, model: Model, r: SearchResult, budget: number): Analysis {
  const symbols = unknownSymbols(model);
  const reasons = dataReasons(model, r.possible!);
  const described = reasons.map((x) => x.replace(/the `when` condition at offset \d+/, "a `when` condition that reads device data"));
  if (symbols.length === 1) {
    const k = symbols[0]!;
    const name = model.symbols[k]!.name;
    const bad: number[] = [];
    for (let v = 0; v <= SYMBOL_SEARCH_LIMIT; v++) {
      const m = buildModel(result, unit, new Map([[k, BigInt(v)]]));
      if (searchOnce(result, m, budget).definite) bad.push(v);
    }
    if (bad.length > 0) {
      return {
        verdict: { kind: "inconclusive", reason: `deadlocks when ${valueSet(name, bad)} (checked \`${name}\` = 0 … ${SYMBOL_SEARCH_LIMIT})`, dependsOn: { symbol: name, deadlocksFor: bad, checkedUpTo: SYMBOL_SEARCH_LIMIT } },
        model,
        states: r.states,
      };
    }
    return { verdict: { kind: "inconclusive", reason: `may deadlock for some values of \`${name}\` (none of 0 … ${SYMBOL_SEARCH_LIMIT} does)` }, model, states: r.states };
  }
  const why = described.length > 0 ? described.join(", ") : "values known only at run time";
  return { verdict: { kind: "inconclusive", reason: `may deadlock, depending on ${why}` }, model, states: r.states };
}

/** `batch ≥ 3`, `2 ≤ batch ≤ 5`, or a list. */
function valueSet(name: string, values: readonly number[]): string {
  const first = values[0]!;
  const last = values[values.length - 1]!;
  const contiguous = last - first + 1 === values.length;
  if (contiguous && last === SYMBOL_SEARCH_LIMIT) return first === 0 ? `\`${name}\` has any value` : `\`${name}\` ≥ ${first}`;
  if (contiguous) return first === last ? `\`${name}\` = ${first}` : `${first} ≤ \`${name}\` ≤ ${last}`;
  const shown = values.slice(0, 8).join(", ");
  return `\`${name}\` is one of ${shown}${values.length > 8 ? ", …" : ""}`;
}
