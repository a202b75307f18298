import type { ConstDecl, Decl, Expr, PipelineDecl, Span, UseDecl, WorkloadDecl } from "../grammar/ast.js";
import { runAnalyses } from "./analysis/index.js";
import { bindDeclarations, bindImports, moduleNameOf } from "./check/bind.js";
import { checkPipeline, checkWorkload, type TaskSite } from "./check/body.js";
import type { CheckContext } from "./check/context.js";
import { checkAxis, checkKernel, checkPolicy, checkSlot, checkSymbol, checkTarget, checkTensor, evaluateConst } from "./check/decls.js";
import { checkSchedule } from "./check/schedule.js";
import { suggestion } from "./check/suggest.js";
import { emptySemantics, type DeclSymbol, type DeclUse, type ImportBinding, type ModuleInfo, type ResolvedName, type Semantics, type Value } from "./check/symbols.js";
import type { Ty } from "./check/types.js";
import { compareDiagnostics, makeDiagnostic, type Diagnostic, type DiagnosticCode, type DiagnosticExtras } from "./diagnostic.js";
import type { CompilerHost } from "./host.js";
import { parseSourceFile, type SourceFile } from "./source-file.js";

export const PRELUDE_MODULE = ["std", "prelude"] as const;
/** Loaded with every program (not imported): the default schedule's target and policies live there. */
export const DEFAULTS_MODULES = [["std", "targets"], ["std", "policies"]] as const;

/** The checked program: every module reached from the roots, what checking learned, and all diagnostics. */
export interface CheckResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly modules: ReadonlyMap<string, ModuleInfo>;
  readonly semantics: Semantics;
  /** Kernel calls of each workload and pipeline, with the task attributes their tasks have. */
  readonly taskSites: ReadonlyMap<WorkloadDecl | PipelineDecl, readonly TaskSite[]>;
  /** The root files, in the order given. */
  readonly roots: readonly string[];
}

interface Loaded {
  readonly modules: Map<string, ModuleInfo>;
  readonly useTargets: Map<UseDecl, ModuleInfo | undefined>;
  readonly diagnostics: Diagnostic[];
  readonly prelude: ModuleInfo | undefined;
}

/** Parses the roots and, transitively, every module they `use` (plus the prelude). */
function loadModules(roots: readonly string[], host: CompilerHost, parse: (file: string, text: string) => SourceFile): Loaded {
  const modules = new Map<string, ModuleInfo>();
  const useTargets = new Map<UseDecl, ModuleInfo | undefined>();
  const diagnostics: Diagnostic[] = [];
  const pending: { file: string; text: string }[] = [];

  const load = (file: string): ModuleInfo | undefined => {
    const existing = modules.get(file);
    if (existing) return existing;
    const text = host.readFile(file);
    if (text === undefined) return undefined;
    const source = parse(file, text);
    const module: ModuleInfo = { file, name: moduleNameOf(source), source, decls: new Map(), imports: new Map(), prelude: new Map() };
    modules.set(file, module);
    diagnostics.push(...source.syntaxDiagnostics);
    pending.push({ file, text });
    return module;
  };

  for (const root of roots) {
    if (!load(root)) diagnostics.push(makeDiagnostic("WSP0104", root, { start: 0, end: 0 }, `cannot read \`${root}\``));
  }
  const preludeFile = roots.length > 0 ? host.resolveModule(PRELUDE_MODULE, roots[0]!, undefined) : undefined;
  const prelude = preludeFile ? load(preludeFile) : undefined;
  for (const path of DEFAULTS_MODULES) {
    const file = roots.length > 0 ? host.resolveModule(path, roots[0]!, undefined) : undefined;
    if (file) load(file);
  }

  while (pending.length > 0) {
    const { file } = pending.shift()!;
    const module = modules.get(file)!;
    const declared = module.source.ast.module?.name.parts.map((p) => p.text);
    for (const use of module.source.ast.uses) {
      const path = use.module.parts.map((p) => p.text);
      if (path.some((p) => p.length === 0)) continue;
      const resolved = host.resolveModule(path, file, declared);
      const target = resolved ? load(resolved) : undefined;
      useTargets.set(use, target);
      if (!target) {
        const known = [...modules.values()].map((m) => m.name);
        const s = suggestion(path.join("."), known, file, use.module);
        diagnostics.push(makeDiagnostic("WSP0101", file, use.module, `unknown module \`${path.join(".")}\`${s.hint}; modules are found in the standard library (std.*) and by path from the project root`, { fixes: s.fixes }));
      }
    }
  }
  return { modules, useTargets, diagnostics, prelude };
}

