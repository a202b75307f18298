import type { ChannelDecl, UseDecl, UseItem } from "../../../grammar/ast.js";
import type { DeclSymbol, ModuleInfo, NamedDecl } from "../../check/symbols.js";
import { makeDiagnostic, type Diagnostic, type Fix, type TextEdit } from "../../diagnostic.js";
import type { CheckResult } from "../../program.js";
import { removeNode } from "./edits.js";

/**
 * Unused declarations (WSP1001) and unused imports (WSP1002), in the files being checked.
 *
 * A declaration is used when something *live* names it: live are every workload, pipeline and
 * schedule, every declaration of a module that is not reported on (imported modules, library
 * modules, the standard library), and whatever a live declaration names, transitively. So a
 * constant named only by an unused kernel is unused too; its fix removes both, so that applying
 * one fix alone never leaves a dangling name. Reported modules are the checked files (roots)
 * outside `std.*` that hold a workload, pipeline or schedule: a file of declarations only is a
 * library, and all of it is its interface.
 */
export function lintUnused(result: CheckResult): Diagnostic[] {
  const reported = reportedModules(result);
  if (reported.size === 0) return [];
  const graph = referenceGraph(result, reported);
  const out: Diagnostic[] = [];
  for (const m of reported) {
    out.push(...unusedDeclarations(m, graph), ...unusedChannels(m, graph.channelsNamed), ...unusedImports(m, graph.namesUsed.get(m)));
  }
  return out;
}

function reportedModules(result: CheckResult): Set<ModuleInfo> {
  const out = new Set<ModuleInfo>();
  for (const root of result.roots) {
    const m = result.modules.get(root);
    if (!m || isStd(m)) continue;
    if (m.source.ast.decls.some((d) => d.kind === "Workload" || d.kind === "Pipeline" || d.kind === "Schedule")) out.add(m);
  }
  return out;
}

interface ReferenceGraph {
  /** Declarations some live declaration names, transitively. */
  readonly live: ReadonlySet<NamedDecl>;
  /** For each declaration of a reported module: the declarations of reported modules that name it. */
  readonly namedBy: ReadonlyMap<NamedDecl, Set<DeclSymbol>>;
  /** Per reported module: the names its code may have reached through a `use`, by qualified name, as written. */
  readonly namesUsed: ReadonlyMap<ModuleInfo, ReadonlyMap<string, ReadonlySet<string>>>;
  /** Channels some statement names (a channel resolves only within its own pipeline). */
  readonly channelsNamed: ReadonlySet<ChannelDecl>;
}

/**
 * Who names whom, from what the checker recorded under each declaration (`Semantics.declUses`).
 * Declarations are visited in program order (modules in load order, declarations in file order),
 * so each declaration's users are listed in that order too.
 */
function referenceGraph(result: CheckResult, reported: ReadonlySet<ModuleInfo>): ReferenceGraph {
  const uses = result.semantics.declUses;
  const namedBy = new Map<NamedDecl, Set<DeclSymbol>>();
  const namesUsed = new Map<ModuleInfo, Map<string, Set<string>>>();
  // Live by themselves: workloads, pipelines, schedules, duplicates, whatever is not reported on,
  // and every declaration these name.
  const pending: DeclSymbol[] = [];
  const channelsNamed = new Set<ChannelDecl>();
  for (const m of result.modules.values()) {
    if (isStd(m)) continue;
    const isReported = reported.has(m);
    const used = isReported ? new Map<string, Set<string>>() : undefined;
    if (used) namesUsed.set(m, used);
    // Only through an alias can a name of this module reach an import (written as itself, it
    // resolves to the declaration): without such an alias, only other modules' names are noted.
    const aliasesSelf = [...m.imports.values()].some((b) => b.target?.module === m);
    const decls = m.source.ast.decls;
    for (let i = 0; i < decls.length; i++) {
      const d = decls[i]!;
      const self = d.kind === "Schedule" ? undefined : m.decls.get(d.name.text);
      const isSelf = self !== undefined && self.decl === d;
      const mayBeUnused = isSelf && isReported && d.kind !== "Workload" && d.kind !== "Pipeline";
      if (isSelf && !mayBeUnused) pending.push(self);
      const list = uses.get(d) ?? [];
      for (let k = 0; k < list.length; k++) {
        const use = list[k]!;
        if (use.kind === "channel") {
          channelsNamed.add(use.decl);
          continue;
        }
        const { symbol, ident } = use;
        if (symbol.decl === d) continue;
        if (!mayBeUnused) pending.push(symbol);
        if (used && (symbol.module !== m || (aliasesSelf && ident.text !== symbol.name))) {
          const written = used.get(symbol.qualifiedName);
          if (written) written.add(ident.text);
          else used.set(symbol.qualifiedName, new Set([ident.text]));
        }
        if (mayBeUnused) {
          let by = namedBy.get(symbol.decl);
          if (!by) namedBy.set(symbol.decl, (by = new Set()));
          by.add(self!);
        }
      }
    }
  }
  const live = new Set<NamedDecl>();
  for (let s = pending.pop(); s; s = pending.pop()) {
    if (live.has(s.decl)) continue;
    live.add(s.decl);
    for (const use of uses.get(s.decl) ?? []) {
      if (use.kind === "global" && use.symbol.decl !== s.decl) pending.push(use.symbol);
    }
  }
  return { live, namedBy, namesUsed, channelsNamed };
}

