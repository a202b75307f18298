import type { Block, Span, Stmt } from "../../grammar/ast.js";
import { makeDiagnostic, type Diagnostic, type DiagnosticCode } from "../diagnostic.js";
import type { EmitInput, Manifest } from "../package/build.js";
import type { Code } from "../package/bytecode.js";
import type { PlanStmt } from "../package/plan.js";

/**
 * Helpers shared by the pto-runtime emitters: safe names and literals, dtype tables, and the
 * pairing of plan statements with the syntax they came from (for names and diagnostic ranges).
 */

// ---------------------------------------------------------------------------------------------
// Names and literals: nothing from the source reaches C++ or Python unescaped.

/**
 * The readable part of a generated identifier: ASCII letters and digits of `name`, every other
 * run of characters one `_`, no leading or trailing `_` (so no `__`, which C++ reserves).
 */
export function cosmetic(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * A C++ identifier for a source name: a letter, a number that makes it unique among its kind,
 * then the readable part (`t2_Scores`). It can never be a keyword, a macro of the runtime's
 * headers or another generated name, whatever the source name was.
 */
export function cppName(prefix: string, index: number, name: string): string {
  const readable = cosmetic(name);
  return readable ? `${prefix}${index}_${readable}` : `${prefix}${index}`;
}

/** A C++ string literal: printable ASCII kept, `\ " ?` and everything else escaped (octal, 3 digits). */
export function cppString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    if (c === "\\" || c === '"' || c === "?") out += `\\${c}`;
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}

/** A Python str literal: printable ASCII kept, `\ "` and everything else escaped. */
export function pyString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** A dotted name (qualified name, version) for a comment: identifier characters and dots only. */
export function commentName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.+-]/g, "_");
}

/**
 * Text from the source for a `//` comment: one line, and it cannot end in `\` (which would
 * continue the comment onto the next line), because it is written as an escaped string.
 */
export function commentText(text: string): string {
  return cppString(text);
}

// ---------------------------------------------------------------------------------------------
// Dtypes

export type Dtype = "f16" | "bf16" | "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "bool";

export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = {
  f16: 2, bf16: 2, f32: 4, f64: 8, i8: 1, i16: 2, i32: 4, i64: 8, u8: 1, u16: 2, u32: 4, u64: 8, bool: 1,
};

/** pto-runtime's `DataType` names; bool and f64 have none, so the runtime cannot allocate them. */
export const PTO_DATA_TYPE: Readonly<Partial<Record<Dtype, string>>> = {
  f32: "FLOAT32", f16: "FLOAT16", i32: "INT32", i16: "INT16", i8: "INT8", u8: "UINT8",
  bf16: "BFLOAT16", i64: "INT64", u64: "UINT64", u16: "UINT16", u32: "UINT32",
};

/** The C++ element type of an integer or bool dtype (tensor elements read by the orchestration). */
export const CPP_INT_TYPE: Readonly<Partial<Record<Dtype, string>>> = {
  i8: "int8_t", i16: "int16_t", i32: "int32_t", i64: "int64_t",
  u8: "uint8_t", u16: "uint16_t", u32: "uint32_t", u64: "uint64_t", bool: "bool",
};

export function isSignedDtype(d: string): boolean {
  return d.startsWith("i");
}

/** Bits of a scalar parameter type (`bool` counts as 1: it is passed as 0 or 1). */
export function scalarBits(dtype: string): number {
  if (dtype === "bool") return 1;
  const bits = Number(dtype.slice(1));
  return Number.isInteger(bits) && bits > 0 ? bits : 64;
}

// ---------------------------------------------------------------------------------------------
// Manifest access

export type ManifestKernel = Manifest["kernels"][number];
export type ManifestTensor = Manifest["tensors"][number];
export type KernelParam = ManifestKernel["params"][number];
export type TensorParam = KernelParam & { readonly direction: string; readonly shape: number[] };
export type TensorDim = ManifestTensor["dims"][number];

export function isTensorParam(p: KernelParam): p is TensorParam {
  return p.kind === "tensor";
}

/** A tensor dimension's constant size, or undefined for a launch-time expression. */
export function constDim(d: TensorDim): number | undefined {
  return d.const;
}

/** A tensor dimension's launch-time expression (empty for a constant). */
export function dimCode(d: TensorDim): Code {
  return d.code ?? [];
}

/** A numeric target property, or undefined when the target does not declare it. */
export function targetNumber(manifest: Manifest, key: string): number | undefined {
  const v = (manifest.target.properties as Record<string, number | string>)[key];
  return typeof v === "number" ? v : undefined;
}

/** The smallest power of two ≥ n (n ≥ 1). */
export function roundUpPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Plan statements with their syntax

/** A plan statement and the statement it was lowered from (lowering is one to one, in order). */
export interface Paired {
  readonly plan: PlanStmt;
  readonly ast: Stmt;
}

/** Pairs a lowered block with its source block; a mismatch is a compiler bug, not a user error. */
export function pair(plan: readonly PlanStmt[], block: Block): Paired[] {
  if (plan.length !== block.statements.length) throw new Error("internal error: the plan does not match its workload");
  return plan.map((p, i) => ({ plan: p, ast: block.statements[i]! }));
}

/** The blocks of a statement, in the order of the plan statement's own blocks. */
export function childBlocks(s: Paired): { plan: PlanStmt[]; ast: Block }[] {
  const p = s.plan;
  const a = s.ast;
  switch (p.op) {
    case "parallel": case "for": case "select": case "scope": case "consume":
      return [{ plan: p.body, ast: (a as { body: Block }).body }];
    case "when": {
      const w = a as Extract<Stmt, { kind: "When" }>;
      const out = p.branches.map((b, i) => ({ plan: b.body, ast: w.branches[i]!.body }));
      if (p.else && w.otherwise) out.push({ plan: p.else, ast: w.otherwise });
      return out;
    }
    default:
      return [];
  }
}

/** The range a diagnostic about a statement points at: a loop's or scope's header, or the whole statement. */
export function headerSpan(s: Stmt): Span {
  if ("body" in s) return { start: s.start, end: Math.max(s.start, s.body.start) };
  return { start: s.start, end: s.end };
}

/** Names of the variables a loop statement binds, by binding. */
export function boundNames(s: Stmt): string[] {
  if (s.kind === "Parallel" || s.kind === "For") return s.bindings.map((b) => b.variable.text);
  if (s.kind === "Select") return [s.binding.variable.text];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

/** Where an emitter reports: the workload's file. */
export interface Reporter {
  readonly file: string;
  readonly diagnostics: Diagnostic[];
}

export function reporter(input: EmitInput): Reporter {
  return { file: input.unit.subject.module.file, diagnostics: [] };
}

export function report(r: Reporter, code: DiagnosticCode, at: Span, message: string): void {
  r.diagnostics.push(makeDiagnostic(code, r.file, at, message));
}

export function hasErrors(r: Reporter): boolean {
  return r.diagnostics.some((d) => d.severity === "error");
}

/** "name (backend)" for messages: `a2a3 (pto-tmr)`. */
export function targetLabel(manifest: Manifest): string {
  return `${manifest.target.name} (${manifest.target.backend})`;
}
