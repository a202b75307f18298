import { createHash } from "node:crypto";
import type { Directive, Expr, Ident, PipelineDecl, PolicyRef, TensorDecl } from "../../grammar/ast.js";
import { LineMap } from "../../grammar/line-map.js";
import { capabilityReport, unitFeatures } from "../analysis/capability-check.js";
import type { CapabilityStatus } from "../capabilities.js";
import { exprValue, type DeclSymbol, type LocalSymbol, type Semantics } from "../check/symbols.js";
import { BYTE_UNITS, POOLS, type Backend } from "../check/target-model.js";
import type { Diagnostic } from "../diagnostic.js";
import type { CheckResult } from "../program.js";
import { compileExpr, intInstr, type Code } from "./bytecode.js";
import { reachableDeclarations } from "../reachable.js";
import { stableId } from "../../runtime/package/ids.js";
import { packageJson } from "./json.js";
import { codeEnv, lowerBody, type Numbering, type PlanStmt } from "./plan.js";
import type { BuildUnit } from "../units.js";

export const WSP_RUNTIME_ABI = "1.0";

export interface BuildOptions {
  readonly compilerVersion: string;
  /** The path recorded for a source file: relative, `/`-separated, never absolute. */
  readonly sourcePath: (file: string) => string;
  /**
   * The SHA-256 of a source file's bytes, when the caller can read them. Without it (or when it
   * returns undefined) the hash is that of the checked text, which lacks a byte-order mark and
   * differs from the file's bytes when they are not valid UTF-8.
   */
  readonly sourceHash?: (file: string) => string | undefined;
}

/** A built package as file contents by relative path, ready to be written atomically. */
export interface BuiltPackage {
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  readonly backend: Backend;
}

/** Extra files a back end adds to the package (pto-runtime source trees). */
export type BackendEmitter = (input: EmitInput) => { files: Map<string, string>; diagnostics: Diagnostic[] };

export interface EmitInput {
  readonly manifest: Manifest;
  readonly plan: Plan;
  readonly unit: BuildUnit;
  readonly result: CheckResult;
}

export type Manifest = ReturnType<typeof manifestObject>;
export interface Plan {
  readonly axes: PlanAxis[];
  readonly bodies: { readonly name: string; readonly vars: number; readonly body: PlanStmt[] }[];
}
interface PlanAxis {
  readonly name: string;
  readonly kind: "dense" | "dyn" | "ragged" | "sparse";
  readonly size: Code | null;
  readonly outer: number | null;
  readonly lengths: number | null;
  readonly indptr: number | null;
  readonly indices: number | null;
}

/** Lowers one unit to manifest + plan (+ back-end files). Pure; the program must be error-free. */
export function buildPackage(result: CheckResult, unit: BuildUnit, options: BuildOptions, emitters: Partial<Record<Backend, BackendEmitter>> = {}): BuiltPackage {
  const sem = result.semantics;
  const target = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl) : undefined;
  const backend = (target?.properties.get("backend") ?? "sim") as Backend;
  const directives = resolveDirectives(result, unit);
  const roots: object[] = [unit.subject.decl, ...directives.refs];
  const reachable = reachableDeclarations(roots, sem);
  const numbering = numberDeclarations(reachable, unit);
  const plan = lowerPlan(result, unit, numbering, reachable, options.sourcePath);
  const capabilities = capabilityReport(backend, unitFeatures(sem, unit));
  const diagnostics: Diagnostic[] = [];
  const manifest = manifestObject(result, unit, options, numbering, reachable, directives, capabilities, backend);
  const files = new Map<string, string>();
  files.set("plan.json", packageJson(plan));
  const emitter = emitters[backend];
  if (emitter && !diagnostics.some((d) => d.severity === "error")) {
    const emitted = emitter({ manifest, plan, unit, result });
    diagnostics.push(...emitted.diagnostics);
    for (const [p, text] of emitted.files) files.set(p, text);
  }
  const listed = [...files.keys()].sort().map((path) => {
    const text = files.get(path)!;
    return { path, bytes: Buffer.byteLength(text, "utf8"), sha256: sha256(text) };
  });
  const complete = { ...manifest, files: listed };
  const out = new Map<string, string>([["manifest.json", packageJson(complete)]]);
  for (const p of [...files.keys()].sort()) out.set(p, files.get(p)!);
  return { files: out, diagnostics, backend };
}


