/**
 * Editor-neutral queries over a checked program: what a position names, where that is declared,
 * who refers to it, what is in scope there. Pure functions of a `CheckResult` (no IO, no editor
 * types); the language server adapts their answers to LSP. Everything here reads what checking
 * recorded (`semantics.references`, module tables) rather than resolving names again.
 */
import type {
  Block, ChannelDecl, Decl, Ident, KernelDecl, PipelineDecl, PolicyDecl, ProcessDecl, SourceFileNode, Span,
} from "../grammar/ast.js";
import * as K from "../grammar/lexer.js";
import type { Location } from "./diagnostic.js";
import type { CheckResult } from "./program.js";
import type { SourceFile } from "./source-file.js";
import type { DeclSymbol, LocalKind, LocalSymbol, ModuleInfo, NamedDecl } from "./check/symbols.js";
import { describeDecl, exprType } from "./check/symbols.js";
import { showTy, tyOfDeclared, type Ty } from "./check/types.js";

/** What a name denotes: a module-level declaration, a local variable, or a pipeline member. */
export type SymbolTarget =
  | { readonly kind: "global"; readonly symbol: DeclSymbol }
  | { readonly kind: "local"; readonly symbol: LocalSymbol; readonly file: string }
  | { readonly kind: "member"; readonly decl: ChannelDecl | ProcessDecl; readonly pipeline: PipelineDecl | undefined; readonly module: ModuleInfo };

/** A name in a file and what it denotes; `isDeclaration` when this is where it is declared. */
export interface SymbolHit {
  readonly ident: Ident;
  readonly target: SymbolTarget;
  readonly isDeclaration: boolean;
}

const indexes = new WeakMap<CheckResult, Map<string, readonly SymbolHit[]>>();

/** Every name of `file` that denotes something, in source order (built once per result). */
export function namesIn(result: CheckResult, file: string): readonly SymbolHit[] {
  let perFile = indexes.get(result);
  if (!perFile) {
    perFile = new Map();
    indexes.set(result, perFile);
  }
  let hits = perFile.get(file);
  if (!hits) {
    const module = [...result.modules.values()].find((m) => m.file === file);
    hits = module ? indexModule(result, module) : [];
    perFile.set(file, hits);
  }
  return hits;
}

/** The name at `offset` (a cursor just after a name still counts), if it denotes something. */
export function symbolAt(result: CheckResult, file: string, offset: number): SymbolHit | undefined {
  const hits = namesIn(result, file);
  let lo = 0;
  let hi = hits.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const h = hits[mid]!;
    if (h.ident.end < offset) lo = mid + 1;
    else if (h.ident.start > offset) hi = mid - 1;
    else {
      // Touching two names (`a|b` cannot happen, but `a.|b` can): prefer the one that contains it.
      const next = hits[mid + 1];
      return h.ident.end === offset && next && next.ident.start === offset ? next : h;
    }
  }
  return undefined;
}

/** Where a target is declared: its declaring name. */
export function declarationOf(target: SymbolTarget): Location {
  switch (target.kind) {
    case "global": return { file: target.symbol.module.file, start: target.symbol.decl.name.start, end: target.symbol.decl.name.end };
    case "local": return { file: target.file, start: target.symbol.ident.start, end: target.symbol.ident.end };
    case "member": return { file: target.module.file, start: target.decl.name.start, end: target.decl.name.end };
  }
}

/**
 * An identity for a target that holds across separate checks of the same files (each check
 * builds new symbol objects): its declaration's file and offset.
 */
export function targetKey(target: SymbolTarget): string {
  const at = declarationOf(target);
  return `${at.file}\0${at.start}`;
}

/** Every mention of the target with key `key` in the files of `result`, in file then source order. */
export function referencesTo(result: CheckResult, key: string, includeDeclaration: boolean): Location[] {
  const out: Location[] = [];
  for (const file of [...result.files.keys()].sort()) {
    for (const hit of namesIn(result, file)) {
      if (hit.isDeclaration && !includeDeclaration) continue;
      if (targetKey(hit.target) === key) out.push({ file, start: hit.ident.start, end: hit.ident.end });
    }
  }
  return out;
}

