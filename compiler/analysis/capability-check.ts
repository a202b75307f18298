import type { Arg, Block, Expr, Ident, Span, Stmt } from "../../grammar/ast.js";
import { CAPABILITIES, FEATURES, type Capability, type Feature } from "../capabilities.js";
import { exprValue, type DeclSymbol, type Semantics } from "../check/symbols.js";
import type { Backend } from "../check/target-model.js";
import { makeDiagnostic, type Diagnostic, type Location } from "../diagnostic.js";
import type { BuildUnit } from "../units.js";

/** Features whose report is implied by another's (a rendezvous is a channel). */
const PARENT: Partial<Record<Feature, Feature>> = { rendezvous: "channels", replicas: "channels", "host-slots": "slots" };

/** Where a unit uses each feature: the first place, for the diagnostic's range. */
export function unitFeatures(sem: Semantics, unit: BuildUnit): Map<Feature, Location> {
  const found = new Map<Feature, Location>();
  const file = unit.subject.module.file;
  const note = (f: Feature, at: Span, inFile = file) => {
    if (!found.has(f)) found.set(f, { file: inFile, start: at.start, end: at.end });
  };
  for (const d of unit.schedule?.directives ?? []) note(d.kind.toLowerCase() as Feature, d.keyword, unitFile(unit));
  const subject = unit.subject.decl;
  const axes = new Set<DeclSymbol>();
  const loaded = new Set<string>();
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case "Scope": note("scopes", s); walk(s.body.statements); break;
        case "Load": note("slots", s); loaded.add(s.slot.text); break;
        case "When": note("when", s); for (const b of s.branches) walk(b.body.statements); if (s.otherwise) walk(s.otherwise.statements); break;
        case "Parallel": case "For":
          if (s.kind === "For") note("for", s);
          for (const b of s.bindings) noteAxis(b.axis, b.axis);
          walk(s.body.statements);
          break;
        case "Select": noteAxis(s.binding.axis, s.binding.axis); walk(s.body.statements); break;
        case "Consume": walk(s.body.statements); break;
        default: break;
      }
    }
  };
  const noteAxis = (name: { text: string } & Span, at: Span) => {
    const r = sem.references.get(name as never);
    if (r?.kind !== "global" || r.symbol.decl.kind !== "Axis") return;
    axes.add(r.symbol);
    const k = r.symbol.decl.axisKind.text;
    if (k === "dyn" || k === "ragged" || k === "sparse") note(k, at);
  };

  if (subject.kind === "Workload") walk(subject.body.statements);
  if (subject.kind === "Pipeline") {
    for (const m of subject.members) {
      if (m.kind === "Channel") {
        note("channels", m.name);
        if (m.depth && exprValue(sem, m.depth) === 0n) note("rendezvous", m.depth);
      } else {
        if (m.replicate) note("replicas", m.replicate);
        walk(m.body.statements);
      }
    }
  }
  noteReferences(sem, unit, loaded, note);
  return found;
}

/**
 * One walk over the subject's references: a slot it reads but never `load`s is set by the host
 * between runs; a tensor it uses with a launch-time dimension makes it dynamic. The walk visits
 * every identifier of the subject in source order (each node's fields in declaration order), so
 * the first use found is the first written. Only names in expressions and viewed tensors can
 * denote a slot or a tensor once a program checks without errors (the analyses and builds only
 * run then), so only those are looked up: this walk runs once per unit over whole bodies.
 * A `load`'s slot is a write, not a read: only its view is visited.
 */
function noteReferences(sem: Semantics, unit: BuildUnit, loaded: ReadonlySet<string>, note: (f: Feature, at: Span, file?: string) => void): void {
  /** A name that may denote a slot or a tensor (in a program without errors, no other can). */
  const ident = (id: Ident): void => {
    const r = sem.references.get(id);
    if (r?.kind !== "global") return;
    const d = r.symbol.decl;
    if (d.kind === "Slot" && !loaded.has(r.symbol.name)) note("host-slots", id);
    if (d.kind === "Tensor" && sem.tensors.get(d)?.dims.some((x) => x?.kind === "symbolic")) note("dyn", id);
  };
  const args = (list: readonly Arg[]): void => {
    for (const a of list) expr(a.value);
  };
  const expr = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case "Int": case "Bool": case "Missing": case "TaskAttr": return;
      case "Name": return ident(e.name);
      case "View": ident(e.tensor); for (const i of e.indices) expr(i); return;
      case "Unary": return expr(e.operand);
      case "Binary": expr(e.left); return expr(e.right);
      case "CallExpr": return args(e.args);
      case "Paren": return expr(e.inner);
      default: return unreachable(e);
    }
  };
  const block = (b: Block): void => {
    for (const s of b.statements) stmt(s);
  };
  const stmt = (s: Stmt): void => {
    switch (s.kind) {
      case "Parallel": case "For": for (const b of s.bindings) expr(b.row); return block(s.body);
      case "Select": expr(s.binding.row); return block(s.body);
      case "When":
        for (const b of s.branches) { expr(b.condition); block(b.body); }
        if (s.otherwise) block(s.otherwise);
        return;
      case "Load": ident(s.view.tensor); for (const i of s.view.indices) expr(i); return;
      case "Call": return args(s.args);
      case "Scope": return block(s.body);
      case "Send": return expr(s.value);
      case "Recv": case "Close": return;
      case "Consume": return block(s.body);
      default: return unreachable(s);
    }
  };
  const subject = unit.subject.decl;
  if (subject.kind === "Workload") block(subject.body);
  else if (subject.kind === "Pipeline") {
    for (const m of subject.members) {
      if (m.kind === "Channel") {
        expr(m.depth);
        expr(m.latency);
      } else {
        expr(m.replicate);
        block(m.body);
      }
    }
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected syntax node ${String((x as { kind?: unknown }).kind)}`);
}

function unitFile(unit: BuildUnit): string {
  return unit.scheduleFile ?? unit.subject.module.file;
}

/** The capability report of a unit: one line per feature it uses. */
export function capabilityReport(backend: Backend, features: ReadonlyMap<Feature, unknown>): { directive: Feature; status: Capability["status"]; reason: string }[] {
  const always: Feature[] = ["dispatch", "window", "ready", "start", "pools"];
  return FEATURES.filter((f) => always.includes(f) || features.has(f)).map((f) => ({ directive: f, ...CAPABILITIES[backend][f] }));
}

/**
 * Diagnostics for what a target does not enforce: an error for unsupported constructs, a warning
 * for directives it only records or ignores — each at the directive's or construct's own range.
 * Directives left at their defaults are not reported (the user asked for nothing).
 */
export function checkCapabilities(sem: Semantics, unit: BuildUnit, backend: Backend): Diagnostic[] {
  // A target that enforces every feature has nothing to report: no need to find where they are used.
  if (FEATURES.every((f) => CAPABILITIES[backend][f].status === "enforced")) return [];
  const out: Diagnostic[] = [];
  const features = unitFeatures(sem, unit);
  for (const [feature, at] of features) {
    const c = CAPABILITIES[backend][feature];
    if (c.status === "enforced") continue;
    const parent = PARENT[feature];
    if (parent && features.has(parent) && CAPABILITIES[backend][parent].status === c.status) continue;
    const verb = c.status === "unsupported" ? "is not supported" : c.status === "recorded" ? "is recorded but not enforced" : "is not enforced";
    out.push(makeDiagnostic(c.status === "unsupported" ? "WSP0801" : "WSP0802", at.file, at,
      `\`${feature}\` ${verb} on ${unit.target.name} (${backend}): ${c.reason}`));
  }
  return out;
}
