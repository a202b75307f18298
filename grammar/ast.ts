/**
 * The syntax tree of a `.wsp` file.
 *
 * The tree is a value: every field is readonly, nodes carry only source offsets (UTF-16 code
 * units into the file text, `end` exclusive), and nothing semantic (symbols, types, folded
 * constants) is stored here — those live in side tables built by the compiler. A tree built
 * from a file with syntax errors is still a tree: parts the parser could not read are left out
 * or marked `Missing`, so later phases can check everything that did parse.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A name as written, with its own span (the place diagnostics about it point at). */
export interface Ident extends Span {
  readonly text: string;
}

/** A dotted path such as `std.policies`; each segment keeps its own span. */
export interface QualifiedName extends Span {
  readonly parts: readonly Ident[];
}

// ---------------------------------------------------------------------------------------------
// File and declarations
// ---------------------------------------------------------------------------------------------

export interface SourceFileNode extends Span {
  readonly kind: "SourceFile";
  /** `module a.b.c`, if present (it must come first). */
  readonly module: ModuleDecl | undefined;
  readonly uses: readonly UseDecl[];
  readonly decls: readonly Decl[];
}

export interface ModuleDecl extends Span {
  readonly kind: "Module";
  readonly name: QualifiedName;
  readonly doc: string | undefined;
}

/** `use std.policies.{hash, affinity as aff}` or `use std.policies.hash`. */
export interface UseDecl extends Span {
  readonly kind: "Use";
  /** The module path (everything before the imported names). */
  readonly module: QualifiedName;
  readonly items: readonly UseItem[];
  /** True when written with braces (kept by the formatter). */
  readonly braced: boolean;
}

export interface UseItem extends Span {
  readonly name: Ident;
  readonly alias: Ident | undefined;
}

export type Decl =
  | ConstDecl
  | SlotDecl
  | SymbolDecl
  | AxisDecl
  | TensorDecl
  | KernelDecl
  | PolicyDecl
  | WorkloadDecl
  | PipelineDecl
  | ScheduleDecl
  | TargetDecl;

interface DeclBase extends Span {
  /** Text of the `///` doc comment lines directly above, joined with newlines. */
  readonly doc: string | undefined;
}

/** `const N = expr` — a compile-time integer or boolean. */
export interface ConstDecl extends DeclBase {
  readonly kind: "Const";
  readonly name: Ident;
  readonly type: ScalarTypeRef | undefined;
  readonly value: Expr;
}

/** `slot eff_seq: u64` — a runtime u64 cell filled on device or by the host between runs. */
export interface SlotDecl extends DeclBase {
  readonly kind: "Slot";
  readonly name: Ident;
  readonly type: ScalarTypeRef;
}

/** `symbol batch: u64` — a launch-time scalar. */
export interface SymbolDecl extends DeclBase {
  readonly kind: "Symbol";
  readonly name: Ident;
  readonly type: ScalarTypeRef;
}

/** A scalar type as written: one of the dtypes (`u64`, `i32`, `bool`, ...). */
export interface ScalarTypeRef extends Span {
  readonly name: string;
}

export type AxisKind = "dense" | "dyn" | "ragged" | "sparse";

/**
 * `axis b = dense(2)` / `dyn(batch)` / `ragged(outer, lengths = L)` /
 * `sparse(outer, indptr = P, indices = I)`. Arguments are kept as written and checked later.
 */
export interface AxisDecl extends DeclBase {
  readonly kind: "Axis";
  readonly name: Ident;
  readonly axisKind: Ident;
  readonly args: readonly Arg[];
}

export type TensorDirection = "in" | "out" | "inout";

/** `tensor Q: f32[batch, 2, 8, 8] in` — no direction means an intermediate. */
export interface TensorDecl extends DeclBase {
  readonly kind: "Tensor";
  readonly name: Ident;
  readonly type: TensorTypeRef;
  readonly direction: DirectionRef | undefined;
}

