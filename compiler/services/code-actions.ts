/**
 * Quick fixes for the diagnostics of a checked program. Every fix comes from a diagnostic the
 * compiler produced: the fixes it carries (did-you-mean, the deadlock analysis's smallest
 * change, removing an unused declaration, ...), and for an unknown name that another module
 * declares, a `use` that imports it. Nothing here re-checks the program.
 */
import type { SourceFileNode, Span, UseDecl } from "../../grammar/ast.js";
import type { Diagnostic, TextEdit } from "../diagnostic.js";
import type { CheckResult } from "../program.js";

export interface CodeAction {
  readonly title: string;
  /** The diagnostic the action fixes. */
  readonly diagnostic: Diagnostic;
  readonly edits: readonly TextEdit[];
  /** The one obvious fix of its diagnostic (editors apply it with a single key). */
  readonly isPreferred: boolean;
}

/** A module a `use` could import a name from. */
export interface ModuleOffer {
  /** Dotted module path as written after `use`. */
  readonly module: string;
  /** The file that path resolves to from the file being fixed. */
  readonly file: string;
}

/**
 * Which modules declare `name` and resolve from `fromFile` (the caller knows the workspace and
 * the stdlib; the compiler core does no IO). Sorted, deterministic.
 */
export type ModulesDeclaring = (name: string, fromFile: string) => readonly ModuleOffer[];

/** The quick fixes for the diagnostics of `file` that touch `range`. */
export function codeActions(result: CheckResult, file: string, range: Span, modulesDeclaring?: ModulesDeclaring): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of result.diagnostics) {
    if (d.file !== file || d.end < range.start || d.start > range.end) continue;
    for (const fix of d.fixes) {
      if (fix.edits.length === 0) continue;
      out.push({ title: fix.message, diagnostic: d, edits: fix.edits, isPreferred: d.fixes.length === 1 });
    }
    if (modulesDeclaring && d.code === "WSP0101") out.push(...missingUses(result, d, modulesDeclaring));
  }
  return out;
}

/** `use M.{name}` for each module that declares the unknown name of `d`. */
function missingUses(result: CheckResult, d: Diagnostic, modulesDeclaring: ModulesDeclaring): CodeAction[] {
  const source = result.files.get(d.file);
  if (!source) return [];
  const name = source.text.slice(d.start, d.end);
  const ast = source.ast;
  // An unknown module path in a `use` is not a name to import.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || ast.uses.some((u) => u.start <= d.start && d.end <= u.end)) return [];
  const offers = modulesDeclaring(name, d.file).filter((o) => o.file !== d.file);
  return offers.map((o) => ({
    title: `add \`use ${o.module}.{${name}}\``,
    diagnostic: d,
    edits: [useEdit(ast, source.text, d.file, o.module, name)],
    // Only when there is no other candidate and no other fix of the diagnostic.
    isPreferred: offers.length === 1 && d.fixes.length === 0,
  }));
}

/** The edit importing `name` from `module`: into an existing braced `use` of it, else a new line after the others. */
function useEdit(ast: SourceFileNode, text: string, file: string, module: string, name: string): TextEdit {
  const existing = ast.uses.find((u) => u.braced && modulePath(u) === module && text[u.end - 1] === "}");
  if (existing) {
    const lastItem = existing.items[existing.items.length - 1];
    const at = lastItem ? lastItem.end : existing.end - 1;
    return { file, start: at, end: at, newText: lastItem ? `, ${name}` : name };
  }
  const line = `use ${module}.{${name}}`;
  const last = ast.uses[ast.uses.length - 1];
  if (last) return { file, start: last.end, end: last.end, newText: `\n${line}` };
  if (ast.module) return { file, start: ast.module.end, end: ast.module.end, newText: `\n\n${line}` };
  return { file, start: 0, end: 0, newText: `${line}\n\n` };
}

function modulePath(u: UseDecl): string {
  return u.module.parts.map((p) => p.text).join(".");
}
