import type { Block, CallStmt, Stmt } from "../../../grammar/ast.js";
import { EvalError, Program, type Code } from "../../../runtime/bytecode.js";
import type { DeclSymbol, Semantics } from "../../check/symbols.js";
import type { PlanStmt } from "../../package/plan.js";

/**
 * The tasks of a workload or pipeline, enumerated from its lowered plan as far as their
 * attributes are static: loops over `dense` axes of constant size, `when`s whose conditions
 * fold (the plan's bytecode, run by runtime/bytecode.ts). Tasks that are identical in what the
 * caller asks about (`needs`: the task attributes a policy reads) are counted, not listed: a
 * loop is expanded only when a variable it binds is needed or decides a nested `when` or row.
 * Everything past `budget` expansion steps is not looked at (`capped`).
 */
export interface TaskGroup {
  readonly call: CallStmt;
  /** Tasks in the group; undefined when it depends on launch values (it may be 0). */
  readonly count: bigint | undefined;
  /** Whether the tasks are submitted whatever the launch values (no dynamic loop or condition around them). */
  readonly certain: boolean;
  /** The needed attributes' values (undefined: not static). Consecutive groups with equal
   *  values share one map, so a caller can tell them alike without comparing. */
  readonly attrs: ReadonlyMap<string, bigint | undefined>;
  /** `task.seq` of the group's single task, when `perTask` enumeration knows it. */
  readonly seq: bigint | undefined;
}

/** How many tasks: `max` undefined when unbounded (a loop of launch-time size). */
export interface TaskCount {
  readonly min: bigint;
  readonly max: bigint | undefined;
}

export interface Enumeration {
  readonly groups: readonly TaskGroup[];
  /** Tasks on every path (min) and on the longest (max): a `when` decided at run time counts its branches' least and most. */
  readonly tasks: TaskCount;
  readonly capped: boolean;
}

/** One sequential body to enumerate (a workload, or a process with its replica count). */
export interface EnumerationBody {
  readonly plan: readonly PlanStmt[];
  readonly ast: Block;
  readonly vars: number;
  readonly replicas: bigint;
}

export interface EnumerationInput {
  readonly sem: Semantics;
  /** The plan's axes, by plan index. */
  readonly axes: readonly DeclSymbol[];
  readonly bodies: readonly EnumerationBody[];
  /** Task attributes the caller reads (`seq` and `replica` included). */
  readonly needs: ReadonlySet<string>;
  /** One group per task, with its `seq` (a single orchestrator only): for policies that read `seq` with other attributes. */
  readonly perTask: boolean;
  readonly budget: number;
}

class Capped extends Error {}

/** Whether a map holds exactly these entries. */
function sameValues(a: ReadonlyMap<string, bigint | undefined>, b: readonly [string, bigint | undefined][]): boolean {
  if (a.size !== b.length) return false;
  for (const [k, v] of b) if (a.get(k) !== v || !a.has(k)) return false;
  return true;
}

/** A plan expression ready to run: no program when it reads a slot, symbol or task attribute (never static here). */
interface Compiled {
  readonly program: Program | undefined;
  readonly vars: readonly number[];
}

function compiled(code: Code): Compiled {
  const vars: number[] = [];
  for (const ins of code) {
    if (ins[0] === "slot" || ins[0] === "sym" || ins[0] === "task" || ins[0] === "replica") return { program: undefined, vars };
    if (ins[0] === "var") vars.push(ins[1] as number);
  }
  return { program: Program.prepare(code), vars };
}

export function enumerateTasks(input: EnumerationInput): Enumeration {
  const e = new Enumerator(input);
  let tasks: TaskCount = NONE;
  try {
    for (const b of input.bodies) tasks = plus(tasks, e.body(b));
  } catch (err) {
    if (!(err instanceof Capped)) throw err;
    return { groups: e.groups, tasks: { min: 0n, max: undefined }, capped: true };
  }
  return { groups: e.groups, tasks, capped: false };
}

const NONE: TaskCount = { min: 0n, max: 0n };
const ONE: TaskCount = { min: 1n, max: 1n };

function plus(a: TaskCount, b: TaskCount): TaskCount {
  return { min: a.min + b.min, max: a.max === undefined || b.max === undefined ? undefined : a.max + b.max };
}