export interface TensorTypeRef extends Span {
  readonly dtype: ScalarTypeRef;
  readonly dims: readonly Expr[];
}

export interface DirectionRef extends Span {
  readonly value: TensorDirection;
}

export interface KernelDecl extends DeclBase {
  readonly kind: "Kernel";
  readonly name: Ident;
  readonly params: readonly KernelParam[];
  /** `on aic` / `on aiv` (the executor kind). */
  readonly executor: Ident | undefined;
  /** `cycles <expr>` over the kernel's scalar parameters and constants. */
  readonly cycles: Expr | undefined;
  /** `source "path"`. */
  readonly source: StringLit | undefined;
  /** Spans of the clause keywords, for diagnostics about duplicated clauses. */
  readonly clauses: readonly KernelClause[];
}

export interface KernelClause extends Span {
  readonly clause: "on" | "cycles" | "source";
}

/** `name: in f32[8, 8]` (tensor parameter) or `name: i32` (scalar parameter). */
export interface KernelParam extends Span {
  readonly name: Ident;
  readonly direction: DirectionRef | undefined;
  readonly type: TensorTypeRef | ScalarTypeRef;
  /** True when the type has a `[...]` shape, i.e. a tensor parameter. */
  readonly isTensor: boolean;
}

export type PolicyKind = "dispatch" | "ready" | "start";

/**
 * `policy tile_owner(count: u32): dispatch = expr`, or with a body of `let`s:
 * `policy hash(key: u64, n: u32): dispatch { let x = ... return x % n }`.
 */
export interface PolicyDecl extends DeclBase {
  readonly kind: "Policy";
  readonly name: Ident;
  readonly params: readonly PolicyParam[];
  readonly policyKind: Ident;
  readonly lets: readonly LetBinding[];
  readonly result: Expr;
  /** True when written as `{ let ... return e }` rather than `= e`. */
  readonly block: boolean;
}

export interface PolicyParam extends Span {
  readonly name: Ident;
  readonly type: ScalarTypeRef;
}

export interface LetBinding extends Span {
  readonly name: Ident;
  readonly value: Expr;
}

export interface WorkloadDecl extends DeclBase {
  readonly kind: "Workload";
  readonly name: Ident;
  readonly body: Block;
}

export interface PipelineDecl extends DeclBase {
  readonly kind: "Pipeline";
  readonly name: Ident;
  readonly members: readonly PipelineMember[];
}

export type PipelineMember = ChannelDecl | ProcessDecl;

/** `channel l2c depth 2 latency 10` — depth defaults to 1, latency to 0. */
export interface ChannelDecl extends DeclBase {
  readonly kind: "Channel";
  readonly name: Ident;
  readonly depth: Expr | undefined;
  readonly latency: Expr | undefined;
}

/** `process worker replicate 4 { ... }` */
export interface ProcessDecl extends DeclBase {
  readonly kind: "Process";
  readonly name: Ident;
  readonly replicate: Expr | undefined;
  readonly body: Block;
}

/** `schedule NAME on TARGET { directives }` — NAME is a workload or a pipeline. */
export interface ScheduleDecl extends DeclBase {
  readonly kind: "Schedule";
  readonly subject: Ident;
  readonly target: Ident;
  readonly directives: readonly Directive[];
}

/**
 * `target a2a3sim { backend sim  schedulers 4  aic_cores 24 ... }` — a machine model. The set
 * of known properties and their meaning live in the compiler's target model, not the grammar.
 */
export interface TargetDecl extends DeclBase {
  readonly kind: "Target";
  readonly name: Ident;
  readonly properties: readonly TargetProperty[];
}

/** `key value` where value is an expression, a bare identifier (e.g. `backend tmr`) or string. */
export interface TargetProperty extends Span {
  readonly key: Ident;
  readonly value: Expr | StringLit;
}

// ---------------------------------------------------------------------------------------------
// Schedule directives
// ---------------------------------------------------------------------------------------------

export type Directive =
  | DispatchDirective
  | WindowDirective
  | ReadyDirective
  | StartDirective
  | PoolsDirective;

