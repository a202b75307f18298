import type { ChannelDecl, Decl, Ident, Span, UseDecl, UseItem } from "../../../grammar/ast.js";
import type { DeclSymbol, ModuleInfo, NamedDecl, Semantics } from "../../check/symbols.js";
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
  const sem = result.semantics;
  const reported = reportedModules(result);
  if (reported.size === 0) return [];
  const graph = referenceGraph(result, reported, sem);
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
  /** Per reported module: the global names its own code uses, by qualified name, as written. */
  readonly namesUsed: ReadonlyMap<ModuleInfo, ReadonlyMap<string, ReadonlySet<string>>>;
  /** Channels some statement names (a channel resolves only within its own pipeline). */
  readonly channelsNamed: ReadonlySet<ChannelDecl>;
}

/**
 * Who names whom, from the checker's record of every resolved name (`Semantics.references`)
 * rather than a walk of the trees: each reference is placed in the declaration whose span
 * holds it (see `ownerOf`).
 */
function referenceGraph(result: CheckResult, reported: ReadonlySet<ModuleInfo>, sem: Semantics): ReferenceGraph {
  const names = new Map<NamedDecl | "root", Set<DeclSymbol>>();
  const namedBy = new Map<NamedDecl, Set<DeclSymbol>>();
  const namesUsed = new Map<ModuleInfo, Map<string, Set<string>>>();
  const roots: DeclSymbol[] = [];
  const channelsNamed = new Set<ChannelDecl>();
  const files = fileIndexes(result);
  const owners = new Map<Decl, NamedDecl | "root">();
  for (const f of files) {
    if (isStd(f.module)) continue;
    const m = f.module;
    if (reported.has(m)) namesUsed.set(m, new Map());
    for (const d of m.source.ast.decls) {
      const self = d.kind === "Schedule" ? undefined : m.decls.get(d.name.text);
      const owner: NamedDecl | "root" = self && self.decl === d && reported.has(m) && d.kind !== "Workload" && d.kind !== "Pipeline" ? d : "root";
      if (self && self.decl === d && owner === "root") roots.push(self);
      owners.set(d, owner);
      if (!names.has(owner)) names.set(owner, new Set());
    }
  }
  const walked = new Map<Decl, Set<object>>();
  const seers = seersOf(files);
  for (const [ident, r] of sem.references) {
    // A channel resolves only within its own pipeline, so naming it is all there is to record.
    if (r.kind === "channel") channelsNamed.add(r.decl);
    if (r.kind !== "global") continue;
    const at = ownerOf(ident, r.symbol, seers, walked);
    if (!at || isStd(at.module) || r.symbol.decl === at.decl) continue;
    const owner = owners.get(at.decl)!;
    names.get(owner)!.add(r.symbol);
    const used = namesUsed.get(at.module);
    if (used) {
      const written = used.get(r.symbol.qualifiedName);
      if (written) written.add(ident.text);
      else used.set(r.symbol.qualifiedName, new Set([ident.text]));
    }
    if (owner !== "root") {
      const self = at.module.decls.get(owner.name.text)!;
      const by = namedBy.get(r.symbol.decl) ?? new Set<DeclSymbol>();
      by.add(self);
      namedBy.set(r.symbol.decl, by);
    }
  }
  // Users are listed in program order (modules in load order, declarations in file order).
  const rank = new Map(files.map((f, i) => [f.module, i]));
  for (const [decl, by] of namedBy) {
    if (by.size > 1) namedBy.set(decl, new Set([...by].sort((a, b) => rank.get(a.module)! - rank.get(b.module)! || a.decl.start - b.decl.start)));
  }
  const live = new Set<NamedDecl>();
  const pending = [...(names.get("root") ?? []), ...roots];
  for (let s = pending.pop(); s; s = pending.pop()) {
    if (live.has(s.decl)) continue;
    live.add(s.decl);
    for (const t of names.get(s.decl) ?? []) pending.push(t);
  }
  return { live, namedBy, namesUsed, channelsNamed };
}

function isStd(m: ModuleInfo): boolean {
  return m.name === "std" || m.name.startsWith("std.");
}