function times(a: TaskCount, n: bigint): TaskCount {
  return { min: a.min * n, max: a.max === undefined ? undefined : a.max * n };
}

/** Zero or more runs of a body: at least none, at most unbounded (unless the body submits nothing). */
function anyNumberOf(a: TaskCount): TaskCount {
  return { min: 0n, max: a.max === 0n ? 0n : undefined };
}

/** One of several alternatives runs. */
function oneOf(options: readonly TaskCount[]): TaskCount {
  let min = options[0]!.min;
  let max = options[0]!.max;
  for (const o of options) {
    if (o.min < min) min = o.min;
    max = max === undefined || o.max === undefined ? undefined : o.max > max ? o.max : max;
  }
  return { min, max };
}

interface Walk {
  readonly frame: (bigint | undefined)[];
  /** Bound names, innermost last: how `task.X` finds its variable. */
  readonly names: { name: string; k: number }[];
  readonly replica: bigint | undefined;
  certain: boolean;
  count: bigint | undefined;
}

class Enumerator {
  readonly groups: TaskGroup[] = [];
  private steps = 0;
  private seq: bigint | undefined = 0n;
  private lastAttrs: ReadonlyMap<string, bigint | undefined> | undefined;
  private readonly values: [string, bigint | undefined][] = [];
  /** While a template body is walked: per group, the frame slot each attribute comes from (−1: none). */
  private sources: (readonly number[])[] | undefined;
  private readonly programs = new Map<Code, Compiled>();
  private readonly decides = new Map<readonly PlanStmt[], Set<number>>();

  constructor(private readonly input: EnumerationInput) {}

  body(b: EnumerationBody): TaskCount {
    // Replicas differ only in `task.replica`: walked one by one only when it is needed.
    const perReplica = this.input.needs.has("replica");
    const rounds = perReplica ? b.replicas : 1n;
    let tasks = NONE;
    for (let r = 0n; r < rounds; r++) {
      this.step();
      const w: Walk = { frame: new Array(b.vars).fill(undefined), names: [], replica: perReplica ? r : undefined, certain: true, count: perReplica ? 1n : b.replicas };
      tasks = plus(tasks, this.block(b.plan, b.ast, w));
    }
    return perReplica ? tasks : times(tasks, b.replicas);
  }

  private step(): void {
    if (++this.steps > this.input.budget) throw new Capped();
  }

  /** Walks one execution of a block; returns how many tasks it submits. */
  private block(plan: readonly PlanStmt[], ast: Block, w: Walk): TaskCount {
    const depth = w.names.length;
    let tasks = NONE;
    plan.forEach((p, i) => {
      tasks = plus(tasks, this.stmt(p, ast.statements[i]!, w));
    });
    w.names.length = depth;
    return tasks;
  }

  private stmt(p: PlanStmt, s: Stmt, w: Walk): TaskCount {
    switch (p.op) {
      case "parallel": case "for": return this.loop(p, s as Extract<Stmt, { kind: "Parallel" | "For" }>, w);
      case "select": case "consume": {
        const body = (s as Extract<Stmt, { kind: "Select" | "Consume" }>).body;
        return anyNumberOf(this.unknownIterations(w, [{ name: p.name, k: p.var }], () => this.block(p.body, body, w)));
      }
      case "when": return this.when(p, s as Extract<Stmt, { kind: "When" }>, w);
      case "scope": return this.block(p.body, (s as Extract<Stmt, { kind: "Scope" }>).body, w);
      case "recv":
        w.frame[p.var] = undefined;
        w.names.push({ name: p.name, k: p.var });
        return NONE;
      case "call": return this.call(s as CallStmt, w);
      default: return NONE;
    }
  }

