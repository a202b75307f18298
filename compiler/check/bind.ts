import type { Ident, UseDecl } from "../../grammar/ast.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostic.js";
import type { SourceFile } from "../source-file.js";
import { suggestion } from "./suggest.js";
import { describeDecl, withArticle, type DeclSymbol, type ImportBinding, type ModuleInfo, type NamedDecl } from "./symbols.js";

/** The module name a file declares, or its base name without `.wsp`. */
export function moduleNameOf(source: SourceFile): string {
  const declared = source.ast.module?.name.parts.map((p) => p.text);
  if (declared && declared.length > 0 && declared.every((p) => p.length > 0)) return declared.join(".");
  const base = source.file.replace(/\\/g, "/").split("/").pop() ?? source.file;
  return base.replace(/\.wsp$/, "");
}

/**
 * First pass over a module: its top-level names, into `decls`. Duplicates are reported at the
 * second declaration with the first as related information; the first one wins for lookups.
 */
export function bindDeclarations(module: ModuleInfo, decls: Map<string, DeclSymbol>, diagnostics: Diagnostic[]): void {
  for (const decl of module.source.ast.decls) {
    if (decl.kind === "Schedule") continue;
    const name = decl.name.text;
    if (name.length === 0) continue;
    const existing = decls.get(name);
    if (existing) {
      diagnostics.push(duplicateDiagnostic(module.file, decl.name, existing));
      continue;
    }
    decls.set(name, { name, decl: decl as NamedDecl, module, qualifiedName: `${module.name}.${name}` });
  }
}

function duplicateDiagnostic(file: string, name: Ident, first: DeclSymbol): Diagnostic {
  return makeDiagnostic(
    "WSP0102",
    file,
    name,
    `\`${name.text}\` is already declared in this module (as ${withArticle(describeDecl(first.decl))}); rename one of them`,
    { related: [{ file, start: first.decl.name.start, end: first.decl.name.end, message: `first declared here` }] },
  );
}

/** Where `use` lines point, resolved by the loader: module path text → module (or undefined). */
export type ModuleLookup = (use: UseDecl) => ModuleInfo | undefined;

/**
 * Resolves each `use` item against the imported module's declarations. Unknown modules were
 * already reported by the loader; here: unknown items, and local names declared twice.
 */
export function bindImports(
  module: ModuleInfo,
  imports: Map<string, ImportBinding>,
  lookupModule: ModuleLookup,
  diagnostics: Diagnostic[],
): void {
  const { source, decls } = module;
  for (const use of source.ast.uses) {
    const target = lookupModule(use);
    for (const item of use.items) {
      const localName = item.alias ?? item.name;
      if (item.name.text.length === 0 || localName.text.length === 0) continue;
      let symbol: DeclSymbol | undefined;
      if (target) {
        symbol = target.decls.get(item.name.text);
        if (!symbol) {
          const hint = suggestion(item.name.text, target.decls.keys(), source.file, item.name);
          diagnostics.push(
            makeDiagnostic(
              "WSP0103",
              source.file,
              item.name,
              `module \`${use.module.parts.map((p) => p.text).join(".")}\` has no declaration named \`${item.name.text}\`${hint.hint}`,
              { fixes: hint.fixes },
            ),
          );
        }
      }
      const clash = decls.get(localName.text) ?? undefined;
      const previous = imports.get(localName.text);
      if (clash) {
        diagnostics.push(
          makeDiagnostic("WSP0102", source.file, localName,
            `\`${localName.text}\` is imported here and also declared in this module; import it under another name with \`as\``,
            { related: [{ file: source.file, start: clash.decl.name.start, end: clash.decl.name.end, message: "declared here" }] }),
        );
        continue;
      }
      if (previous) {
        diagnostics.push(
          makeDiagnostic("WSP0102", source.file, localName, `\`${localName.text}\` is imported twice; remove one of the imports`,
            { related: [{ file: source.file, start: previous.localName.start, end: previous.localName.end, message: "first imported here" }] }),
        );
        continue;
      }
      imports.set(localName.text, { use, item, localName, target: symbol });
    }
  }
}
