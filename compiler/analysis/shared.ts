/**
 * What the analyses of one checked program share, so that each piece of work is done once per
 * program rather than once per unit or per analysis: one numbering of the program's declarations,
 * one lowering of each workload or process body (the deadlock model and the dispatch lint both
 * read it; without operands and locations, which neither reads), and memo tables of results that are functions of their keys alone.
 *
 * Keyed by the program's `Semantics`, which nothing writes to once the program is checked (the
 * analyses run only then), so every entry is a function of immutable inputs and dies with them.
 */
import type { Block } from "../../grammar/ast.js";
import type { DeclSymbol, Semantics } from "../check/symbols.js";
import { lowerBody, type Numbering, type PlanStmt } from "../package/plan.js";
import type { CheckResult } from "../program.js";
import type { BuildUnit } from "../units.js";

/** Declarations numbered over the whole program: a unit's plan only needs its numbers to be consistent. */
export interface ProgramNumbering extends Omit<Numbering, "channels"> {
  /** Symbols by number (the deadlock model reports and sets them by number). */
  readonly symbolList: readonly DeclSymbol[];
  /** Axes by number (the task enumeration looks their sizes up by plan index). */
  readonly axisList: readonly DeclSymbol[];
}

export interface UnitNumbering extends Numbering {
  readonly symbolList: readonly DeclSymbol[];
  readonly axisList: readonly DeclSymbol[];
}

export interface LoweredBody {
  readonly body: PlanStmt[];
  readonly vars: number;
}

interface Shared {
  readonly numbering: ProgramNumbering;
  /** The numbering of every workload: they have no channels. */
  readonly noChannels: UnitNumbering;
  /** Per pipeline or workload declaration: the numbering with its channels. */
  readonly units: Map<object, UnitNumbering>;
  readonly lowered: Map<Block, LoweredBody>;
  /** Per analysis, its own memo table (the analysis defines keys and values). */
  readonly memos: Map<string, Map<unknown, unknown>>;
}

const SHARED = new WeakMap<Semantics, Shared>();

function shared(result: CheckResult): Shared {
  let s = SHARED.get(result.semantics);
  if (!s) {
    const numbering = numberProgram(result);
    s = { numbering, noChannels: { ...numbering, channels: new Map() }, units: new Map(), lowered: new Map(), memos: new Map() };
    SHARED.set(result.semantics, s);
  }
  return s;
}

function numberProgram(result: CheckResult): ProgramNumbering {
  const kernels = new Map<DeclSymbol, number>();
  const tensors = new Map<DeclSymbol, number>();
  const slots = new Map<DeclSymbol, number>();
  const symbols = new Map<DeclSymbol, number>();
  const axes = new Map<DeclSymbol, number>();
  const symbolList: DeclSymbol[] = [];
  const axisList: DeclSymbol[] = [];
  const add = (m: Map<DeclSymbol, number>, s: DeclSymbol) => m.set(s, m.size);
  for (const m of result.modules.values()) {
    for (const s of m.decls.values()) {
      switch (s.decl.kind) {
        case "Kernel": add(kernels, s); break;
        case "Tensor": add(tensors, s); break;
        case "Slot": add(slots, s); break;
        case "Symbol": add(symbols, s); symbolList.push(s); break;
        case "Axis": add(axes, s); axisList.push(s); break;
        default: break;
      }
    }
  }
  return { kernels, tensors, slots, symbols, axes, symbolList, axisList };
}

/** The program's numbering, with the unit's channels (a pipeline's, in declaration order). */
export function unitNumbering(result: CheckResult, unit: BuildUnit): UnitNumbering {
  const s = shared(result);
  const subject = unit.subject.decl;
  if (subject.kind !== "Pipeline") return s.noChannels;
  let n = s.units.get(subject);
  if (!n) {
    const channels = new Map<string, number>();
    let index = 0;
    for (const m of subject.members) if (m.kind === "Channel") channels.set(m.name.text, index++);
    n = { ...s.numbering, channels };
    s.units.set(subject, n);
  }
  return n;
}

/** A workload's or process's body lowered to the plan (compiler/package/plan.ts), once per program. */
export function loweredBody(result: CheckResult, unit: BuildUnit, block: Block): LoweredBody {
  const s = shared(result);
  let l = s.lowered.get(block);
  if (!l) {
    const m = unit.subject.module;
    // The analyses read neither call arguments, load views nor locations (deadlock/model.ts and
    // lints/task-enumeration.ts take those from the tree): leaving them out saves their bytecode.
    l = lowerBody(block, result.semantics, unitNumbering(result, unit), m.file, m.source.lineMap, { operands: false, locations: false });
    s.lowered.set(block, l);
  }
  return l;
}

/** An analysis's memo table for this program (`name` keeps the tables of different analyses apart). */
export function sharedMemo<K, V>(result: CheckResult, name: string): Map<K, V> {
  const memos = shared(result).memos;
  let m = memos.get(name);
  if (!m) {
    m = new Map();
    memos.set(name, m);
  }
  return m as Map<K, V>;
}