/** A use of a policy: `round_robin(4)`, `affinity(task.i, 4)`, `fifo` (no parentheses). */
export interface PolicyRef extends Span {
  readonly name: Ident;
  readonly args: readonly Arg[];
  readonly hasParens: boolean;
}

export interface DispatchDirective extends Span {
  readonly kind: "Dispatch";
  readonly keyword: Span;
  readonly policy: PolicyRef;
}

/** `window 1024 tasks stall` — unit and mode are checked by the compiler. */
export interface WindowDirective extends Span {
  readonly kind: "Window";
  readonly keyword: Span;
  readonly size: Expr;
  readonly unit: Ident | undefined;
  readonly mode: Ident | undefined;
}

export interface ReadyDirective extends Span {
  readonly kind: "Ready";
  readonly keyword: Span;
  readonly policy: PolicyRef;
}

export interface StartDirective extends Span {
  readonly kind: "Start";
  readonly keyword: Span;
  readonly policy: PolicyRef;
}

/** `pools { tensormap 65536, deplist 16384, heap 256 MiB, ready 1024 }` */
export interface PoolsDirective extends Span {
  readonly kind: "Pools";
  readonly keyword: Span;
  readonly entries: readonly PoolEntry[];
}

export interface PoolEntry extends Span {
  readonly name: Ident;
  readonly size: Expr;
  /** `B`, `KiB`, `MiB`, `GiB` — only meaningful for byte-sized pools such as `heap`. */
  readonly unit: Ident | undefined;
}

// ---------------------------------------------------------------------------------------------
// Statements (workload and process bodies)
// ---------------------------------------------------------------------------------------------

export interface Block extends Span {
  readonly statements: readonly Stmt[];
}

export type Stmt =
  | ParallelStmt
  | ForStmt
  | SelectStmt
  | WhenStmt
  | LoadStmt
  | CallStmt
  | ScopeStmt
  | SendStmt
  | RecvStmt
  | ConsumeStmt
  | CloseStmt;

/** `i in b` or `j in rag[i]` (a ragged axis indexed by its row). */
export interface LoopBinding extends Span {
  readonly variable: Ident;
  readonly axis: Ident;
  /** Row index for ragged/sparse axes: `routed[t]`. */
  readonly row: Expr | undefined;
}

/** `parallel i in b, j in s { ... }` — iterations are independent. */
export interface ParallelStmt extends Span {
  readonly kind: "Parallel";
  readonly bindings: readonly LoopBinding[];
  readonly body: Block;
}

/** `for k in tk { ... }` — iteration i+1 is ordered after iteration i. */
export interface ForStmt extends Span {
  readonly kind: "For";
  readonly bindings: readonly LoopBinding[];
  readonly body: Block;
}

/** `select e in routed[t] { ... }` — one iteration per selected entry of a sparse row. */
export interface SelectStmt extends Span {
  readonly kind: "Select";
  readonly binding: LoopBinding;
  readonly body: Block;
}

/** `when c { } else when c2 { } else { }` — `branches` in source order. */
export interface WhenStmt extends Span {
  readonly kind: "When";
  readonly branches: readonly WhenBranch[];
  readonly otherwise: Block | undefined;
}

export interface WhenBranch extends Span {
  readonly condition: Expr;
  readonly body: Block;
}

/** `load eff_seq <- EffSeq[i, j]` — materialise the view's first element into a slot. */
export interface LoadStmt extends Span {
  readonly kind: "Load";
  readonly slot: Ident;
  readonly view: TensorView;
}

/** A kernel call: `topk8(Scores[i, j], OutIdx[i, j], pad = 2048)`. */
export interface CallStmt extends Span {
  readonly kind: "Call";
  readonly callee: Ident;
  readonly args: readonly Arg[];
}

/** `scope { ... }` — outputs created inside stay live until the scope ends. */
export interface ScopeStmt extends Span {
  readonly kind: "Scope";
  readonly body: Block;
}