function isStd(m: ModuleInfo): boolean {
  return m.name === "std" || m.name.startsWith("std.");
}

const WHAT: Partial<Record<NamedDecl["kind"], string>> = {
  Const: "constant", Slot: "slot", Symbol: "symbol", Axis: "axis", Tensor: "tensor", Kernel: "kernel", Policy: "policy", Target: "target",
};

function unusedDeclarations(m: ModuleInfo, graph: ReferenceGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of m.source.ast.decls) {
    const what = d.kind === "Schedule" ? undefined : WHAT[d.kind];
    if (!what || d.kind === "Schedule" || graph.live.has(d) || m.decls.get(d.name.text)?.decl !== d) continue;
    const users = [...(graph.namedBy.get(d) ?? [])].filter((s) => s.decl !== d);
    const group = deadGroup(m.decls.get(d.name.text)!, graph);
    const others = group.filter((x) => x.decl !== d).map((x) => `\`${x.name}\``);
    const message = users.length === 0
      ? `${what} \`${d.name.text}\` is never used${hint(d)}`
      : `${what} \`${d.name.text}\` is used only by ${users.map((u) => `\`${u.name}\``).join(", ")}, which ${users.length === 1 ? "is" : "are"} unused too`;
    const fix: Fix = {
      message: others.length === 0 ? `remove \`${d.name.text}\`` : `remove \`${d.name.text}\` and ${others.join(", ")}, which use${others.length === 1 ? "s" : ""} it`,
      edits: group.map((x) => removeNode(x.module.source, x.decl, x.decl.doc !== undefined)),
    };
    out.push(makeDiagnostic("WSP1001", m.file, d.name, message, { tags: ["unnecessary"], fixes: [fix] }));
  }
  return out;
}

/** Why it matters, where more can be said than "never used". */
function hint(d: NamedDecl): string {
  if (d.kind === "Tensor" && d.direction) return `: no workload or pipeline reads or writes it, so no package lists it as a launch ${d.direction.value === "in" ? "input" : "output"}`;
  if (d.kind === "Kernel") return ": no workload or pipeline calls it";
  if (d.kind === "Axis") return ": no loop iterates it";
  return "";
}

/** `d` and the unused declarations that name it, transitively: removing them together leaves no dangling name. */
function deadGroup(d: DeclSymbol, graph: ReferenceGraph): DeclSymbol[] {
  const group: DeclSymbol[] = [];
  const seen = new Set<NamedDecl>();
  const pending: DeclSymbol[] = [d];
  for (let x = pending.pop(); x; x = pending.pop()) {
    if (seen.has(x.decl)) continue;
    seen.add(x.decl);
    group.push(x);
    for (const by of graph.namedBy.get(x.decl) ?? []) if (!graph.live.has(by.decl)) pending.push(by);
  }
  return group.sort((a, b) => (a.module.file < b.module.file ? -1 : a.module.file > b.module.file ? 1 : a.decl.start - b.decl.start));
}

/** A channel of a pipeline that no statement names. */
function unusedChannels(m: ModuleInfo, named: ReadonlySet<ChannelDecl>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of m.source.ast.decls) {
    if (d.kind !== "Pipeline") continue;
    for (const c of d.members) {
      if (c.kind !== "Channel" || named.has(c) || c.name.text.length === 0) continue;
      out.push(makeDiagnostic("WSP1001", m.file, c.name, `channel \`${c.name.text}\` is never used: no process sends on it, receives from it or closes it`, {
        tags: ["unnecessary"],
        fixes: [{ message: `remove \`${c.name.text}\``, edits: [removeNode(m.source, c, c.doc !== undefined)] }],
      }));
    }
  }
  return out;
}

/** `use` items whose name nothing in the module uses. */
function unusedImports(m: ModuleInfo, used: ReadonlyMap<string, ReadonlySet<string>> | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const isUsed = (item: UseItem): boolean => {
    const local = item.alias ?? item.name;
    const target = m.imports.get(local.text);
    // A broken or clashing import is the checker's business; say nothing here.
    if (!target?.target || target.item !== item) return true;
    return used?.get(target.target.qualifiedName)?.has(local.text) ?? false;
  };
  for (const use of m.source.ast.uses) {
    const unused = use.items.filter((i) => !isUsed(i));
    for (const item of unused) {
      const local = (item.alias ?? item.name).text;
      const edits = unused.length === use.items.length ? [removeNode(m.source, use, false)] : [removeItem(m, use, item)];
      out.push(makeDiagnostic("WSP1002", m.file, item, `\`${local}\` is imported but never used`, {
        tags: ["unnecessary"],
        fixes: [{ message: unused.length === use.items.length ? "remove the import" : `remove \`${local}\` from the import`, edits }],
      }));
    }
  }
  return out;
}

/** Deletes one item of a braced list with the comma that separates it from a neighbour. */
function removeItem(m: ModuleInfo, use: UseDecl, item: UseItem): TextEdit {
  const i = use.items.indexOf(item);
  const next = use.items[i + 1];
  const previous = use.items[i - 1];
  if (next) return { file: m.file, start: item.start, end: next.start, newText: "" };
  return { file: m.file, start: previous!.end, end: item.end, newText: "" };
}
