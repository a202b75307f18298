/**
 * Where a unit uses each feature (compiler/analysis/capability-check.ts `unitFeatures`): the
 * reference walk for host slots and launch-time tensors finds the first use in source order,
 * as the generic walk over every node it replaced did (the first version is kept here as the
 * reference, and both must give the same features at the same places).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Ident, Span, Stmt } from "../../grammar/ast.js";
import { unitFeatures } from "../../compiler/analysis/capability-check.js";
import type { Feature } from "../../compiler/capabilities.js";
import { exprValue, type Semantics } from "../../compiler/check/symbols.js";
import type { Location } from "../../compiler/diagnostic.js";
import type { CheckResult } from "../../compiler/program.js";
import { buildUnits, type BuildUnit } from "../../compiler/units.js";
import { checkProgram } from "../../compiler/program.js";
import { checkText, memoryHost, REPO_ROOT } from "../helpers/memory-host.js";

const PROGRAM = `module main
use std.targets.{a2a3sim}
slot s: u64
slot t: u64
symbol n: u64
tensor X: u64[n, 4] in
tensor Y: u64[4, 4] in
kernel k(a: in u64[4], p: u64) on aiv cycles 1
axis a = dense(4)
workload w {
  parallel i in a {
    k(Y[i], p = s)
    when t > 0 { k(Y[i], p = t) }
    load s <- Y[i, 0]
    when s > 0 { k(X[0], p = 1) }
  }
}
schedule w on a2a3sim { window 16 tasks stall }
`;

/** `unitFeatures` as first written, with a generic walk over every object under the subject. */
function referenceUnitFeatures(sem: Semantics, unit: BuildUnit): Map<Feature, Location> {
  const found = new Map<Feature, Location>();
  const file = unit.subject.module.file;
  const note = (f: Feature, at: Span, inFile = file): void => {
    if (!found.has(f)) found.set(f, { file: inFile, start: at.start, end: at.end });
  };
  for (const d of unit.schedule?.directives ?? []) note(d.kind.toLowerCase() as Feature, d.keyword, unit.scheduleFile ?? file);
  const subject = unit.subject.decl;
  const loaded = new Set<string>();
  const noteAxis = (name: Ident): void => {
    const r = sem.references.get(name);
    if (r?.kind !== "global" || r.symbol.decl.kind !== "Axis") return;
    const k = r.symbol.decl.axisKind.text;
    if (k === "dyn" || k === "ragged" || k === "sparse") note(k, name);
  };
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case "Scope": note("scopes", s); walk(s.body.statements); break;
        case "Load": note("slots", s); loaded.add(s.slot.text); break;
        case "When": note("when", s); for (const b of s.branches) walk(b.body.statements); if (s.otherwise) walk(s.otherwise.statements); break;
        case "Parallel": case "For":
          if (s.kind === "For") note("for", s);
          for (const b of s.bindings) noteAxis(b.axis);
          walk(s.body.statements);
          break;
        case "Select": noteAxis(s.binding.axis); walk(s.body.statements); break;
        case "Consume": walk(s.body.statements); break;
        default: break;
      }
    }
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
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    const r = sem.references.get(node as never);
    if (r?.kind === "global" && (node as { start?: number }).start !== undefined) {
      const d = r.symbol.decl;
      if (d.kind === "Slot" && !loaded.has(r.symbol.name)) note("host-slots", node as Span);
      if (d.kind === "Tensor" && sem.tensors.get(d)?.dims.some((x) => x?.kind === "symbolic")) note("dyn", node as Span);
    }
    if ((node as { kind?: string }).kind === "Load") { visit((node as { view: unknown }).view); return; }
    for (const key in node) if (key !== "start" && key !== "end") visit((node as Record<string, unknown>)[key]);
  };
  visit(subject);
  return found;
}

function referenceFeatures(result: CheckResult, unit: BuildUnit): Map<string, number> {
  const features = unitFeatures(result.semantics, unit);
  const out = new Map<string, number>();
  for (const f of ["host-slots", "dyn"] as const) {
    const at = features.get(f);
    if (at) out.set(f, at.start);
  }
  return out;
}

describe("the reference walk of the capability check", () => {
  it("finds the first slot read without a load and the first launch-time tensor", () => {
    const result = checkText(PROGRAM);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const [unit] = buildUnits(result);
    const features = referenceFeatures(result, unit!);
    // `s` is loaded in the body, so only `t` counts: its first read is in `when t > 0`.
    expect(features.get("host-slots")).toBe(PROGRAM.indexOf("when t > 0") + "when ".length);
    // `X` has the launch-time dimension `n`.
    expect(features.get("dyn")).toBe(PROGRAM.indexOf("X[0]"));
  });

  it("agrees with the generic walk on every example and on the program above", () => {
    const results = [checkText(PROGRAM)];
    for (const name of fs.readdirSync(path.join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".wsp")).sort()) {
      const file = path.join(REPO_ROOT, "examples", name);
      results.push(checkProgram([file], memoryHost({ [file]: fs.readFileSync(file, "utf8") })));
    }
    let units = 0;
    for (const result of results) {
      for (const unit of buildUnits(result)) {
        units++;
        expect([...unitFeatures(result.semantics, unit)]).toEqual([...referenceUnitFeatures(result.semantics, unit)]);
      }
    }
    expect(units).toBeGreaterThanOrEqual(results.length);
  });
});
