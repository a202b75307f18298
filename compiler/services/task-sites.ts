/**
 * What is statically known about each kernel call of a checked program: the statements around
 * it, its loop variables, and how many tasks it creates when the trip counts are constants.
 * Pure functions of a `CheckResult` (the language server's hovers and inlay hints read them);
 * everything comes from what checking recorded (axis shapes, folded constants, references).
 */
import type { Block, CallStmt, LoopBinding, PipelineDecl, ProcessDecl, Stmt, WorkloadDecl } from "../../grammar/ast.js";
import type { TaskSite } from "../check/body.js";
import { exprValue, type Semantics } from "../check/symbols.js";
import type { CheckResult } from "../program.js";

/** How many tasks one call creates per run: exactly, at most (under a `when`), or not known statically. */
export type TaskCount =
  | { readonly kind: "exact"; readonly n: bigint }
  | { readonly kind: "at-most"; readonly n: bigint }
  | { readonly kind: "unknown"; readonly why: string };

/** A loop around a call whose trip count is a constant: its variable and size. */
export interface StaticLoop {
  readonly variable: string;
  readonly size: bigint;
}

export interface SiteInfo {
  readonly site: TaskSite;
  readonly owner: WorkloadDecl | PipelineDecl;
  /** The `parallel`/`for` variables around the call, outermost first (not `select` variables: those are data). */
  readonly loopVariables: readonly string[];
  /** The loops around the call when every one is a dense loop of constant size, outermost first. */
  readonly staticLoops: readonly StaticLoop[] | undefined;
  /** True when the call is under a `when` whose branch is not decided at compile time. */
  readonly conditional: boolean;
  readonly count: TaskCount;
}

const cache = new WeakMap<CheckResult, Map<CallStmt, SiteInfo>>();

/** Every kernel call of the program with what is known about it (computed once per result). */
export function siteInfos(result: CheckResult): ReadonlyMap<CallStmt, SiteInfo> {
  let infos = cache.get(result);
  if (!infos) {
    infos = new Map();
    for (const [owner, sites] of result.taskSites) {
      for (const site of sites) infos.set(site.call, describeSite(result.semantics, owner, site));
    }
    cache.set(result, infos);
  }
  return infos;
}

/** The kernel call whose callee name is at `offset` of `file` (a cursor just after it counts). */
export function siteAt(result: CheckResult, file: string, offset: number): SiteInfo | undefined {
  for (const info of siteInfos(result).values()) {
    const callee = info.site.call.callee;
    if (info.site.file === file && callee.start <= offset && offset <= callee.end) return info;
  }
  return undefined;
}

/** "32 tasks", "at most 32 tasks", "1 task"; undefined when not known statically. */
export function showTaskCount(count: TaskCount): string | undefined {
  if (count.kind === "unknown") return undefined;
  const noun = count.n === 1n ? "task" : "tasks";
  return count.kind === "exact" ? `${count.n} ${noun}` : `at most ${count.n} ${noun}`;
}

function describeSite(sem: Semantics, owner: WorkloadDecl | PipelineDecl, site: TaskSite): SiteInfo {
  const body = site.process?.body ?? (owner.kind === "Workload" ? owner.body : undefined);
  const path = body ? enclosingStatements(body, site.call) ?? [] : [];
  const loopVariables: string[] = [];
  const loops: StaticLoop[] = [];
  let unknown: string | undefined;
  let decided = true;
  let never = false;
  const noteUnknown = (why: string) => { unknown ??= why; };

  if (site.process) multiplyByReplicas(sem, site.process, loops, noteUnknown);
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    switch (s.kind) {
      case "Parallel":
      case "For":
        for (const b of s.bindings) {
          loopVariables.push(b.variable.text);
          const size = denseSize(sem, b);
          if (size === undefined) noteUnknown(`\`${b.variable.text}\` ranges over an axis whose size is known only at run time`);
          else loops.push({ variable: b.variable.text, size });
        }
        break;
      case "Select":
        noteUnknown("a `select` runs once per selected entry, known only at run time");
        break;
      case "Consume":
        noteUnknown("a `consume` runs once per token received");
        break;
      case "When": {
        const branch = whenBranchOutcome(sem, s, path[i + 1]);
        if (branch === "never") never = true;
        else if (branch === "maybe") decided = false;
        break;
      }
      default:
        break;
    }
  }
  const product = loops.reduce((n, l) => n * l.size, 1n);
  const count: TaskCount = never ? { kind: "exact", n: 0n }
    : unknown !== undefined ? { kind: "unknown", why: unknown }
    : decided ? { kind: "exact", n: product } : { kind: "at-most", n: product };
  const staticLoops = unknown === undefined && !site.process ? loops : undefined;
  return { site, owner, loopVariables, staticLoops, conditional: !decided, count };
}

/** A replicated process runs its body once per replica. */
function multiplyByReplicas(sem: Semantics, process: ProcessDecl, loops: StaticLoop[], noteUnknown: (why: string) => void): void {
  if (!process.replicate) return;
  const r = exprValue(sem, process.replicate);
  if (typeof r === "bigint") loops.push({ variable: "replica", size: r });
  else noteUnknown("the replica count is not a constant");
}

/** The constant size of a loop binding's axis, when it is a dense axis of constant size. */
function denseSize(sem: Semantics, b: LoopBinding): bigint | undefined {
  if (b.row) return undefined;
  const ref = sem.references.get(b.axis);
  if (ref?.kind !== "global" || ref.symbol.decl.kind !== "Axis") return undefined;
  const shape = sem.axes.get(ref.symbol.decl);
  return shape?.kind === "dense" ? shape.size : undefined;
}

/**
 * Whether the branch of `when` holding `inner` runs: always (its condition is the constant true
 * and every earlier one the constant false), never, or "maybe" (decided at run time).
 */
function whenBranchOutcome(sem: Semantics, s: Extract<Stmt, { kind: "When" }>, inner: Stmt | undefined): "always" | "never" | "maybe" {
  let earlier: "false" | "maybe" = "false";
  for (const br of s.branches) {
    const value = exprValue(sem, br.condition);
    const holds = inner !== undefined && contains(br.body, inner);
    if (holds) {
      if (value === false) return "never";
      return value === true && earlier === "false" ? "always" : "maybe";
    }
    if (value === true) return "never"; // an earlier branch always wins
    if (value !== false) earlier = "maybe";
  }
  return earlier === "false" ? "always" : "maybe";
}

function contains(block: Block, s: Stmt): boolean {
  return block.start <= s.start && s.end <= block.end;
}

/**
 * The statements from `body` down to `call`, outermost first, ending with the call; found by
 * spans (statements nest properly), with an explicit walk rather than recursion.
 */
export function enclosingStatements(body: Block, call: CallStmt): Stmt[] | undefined {
  const path: Stmt[] = [];
  let block: Block | undefined = body;
  while (block) {
    const s: Stmt | undefined = block.statements.find((x) => x.start <= call.start && call.end <= x.end);
    if (!s) return undefined;
    path.push(s);
    if (s === call) return path;
    block = innerBlockAround(s, call);
  }
  return undefined;
}

function innerBlockAround(s: Stmt, call: CallStmt): Block | undefined {
  const around = (b: Block | undefined) => b !== undefined && b.start <= call.start && call.end <= b.end;
  switch (s.kind) {
    case "Parallel": case "For": case "Select": case "Scope": case "Consume":
      return around(s.body) ? s.body : undefined;
    case "When":
      return s.branches.map((b) => b.body).find(around) ?? (around(s.otherwise) ? s.otherwise : undefined);
    default:
      return undefined;
  }
}