/** What hover shows for a target: its declaration as written, doc comment, type, and id input. */
export interface TargetDescription {
  /** e.g. "kernel", "channel", "loop variable". */
  readonly what: string;
  /** The declaration's head as written (a body is left out). */
  readonly header: string;
  readonly doc: string | undefined;
  /** Qualified name for the kinds the package addresses by stable id (slot, symbol, channel, process, policy). */
  readonly idName: string | undefined;
}

export function describeTarget(result: CheckResult, target: SymbolTarget): TargetDescription {
  switch (target.kind) {
    case "global": {
      const { decl, qualifiedName, module } = target.symbol;
      const hasId = decl.kind === "Slot" || decl.kind === "Symbol" || decl.kind === "Policy";
      return { what: describeDecl(decl), header: declarationHead(module.source.text, decl), doc: decl.doc, idName: hasId ? qualifiedName : undefined };
    }
    case "member": {
      const { decl, pipeline, module } = target;
      const text = module.source.text;
      const header = decl.kind === "Process" ? headBefore(text, decl.start, decl.body.start) : text.slice(decl.start, decl.end);
      const owner = pipeline ? module.decls.get(pipeline.name.text) : undefined;
      const idName = owner && owner.decl === pipeline ? `${owner.qualifiedName}.${decl.name.text}` : undefined;
      return { what: decl.kind === "Channel" ? "channel" : "process", header, doc: decl.doc, idName };
    }
    case "local": {
      const s = target.symbol;
      const axis = s.axis ? ` in ${s.axis.name}` : "";
      return { what: LOCAL_WHAT[s.localKind], header: `${s.ident.text}: ${showTy(s.ty)}${axis}`, doc: undefined, idName: undefined };
    }
  }
}

const LOCAL_WHAT: Readonly<Record<LocalKind, string>> = {
  "loop": "loop variable",
  "select": "select variable",
  "token": "token",
  "let": "let binding",
  "policy-param": "policy parameter",
  "kernel-param": "kernel parameter",
  "tensor-param": "kernel tensor parameter",
};

const MAX_HEAD = 2000;

/** A declaration without its body: workloads, pipelines, targets and block policies stop at `{`. */
export function declarationHead(text: string, decl: NamedDecl): string {
  switch (decl.kind) {
    case "Workload": return headBefore(text, decl.start, decl.body.start);
    case "Pipeline":
    case "Target": return headBefore(text, decl.start, braceAfter(text, decl.name.end, decl.end));
    case "Policy": return decl.block ? headBefore(text, decl.start, braceAfter(text, decl.policyKind.end, decl.end)) : headBefore(text, decl.start, decl.end);
    default: return headBefore(text, decl.start, decl.end);
  }
}

function headBefore(text: string, start: number, end: number): string {
  const head = text.slice(start, Math.min(end, start + MAX_HEAD)).trimEnd();
  return end - start > MAX_HEAD ? `${head} …` : head;
}

function braceAfter(text: string, from: number, limit: number): number {
  const i = text.indexOf("{", from);
  return i < 0 || i > limit ? limit : i;
}

// ---------------------------------------------------------------------------------------------
// The name index of one module
// ---------------------------------------------------------------------------------------------