/** `send ch(expr)` */
export interface SendStmt extends Span {
  readonly kind: "Send";
  readonly channel: Ident;
  readonly value: Expr | undefined;
}

/** `recv v from ch` */
export interface RecvStmt extends Span {
  readonly kind: "Recv";
  readonly variable: Ident;
  readonly channel: Ident;
}

/** `consume v from ch { ... }` — once per token until the channel is closed and empty. */
export interface ConsumeStmt extends Span {
  readonly kind: "Consume";
  readonly variable: Ident;
  readonly channel: Ident;
  readonly body: Block;
}

/** `close ch` */
export interface CloseStmt extends Span {
  readonly kind: "Close";
  readonly channel: Ident;
}

/** A call argument: positional (`name` undefined) or named (`pad = 2048`). */
export interface Arg extends Span {
  readonly name: Ident | undefined;
  readonly value: Expr;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Expr =
  | IntLit
  | BoolLit
  | NameExpr
  | TaskAttrExpr
  | TensorView
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | ParenExpr
  | MissingExpr;

/** An integer literal; `value` is exact (decimal, hex `0x`, binary `0b`, `_` separators). */
export interface IntLit extends Span {
  readonly kind: "Int";
  readonly value: bigint;
  readonly text: string;
}

export interface BoolLit extends Span {
  readonly kind: "Bool";
  readonly value: boolean;
}

/** A bare name: const, slot, symbol, loop variable, token, policy parameter, `replica`... */
export interface NameExpr extends Span {
  readonly kind: "Name";
  readonly name: Ident;
}

/** `task.i` — an attribute of the task a policy is evaluated for. */
export interface TaskAttrExpr extends Span {
  readonly kind: "TaskAttr";
  readonly attribute: Ident;
}

/**
 * `T[i, j]` — a view of a tensor. Indexing drops leading dimensions. In scalar position the
 * same syntax is used for ragged/sparse rows (`routed[t]`); the checker decides which it is.
 */
export interface TensorView extends Span {
  readonly kind: "View";
  readonly tensor: Ident;
  readonly indices: readonly Expr[];
}

export type UnaryOp = "-" | "!" | "~";

export interface UnaryExpr extends Span {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export type BinaryOp =
  | "||" | "&&"
  | "==" | "!=" | "<" | "<=" | ">" | ">="
  | "|" | "^" | "&"
  | "<<" | ">>"
  | "+" | "-"
  | "*" | "/" | "%";

export interface BinaryExpr extends Span {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  /** Span of the operator token. */
  readonly opSpan: Span;
  readonly left: Expr;
  readonly right: Expr;
}

/** Built-in scalar functions: `select(c, a, b)`, `min(a, b)`, `max(a, b)`, `u64(x)`, `i64(x)`. */
export interface CallExpr extends Span {
  readonly kind: "CallExpr";
  readonly callee: Ident;
  readonly args: readonly Arg[];
}

export interface ParenExpr extends Span {
  readonly kind: "Paren";
  readonly inner: Expr;
}

/** Stands where the parser expected an expression and found none (already diagnosed). */
export interface MissingExpr extends Span {
  readonly kind: "Missing";
}

export interface StringLit extends Span {
  readonly kind: "String";
  /** The decoded value (escapes resolved). */
  readonly value: string;
}

// ---------------------------------------------------------------------------------------------
// Comments (kept beside the tree for the formatter and the language server)
// ---------------------------------------------------------------------------------------------

export interface Comment extends Span {
  /** `line` is `// ...`, `doc` is `/// ...`, `block` is `/* ... *\/`. */
  readonly style: "line" | "doc" | "block";
  readonly text: string;
}

/** Binary operator precedence, loosest first; one place for the parser and the formatter. */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  "||": 1,
  "&&": 2,
  "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
  "|": 4,
  "^": 5,
  "&": 6,
  "<<": 7, ">>": 7,
  "+": 8, "-": 8,
  "*": 9, "/": 9, "%": 9,
};