/** Orders declarations so each kind is checked after the kinds it reads (across modules). */
const PASSES: readonly Decl["kind"][][] = [["Slot", "Symbol"], ["Const"], ["Tensor"], ["Axis"], ["Kernel", "Target", "Policy"], ["Workload", "Pipeline"], ["Schedule"]];
const PASS_OF = Object.fromEntries(PASSES.flatMap((kinds, i) => kinds.map((k) => [k, i]))) as Record<Decl["kind"], number>;

/** Thrown by `checkProgram` when its `isCancelled` callback says the result is no longer wanted. */
export class Cancelled extends Error {
  constructor() {
    super("the check was cancelled");
    this.name = "Cancelled";
  }
}

export interface CheckOptions {
  /**
   * Asked between passes and between modules within a pass; answering true abandons the check
   * with `Cancelled` (an editor whose text changed meanwhile does not want the old result).
   * Without it a check always runs to completion.
   */
  readonly isCancelled?: () => boolean;
  /**
   * Parses one file (default: `parseSourceFile`). A long-lived caller passes a memoising one so
   * unchanged files (the stdlib, modules not being edited) are not parsed again on every check;
   * a tree is a value nothing writes to, so sharing it between checks is safe.
   */
  readonly parse?: (file: string, text: string) => SourceFile;
}

/**
 * Checks a program: a pure function of the root file names and the host. Never throws on any
 * input; everything wrong is a diagnostic. The one exception is `Cancelled`, and only when the
 * caller's `isCancelled` asked for it.
 */
export function checkProgram(roots: readonly string[], host: CompilerHost, options: CheckOptions = {}): CheckResult {
  const isCancelled = options.isCancelled;
  const stopIfCancelled = (): void => {
    if (isCancelled?.()) throw new Cancelled();
  };
  stopIfCancelled();
  const loaded = loadModules(roots, host, options.parse ?? parseSourceFile);
  stopIfCancelled();
  const diagnostics = loaded.diagnostics;
  const sem = emptySemantics();
  const prelude = loaded.prelude;

  reportDuplicateModules(loaded.modules, diagnostics);
  for (const m of loaded.modules.values()) bindDeclarations(m, m.decls as Map<string, DeclSymbol>, diagnostics);
  for (const m of loaded.modules.values()) {
    bindImports(m, m.imports as Map<string, ImportBinding>, (use) => loaded.useTargets.get(use), diagnostics);
    if (prelude && m !== prelude) for (const [k, v] of prelude.decls) (m.prelude as Map<string, DeclSymbol>).set(k, v);
  }

  const constants = new Map<ConstDecl, { ty: Ty; value: Value | undefined } | "pending">();
  // The declaration whose names are being resolved; a constant folded on first read swaps itself in.
  const owner: Owner = { decl: undefined, uses: undefined };
  const enter = (d: Decl): Owner => {
    const outer = { ...owner };
    owner.decl = d;
    owner.uses = sem.declUses.get(d);
    return outer;
  };
  const contexts = new Map<ModuleInfo, CheckContext>();
  const contextOf = (m: ModuleInfo): CheckContext => {
    let ctx = contexts.get(m);
    if (!ctx) {
      ctx = makeContext(m, sem, diagnostics, owner, (symbol) => constantOf(symbol));
      contexts.set(m, ctx);
    }
    return ctx;
  };
  /** Folds one constant; a read of it while it is being folded is a cycle. */
  const evaluate = (symbol: DeclSymbol): { ty: Ty; value: Value | undefined } => {
    const decl = symbol.decl as ConstDecl;
    if (!constants.has(decl)) constants.set(decl, "pending");
    const outer = enter(decl);
    let result: { ty: Ty; value: Value | undefined };
    try {
      result = evaluateConst(contextOf(symbol.module), decl);
    } finally {
      Object.assign(owner, outer);
    }
    if (constants.get(decl) === "pending") constants.set(decl, result);
    sem.constValues.set(decl, result.value);
    return constants.get(decl) as { ty: Ty; value: Value | undefined };
  };
  const constantOf = (symbol: DeclSymbol): { ty: Ty; value: Value | undefined } => {
    const decl = symbol.decl as ConstDecl;
    const known = constants.get(decl);
    if (known === "pending") {
      contextOf(symbol.module).report("WSP0212", decl.name, `constant \`${symbol.name}\` is defined in terms of itself`);
      const broken = { ty: "error" as Ty, value: undefined };
      constants.set(decl, broken);
      return broken;
    }
    if (known) return known;
    // Dependencies first, in a loop: folding by recursion alone would nest as deep as the
    // longest chain of constants (`const C1000 = C999 + 1` ... declared in reverse order).
    const { order, closers } = dependencyOrder(symbol, constants, (s) => constDependencies(s, contextOf(s.module)));
    for (const c of closers) constants.set(c, "pending");
    for (const s of order) {
      const d = s.decl as ConstDecl;
      if (closers.has(d) || !constants.has(d)) evaluate(s);
    }
    return constants.get(decl) as { ty: Ty; value: Value | undefined };
  };

  const taskSites = new Map<WorkloadDecl | PipelineDecl, readonly TaskSite[]>();
  const byPass = new Map<ModuleInfo, Decl[][]>();
  for (const m of loaded.modules.values()) {
    const lists: Decl[][] = PASSES.map(() => []);
    // Index loops here and below: this function runs once per check, mostly unoptimized, where
    // `for...of` allocates a result object per element.
    const decls = m.source.ast.decls;
    for (let i = 0; i < decls.length; i++) lists[PASS_OF[decls[i]!.kind]]!.push(decls[i]!);
    byPass.set(m, lists);
  }
  for (let pass = 0; pass < PASSES.length; pass++) {
    for (const m of loaded.modules.values()) {
      stopIfCancelled();
      const ctx = contextOf(m);
      const decls = byPass.get(m)![pass]!;
      for (let i = 0; i < decls.length; i++) {
        const d = decls[i]!;
        enter(d);
        try {
          checkDecl(ctx, d, m, taskSites, constantOf);
        } catch (error) {
          // A last resort, as in the parser: nesting is bounded and operator chains are checked
          // in loops, so the stack should not run out; if it does, say so instead of crashing.
          if (!(error instanceof RangeError)) throw error;
          const at = d.kind === "Schedule" ? d.subject : d.name;
          ctx.report("WSP0007", at.text.length > 0 ? at : { start: d.start, end: d.start }, "this declaration is nested too deeply to be checked");
        }
      }
    }
  }
  Object.assign(owner, { decl: undefined, uses: undefined });

  stopIfCancelled();
  if (!diagnostics.some((d) => d.severity === "error")) {
    diagnostics.push(...runAnalyses({ diagnostics, files: new Map(), modules: loaded.modules, semantics: sem, taskSites, roots }));
  }

  const files = new Map<string, SourceFile>();
  for (const m of loaded.modules.values()) files.set(m.file, m.source);
  return {
    diagnostics: dedupe(diagnostics).sort(compareDiagnostics),
    files,
    modules: loaded.modules,
    semantics: sem,
    taskSites,
    roots,
  };
}