/** Builds a module's name index: resolved uses from the checker's side table, and declarations. */
function indexModule(result: CheckResult, module: ModuleInfo): SymbolHit[] {
  const sem = result.semantics;
  // Local symbols are the checker's own objects, found through their uses; an unused local has
  // none, so its declaration is described from the tree below.
  const locals = new Map<Ident, LocalSymbol>();
  for (const r of sem.references.values()) if (r.kind === "local") locals.set(r.symbol.ident, r.symbol);
  const hits: SymbolHit[] = [];
  const file = module.file;

  const onIdent = (ident: Ident, owner: Record<string, unknown>, key: string, decl: Decl | undefined, pipeline: PipelineDecl | undefined): void => {
    if (ident.text.length === 0) return;
    const resolved = sem.references.get(ident);
    if (resolved) {
      switch (resolved.kind) {
        case "global": hits.push({ ident, target: { kind: "global", symbol: resolved.symbol }, isDeclaration: false }); return;
        case "local": hits.push({ ident, target: { kind: "local", symbol: resolved.symbol, file }, isDeclaration: false }); return;
        default: hits.push({ ident, target: { kind: "member", decl: resolved.decl, pipeline: pipelineOf(module.source.ast, resolved.decl), module }, isDeclaration: false }); return;
      }
    }
    const declared = declarationSite(ident, owner, key, decl, pipeline);
    if (declared) hits.push({ ident, target: declared, isDeclaration: true });
  };

  const declarationSite = (ident: Ident, owner: Record<string, unknown>, key: string, decl: Decl | undefined, pipeline: PipelineDecl | undefined): SymbolTarget | undefined => {
    if (owner === (decl as unknown) && decl !== undefined && key === "name" && decl.kind !== "Schedule") {
      const symbol = module.decls.get(ident.text);
      return symbol && symbol.decl === decl ? { kind: "global", symbol } : undefined;
    }
    const kind = owner["kind"];
    if ((kind === "Channel" || kind === "Process") && key === "name") {
      return { kind: "member", decl: owner as unknown as ChannelDecl | ProcessDecl, pipeline, module };
    }
    if ("alias" in owner && (key === "name" || key === "alias")) {
      // A `use` item: both the imported name and its alias denote the imported declaration.
      const local = (owner["alias"] as Ident | undefined) ?? (owner["name"] as Ident);
      const binding = module.imports.get(local.text);
      return binding?.target && binding.item === (owner as unknown) ? { kind: "global", symbol: binding.target } : undefined;
    }
    const known = locals.get(ident);
    if (known) return { kind: "local", symbol: known, file };
    const localKind = unusedLocalKind(owner, key, decl);
    if (!localKind) return undefined;
    const declaredType = typeof (owner["type"] as { name?: unknown } | undefined)?.name === "string" ? (owner["type"] as { name: string }).name : undefined;
    const ty: Ty = localKind === "let" ? exprType(sem, (owner as unknown as { value: never }).value) ?? "error"
      : declaredType !== undefined ? tyOfDeclared(declaredType) ?? "error" : localKind === "tensor-param" ? "error" : "u64";
    return { kind: "local", symbol: { localKind, ident, ty }, file };
  };

  walkTree(module.source.ast, onIdent);
  hits.sort((a, b) => a.ident.start - b.ident.start);
  return hits;
}

/** Where the tree declares a local that no use resolved to. */
function unusedLocalKind(owner: Record<string, unknown>, key: string, decl: Decl | undefined): LocalKind | undefined {
  const kind = owner["kind"];
  if ((kind === "Recv" || kind === "Consume") && key === "variable") return "token";
  if (kind === undefined && key === "variable" && "axis" in owner) return "loop";
  if (kind === undefined && key === "name" && decl?.kind === "Policy") return "value" in owner ? "let" : "policy-param";
  if (kind === undefined && key === "name" && decl?.kind === "Kernel") return owner["isTensor"] ? "tensor-param" : "kernel-param";
  return undefined;
}

function pipelineOf(ast: SourceFileNode, member: ChannelDecl | ProcessDecl): PipelineDecl | undefined {
  for (const d of ast.decls) if (d.kind === "Pipeline" && (d.members as readonly unknown[]).includes(member)) return d;
  return undefined;
}

type IdentVisitor = (ident: Ident, owner: Record<string, unknown>, key: string, decl: Decl | undefined, pipeline: PipelineDecl | undefined) => void;

/** Visits every identifier of the tree with the node holding it, under which key, and the enclosing declaration. */
function walkTree(ast: SourceFileNode, visit: IdentVisitor): void {
  for (const use of ast.uses) walkNode(use, undefined, undefined, visit);
  for (const d of ast.decls) walkNode(d, d, d.kind === "Pipeline" ? d : undefined, visit);
}

function walkNode(root: object, decl: Decl | undefined, pipeline: PipelineDecl | undefined, visit: IdentVisitor): void {
  // An explicit stack: deeply nested expressions must not exhaust the call stack.
  const stack: object[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) if (typeof node[i] === "object" && node[i] !== null) stack.push(node[i]);
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (typeof value !== "object" || value === null) continue;
      if (isIdent(value)) visit(value, record, key, decl, pipeline);
      else stack.push(value);
    }
  }
}

