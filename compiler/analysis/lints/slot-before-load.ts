import type { Block, Expr, Ident, LoadStmt, LoopBinding, Stmt } from "../../../grammar/ast.js";
import type { DeclSymbol, ModuleInfo, Semantics } from "../../check/symbols.js";
import { makeDiagnostic, type Diagnostic } from "../../diagnostic.js";
import { orchestrators, type Orchestrator } from "./orchestrators.js";

/**
 * A slot read before any `load` of it (WSP1003). Per orchestrator (a workload's body, or one
 * process): among the slots the orchestrator itself `load`s, a read that is not preceded by a
 * load of that slot on every path from the start. Such a read sees the launch value (what the
 * host supplied, or 0) the first time, and the last loaded value after that.
 *
 * Silent for slots the orchestrator never loads: those are set by the host between runs (or,
 * in a pipeline, loaded by another process, which channels may order). Policies read slots when
 * tasks are placed; those reads are not checked.
 */
export function lintSlotBeforeLoad(modules: readonly ModuleInfo[], sem: Semantics): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of modules) for (const o of orchestrators(m)) out.push(...checkOrchestrator(m, o, sem));
  return out;
}

type Loaded = ReadonlySet<DeclSymbol>;

function checkOrchestrator(m: ModuleInfo, o: Orchestrator, sem: Semantics): Diagnostic[] {
  const loads = new Map<DeclSymbol, LoadStmt[]>();
  forEachLoad(o.body, (s) => {
    const r = sem.references.get(s.slot);
    if (r?.kind !== "global") return;
    const known = loads.get(r.symbol);
    if (known) known.push(s);
    else loads.set(r.symbol, [s]);
  });
  if (loads.size === 0) return [];
  // Most names are loop variables and tensors: only these texts can name a loaded slot.
  const texts = new Set<string>();
  for (const slot of loads.keys()) texts.add(slot.name);
  for (const [local, b] of m.imports) if (b.target && loads.has(b.target)) texts.add(local);
  const out: Diagnostic[] = [];
  const read = (e: Expr | undefined, loaded: Loaded): void => {
    forEachName(e, (name) => {
      if (!texts.has(name.text)) return;
      const r = sem.references.get(name);
      if (r?.kind !== "global" || r.symbol.decl.kind !== "Slot" || loaded.has(r.symbol)) return;
      const at = loads.get(r.symbol);
      if (!at) return;
      out.push(makeDiagnostic("WSP1003", m.file, name,
        `slot \`${name.text}\` is read here before any \`load\` into it in ${o.label}: the first time, it holds the launch value (the host's, or 0); load it before this read, or move the read after the load`,
        { related: at.slice(0, 3).map((s) => ({ file: m.file, start: s.start, end: s.end, message: `\`${name.text}\` is loaded here` })) }));
    });
  };
  block(o.body, new Set(), read, sem);
  return out;
}

/** Walks a block; returns the slots loaded on every path through it. */
function block(b: Block, loaded: Loaded, read: (e: Expr | undefined, l: Loaded) => void, sem: Semantics): Loaded {
  let state = loaded;
  for (const s of b.statements) state = stmt(s, state, read, sem);
  return state;
}

function stmt(s: Stmt, loaded: Loaded, read: (e: Expr | undefined, l: Loaded) => void, sem: Semantics): Loaded {
  switch (s.kind) {
    case "Load": {
      for (const i of s.view.indices) read(i, loaded);
      const r = sem.references.get(s.slot);
      return r?.kind === "global" ? new Set([...loaded, r.symbol]) : loaded;
    }
    case "Call":
      for (const a of s.args) read(a.value, loaded);
      return loaded;
    case "Send":
      read(s.value, loaded);
      return loaded;
    case "When": {
      for (const br of s.branches) read(br.condition, loaded);
      const outs = s.branches.map((br) => block(br.body, loaded, read, sem));
      outs.push(s.otherwise ? block(s.otherwise, loaded, read, sem) : loaded);
      return intersect(outs);
    }
    case "Parallel": case "For": {
      for (const b of s.bindings) read(b.row, loaded);
      const after = block(s.body, loaded, read, sem);
      return s.bindings.every((b) => runsAtLeastOnce(b, sem)) ? after : loaded;
    }
    case "Select":
      read(s.binding.row, loaded);
      block(s.body, loaded, read, sem);
      return loaded;
    case "Consume":
      block(s.body, loaded, read, sem);
      return loaded;
    case "Scope":
      return block(s.body, loaded, read, sem);
    case "Recv": case "Close":
      return loaded;
  }
}

/** A binding over a `dense` axis of constant size ≥ 1 (anything else may run zero times). */
function runsAtLeastOnce(b: LoopBinding, sem: Semantics): boolean {
  const r = sem.references.get(b.axis);
  if (r?.kind !== "global" || r.symbol.decl.kind !== "Axis") return false;
  const shape = sem.axes.get(r.symbol.decl);
  return shape?.kind === "dense" && shape.size !== undefined && shape.size > 0n;
}

function intersect(sets: readonly Loaded[]): Loaded {
  const [first, ...rest] = sets;
  return new Set([...first!].filter((x) => rest.every((s) => s.has(x))));
}

function forEachLoad(b: Block, f: (s: LoadStmt) => void): void {
  for (const s of b.statements) {
    if (s.kind === "Load") f(s);
    else if (s.kind === "When") {
      for (const br of s.branches) forEachLoad(br.body, f);
      if (s.otherwise) forEachLoad(s.otherwise, f);
    } else if ("body" in s) forEachLoad(s.body, f);
  }
}

/** Every name an expression reads, left to right (with a stack: operator chains can be long). */
function forEachName(e: Expr | undefined, f: (name: Ident) => void): void {
  const stack: Expr[] = e ? [e] : [];
  for (let x = stack.pop(); x; x = stack.pop()) {
    switch (x.kind) {
      case "Name": f(x.name); break;
      case "View": for (let i = x.indices.length - 1; i >= 0; i--) stack.push(x.indices[i]!); break;
      case "Unary": stack.push(x.operand); break;
      case "Binary": stack.push(x.right, x.left); break;
      case "CallExpr": for (let i = x.args.length - 1; i >= 0; i--) stack.push(x.args[i]!.value); break;
      case "Paren": stack.push(x.inner); break;
      default: break;
    }
  }
}
