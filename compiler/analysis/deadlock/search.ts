/**
 * The search over a model's executions (machine.ts): depth-first over the decisions left after
 * every safe action has run, memoizing states, within a budget of states and of executed steps.
 * A deadlock reached without a data decision is definite; one reached only through data
 * decisions (a `when` on a slot, a loop whose count is device data or an unset symbol) is only
 * possible. The witness of a deadlock is recomputed by replaying its decisions with a recorder.
 */
import { Machine, Recorder, symmetricReplicas, type Choice, type State } from "./machine.js";
import type { Model } from "./model.js";

export const DEFAULT_BUDGET = 20_000;
/** Executed instructions per search, per unit of budget (so 10^7-token pipelines still finish). */
const STEPS_PER_STATE = 20_000;

interface Path {
  readonly choice: Choice;
  readonly prev: Path | null;
}

export interface Found {
  readonly path: readonly Choice[];
  readonly state: State;
}

export interface SearchResult {
  /** A deadlock reached without data decisions. */
  readonly definite: Found | undefined;
  /** A deadlock reached only through data decisions (first found). */
  readonly possible: Found | undefined;
  /** The budget ran out before every state was seen. */
  readonly exhausted: boolean;
  /** Whether any interleaving or data decision was met (else the unit has one execution). */
  readonly branched: boolean;
  readonly states: number;
  /** Actions of the longest execution seen (for reports). */
  readonly actions: number;
}

function unwind(p: Path | null): Choice[] {
  const out: Choice[] = [];
  for (let q = p; q; q = q.prev) out.push(q.choice);
  return out.reverse();
}

/**
 * States one search may visit: the budget for up to 8 orchestrators, scaled down beyond (a state
 * of n orchestrators costs about n to copy, key and expand, and offers about one choice per
 * orchestrator, or per distinct state of interchangeable replicas: at most their body's length),
 * so a search costs about the same whatever the model's size.
 */
function stateLimit(model: Model, budget: number, groups: readonly (readonly number[])[]): number {
  const n = Math.max(8, model.orchs.length);
  let choices = model.orchs.length;
  for (const g of groups) choices -= g.length - Math.min(g.length, model.bodies[model.orchs[g[0]!]!.body]!.code.length);
  const b = Math.max(8, choices);
  return Math.max(1, Math.min(budget, Math.floor((budget * 64) / (n * b))));
}

/**
 * `symmetry: false` searches every assignment of states to replicas (the tests compare both ways;
 * the verdicts must agree).
 */
export function search(model: Model, budget = DEFAULT_BUDGET, options: { readonly symmetry?: boolean } = {}): SearchResult {
  const m = new Machine(model);
  const maxSteps = Math.max(1, budget) * STEPS_PER_STATE;
  const visited = new Set<string>();
  // Replicas that only their number tells apart are visited once per arrangement, not per
  // assignment of states to numbers: n interchangeable workers otherwise multiply states by up to n!.
  const groups = options.symmetry === false ? [] : symmetricReplicas(model);
  const limit = stateLimit(model, budget, groups);
  const grouped = new Uint8Array(model.orchs.length);
  for (const g of groups) for (const o of g) grouped[o] = 1;
  const groupOf = new Int32Array(model.orchs.length).fill(-1);
  groups.forEach((g, i) => g.forEach((o) => (groupOf[o] = i)));
  const keyOf = (s: State): string => (groups.length > 0 ? s.symmetricKey(m, groups, grouped) : s.key());
  // Likewise a move of one of several replicas in the same state: one of them stands for all.
  const distinct = (s: State, choices: Choice[]): Choice[] => {
    if (groups.length === 0) return choices;
    const who = (o: number): string => (groupOf[o]! >= 0 ? `g${groupOf[o]}:${s.localKey(m, o)}` : `o${o}`);
    const seen = new Set<string>();
    return choices.filter((c) => {
      const k = `${who(c.orch)}|${c.data ? `d${c.alt}` : c.alt >= 0 ? who(c.alt) : "-"}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  // A child state is made (copied from its parent, the choice applied) only when it is popped:
  // most pushed choices are never explored once a deadlock is found or the budget runs out.
  const stack: { parent: State; choice: Choice | undefined; path: Path | null; data: boolean }[] = [{ parent: m.initial(), choice: undefined, path: null, data: false }];
  let possible: Found | undefined;
  let branched = false;
  let actions = 0;
  while (stack.length > 0) {
    const { parent, choice, path, data } = stack.pop()!;
    let s = parent;
    if (choice) {
      s = parent.clone();
      m.apply(s, choice);
    }
    m.runSafe(s, maxSteps);
    actions = Math.max(actions, s.actions);
    if (m.steps > maxSteps) return { definite: undefined, possible, exhausted: true, branched, states: visited.size, actions };
    if (s.error !== null || s.ended.every((e) => e === 1)) continue;
    const choices = distinct(s, m.choices(s));
    if (choices.length === 0) {
      const found = { path: unwind(path), state: s };
      if (!data) return { definite: found, possible, exhausted: false, branched, states: visited.size, actions };
      possible ??= found;
      continue;
    }
    branched = true;
    const key = `${data ? 1 : 0}${keyOf(s)}`;
    if (visited.has(key)) continue;
    visited.add(key);
    if (visited.size > limit) return { definite: undefined, possible, exhausted: true, branched, states: visited.size, actions };
    for (let i = choices.length - 1; i >= 0; i--) {
      const c = choices[i]!;
      stack.push({ parent: s, choice: c, path: { choice: c, prev: path }, data: data || c.data });
    }
  }
  return { definite: undefined, possible, exhausted: false, branched, states: visited.size, actions };
}

/** Replays a path with recording on: the witness, and which instructions ran. */
export function replay(model: Model, path: readonly Choice[]): { state: State; recorder: Recorder; machine: Machine } {
  const m = new Machine(model);
  const recorder = new Recorder();
  m.recorder = recorder;
  const s = m.initial();
  const unlimited = Number.MAX_SAFE_INTEGER;
  m.runSafe(s, unlimited);
  for (const c of path) {
    m.apply(s, c);
    m.runSafe(s, unlimited);
  }
  m.choices(s); // brings every orchestrator to the operation it waits at
  return { state: s, recorder, machine: m };
}

/** Whether the model is deadlock-free for sure (the fixes' check). */
export function provedFree(model: Model, budget = DEFAULT_BUDGET): boolean {
  const r = search(model, budget);
  return !r.definite && !r.possible && !r.exhausted;
}