  private loop(p: Extract<PlanStmt, { op: "parallel" | "for" }>, s: Extract<Stmt, { kind: "Parallel" | "For" }>, w: Walk): TaskCount {
    const sizes = p.axes.map((a) => {
      const axis = this.input.axes[a]?.decl;
      const shape = axis?.kind === "Axis" ? this.input.sem.axes.get(axis) : undefined;
      return shape?.kind === "dense" ? shape.size : undefined;
    });
    const bound = p.vars.map((k, i) => ({ name: p.names[i]!, k }));
    if (sizes.some((n) => n === undefined)) {
      return anyNumberOf(this.unknownIterations(w, bound, () => this.block(p.body, s.body, w)));
    }
    const total = sizes.reduce<bigint>((a, n) => a * n!, 1n);
    if (total === 0n) return NONE;
    const depth = w.names.length;
    w.names.push(...bound);
    let tasks: TaskCount;
    const deciding = bound.some((b) => this.decidingVars(p.body).has(b.k));
    if (!this.input.perTask && !deciding && bound.some((b) => this.input.needs.has(b.name))) {
      tasks = this.expandByTemplate(p, s, w, sizes as bigint[]) ?? this.expand(p, s, w, sizes as bigint[], 0);
    } else if (this.input.perTask || deciding) {
      tasks = this.expand(p, s, w, sizes as bigint[], 0);
    } else {
      for (const b of bound) w.frame[b.k] = undefined;
      const count = w.count;
      w.count = count === undefined ? undefined : count * total;
      tasks = times(this.block(p.body, s.body, w), total);
      w.count = count;
    }
    w.names.length = depth;
    return tasks;
  }

  /**
   * `expand` for a loop whose variables are needed only as task attributes (no `when` or row
   * inside reads them): every iteration walks the body alike, so it is walked once and its
   * groups repeated with each iteration's values — the same groups, in the same order, and the
   * same steps as `expand`. Undefined (nothing changed) when that would pass the budget: then
   * `expand` stops exactly where it would have.
   */
  private expandByTemplate(p: Extract<PlanStmt, { op: "parallel" | "for" }>, s: Extract<Stmt, { kind: "Parallel" | "For" }>, w: Walk, sizes: readonly bigint[]): TaskCount | undefined {
    const saved = { steps: this.steps, groups: this.groups.length, seq: this.seq, lastAttrs: this.lastAttrs, sources: this.sources };
    const restore = (): undefined => {
      this.steps = saved.steps;
      this.groups.length = saved.groups;
      this.seq = saved.seq;
      this.lastAttrs = saved.lastAttrs;
      this.sources = saved.sources;
      return undefined;
    };
    for (const k of p.vars) w.frame[k] = undefined;
    const sources: (readonly number[])[] = [];
    this.sources = sources;
    let body: TaskCount;
    try {
      body = this.block(p.body, s.body, w);
    } catch (err) {
      if (err instanceof Capped) return restore();
      throw err;
    }
    this.sources = saved.sources;
    // Steps `expand` takes: one per value at each level, and the body's per iteration.
    let levelSteps = 0n;
    let product = 1n;
    for (const n of sizes) {
      product *= n;
      levelSteps += product;
    }
    const bodySteps = BigInt(this.steps - saved.steps);
    if (BigInt(saved.steps) + levelSteps + product * bodySteps > BigInt(this.input.budget)) return restore();
    const template = this.groups.splice(saved.groups);
    this.steps = saved.steps + Number(levelSteps + product * bodySteps);
    // Per template group, per attribute: the loop level it takes its value from (−1: kept); null: none.
    const plan = sources.map((from) => (from.some((k) => p.vars.includes(k)) ? from.map((k) => p.vars.indexOf(k)) : null));
    // Within the budget, so every count here is a small number; each value is made once.
    const levels = sizes.map((n) => Array.from({ length: Number(n) }, (_, v) => BigInt(v)));
    const values = new Array<bigint>(p.vars.length).fill(0n);
    for (let i = 0; i < Number(product); i++) {
      let rest = i;
      for (let level = sizes.length - 1; level >= 0; level--) {
        const n = levels[level]!.length;
        values[level] = levels[level]![rest % n]!;
        rest = Math.floor(rest / n);
      }
      this.instantiate(template, plan, sources, values);
    }
    return times(body, product);
  }

  /** One iteration's groups: the template's, with the loop's values where an attribute comes from a loop variable. */
  private instantiate(template: readonly TaskGroup[], plan: readonly (readonly number[] | null)[], sources: readonly (readonly number[])[], values: readonly bigint[]): void {
    let lastTemplate: TaskGroup["attrs"] | undefined;
    let lastMade: TaskGroup["attrs"] | undefined;
    for (let gi = 0; gi < template.length; gi++) {
      const g = template[gi]!;
      const levels = plan[gi];
      let attrs = g.attrs;
      if (levels) {
        if (g.attrs === lastTemplate) attrs = lastMade!;
        else {
          const made = new Map<string, bigint | undefined>();
          let ai = 0;
          for (const [name, v] of g.attrs) {
            const level = levels[ai++]!;
            made.set(name, level >= 0 ? values[level] : v);
          }
          attrs = made;
          lastTemplate = g.attrs;
          lastMade = attrs;
        }
      }
      this.lastAttrs = attrs;
      this.groups.push({ call: g.call, count: g.count, certain: g.certain, attrs, seq: g.seq });
      // Inside an enclosing template walk: the attributes still come from the same slots.
      this.sources?.push(sources[gi]!);
    }
  }

