import type {
  AxisDecl, ConstDecl, Decl, Ident, KernelDecl, PipelineDecl, PolicyDecl, ScheduleDecl, SlotDecl,
  SymbolDecl, TargetDecl, TensorDecl, UseDecl, UseItem, WorkloadDecl, ChannelDecl, ProcessDecl, Span, Expr, Arg, Block,
} from "../../grammar/ast.js";
import type { SourceFile } from "../source-file.js";
import { U64_MAX, type Ty } from "./types.js";

/** Declarations that introduce a module-level name (everything but `schedule`). */
export type NamedDecl = Exclude<Decl, ScheduleDecl>;

/** A module: one file, its declared or derived name, and its top-level names. */
export interface ModuleInfo {
  readonly file: string;
  /** Dotted module name, e.g. "examples.indexer" (from `module`, else the file's base name). */
  readonly name: string;
  readonly source: SourceFile;
  /** Top-level declarations by name (first declaration wins; duplicates are diagnosed). */
  readonly decls: ReadonlyMap<string, DeclSymbol>;
  /** Names brought in by `use`, by local name (alias or original). */
  readonly imports: ReadonlyMap<string, ImportBinding>;
  /** Names of the implicitly imported prelude. */
  readonly prelude: ReadonlyMap<string, DeclSymbol>;
}

export interface DeclSymbol {
  readonly name: string;
  readonly decl: NamedDecl;
  readonly module: ModuleInfo;
  /** `module.name`, the input of stable ids. */
  readonly qualifiedName: string;
}

export interface ImportBinding {
  readonly use: UseDecl;
  readonly item: UseItem;
  readonly localName: Ident;
  /** Undefined when the module or the item could not be found (already diagnosed). */
  readonly target: DeclSymbol | undefined;
}

export type LocalKind =
  | "loop"          // parallel/for variable
  | "select"        // sparse select variable
  | "token"         // recv/consume variable
  | "let"           // policy `let`
  | "policy-param"
  | "kernel-param"  // scalar kernel parameter, visible in `cycles`
  | "tensor-param"; // tensor kernel parameter: in scope in `cycles` only to be diagnosed there

export interface LocalSymbol {
  readonly localKind: LocalKind;
  readonly ident: Ident;
  readonly ty: Ty;
  /** For loop and select variables: the axis iterated. */
  readonly axis?: DeclSymbol;
}

/** A lexical scope of local names; lookups walk outwards. */
export class Scope {
  /** Made on the first definition: most blocks (branches, scopes) define nothing. */
  private names: Map<string, LocalSymbol> | undefined;

  constructor(readonly parent: Scope | undefined) {}

  lookup(name: string): LocalSymbol | undefined {
    return this.names?.get(name) ?? this.parent?.lookup(name);
  }

  /** Defines `sym`; returns the local it collides with in this same scope, if any. */
  define(sym: LocalSymbol): LocalSymbol | undefined {
    const names = (this.names ??= new Map());
    const existing = names.get(sym.ident.text);
    if (existing) return existing;
    names.set(sym.ident.text, sym);
    return undefined;
  }

  /** The locals visible here, innermost first, shadowed ones left out (for completion). */
  *visibleLocals(): Iterable<LocalSymbol> {
    const seen = new Set<string>();
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      for (const [name, sym] of scope.names ?? []) {
        if (seen.has(name)) continue;
        seen.add(name);
        yield sym;
      }
    }
  }

  /** How many names this scope and its parents define (it only grows: a version of what is visible). */
  size(): number {
    return (this.names?.size ?? 0) + (this.parent?.size() ?? 0);
  }

  /** Adds the visible local names to `names`, innermost first (as `visible` lists them). */
  addVisibleNames(names: Set<string>): void {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      scope.names?.forEach((_, name) => names.add(name));
    }
  }

  /** All visible local names, innermost first (for "did you mean"). */
  *visible(): Iterable<string> {
    if (this.names) yield* this.names.keys();
    if (this.parent) yield* this.parent.visible();
  }
}

/** A compile-time value: integers are exact, booleans are booleans. */
export type Value = bigint | boolean;

/** A tensor dimension: a folded constant, or a launch-time expression over symbols. */
export type Dim =
  | { readonly kind: "const"; readonly value: bigint }
  /** `text` is canonical (qualified names), for comparing; `display` is as written. */
  | { readonly kind: "symbolic"; readonly text: string; readonly display: string };

/** `[batch, 2, ?]`: dimensions for messages, symbolic ones as written, `?` for unknown ones. */
export function showDims(dims: readonly (Dim | bigint | undefined)[]): string {
  const show = (d: Dim | bigint | undefined): string =>
    d === undefined ? "?" : typeof d === "bigint" ? String(d) : d.kind === "const" ? String(d.value) : d.display;
  return `[${dims.map(show).join(", ")}]`;
}

export interface TensorInfo {
  readonly dtype: string;
  readonly dims: readonly (Dim | undefined)[];
}

export interface KernelParamInfo {
  readonly name: string;
  readonly ident: Ident;
  readonly isTensor: boolean;
  readonly direction: "in" | "out" | "inout" | undefined;
  readonly dtype: string;
  /** Tile shape for tensor parameters (undefined entries were diagnosed). */
  readonly shape: readonly (bigint | undefined)[];
}

export interface KernelInfo {
  readonly params: readonly KernelParamInfo[];
  readonly executor: "aic" | "aiv" | undefined;
}