function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

// ---------------------------------------------------------------------------------------------

interface ResolvedDirectives {
  readonly dispatch: PolicyUse;
  readonly ready: PolicyUse;
  readonly start: PolicyUse;
  readonly window: { readonly size: number; readonly unit: string; readonly mode: string };
  readonly pools: { tensormap: number | null; deplist: number | null; heap_bytes: number | null; ready: number | null };
  /** Tree nodes the directives mention (for reachability). */
  readonly refs: object[];
}

interface PolicyUse {
  readonly policy: DeclSymbol;
  /** Arguments in parameter order. */
  readonly args: readonly (Expr | bigint)[];
  /** Where the use is written: the directive, else the schedule, else the policy itself. */
  readonly at: { readonly file: string; readonly start: number };
}

function findDecl(result: CheckResult, module: string, name: string): DeclSymbol {
  for (const m of result.modules.values()) {
    const d = m.name === module ? m.decls.get(name) : undefined;
    if (d) return d;
  }
  throw new Error(`the standard library lacks ${module}.${name}`);
}

/** The schedule's directives with the documented defaults filled in. */
function resolveDirectives(result: CheckResult, unit: BuildUnit): ResolvedDirectives {
  const sem = result.semantics;
  const props = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl)?.properties : undefined;
  const prop = (k: string, dflt: number): number => {
    const v = props?.get(k);
    return typeof v === "bigint" ? Number(v) : dflt;
  };
  const find = <K extends Directive["kind"]>(k: K) =>
    unit.schedule?.directives.find((d): d is Extract<Directive, { kind: K }> => d.kind === k);
  const refs: object[] = [];
  const scheduleFile = unit.scheduleFile ?? unit.subject.module.file;
  const byDefault = (policy: DeclSymbol, args: bigint[]): PolicyUse => ({
    policy,
    args,
    at: unit.schedule ? { file: scheduleFile, start: unit.schedule.start } : { file: policy.module.file, start: policy.decl.start },
  });
  const use = (d: { keyword: { start: number }; policy: PolicyRef } | undefined, fallback: () => PolicyUse): PolicyUse => {
    if (!d) return fallback();
    const ref = d.policy;
    refs.push(ref);
    const r = sem.references.get(ref.name);
    if (r?.kind !== "global" || r.symbol.decl.kind !== "Policy") throw new Error("unresolved policy");
    const map = sem.argumentMaps.get(ref.args) ?? [];
    return { policy: r.symbol, args: r.symbol.decl.params.map((_, i) => ref.args[map[i]!]!.value), at: { file: scheduleFile, start: d.keyword.start } };
  };
  const dispatch = use(find("Dispatch"), () => byDefault(findDecl(result, "std.policies", "round_robin"), [BigInt(prop("schedulers", 1))]));
  const ready = use(find("Ready"), () => byDefault(findDecl(result, "std.prelude", "fifo"), []));
  const start = use(find("Start"), () => byDefault(findDecl(result, "std.prelude", "eager"), []));
  refs.push(dispatch.policy.decl.name, ready.policy.decl.name, start.policy.decl.name);
  const w = find("Window");
  const window = w
    ? { size: Number(constValue(sem, w.size)), unit: w.unit?.text ?? "tasks", mode: w.mode?.text ?? "stall" }
    : { size: prop("max_window", 16384), unit: "tasks", mode: "stall" };
  // Each pool: the schedule's size, else the target's, else null (the target bounds none:
  // host_build_graph has no pools at all).
  const pools: Record<string, number | null> = {};
  for (const [name, spec] of Object.entries(POOLS)) {
    const key = spec.bytes ? "heap_bytes" : name;
    const v = props?.get(spec.limitProperty);
    pools[key] = typeof v === "bigint" ? Number(v) : null;
  }
  for (const e of find("Pools")?.entries ?? []) {
    const spec = POOLS[e.name.text];
    if (!spec) continue;
    const size = constValue(sem, e.size) * (e.unit ? BYTE_UNITS[e.unit.text] ?? 1n : 1n);
    pools[spec.bytes ? "heap_bytes" : e.name.text] = Number(size);
  }
  return { dispatch, ready, start, window, pools: pools as ResolvedDirectives["pools"], refs };
}