/**
 * The unsettled constants `root` depends on, dependencies before dependents, `root` last; found
 * with an explicit stack. `closers` are the constants a cycle leads back to: they are marked as
 * being folded first, so the cycle is reported at them, as plain recursion would.
 */
function dependencyOrder(
  root: DeclSymbol,
  settled: ReadonlyMap<ConstDecl, unknown>,
  dependencies: (s: DeclSymbol) => readonly DeclSymbol[],
): { order: DeclSymbol[]; closers: Set<ConstDecl> } {
  const order: DeclSymbol[] = [];
  const closers = new Set<ConstDecl>();
  const state = new Map<Decl, "open" | "closed">([[root.decl, "open"]]);
  const stack = [{ symbol: root, deps: dependencies(root), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.deps.length) {
      const dep = top.deps[top.next++]!;
      const seen = state.get(dep.decl);
      if (seen === "open") closers.add(dep.decl as ConstDecl);
      else if (seen === undefined && !settled.has(dep.decl as ConstDecl)) {
        state.set(dep.decl, "open");
        stack.push({ symbol: dep, deps: dependencies(dep), next: 0 });
      }
      continue;
    }
    stack.pop();
    state.set(top.symbol.decl, "closed");
    order.push(top.symbol);
  }
  return { order, closers };
}

/** The constants a constant's value names (resolved in its own module). */
function constDependencies(symbol: DeclSymbol, ctx: CheckContext): DeclSymbol[] {
  const found: DeclSymbol[] = [];
  const pending: Expr[] = [(symbol.decl as ConstDecl).value];
  for (let e = pending.pop(); e !== undefined; e = pending.pop()) {
    switch (e.kind) {
      case "Name": {
        const target = ctx.resolveGlobal(e.name.text);
        if (target?.decl.kind === "Const") found.push(target);
        break;
      }
      case "Paren": pending.push(e.inner); break;
      case "Unary": pending.push(e.operand); break;
      case "Binary": pending.push(e.right, e.left); break;
      case "CallExpr": pending.push(...e.args.map((a) => a.value).reverse()); break;
      default: break;
    }
  }
  return found;
}

