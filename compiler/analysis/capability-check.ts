import type { Span, Stmt } from "../../grammar/ast.js";
import { CAPABILITIES, FEATURES, type Capability, type Feature } from "../capabilities.js";
import type { DeclSymbol, Semantics } from "../check/symbols.js";
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
        if (m.depth && sem.exprValues.get(m.depth) === 0n) note("rendezvous", m.depth);
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
 * between runs; a tensor it uses with a launch-time dimension makes it dynamic.
 */
function noteReferences(sem: Semantics, unit: BuildUnit, loaded: ReadonlySet<string>, note: (f: Feature, at: Span, file?: string) => void): void {
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    const r = sem.references.get(node as never);
    if (r?.kind === "global" && (node as { start?: number }).start !== undefined) {
      const d = r.symbol.decl;
      if (d.kind === "Slot" && !loaded.has(r.symbol.name)) note("host-slots", node as Span);
      if (d.kind === "Tensor" && sem.tensors.get(d)?.dims.some((x) => x?.kind === "symbolic")) note("dyn", node as Span);
    }
    if ((node as { kind?: string }).kind === "Load") {
      // The loaded slot's own name is a write, not a read; its view is still visited.
      visit((node as { view: unknown }).view);
      return;
    }
    for (const key in node) if (key !== "start" && key !== "end") visit((node as Record<string, unknown>)[key]);
  };
  visit(unit.subject.decl);
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