function isIdent(value: object): value is Ident {
  const v = value as Record<string, unknown>;
  return typeof v["text"] === "string" && typeof v["start"] === "number" && v["kind"] === undefined;
}

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

/** Where a position stands, as far as what may be written there. */
export type CompletionPlace = "top" | "body" | "process-body" | "pipeline" | "schedule" | "policy" | "kernel" | "target" | "none";

export interface CompletionName {
  readonly name: string;
  /** Declaration kind ("kernel", "tensor", ...) or local kind ("loop variable", ...). */
  readonly what: string;
  readonly symbol: DeclSymbol | undefined;
}

export interface CompletionContext {
  readonly place: CompletionPlace;
  readonly keywords: readonly string[];
  readonly names: readonly CompletionName[];
}

const words = (tokens: readonly { PATTERN?: unknown }[]): string[] => tokens.map((t) => String(t.PATTERN));
const DECLARATION_WORDS = words(K.DECLARATION_KEYWORDS);
const STATEMENT_WORDS = words([K.Parallel, K.For, K.Select, K.When, K.Else, K.Load, K.Scope]);
const CHANNEL_WORDS = words([K.Send, K.Recv, K.Consume, K.Close]);
const MEMBER_WORDS = words([K.Channel, K.Process]);
const DIRECTIVE_WORDS = words([K.Dispatch, K.Window, K.Ready, K.Start, K.Pools]);
const POLICY_WORDS = words([K.Let, K.Return, K.Task, K.True, K.False]);
const KERNEL_WORDS = words([K.In, K.Out, K.Inout, K.On, K.Cycles, K.Source]);
/** The built-in scalar functions (team brief): usable in every expression. */
const BUILTIN_FUNCTIONS = ["select", "min", "max", "u64", "i64"];

/** Which module-level kinds make sense by place. */
const KINDS_BY_PLACE: Readonly<Record<CompletionPlace, readonly NamedDecl["kind"][]>> = {
  "top": [],
  "none": [],
  "body": ["Kernel", "Tensor", "Axis", "Slot", "Symbol", "Const"],
  "process-body": ["Kernel", "Tensor", "Axis", "Slot", "Symbol", "Const"],
  "pipeline": ["Const"],
  "schedule": ["Policy", "Const"],
  "policy": ["Const"],
  "kernel": ["Const"],
  "target": ["Const"],
};

/** Keywords and names that may be written at `offset` of `file` (a modest, context-aware list). */
export function completionContext(result: CheckResult, file: string, offset: number): CompletionContext {
  const module = [...result.modules.values()].find((m) => m.file === file);
  if (!module || insideComment(module.source, offset)) return { place: "none", keywords: [], names: [] };
  const decl = module.source.ast.decls.find((d) => d.start < offset && offset <= d.end);
  const { place, locals } = placeIn(decl, offset, result);
  const kinds = KINDS_BY_PLACE[place];
  const names: CompletionName[] = [...locals];
  const seen = new Set(names.map((n) => n.name));
  const add = (name: string, symbol: DeclSymbol | undefined): void => {
    if (!symbol || seen.has(name) || !kinds.includes(symbol.decl.kind)) return;
    seen.add(name);
    names.push({ name, what: describeDecl(symbol.decl), symbol });
  };
  for (const [name, s] of module.decls) add(name, s);
  for (const [name, b] of module.imports) add(name, b.target);
  for (const [name, s] of module.prelude) add(name, s);
  return { place, keywords: keywordsFor(place), names };
}

function keywordsFor(place: CompletionPlace): string[] {
  switch (place) {
    case "top": return DECLARATION_WORDS;
    case "body": return STATEMENT_WORDS;
    case "process-body": return [...STATEMENT_WORDS, ...CHANNEL_WORDS];
    case "pipeline": return MEMBER_WORDS;
    case "schedule": return [...DIRECTIVE_WORDS, K.Task.PATTERN as string];
    case "policy": return [...POLICY_WORDS, ...BUILTIN_FUNCTIONS];
    case "kernel": return KERNEL_WORDS;
    case "target": case "none": return [];
  }
}