  private expand(p: Extract<PlanStmt, { op: "parallel" | "for" }>, s: Extract<Stmt, { kind: "Parallel" | "For" }>, w: Walk, sizes: readonly bigint[], level: number): TaskCount {
    if (level === sizes.length) return this.block(p.body, s.body, w);
    let tasks = NONE;
    for (let v = 0n; v < sizes[level]!; v++) {
      this.step();
      w.frame[p.vars[level]!] = v;
      tasks = plus(tasks, this.expand(p, s, w, sizes, level + 1));
    }
    return tasks;
  }

  /** A body that runs an unknown number of times (maybe none), its variables unknown. */
  private unknownIterations(w: Walk, bound: readonly { name: string; k: number }[], run: () => TaskCount): TaskCount {
    const saved = { certain: w.certain, count: w.count };
    const depth = w.names.length;
    for (const b of bound) w.frame[b.k] = undefined;
    w.names.push(...bound);
    w.certain = false;
    w.count = undefined;
    const tasks = run();
    w.names.length = depth;
    w.certain = saved.certain;
    w.count = saved.count;
    return tasks;
  }

  private when(p: Extract<PlanStmt, { op: "when" }>, s: Extract<Stmt, { kind: "When" }>, w: Walk): TaskCount {
    for (let i = 0; i < p.branches.length; i++) {
      const c = this.eval(p.branches[i]!.cond, w);
      if (c === undefined) {
        // Decided at run time: exactly one of the remaining branches runs (or none, without `else`).
        const certain = w.certain;
        w.certain = false;
        const options: TaskCount[] = [];
        for (let j = i; j < p.branches.length; j++) options.push(this.block(p.branches[j]!.body, s.branches[j]!.body, w));
        options.push(p.else && s.otherwise ? this.block(p.else, s.otherwise, w) : NONE);
        w.certain = certain;
        return oneOf(options);
      }
      if (c !== 0n) return this.block(p.branches[i]!.body, s.branches[i]!.body, w);
    }
    return p.else && s.otherwise ? this.block(p.else, s.otherwise, w) : NONE;
  }

  private call(call: CallStmt, w: Walk): TaskCount {
    this.step();
    const values = this.attributeValues(w);
    const attrs = this.lastAttrs && sameValues(this.lastAttrs, values) ? this.lastAttrs : new Map(values);
    this.lastAttrs = attrs;
    const certainOne = w.certain && w.count === 1n;
    const seq = this.input.perTask && certainOne ? this.seq : undefined;
    // After a task whose submission depends on launch values, later sequence numbers are unknown.
    this.seq = this.seq !== undefined && certainOne ? this.seq + 1n : undefined;
    this.groups.push({ call, count: w.count, certain: w.certain, attrs, seq });
    return ONE;
  }

  /** The needed attributes' values at a call, in a reused list (a map is made only when they changed). */
  private attributeValues(w: Walk): [string, bigint | undefined][] {
    const out = this.values;
    out.length = 0;
    const from: number[] | undefined = this.sources ? [] : undefined;
    for (const name of this.input.needs) {
      if (name === "seq" || name === "replica") continue;
      let value: bigint | undefined;
      let k = -1;
      for (let i = w.names.length - 1; i >= 0; i--) {
        if (w.names[i]!.name === name) {
          k = w.names[i]!.k;
          value = w.frame[k];
          break;
        }
      }
      out.push([name, value]);
      from?.push(k);
    }
    if (w.replica !== undefined) {
      out.push(["replica", w.replica]);
      from?.push(-1);
    }
    if (from) this.sources!.push(from);
    return out;
  }

