import type { Span } from "../../grammar/ast.js";
import type { DiagnosticCode, DiagnosticExtras } from "../diagnostic.js";
import type { DeclSymbol, ModuleInfo, ResolvedName, Scope, Semantics, Value } from "./symbols.js";
import type { Ty } from "./types.js";

/**
 * What the checks of one module need: where to report, how to look up module-level names, and
 * the program-wide constant evaluator (a constant may live in another module; it is evaluated
 * once, in its own module, so its errors are reported once and in the right file).
 */
export interface CheckContext {
  readonly module: ModuleInfo;
  readonly sem: Semantics;
  report(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras): void;
  /**
   * Records what `name.ident` resolved to: in `sem.references`, and for globals and channels also
   * in `sem.declUses` under the declaration being checked.
   */
  resolved(name: ResolvedName): void;
  /** Module-level name: this module's declarations, then imports, then the prelude. */
  resolveGlobal(name: string): DeclSymbol | undefined;
  /**
   * Whether `name` is brought in by a `use` whose module or item was not found: that `use` was
   * diagnosed, so uses of the name are not reported again as unknown.
   */
  isBrokenImport(name: string): boolean;
  /** Every module-level name visible here (for "did you mean"). */
  globalNames(): Iterable<string>;
  /**
   * Whether a syntax error lies inside `span` or at the token right after it: the construct was
   * cut short, so an error about something missing from it would only repeat the syntax error.
   */
  truncated(span: Span): boolean;
  /** The folded value and type of a constant, evaluated on first use. */
  constant(symbol: DeclSymbol): { readonly ty: Ty; readonly value: Value | undefined };
}

/** Which names an expression may use, by where it stands. */
export type ExprRole =
  | "const"     // `const` values, sizes, depths: compile-time only
  | "dim"       // tensor dimensions: compile-time or launch-time symbols
  | "runtime"   // workload and process bodies
  | "policy"    // policy bodies: parameters, lets, task attributes
  | "directive" // schedule directive arguments: task attributes
  | "cycles";   // kernel cost: the kernel's scalar parameters

export interface TaskAttributeUse {
  readonly name: string;
  readonly span: Span;
}

export interface ExprEnv {
  readonly role: ExprRole;
  readonly scope: Scope | undefined;
  /** Inside a replicated process, where `replica` names the replica index. */
  readonly inReplicatedProcess: boolean;
  /** Collects `task.X` reads where they are allowed (policy bodies, directive arguments). */
  readonly taskAttributes: TaskAttributeUse[] | undefined;
}

export function env(role: ExprRole, scope?: Scope, options: Partial<Pick<ExprEnv, "inReplicatedProcess" | "taskAttributes">> = {}): ExprEnv {
  return {
    role,
    scope,
    inReplicatedProcess: options.inReplicatedProcess ?? false,
    taskAttributes: options.taskAttributes,
  };
}