/** The folded value of a checked constant expression (sizes, counts). */
function constValue(sem: Semantics, e: Expr): bigint {
  const v = exprValue(sem, e);
  if (typeof v !== "bigint") throw new Error("expected a folded constant");
  return v;
}

function numberDeclarations(reachable: readonly DeclSymbol[], unit: BuildUnit): Numbering {
  const of = (kind: string) => new Map(reachable.filter((s) => s.decl.kind === kind).map((s, i) => [s, i] as const));
  const channels = new Map<string, number>();
  if (unit.subject.decl.kind === "Pipeline") {
    unit.subject.decl.members.filter((m) => m.kind === "Channel").forEach((c, i) => channels.set(c.name.text, i));
  }
  return { kernels: of("Kernel"), tensors: of("Tensor"), slots: of("Slot"), symbols: of("Symbol"), axes: of("Axis"), channels };
}

function lineMapOf(result: CheckResult, file: string): LineMap {
  return result.files.get(file)?.lineMap ?? new LineMap("");
}

function lowerPlan(result: CheckResult, unit: BuildUnit, numbering: Numbering, reachable: readonly DeclSymbol[], locPath: (file: string) => string): Plan {
  const sem = result.semantics;
  const env = codeEnv(sem, numbering, () => undefined);
  const axisName = (e: Expr | undefined): DeclSymbol | undefined => {
    if (e?.kind !== "Name") return undefined;
    const r = sem.references.get(e.name);
    return r?.kind === "global" ? r.symbol : undefined;
  };
  const axes: PlanAxis[] = reachable.filter((s) => s.decl.kind === "Axis").map((s) => {
    const d = s.decl as Extract<typeof s.decl, { kind: "Axis" }>;
    const map = sem.argumentMaps.get(d.args) ?? [];
    const arg = (i: number): Expr | undefined => (map[i] === undefined ? undefined : d.args[map[i]!]!.value);
    const kind = d.axisKind.text as PlanAxis["kind"];
    const tensorIndex = (e: Expr | undefined) => { const t = axisName(e); return t ? numbering.tensors.get(t) ?? null : null; };
    const axisIndex = (e: Expr | undefined) => { const a = axisName(e); return a ? numbering.axes.get(a) ?? null : null; };
    return {
      name: s.name,
      kind,
      size: kind === "dense" || kind === "dyn" ? compileExpr(arg(0)!, env) : null,
      outer: kind === "ragged" || kind === "sparse" ? axisIndex(arg(0)) : null,
      lengths: kind === "ragged" ? tensorIndex(arg(1)) : null,
      indptr: kind === "sparse" ? tensorIndex(arg(1)) : null,
      indices: kind === "sparse" ? tensorIndex(arg(2)) : null,
    };
  });
  const file = unit.subject.module.file;
  const lineMap = lineMapOf(result, file);
  const recorded = locPath(file);
  const subject = unit.subject.decl;
  const bodies = subject.kind === "Workload"
    ? [{ name: subject.name.text, ...lowerBody(subject.body, sem, numbering, recorded, lineMap) }]
    : (subject as PipelineDecl).members.flatMap((m) => (m.kind === "Process" ? [{ name: m.name.text, ...lowerBody(m.body, sem, numbering, recorded, lineMap) }] : []));
  return { axes, bodies: bodies.map((b) => ({ name: b.name, vars: b.vars, body: b.body })) };
}

// ---------------------------------------------------------------------------------------------