export type AxisShape =
  | { readonly kind: "dense"; readonly size: bigint | undefined }
  | { readonly kind: "dyn"; readonly symbol: DeclSymbol | undefined }
  | { readonly kind: "ragged"; readonly outer: DeclSymbol | undefined; readonly lengths: DeclSymbol | undefined }
  | { readonly kind: "sparse"; readonly outer: DeclSymbol | undefined; readonly indptr: DeclSymbol | undefined; readonly indices: DeclSymbol | undefined };

export interface TargetInfo {
  readonly properties: ReadonlyMap<string, bigint | string>;
}

export interface PolicyInfo {
  readonly kind: "dispatch" | "ready" | "start" | undefined;
  /** `task.X` attributes the body reads, with where. */
  readonly taskAttributes: readonly { readonly name: string; readonly span: Span }[];
}

/** What an identifier resolved to; `ident` is that identifier (the key in `Semantics.references`). */
export type ResolvedName =
  | { readonly kind: "global"; readonly symbol: DeclSymbol; readonly ident: Ident }
  | { readonly kind: "local"; readonly symbol: LocalSymbol; readonly ident: Ident }
  | { readonly kind: "channel"; readonly decl: ChannelDecl; readonly ident: Ident }
  | { readonly kind: "process"; readonly decl: ProcessDecl; readonly ident: Ident };

/** A name a top-level declaration uses that reaches beyond its own body: a global or a channel. */
export type DeclUse = Extract<ResolvedName, { kind: "global" | "channel" }>;

/**
 * What checking learned, in side tables keyed by tree nodes (the tree itself stays a value).
 * Later phases (lowering, analyses, the language server) read these instead of re-deriving.
 */
export interface Semantics {
  readonly constValues: Map<ConstDecl, Value | undefined>;
  readonly tensors: Map<TensorDecl, TensorInfo>;
  readonly kernels: Map<KernelDecl, KernelInfo>;
  readonly axes: Map<AxisDecl, AxisShape>;
  readonly targets: Map<TargetDecl, TargetInfo>;
  readonly policies: Map<PolicyDecl, PolicyInfo>;
  readonly slots: Map<SlotDecl, { readonly ty: Ty }>;
  readonly symbols: Map<SymbolDecl, { readonly ty: Ty }>;
  /** Every identifier use that resolved, to its declaration (go to definition, references). */
  readonly references: Map<Ident, ResolvedName>;
  /**
   * The same resolutions, globals and channels only, grouped by the top-level declaration whose
   * tree holds the identifier (for a constant: its value, whoever read it first). Who-uses-whom
   * questions (the unused lint) read this instead of placing each identifier by its span.
   */
  readonly declUses: Map<Decl, DeclUse[]>;
  /** The scope of each checked workload or process block: what its statements can see. */
  readonly blockScopes: Map<Block, Scope>;
  /** For each well-formed call's argument list: per parameter, the index of its argument. */
  readonly argumentMaps: Map<readonly Arg[], readonly (number | undefined)[]>;
  /**
   * The type of every checked expression but integer literals, whose type is their own: half of
   * all expressions are literals, and storing them was a fifth of the checker's time. Read it
   * with `exprType`.
   */
  readonly nonLiteralTypes: Map<Expr, Ty>;
  /** The folded value of every checked compile-time constant expression but integer literals; read it with `exprValue`. */
  readonly nonLiteralValues: Map<Expr, Value>;
  /** Workload/pipeline a schedule applies to, and its target. */
  readonly schedules: Map<ScheduleDecl, { readonly subject: DeclSymbol | undefined; readonly target: DeclSymbol | undefined; readonly file: string }>;
  /** The first schedule of each (subject, target), by their qualified names. */
  readonly firstSchedules: Map<string, ScheduleDecl>;
}

export function emptySemantics(): Semantics {
  return {
    constValues: new Map(),
    tensors: new Map(),
    kernels: new Map(),
    axes: new Map(),
    targets: new Map(),
    policies: new Map(),
    slots: new Map(),
    symbols: new Map(),
    references: new Map(),
    declUses: new Map(),
    nonLiteralTypes: new Map(),
    nonLiteralValues: new Map(),
    argumentMaps: new Map(),
    blockScopes: new Map(),
    schedules: new Map(),
    firstSchedules: new Map(),
  };
}

/** The type checking gave `e` (undefined: not checked). */
export function exprType(sem: Semantics, e: Expr): Ty | undefined {
  return e.kind === "Int" ? (e.value <= U64_MAX ? "int" : "error") : sem.nonLiteralTypes.get(e);
}

/** The value checking folded `e` to (undefined: not a compile-time constant, or not checked). */
export function exprValue(sem: Semantics, e: Expr): Value | undefined {
  return e.kind === "Int" ? (e.value <= U64_MAX ? e.value : undefined) : sem.nonLiteralValues.get(e);
}

export type WorkloadLike = WorkloadDecl | PipelineDecl;

/** `word` with "a" or "an" in front: "an axis", "an i64", "a u64" ("u" sounds like "you"). */
export function withArticle(word: string): string {
  return `${/^[aeio]/i.test(word) ? "an" : "a"} ${word}`;
}

/** What each declaration kind is called in messages. */
export function describeDecl(decl: NamedDecl): string {
  switch (decl.kind) {
    case "Const": return "constant";
    case "Slot": return "slot";
    case "Symbol": return "symbol";
    case "Axis": return "axis";
    case "Tensor": return "tensor";
    case "Kernel": return "kernel";
    case "Policy": return "policy";
    case "Workload": return "workload";
    case "Pipeline": return "pipeline";
    case "Target": return "target";
  }
}