function checkDecl(
  ctx: CheckContext,
  d: Decl,
  m: ModuleInfo,
  taskSites: Map<WorkloadDecl | PipelineDecl, readonly TaskSite[]>,
  constantOf: (s: DeclSymbol) => unknown,
): void {
  switch (d.kind) {
    case "Slot": return checkSlot(ctx, d);
    case "Symbol": return checkSymbol(ctx, d);
    case "Const": {
      const symbol = m.decls.get(d.name.text);
      if (symbol?.decl === d) constantOf(symbol);
      else evaluateConst(ctx, d); // a duplicate: still report what is wrong inside it
      return;
    }
    case "Tensor": return checkTensor(ctx, d);
    case "Axis": return checkAxis(ctx, d);
    case "Kernel": return checkKernel(ctx, d);
    case "Target": return checkTarget(ctx, d);
    case "Policy": return checkPolicy(ctx, d);
    case "Workload": taskSites.set(d, checkWorkload(ctx, d)); return;
    case "Pipeline": taskSites.set(d, checkPipeline(ctx, d)); return;
    case "Schedule":
      return checkSchedule(ctx, d, (subject) =>
        subject.decl.kind === "Workload" || subject.decl.kind === "Pipeline" ? taskSites.get(subject.decl) : undefined);
  }
}

function makeContext(
  module: ModuleInfo,
  sem: Semantics,
  diagnostics: Diagnostic[],
  owner: Owner,
  constant: (symbol: DeclSymbol) => { ty: Ty; value: Value | undefined },
): CheckContext {
  return {
    module,
    sem,
    resolved(name: ResolvedName) {
      sem.references.set(name.ident, name);
      if ((name.kind !== "global" && name.kind !== "channel") || !owner.decl) return;
      if (owner.uses) owner.uses.push(name);
      else sem.declUses.set(owner.decl, (owner.uses = [name])); // none for a declaration that uses nothing
    },
    report(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras) {
      diagnostics.push(makeDiagnostic(code, module.file, span, message, extras));
    },
    resolveGlobal(name: string) {
      return module.decls.get(name) ?? module.imports.get(name)?.target ?? module.prelude.get(name);
    },
    isBrokenImport(name: string) {
      return !module.decls.has(name) && module.imports.has(name) && module.imports.get(name)!.target === undefined;
    },
    truncated(span: Span) {
      const { text, syntaxDiagnostics } = module.source;
      if (syntaxDiagnostics.some((d) => d.start >= span.start && d.start < span.end)) return true;
      // Ending with its closing bracket, the construct is complete whatever follows it; else a
      // complaint about the very next token (after a separating comma the parser may have
      // consumed) means the parser stopped reading it there.
      if (text[span.end - 1] === ")" || text[span.end - 1] === "}") return false;
      const skipSpace = (i: number): number => {
        while (i < text.length && /\s/.test(text[i]!)) i++;
        return i;
      };
      let next = skipSpace(span.end);
      if (text[next] === ",") next = skipSpace(next + 1);
      return syntaxDiagnostics.some((d) => d.start >= span.end && d.start <= next);
    },
    *globalNames() {
      yield* module.decls.keys();
      yield* module.imports.keys();
      yield* module.prelude.keys();
    },
    constant,
  };
}

/** Where `CheckContext.resolved` files global and channel uses: under the declaration being checked. */
interface Owner {
  decl: Decl | undefined;
  /** Its list in `sem.declUses`, once it has one. */
  uses: DeclUse[] | undefined;
}

/** The same diagnostic reached twice (e.g. a shared constant) is reported once. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Stable ids come from qualified names, so two modules may not share a name. */
function reportDuplicateModules(modules: ReadonlyMap<string, ModuleInfo>, diagnostics: Diagnostic[]): void {
  const first = new Map<string, ModuleInfo>();
  for (const m of modules.values()) {
    const other = first.get(m.name);
    if (!other) {
      first.set(m.name, m);
      continue;
    }
    const at = m.source.ast.module?.name ?? { start: 0, end: 0 };
    diagnostics.push(makeDiagnostic("WSP0105", m.file, at,
      `module \`${m.name}\` is also the name of ${other.file}; give this file a \`module\` line with a distinct name (ids are derived from qualified names)`,
      { related: [{ file: other.file, start: other.source.ast.module?.name.start ?? 0, end: other.source.ast.module?.name.end ?? 0, message: "the other module of that name" }] }));
  }
}
