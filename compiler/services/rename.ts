/**
 * Rename: where a rename may start (`prepareRename`) and the edits of one (`planRename`), over a
 * checked program that holds every file the rename may touch (the language server checks the
 * whole workspace for it). A rename is refused, with a reason, when it would not be a rename:
 * stdlib declarations and keywords, a new name that is not a name, or one that would collide with
 * or be hidden by another name in a scope the renamed name is used in.
 */
import type { Ident, KernelDecl, PolicyDecl, Span } from "../../grammar/ast.js";
import { HARD_KEYWORDS, SOFT_KEYWORDS } from "../../grammar/lexer.js";
import type { DeclSymbol, LocalSymbol, ModuleInfo } from "../check/symbols.js";
import type { Location, TextEdit } from "../diagnostic.js";
import type { CheckResult } from "../program.js";
import { completionContext, namesIn, referencesTo, symbolAt, targetKey, type SymbolHit, type SymbolTarget } from "../queries.js";
import { allNodes, ancestorsOf, isStdModule, moduleOf, type TreeNode } from "./tree.js";

export type RenameStart =
  | { readonly ok: true; readonly span: Span; readonly placeholder: string }
  | { readonly ok: false; readonly message: string };

export type RenamePlan =
  | { readonly ok: true; readonly edits: readonly TextEdit[] }
  | { readonly ok: false; readonly message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(HARD_KEYWORDS.map((t) => String(t.PATTERN)));
const SOFT = new Set(SOFT_KEYWORDS.map((t) => String(t.PATTERN)));
/** Names a loop, select or token variable may not take (the checker's WSP0407). */
const RESERVED_VARIABLES = new Set(["seq", "replica"]);

/** Whether a rename may start at `offset`, and which text it replaces. */
export function prepareRename(result: CheckResult, file: string, offset: number): RenameStart {
  const source = result.files.get(file);
  if (!source) return refuse("there is nothing to rename here");
  const hit = symbolAt(result, file, offset);
  if (!hit) return refuse(nothingHere(source.text, offset));
  if (hit.target.kind === "global" && !isAlias(hit) && isStdModule(hit.target.symbol.module)) {
    const s = hit.target.symbol;
    return refuse(`\`${s.name}\` is declared in the standard library (\`${s.module.name}\`) and cannot be renamed`);
  }
  return { ok: true, span: { start: hit.ident.start, end: hit.ident.end }, placeholder: hit.ident.text };
}

/**
 * The edits renaming what `offset` names to `newName`, in every file of `result`, or why not.
 * `result` should hold every file that may mention the name (the workspace).
 */
export function planRename(result: CheckResult, file: string, offset: number, newName: string): RenamePlan {
  const start = prepareRename(result, file, offset);
  if (!start.ok) return start;
  const invalid = invalidName(newName);
  if (invalid) return refuse(invalid);
  const hit = symbolAt(result, file, offset)!;
  if (hit.ident.text === newName) return { ok: true, edits: [] };
  const target = hit.target;
  const plan = isAlias(hit) ? renameAlias(result, file, hit, newName)
    : target.kind === "global" ? renameGlobal(result, target.symbol, newName)
    : target.kind === "member" ? renameMember(result, target, newName)
    : renameLocal(result, target.file, target.symbol, newName);
  return plan.ok ? { ok: true, edits: dedupe(plan.edits) } : plan;
}

function refuse(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** Why there is nothing to rename at `offset`: a keyword, or a word that names nothing. */
function nothingHere(text: string, offset: number): string {
  let s = offset;
  let e = offset;
  while (s > 0 && /[A-Za-z0-9_]/.test(text[s - 1]!)) s--;
  while (e < text.length && /[A-Za-z0-9_]/.test(text[e]!)) e++;
  const word = text.slice(s, e);
  if (KEYWORDS.has(word) || SOFT.has(word)) return `\`${word}\` is a keyword and cannot be renamed`;
  if (word.length > 0 && NAME.test(word)) return `\`${word}\` does not name a declaration of this workspace, so there is nothing to rename`;
  return "there is nothing to rename here: put the cursor on a name";
}

function invalidName(name: string): string | undefined {
  if (!NAME.test(name)) return `\`${name}\` is not a name: use ASCII letters, digits and \`_\`, not starting with a digit`;
  if (KEYWORDS.has(name)) return `\`${name}\` is a keyword and cannot be used as a name`;
  return undefined;
}

/** A mention through a `use ... as alias`: the name written differs from the declared one. */
function isAlias(hit: SymbolHit): boolean {
  return hit.target.kind === "global" && hit.ident.text !== hit.target.symbol.name;
}

function where(result: CheckResult, file: string, offset: number, from: string): string {
  const line = result.files.get(file)?.lineMap.position(offset).line ?? 1;
  return file === from ? `line ${line}` : `line ${line} of ${file.replace(/\\/g, "/").split("/").pop()}`;
}

type Edits = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

function editsFor(mentions: readonly Location[], newText: string): Edits {
  return { ok: true, edits: mentions.map((m) => ({ file: m.file, start: m.start, end: m.end, newText })) };
}

// ---------------------------------------------------------------------------------------------
// Module-level names
// ---------------------------------------------------------------------------------------------

/** A declaration and every mention of it by its own name (aliased imports keep their alias). */
function renameGlobal(result: CheckResult, symbol: DeclSymbol, newName: string): Edits {
  const key = targetKey({ kind: "global", symbol });
  const mentions = referencesTo(result, key, true).filter((m) => result.files.get(m.file)!.text.slice(m.start, m.end) === symbol.name);
  // Modules in which the name is bound by its own name: the declaring one and plain importers.
  const binders: ModuleInfo[] = [symbol.module];
  for (const m of result.modules.values()) {
    const b = m.imports.get(symbol.name);
    if (m !== symbol.module && b?.target && targetKey({ kind: "global", symbol: b.target }) === key) binders.push(m);
  }
  for (const m of binders) {
    const clash = moduleClash(result, m, newName, symbol.module.file);
    if (clash) return refuse(clash);
  }
  // The declaring name itself stands outside every local scope (a kernel's parameters are seen
  // only in its `cycles`), so only the uses are checked.
  const uses = mentions.filter((m) => m.file !== symbol.module.file || m.start !== symbol.decl.name.start);
  const captured = capturedByLocal(result, uses, newName, symbol.name);
  return captured ? refuse(captured) : editsFor(mentions, newName);
}

/** `newName` is already a module-level name of `m`, or a prelude name `m` uses. */
function moduleClash(result: CheckResult, m: ModuleInfo, newName: string, from: string): string | undefined {
  const decl = m.decls.get(newName);
  if (decl) return `module \`${m.name}\` already declares \`${newName}\` (${where(result, m.file, decl.decl.name.start, from)})`;
  const imported = m.imports.get(newName);
  if (imported) return `module \`${m.name}\` already imports \`${newName}\` (${where(result, m.file, imported.localName.start, from)})`;
  const prelude = m.prelude.get(newName);
  if (prelude) {
    const key = targetKey({ kind: "global", symbol: prelude });
    const use = namesIn(result, m.file).find((h) => !h.isDeclaration && targetKey(h.target) === key);
    if (use) return `module \`${m.name}\` uses the prelude's \`${newName}\` (${where(result, m.file, use.ident.start, from)}), which the new name would hide`;
  }
  return undefined;
}

/** A mention standing where a local of the new name is visible would mean that local instead. */
function capturedByLocal(result: CheckResult, mentions: readonly { file: string; start: number }[], newName: string, oldName: string): string | undefined {
  for (const m of mentions) {
    const locals = completionContext(result, m.file, m.start).names;
    if (locals.some((n) => n.symbol === undefined && n.what !== "channel" && n.name === newName)) {
      return `\`${newName}\` is a local name where \`${oldName}\` is used (${where(result, m.file, m.start, m.file)}); it would hide the renamed declaration there`;
    }
  }
  return undefined;
}

/** Renames the alias of a `use ... as alias` and its uses in that file only. */
function renameAlias(result: CheckResult, file: string, hit: SymbolHit, newName: string): Edits {
  const module = moduleOf(result, file);
  if (!module) return refuse("there is nothing to rename here");
  const key = targetKey(hit.target);
  const mentions = namesIn(result, file).filter((h) => targetKey(h.target) === key && h.ident.text === hit.ident.text)
    .map((h) => ({ file, start: h.ident.start, end: h.ident.end }));
  const clash = moduleClash(result, module, newName, file);
  if (clash) return refuse(clash);
  const captured = capturedByLocal(result, mentions, newName, hit.ident.text);
  return captured ? refuse(captured) : editsFor(mentions, newName);
}

// ---------------------------------------------------------------------------------------------
// Pipeline members
// ---------------------------------------------------------------------------------------------

function renameMember(result: CheckResult, target: Extract<SymbolTarget, { kind: "member" }>, newName: string): Edits {
  const other = target.pipeline?.members.find((m) => m !== target.decl && m.name.text === newName);
  if (other) {
    const file = target.module.file;
    return refuse(`pipeline \`${target.pipeline!.name.text}\` already has a ${other.kind === "Channel" ? "channel" : "process"} \`${newName}\` (${where(result, file, other.name.start, file)})`);
  }
  return editsFor(referencesTo(result, targetKey(target), true), newName);
}

// ---------------------------------------------------------------------------------------------
// Locals
// ---------------------------------------------------------------------------------------------

function renameLocal(result: CheckResult, file: string, symbol: LocalSymbol, newName: string): Edits {
  const module = moduleOf(result, file);
  if (!module) return refuse("there is nothing to rename here");
  const old = symbol.ident.text;
  const variable = symbol.localKind === "loop" || symbol.localKind === "select" || symbol.localKind === "token";
  if (variable && RESERVED_VARIABLES.has(newName)) return refuse(`\`${newName}\` is reserved (a built-in task attribute or name) and cannot name a variable`);
  if (variable) {
    const read = taskAttributeRead(result, old);
    if (read) return refuse(`\`task.${old}\` (${where(result, read.file, read.start, file)}) reads variables named \`${old}\` by name; renaming this one would change what it reads`);
  }
  const key = targetKey({ kind: "local", symbol, file });
  const ancestors = ancestorsOf(module.source.ast, symbol.ident);
  const region = scopeRegion(symbol, ancestors);
  const visible = completionContext(result, file, symbol.ident.start).names;
  if (visible.some((n) => n.symbol === undefined && n.what !== "channel" && n.name === newName)) {
    return refuse(`\`${newName}\` is already a local name where \`${old}\` is declared (${where(result, file, symbol.ident.start, file)})`);
  }
  for (const h of namesIn(result, file)) {
    if (h.ident.start < region.start || h.ident.end > region.end || h.ident.text !== newName || targetKey(h.target) === key) continue;
    return refuse(`\`${newName}\` already names something else in the scope of \`${old}\` (${where(result, file, h.ident.start, file)})`);
  }
  const mentions = referencesTo(result, key, true);
  const owner = ancestors.find((a) => a["kind"] === "Kernel" || a["kind"] === "Policy") as KernelDecl | PolicyDecl | undefined;
  if (owner && (symbol.localKind === "kernel-param" || symbol.localKind === "tensor-param" || symbol.localKind === "policy-param")) {
    mentions.push(...namedArguments(result, module, owner, old));
  }
  return editsFor(mentions, newName);
}

/** Where a local can be seen: its statement, the rest of its block, or its policy or kernel. */
function scopeRegion(symbol: LocalSymbol, ancestors: readonly TreeNode[]): Span {
  const whole = ancestors[ancestors.length - 1] ?? symbol.ident;
  const nearest = (test: (n: TreeNode) => boolean): TreeNode | undefined => ancestors.find(test);
  switch (symbol.localKind) {
    case "loop":
    case "select":
      return nearest((n) => n["kind"] === "Parallel" || n["kind"] === "For" || n["kind"] === "Select") ?? whole;
    case "token": {
      const stmt = nearest((n) => n["kind"] === "Recv" || n["kind"] === "Consume");
      if (stmt?.["kind"] === "Consume") return stmt;
      // `recv` binds for the rest of its block.
      const block = nearest((n) => Array.isArray(n["statements"]));
      return { start: stmt?.start ?? symbol.ident.start, end: block?.end ?? whole.end };
    }
    case "let": {
      const policy = nearest((n) => n["kind"] === "Policy");
      return { start: symbol.ident.start, end: policy?.end ?? whole.end };
    }
    default:
      return nearest((n) => n["kind"] === "Policy" || n["kind"] === "Kernel") ?? whole;
  }
}

/** The first `task.<name>` read of the program (a policy body or a directive argument). */
function taskAttributeRead(result: CheckResult, name: string): { file: string; start: number } | undefined {
  for (const [file, source] of [...result.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!source.text.includes(`task`)) continue;
    for (const n of allNodes(source.ast as unknown as TreeNode)) {
      const attr = n["attribute"] as Ident | undefined;
      if (n["kind"] === "TaskAttr" && attr?.text === name) return { file, start: attr.start };
    }
  }
  return undefined;
}

/** `name = value` arguments that name parameter `param` of `owner`, at its calls in every file. */
function namedArguments(result: CheckResult, module: ModuleInfo, owner: KernelDecl | PolicyDecl, param: string): Location[] {
  const found: Location[] = [];
  const ownerKey = `${module.file}\0${owner.name.start}`;
  for (const [file, source] of result.files) {
    for (const n of allNodes(source.ast as unknown as TreeNode)) {
      // Kernel calls (`Call`) and policy uses in directives (no `kind`, a `name` and `args`).
      const callee = (n["kind"] === "Call" ? n["callee"] : n["kind"] === undefined && "hasParens" in n ? n["name"] : undefined) as Ident | undefined;
      if (!callee) continue;
      const resolved = result.semantics.references.get(callee);
      if (resolved?.kind !== "global") continue;
      const decl = resolved.symbol.decl;
      if (`${resolved.symbol.module.file}\0${decl.name.start}` !== ownerKey) continue;
      for (const arg of n["args"] as readonly { name: Ident | undefined }[]) {
        if (arg.name?.text === param) found.push({ file, start: arg.name.start, end: arg.name.end });
      }
    }
  }
  return found;
}

function dedupe(edits: readonly TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  const out: TextEdit[] = [];
  for (const e of edits) {
    const id = `${e.file}\0${e.start}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(e);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
}
