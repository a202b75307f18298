/**
 * Signature help for kernel calls (`step(S[i], n = 4)`) and policy uses in schedules
 * (`dispatch affinity(task.t, 4)`): the callee's parameters and which one the cursor is on.
 *
 * While a call is being typed the tree is often cut short (the parser stops at the missing `)`),
 * so the open call is found from the tokens before the cursor, within the declaration being
 * edited: the innermost `(` not yet closed whose name is a kernel or a policy. The name is then
 * resolved as the checker resolved it (or by the module's names, when the checker did not reach it).
 */
import type { IToken } from "chevrotain";
import type { KernelDecl, PolicyDecl } from "../../grammar/ast.js";
import { Comma, Equals, HARD_KEYWORDS, lex, LBracket, LCurly, LParen, RBracket, RCurly, RParen } from "../../grammar/lexer.js";
import type { DeclSymbol, ModuleInfo } from "../check/symbols.js";
import type { CheckResult } from "../program.js";
import { symbolAt } from "../queries.js";
import { moduleOf } from "./tree.js";

export interface ParameterHelp {
  /** Where the parameter stands in the signature's label: [start, end). */
  readonly label: readonly [number, number];
  readonly doc: string;
}

export interface SignatureHelp {
  readonly kind: "kernel" | "policy";
  /** e.g. `step(x: inout f32[16, 16], n: u32)`. */
  readonly label: string;
  readonly doc: string | undefined;
  readonly parameters: readonly ParameterHelp[];
  /** The parameter the cursor is on; undefined past the last one or on an unknown name. */
  readonly activeParameter: number | undefined;
}

const KEYWORDS = new Set(HARD_KEYWORDS.map((t) => String(t.PATTERN)));
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function signatureHelp(result: CheckResult, file: string, offset: number): SignatureHelp | undefined {
  const module = moduleOf(result, file);
  if (!module) return undefined;
  const source = module.source;
  if (source.comments.some((c) => c.start < offset && offset < c.end + (c.style === "block" ? 0 : 1))) return undefined;
  const from = declarationStartBefore(source.ast.decls, offset);
  if (from === undefined) return undefined;
  const tokens = lex(source.text.slice(from, offset)).tokens;
  return openCall(tokens, (token) => calleeOf(result, module, file, from + token.startOffset, token.image));
}

/** Where the last declaration starting before `offset` starts (declarations are in source order). */
function declarationStartBefore(decls: readonly { start: number }[], offset: number): number | undefined {
  for (let i = decls.length - 1; i >= 0; i--) if (decls[i]!.start < offset) return decls[i]!.start;
  return undefined;
}

/** Walks back from the cursor to the innermost open call of a kernel or policy. */
function openCall(tokens: readonly IToken[], resolve: (name: IToken) => DeclSymbol | undefined): SignatureHelp | undefined {
  let depth = 0;
  let commas = 0;
  // Where the argument under the cursor starts (the token after its `(` or `,`).
  let argStart = tokens.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (type === LCurly || type === RCurly) return undefined;
    if (type === RParen || type === RBracket) depth++;
    else if (depth > 0 && (type === LParen || type === LBracket)) depth--;
    else if (type === Comma && depth === 0) {
      if (commas === 0) argStart = i + 1;
      commas++;
    } else if (type === LParen || type === LBracket) {
      const name = tokens[i - 1];
      const symbol = type === LParen && name && NAME.test(name.image) && !KEYWORDS.has(name.image) ? resolve(name) : undefined;
      if (symbol && (symbol.decl.kind === "Kernel" || symbol.decl.kind === "Policy")) {
        if (commas === 0) argStart = i + 1;
        return describe(symbol, symbol.decl, commas, namedAt(tokens, argStart));
      }
      // An index or an inner call (`A[i, |]`, `min(a, |)`): the call around it is the one wanted.
      commas = 0;
      argStart = tokens.length;
    }
  }
  return undefined;
}

/** `name =` at the start of the current argument: the parameter it names. */
function namedAt(tokens: readonly IToken[], at: number): string | undefined {
  const name = tokens[at];
  return name && tokens[at + 1]?.tokenType === Equals && NAME.test(name.image) ? name.image : undefined;
}

function calleeOf(result: CheckResult, module: ModuleInfo, file: string, offset: number, name: string): DeclSymbol | undefined {
  const hit = symbolAt(result, file, offset);
  if (hit?.target.kind === "global" && hit.ident.start === offset) return hit.target.symbol;
  // As the checker looks up a module-level name: own declarations, imports, then the prelude.
  return module.decls.get(name) ?? module.imports.get(name)?.target ?? module.prelude.get(name);
}

function describe(symbol: DeclSymbol, decl: KernelDecl | PolicyDecl, commas: number, named: string | undefined): SignatureHelp {
  const text = symbol.module.source.text;
  const written = (s: { start: number; end: number }) => text.slice(s.start, s.end).replace(/\s+/g, " ").trim();
  const parameters: ParameterHelp[] = [];
  let label = `${symbol.name}(`;
  const names: string[] = [];
  decl.params.forEach((p, i) => {
    if (i > 0) label += ", ";
    const shown = written(p);
    parameters.push({ label: [label.length, label.length + shown.length], doc: parameterDoc(decl, i, written) });
    names.push(p.name.text);
    label += shown;
  });
  label += ")";
  if (decl.kind === "Policy") label += `: ${decl.policyKind.text}`;
  const active = named !== undefined ? names.indexOf(named) : commas;
  return {
    kind: decl.kind === "Kernel" ? "kernel" : "policy",
    label,
    doc: decl.doc,
    parameters,
    activeParameter: active >= 0 && active < names.length ? active : undefined,
  };
}

function parameterDoc(decl: KernelDecl | PolicyDecl, i: number, written: (s: { start: number; end: number }) => string): string {
  const p = decl.params[i]!;
  const type = written(p.type);
  if (decl.kind === "Policy") return `\`${p.name.text}\`: ${type}`;
  const k = decl.params[i]!;
  if (!k.isTensor) return `\`${k.name.text}\`: scalar ${type}`;
  const direction = k.direction?.value;
  const role = direction === "out" ? "the kernel writes it" : direction === "inout" ? "the kernel reads and writes it"
    : direction === "in" ? "the kernel reads it" : "direction missing";
  return `\`${k.name.text}\`: tensor tile ${type}, ${role}; pass a view such as \`T[i]\``;
}