function manifestObject(
  result: CheckResult,
  unit: BuildUnit,
  options: BuildOptions,
  numbering: Numbering,
  reachable: readonly DeclSymbol[],
  directives: ResolvedDirectives,
  capabilities: { directive: string; status: CapabilityStatus; reason: string }[],
  backend: Backend,
) {
  const sem = result.semantics;
  const targetProps = unit.target.decl.kind === "Target" ? sem.targets.get(unit.target.decl)?.properties : undefined;
  const properties: Record<string, number> = {};
  // `backend` has its own field; properties are the target's counts.
  for (const [k, v] of [...(targetProps ?? new Map())].sort(([a], [b]) => (a < b ? -1 : 1))) if (typeof v === "bigint") properties[k] = Number(v);
  const env = codeEnv(sem, numbering, () => undefined);
  const loc: LocOf = (file, start) => {
    const p = lineMapOf(result, file).position(start);
    return `${options.sourcePath(file)}:${p.line}:${p.col}`;
  };
  const byKind = (k: string) => reachable.filter((s) => s.decl.kind === k);
  const policies = uniquePolicies([directives.dispatch.policy, directives.ready.policy, directives.start.policy]);
  const subject = unit.subject.decl;
  return {
    format: "wsp-package",
    wsp_runtime_abi: WSP_RUNTIME_ABI,
    compiler: { name: "wspc", version: options.compilerVersion },
    subject: { kind: subject.kind === "Workload" ? "workload" : "pipeline", name: unit.subject.name, qualified_name: unit.subject.qualifiedName },
    target: { name: unit.target.name, qualified_name: unit.target.qualifiedName, backend, properties },
    sources: [...result.modules.values()]
      .map((m) => ({ path: options.sourcePath(m.file), module: m.name, sha256: options.sourceHash?.(m.file) ?? sha256(m.source.text) }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    kernels: byKind("Kernel").map((s, i) => kernelEntry(sem, s, i, numbering, loc)),
    tensors: byKind("Tensor").map((s) => tensorEntry(sem, s, env, loc)),
    slots: byKind("Slot").map((s, i) => ({
      id: stableId(s.qualifiedName), name: s.name, qualified_name: s.qualifiedName, index: i,
      type: (s.decl as { type: { name: string } }).type.name, width: 64,
      update: { host: "between-runs", device: "load" },
    })),
    symbols: byKind("Symbol").map((s) => ({
      id: stableId(s.qualifiedName), name: s.name, qualified_name: s.qualifiedName,
      type: (s.decl as { type: { name: string } }).type.name, width: 64,
    })),
    policies: policies.map((p) => policyEntry(sem, p, numbering, loc)),
    schedule: {
      dispatch: policyUse(directives.dispatch, env, loc),
      window: directives.window,
      ready: policyUse(directives.ready, env, loc),
      start: policyUse(directives.start, env, loc),
      pools: directives.pools,
    },
    csp: subject.kind === "Pipeline" ? cspEntry(sem, unit, subject) : null,
    capabilities,
    entry: { type: "wsp-plan", version: 1, path: "plan.json" },
  };
}

function uniquePolicies(list: readonly DeclSymbol[]): DeclSymbol[] {
  return [...new Set(list)];
}

/** `path:line:col` of an offset in a source file, with the recorded (relative) path. */
type LocOf = (file: string, start: number) => string;

function kernelEntry(sem: Semantics, s: DeclSymbol, index: number, numbering: Numbering, loc: LocOf) {
  const d = s.decl as Extract<DeclSymbol["decl"], { kind: "Kernel" }>;
  const info = sem.kernels.get(d)!;
  const paramIndex = new Map<Ident, number>(info.params.map((p, i) => [p.ident, i]));
  const cycles = d.cycles ? compileExpr(d.cycles, codeEnv(sem, numbering, (l: LocalSymbol) => paramIndex.get(l.ident))) : [intInstr(0n)];
  return {
    id: stableId(s.qualifiedName),
    name: s.name,
    qualified_name: s.qualifiedName,
    func_id: index,
    executor: info.executor === "aic" ? "AIC" : "AIV",
    params: info.params.map((p) => p.isTensor
      ? { name: p.name, kind: "tensor", direction: p.direction ?? "in", dtype: p.dtype, shape: p.shape.map((x) => Number(x ?? 0n)) }
      : { name: p.name, kind: "scalar", dtype: p.dtype }),
    cycles: { text: d.cycles ? sourceText(s, d.cycles) : "0", code: cycles, loc: loc(s.module.file, (d.cycles ?? d.name).start) },
    source: d.source ? d.source.value : null,
  };
}

function sourceText(s: DeclSymbol, e: { start: number; end: number }): string {
  return s.module.source.text.slice(e.start, e.end).replace(/\s+/g, " ");
}

function tensorEntry(sem: Semantics, s: DeclSymbol, env: ReturnType<typeof codeEnv>, loc: LocOf) {
  const d = s.decl as TensorDecl;
  const info = sem.tensors.get(d)!;
  return {
    id: stableId(s.qualifiedName),
    name: s.name,
    qualified_name: s.qualifiedName,
    dtype: info.dtype,
    dims: d.type.dims.map((e, i) => {
      const dim = info.dims[i];
      return dim?.kind === "const" ? { const: Number(dim.value) } : { code: compileExpr(e, env), loc: loc(s.module.file, e.start) };
    }),
    role: d.direction?.value ?? "intermediate",
  };
}

function policyEntry(sem: Semantics, s: DeclSymbol, numbering: Numbering, loc: LocOf) {
  const d = s.decl as Extract<DeclSymbol["decl"], { kind: "Policy" }>;
  const vars = new Map<Ident, number>(d.params.map((p, i) => [p.name, i]));
  d.lets.forEach((l, i) => vars.set(l.name, d.params.length + i));
  const env = codeEnv(sem, numbering, (l) => vars.get(l.ident));
  return {
    id: stableId(s.qualifiedName),
    name: s.name,
    qualified_name: s.qualifiedName,
    kind: d.policyKind.text,
    params: d.params.map((p) => ({ name: p.name.text, type: p.type.name })),
    lets: d.lets.map((l, i) => ({ var: d.params.length + i, code: compileExpr(l.value, env) })),
    code: compileExpr(d.result, env),
    loc: loc(s.module.file, d.result.start),
  };
}

function policyUse(use: PolicyUse, env: ReturnType<typeof codeEnv>, loc: LocOf) {
  return {
    policy: stableId(use.policy.qualifiedName),
    args: use.args.map((a) => (typeof a === "bigint" ? [intInstr(a)] : compileExpr(a, env))),
    loc: loc(use.at.file, use.at.start),
  };
}

function cspEntry(sem: Semantics, unit: BuildUnit, p: PipelineDecl) {
  const q = unit.subject.qualifiedName;
  const channels = p.members.flatMap((m) => (m.kind === "Channel" ? [m] : []));
  const channelId = (name: string) => stableId(`${q}.${name}`);
  return {
    channels: channels.map((c) => ({
      id: channelId(c.name.text),
      name: c.name.text,
      capacity: c.depth ? Number(constValue(sem, c.depth)) : 1,
      latency: c.latency ? Number(constValue(sem, c.latency)) : 0,
    })),
    processes: p.members.flatMap((m) => {
      if (m.kind !== "Process") return [];
      const sends = new Set<string>();
      const receives = new Set<string>();
      const closes = new Set<string>();
      const walk = (node: unknown): void => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) { node.forEach(walk); return; }
        const k = (node as { kind?: string }).kind;
        const ch = (node as { channel?: Ident }).channel;
        if (ch && k === "Send") sends.add(ch.text);
        if (ch && (k === "Recv" || k === "Consume")) receives.add(ch.text);
        if (ch && k === "Close") closes.add(ch.text);
        for (const key in node) if (key !== "start" && key !== "end") walk((node as Record<string, unknown>)[key]);
      };
      walk(m.body);
      // Senders are the processes that `send` (language §3.9): the channel closes by itself when
      // they have all ended. A receiver that also closes stays a receiver only — listing it as a
      // sender would keep the channel open until the receiver ends, which waits for the close.
      // A process that closes a channel it neither sends on nor receives from must still list it
      // (the format wants every channel a process names in one of the lists): as a sender.
      for (const c of closes) if (!receives.has(c)) sends.add(c);
      const order = (set: Set<string>) => channels.filter((c) => set.has(c.name.text)).map((c) => channelId(c.name.text));
      return [{
        id: stableId(`${q}.${m.name.text}`),
        name: m.name.text,
        replicas: m.replicate ? Number(constValue(sem, m.replicate)) : 1,
        sends: order(sends),
        receives: order(receives),
      }];
    }),
  };
}