/** A module's top-level declarations sorted by where they start, to find the one holding an offset. */
interface FileIndex {
  readonly module: ModuleInfo;
  readonly decls: readonly Decl[];
}

function fileIndexes(result: CheckResult): FileIndex[] {
  return [...result.modules.values()].map((module) => ({ module, decls: [...module.source.ast.decls].sort((a, b) => a.start - b.start) }));
}

/**
 * The module and top-level declaration whose tree holds `ident`, a use of `symbol`. An
 * identifier does not record its file, but the checker resolved it in the module holding it, so
 * only modules that can see `symbol` (`seers`) can hold it. One such module holds it if any does;
 * of several, those qualify whose text has the name at the identifier's offset, inside one of
 * their declarations, where the name resolves to `symbol`. When two qualify (near-identical
 * files), or none does, the trees settle it.
 */
function ownerOf(ident: Ident, symbol: DeclSymbol, seers: Seers, walked: Map<Decl, Set<object>>): { module: ModuleInfo; decl: Decl } | undefined {
  const candidates = seers.of(symbol.module);
  if (candidates.length === 1) {
    const decl = declAt(candidates[0]!.decls, ident);
    return decl ? { module: candidates[0]!.module, decl } : searchTrees(ident, seers.files, walked);
  }
  let found: { module: ModuleInfo; decl: Decl } | undefined;
  let others: { module: ModuleInfo; decl: Decl }[] | undefined;
  const name = ident.text;
  for (const f of candidates) {
    const m = f.module;
    if (!m.source.text.startsWith(name, ident.start)) continue;
    if ((m.decls.get(name) ?? m.imports.get(name)?.target ?? m.prelude.get(name)) !== symbol) continue;
    const decl = declAt(f.decls, ident);
    if (!decl) continue;
    if (!found) found = { module: m, decl };
    else (others ??= [found]).push({ module: m, decl });
  }
  if (others) return others.find((c) => identsOf(c.decl, walked).has(ident));
  return found ?? searchTrees(ident, seers.files, walked);
}

/** Per module: the modules whose code can name its declarations (itself, importers; all, for the prelude). */
interface Seers {
  readonly files: readonly FileIndex[];
  of(module: ModuleInfo): readonly FileIndex[];
}

function seersOf(files: readonly FileIndex[]): Seers {
  const cache = new Map<ModuleInfo, FileIndex[]>();
  const sees = (f: FileIndex, target: ModuleInfo): boolean => {
    const m = f.module;
    if (m === target) return true;
    for (const b of m.imports.values()) if (b.target?.module === target) return true;
    for (const s of m.prelude.values()) if (s.module === target) return true;
    return false;
  };
  return {
    files,
    of(module) {
      let list = cache.get(module);
      if (!list) {
        list = files.filter((f) => sees(f, module));
        cache.set(module, list);
      }
      return list;
    },
  };
}

/** Where no span qualifies (a tree the parser recovered oddly): every declaration's tree, exactly. */
function searchTrees(ident: Ident, files: readonly FileIndex[], walked: Map<Decl, Set<object>>): { module: ModuleInfo; decl: Decl } | undefined {
  for (const f of files) {
    for (const decl of f.decls) if (identsOf(decl, walked).has(ident)) return { module: f.module, decl };
  }
  return undefined;
}

/** The declaration whose span holds `span`, by binary search over declarations sorted by start. */
function declAt(decls: readonly Decl[], span: Span): Decl | undefined {
  let lo = 0;
  let hi = decls.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (decls[mid]!.start <= span.start) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const d = decls[best];
  return d && span.end <= d.end ? d : undefined;
}

/** Every object in a declaration's tree (only for the rare identifier whose file the text cannot tell). */
function identsOf(decl: Decl, walked: Map<Decl, Set<object>>): Set<object> {
  let seen = walked.get(decl);
  if (seen) return seen;
  seen = new Set<object>();
  const stack: object[] = [decl];
  while (stack.length > 0) {
    const n = stack.pop()!;
    seen.add(n);
    for (const key in n) {
      const v = (n as Record<string, unknown>)[key];
      if (v !== null && typeof v === "object") stack.push(v);
    }
  }
  walked.set(decl, seen);
  return seen;
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
