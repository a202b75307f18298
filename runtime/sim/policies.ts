/**
 * Policies evaluated at a kernel call: a schedule directive names a policy (by stable id) and
 * gives one argument program per parameter; the runtime converts the arguments to the parameter
 * types (low bits, as for kernel scalars), runs the `let`s, then the body (language §3.7). Each
 * call site compiles its own copy, because `task.X` means a different frame variable at each.
 */
import type { EvalEnv } from "../bytecode.js";
import type { Directive, PolicyEntry } from "../package/types.js";
import { CompiledCode, type FastCtx, type TaskAttr } from "./fastcode.js";
import { SimError } from "./errors.js";
import { BIG, narrow, narrowSmall, small, wide } from "./values.js";

/** How `task.X` is read at one call site, in both number and bigint form. */
export interface SiteAttrs {
  readonly resolve: (name: string) => TaskAttr | undefined;
}

export class PolicyAtSite {
  private readonly args: readonly CompiledCode[];
  private readonly lets: readonly { readonly var: number; readonly code: CompiledCode }[];
  private readonly body: CompiledCode;
  private readonly locals: Float64Array;
  /** Parameters whose argument varies per task; the others hold their converted constant in `locals`. */
  private readonly varying: readonly number[];
  /** The policy's value when it reads nothing that varies per task. */
  readonly constant: bigint | undefined;
  /** `constant` as a number, or −1 (not constant, or not below 2^53). */
  readonly constantSmall: number;

  constructor(
    readonly policy: PolicyEntry,
    readonly directive: Directive,
    private readonly attrs: SiteAttrs,
  ) {
    const siteScope = { locals: 0, task: attrs.resolve };
    const nLocals = policy.params.length + policy.lets.length;
    const policyScope = { locals: nLocals, task: attrs.resolve };
    this.args = directive.args.map((c) => new CompiledCode(c, siteScope));
    this.lets = policy.lets.map((l) => ({ var: l.var, code: new CompiledCode(l.code, policyScope) }));
    this.body = new CompiledCode(policy.code, policyScope);
    this.locals = new Float64Array(Math.max(1, nLocals));
    this.constant = this.readsNothing() ? this.tryConstant() : undefined;
    this.constantSmall = this.constant !== undefined ? small(this.constant) : -1;
    // Constant arguments (`round_robin(4)`'s 4) are converted once, not per task.
    const varying: number[] = [];
    this.args.forEach((a, i) => {
      const n = a.constant !== undefined ? small(narrow(a.constant, policy.params[i]!.type)) : BIG;
      if (n === BIG) varying.push(i);
      else this.locals[i] = n;
    });
    this.varying = varying;
  }

  private readsNothing(): boolean {
    return this.args.every((a) => a.constant !== undefined) && this.lets.every((l) => l.code.constant !== undefined) && this.body.constant !== undefined;
  }

  /** The value of a policy that reads nothing; undefined if it fails (it then fails per task, with its location). */
  private tryConstant(): bigint | undefined {
    try {
      return this.reference(() => undefined, { slotsWide: [], symsWide: [], hasReplica: false, replica: 0 });
    } catch {
      return undefined;
    }
  }

  /** The policy's value for the task being placed: a number below 2^53, else a bigint. */
  eval(F: Float64Array, Fbig: readonly (bigint | undefined)[], C: FastCtx): number | bigint {
    const L = this.locals;
    const params = this.policy.params;
    const varying = this.varying;
    for (let j = 0; j < varying.length; j++) {
      const i = varying[j]!;
      const v = this.args[i]!.fast(F, F, C);
      if (v < 0) return this.slow(F, Fbig, C);
      const n = narrowSmall(v, params[i]!.type);
      if (n === BIG) return this.slow(F, Fbig, C);
      L[i] = n;
    }
    for (const l of this.lets) {
      const v = l.code.fast(L, F, C);
      if (v < 0) return this.slow(F, Fbig, C);
      L[l.var] = v;
    }
    const r = this.body.fast(L, F, C);
    return r >= 0 ? r : this.slow(F, Fbig, C);
  }

  private slow(F: Float64Array, Fbig: readonly (bigint | undefined)[], C: FastCtx): bigint {
    const task = (name: string): bigint | undefined => {
      const a = this.attrs.resolve(name);
      if (!a) return undefined;
      if (a.kind === "seq") return BigInt(C.seq);
      if (a.kind === "replica") return C.hasReplica ? BigInt(C.replica) : undefined;
      return wide(F[a.k]!, Fbig[a.k]);
    };
    return this.reference(task, C);
  }

  /**
   * The reference evaluation (runtime/bytecode.ts only): what the verifier recomputes from the
   * task attributes it logged, independent of the fast path.
   */
  reference(task: (name: string) => bigint | undefined, C: Pick<FastCtx, "slotsWide" | "symsWide" | "hasReplica" | "replica">): bigint {
    const base: EvalEnv = { slots: C.slotsWide, symbols: C.symsWide, task, replica: C.hasReplica ? BigInt(C.replica) : undefined };
    const vars: bigint[] = [];
    this.policy.params.forEach((p, i) => {
      vars[i] = narrow(this.run(this.args[i]!, base, "argument"), p.type);
    });
    const env: EvalEnv = { ...base, vars };
    for (const l of this.lets) vars[l.var] = this.run(l.code, env, "let");
    return this.run(this.body, env, "body");
  }

  private run(code: CompiledCode, env: EvalEnv, part: string): bigint {
    try {
      return code.run(env);
    } catch (e) {
      const loc = part === "argument" ? this.directive.loc ?? null : this.policy.loc ?? null;
      throw new SimError(`policy \`${this.policy.name}\` (${part}): ${(e as Error).message}`, loc);
    }
  }
}