function insideComment(source: SourceFile, offset: number): boolean {
  return source.comments.some((c) => c.start < offset && offset <= c.end && (c.style !== "block" || offset < c.end));
}

/**
 * The place of `offset` inside `decl` and the locals visible there: in bodies, the scope the
 * checker recorded for the innermost block (compiler/check/body.ts); policy parameters in the
 * policy, each `let` after itself; scalar kernel parameters in the kernel.
 */
function placeIn(decl: Decl | undefined, offset: number, result: CheckResult): { place: CompletionPlace; locals: CompletionName[] } {
  if (!decl) return { place: "top", locals: [] };
  switch (decl.kind) {
    case "Workload": return inBlockDecl(decl.body, offset, "body", [], result);
    case "Pipeline": {
      const process = decl.members.find((m): m is ProcessDecl => m.kind === "Process" && m.body.start < offset && offset < m.body.end);
      if (!process) return { place: "pipeline", locals: [] };
      const channels = decl.members.filter((m): m is ChannelDecl => m.kind === "Channel").map((c) => local(c.name.text, "channel"));
      return inBlockDecl(process.body, offset, "process-body", channels, result);
    }
    case "Schedule": return { place: "schedule", locals: [] };
    case "Policy": return { place: "policy", locals: policyLocals(decl, offset, result) };
    case "Kernel": return { place: "kernel", locals: kernelLocals(decl) };
    case "Target": return { place: "target", locals: [] };
    default: return { place: "none", locals: [] };
  }
}

/** Locals at `offset` in a workload or process body: the checker's scope of the innermost block. */
function inBlockDecl(body: Block, offset: number, place: CompletionPlace, outer: CompletionName[], result: CheckResult): { place: CompletionPlace; locals: CompletionName[] } {
  if (offset <= body.start || offset >= body.end) return { place: "none", locals: [] };
  const scope = result.semantics.blockScopes.get(innermostBlock(body, offset));
  const found: CompletionName[] = [];
  for (const sym of scope?.visibleLocals() ?? []) {
    // A `recv` binds its token for the rest of its block, so only after the statement.
    if (sym.localKind === "token" && sym.ident.end > offset && !isConsumeVariable(body, sym.ident)) continue;
    found.push(local(sym.ident.text, LOCAL_WHAT[sym.localKind]));
  }
  return { place, locals: [...found, ...outer] };
}

/** The deepest block (a `{ ... }` of statements) around `offset`; structure only, no rules. */
function innermostBlock(body: Block, offset: number): Block {
  let best = body;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) { for (const n of node) visit(n); return; }
    const o = node as { start?: number; end?: number; statements?: unknown };
    if (typeof o.start === "number" && typeof o.end === "number" && !(o.start < offset && offset < o.end)) return;
    if (Array.isArray(o.statements) && o !== best && (o.end! - o.start!) < best.end - best.start) best = o as unknown as Block;
    for (const key in o) if (key !== "start" && key !== "end") visit((o as Record<string, unknown>)[key]);
  };
  visit(body.statements);
  return best;
}

/** A `consume` variable is bound for its own body, which the cursor is inside. */
function isConsumeVariable(body: Block, ident: Span): boolean {
  let found = false;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) { for (const n of node) visit(n); return; }
    const o = node as { kind?: string; variable?: unknown };
    if (o.kind === "Consume" && o.variable === ident) { found = true; return; }
    for (const key in o) if (key !== "start" && key !== "end") visit((o as Record<string, unknown>)[key]);
  };
  visit(body.statements);
  return found;
}

function policyLocals(decl: PolicyDecl, offset: number, result: CheckResult): CompletionName[] {
  const out = decl.params.map((p) => local(p.name.text, "policy parameter"));
  for (const l of decl.lets) if (l.end <= offset) out.push(local(l.name.text, `let binding: ${showTy(exprType(result.semantics, l.value) ?? "error")}`));
  return out.reverse();
}

function kernelLocals(decl: KernelDecl): CompletionName[] {
  return decl.params.filter((p) => !p.isTensor).map((p) => local(p.name.text, "kernel parameter"));
}

function local(name: string, what: string): CompletionName {
  return { name, what, symbol: undefined };
}