  /** A condition's value, or undefined when it reads a launch value or an unknown variable. */
  private eval(code: Code, w: Walk): bigint | undefined {
    let c = this.programs.get(code);
    if (!c) {
      c = compiled(code);
      this.programs.set(code, c);
    }
    // Checked first: a thrown EvalError (with its stack trace) costs far more than the run.
    if (!c.program || c.vars.some((k) => w.frame[k] === undefined)) return undefined;
    try {
      return c.program.run({ vars: w.frame as bigint[] });
    } catch (e) {
      if (e instanceof EvalError) return undefined;
      throw e;
    }
  }

  /** Variables read by the `when` conditions and loop rows inside a block: expanding them decides which tasks exist. */
  private decidingVars(block: readonly PlanStmt[]): Set<number> {
    let found = this.decides.get(block);
    if (found) return found;
    found = new Set<number>();
    const note = (code: Code | null): void => {
      for (const ins of code ?? []) if (ins[0] === "var") found!.add(ins[1] as number);
    };
    const visit = (stmts: readonly PlanStmt[]): void => {
      for (const s of stmts) {
        if (s.op === "when") {
          for (const b of s.branches) { note(b.cond); visit(b.body); }
          if (s.else) visit(s.else);
        } else if (s.op === "parallel" || s.op === "for") {
          s.rows.forEach(note);
          visit(s.body);
        } else if (s.op === "select") {
          note(s.row);
          visit(s.body);
        } else if ("body" in s) visit(s.body);
      }
    };
    visit(block);
    this.decides.set(block, found);
    return found;
  }
}

/**
 * Everything `enumerateTasks` reads from its bodies, as a string, with their calls in walk order:
 * two inputs with the same key (and the same needs, perTask and budget) enumerate alike, call for
 * call, so a caller may compute a result once and map its calls by position. Linear in the plan
 * (not in the tasks). Left out: what the walk never reads (loads, sends, closes, call operands,
 * and the constants of a condition that reads a launch value: it is undecided whatever they are).
 */
/** Instructions that make a condition undecided here (`compiled`). */
const LAUNCH_READS = new Set(["slot", "sym", "task", "replica"]);

export function enumerationKey(sem: Semantics, axes: readonly DeclSymbol[], bodies: readonly EnumerationBody[]): { key: string; calls: CallStmt[] } {
  const out: string[] = [];
  const calls: CallStmt[] = [];
  const varsOf = (code: Code | null): string => (code ?? []).flatMap((ins) => (ins[0] === "var" ? [ins[1]] : [])).join(",");
  const size = (a: number): string => {
    const axis = axes[a]?.decl;
    const shape = axis?.kind === "Axis" ? sem.axes.get(axis) : undefined;
    return shape?.kind === "dense" ? String(shape.size) : "?";
  };
  const block = (plan: readonly PlanStmt[], ast: Block): void => {
    out.push("{");
    plan.forEach((p, i) => stmt(p, ast.statements[i]!));
    out.push("}");
  };
  const stmt = (p: PlanStmt, s: Stmt): void => {
    switch (p.op) {
      case "parallel": case "for":
        out.push(`L${p.vars.join(",")}|${p.names.join(",")}|${p.axes.map(size).join(",")}|${p.rows.map(varsOf).join(";")}`);
        return block(p.body, (s as Extract<Stmt, { kind: "Parallel" | "For" }>).body);
      case "select": case "consume":
        out.push(`S${p.var}|${p.name}|${p.op === "select" ? varsOf(p.row) : ""}`);
        return block(p.body, (s as Extract<Stmt, { kind: "Select" | "Consume" }>).body);
      case "when": {
        const w = s as Extract<Stmt, { kind: "When" }>;
        p.branches.forEach((b, i) => {
          out.push(b.cond.some((ins) => LAUNCH_READS.has(ins[0])) ? `D${varsOf(b.cond)}` : `W${JSON.stringify(b.cond)}`);
          block(b.body, w.branches[i]!.body);
        });
        if (p.else && w.otherwise) {
          out.push("E");
          block(p.else, w.otherwise);
        }
        return;
      }
      case "scope": return block(p.body, (s as Extract<Stmt, { kind: "Scope" }>).body);
      case "recv": out.push(`R${p.var}|${p.name}`); return;
      case "call": out.push("C"); calls.push(s as CallStmt); return;
      default: return;
    }
  };
  for (const b of bodies) {
    out.push(`B${b.vars}|${b.replicas}`);
    block(b.plan, b.ast);
  }
  return { key: out.join(" "), calls };
}
