import type { Directive, PolicyRef, ScheduleDecl, Span } from "../../grammar/ast.js";
import { matchArguments } from "./args.js";
import type { TaskSite } from "./body.js";
import { env, type CheckContext, type TaskAttributeUse } from "./context.js";
import { resolveKind } from "./decls.js";
import { checkAssignable, checkExpr, constInt } from "./expr.js";
import { closestName, didYouMean, suggestion } from "./suggest.js";
import { describeDecl, withArticle, type DeclSymbol } from "./symbols.js";
import { BYTE_UNITS, POOLS, WINDOW_MODES, WINDOW_UNITS } from "./target-model.js";

/** Task sites of each workload or pipeline, computed when its body was checked. */
export type SitesOf = (subject: DeclSymbol) => readonly TaskSite[] | undefined;

export function checkSchedule(ctx: CheckContext, decl: ScheduleDecl, sitesOf: SitesOf): void {
  const subject = resolveSubject(ctx, decl);
  const target = resolveKind(ctx, decl.target, "Target", "target");
  ctx.sem.schedules.set(decl, { subject, target, file: ctx.module.file });
  checkUniqueSchedule(ctx, decl, subject, target);
  const seen = new Map<string, Span>();
  for (const d of decl.directives) {
    const first = seen.get(d.kind);
    if (first) {
      ctx.report("WSP0605", d.keyword, `\`${d.kind.toLowerCase()}\` is given twice in this schedule; keep one`, {
        related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first given here" }],
      });
      continue;
    }
    seen.set(d.kind, d.keyword);
    checkDirective(ctx, d, subject ? sitesOf(subject) : undefined);
  }
}

/** One schedule per (workload or pipeline, target) in a program; schedules are checked in order. */
function checkUniqueSchedule(ctx: CheckContext, decl: ScheduleDecl, subject: DeclSymbol | undefined, target: DeclSymbol | undefined): void {
  if (!subject || !target) return;
  const key = `${subject.qualifiedName}\0${target.qualifiedName}`;
  const other = ctx.sem.firstSchedules.get(key);
  if (!other) {
    ctx.sem.firstSchedules.set(key, decl);
    return;
  }
  const o = ctx.sem.schedules.get(other)!;
  ctx.report("WSP0607", decl.target, `\`${subject.name}\` already has a schedule on \`${target.name}\`; merge the two schedules`, {
    related: [{ file: o.file, start: other.target.start, end: other.target.end, message: "the first schedule" }],
  });
}

function resolveSubject(ctx: CheckContext, decl: ScheduleDecl): DeclSymbol | undefined {
  const name = decl.subject;
  if (name.text.length === 0) return undefined;
  const symbol = ctx.resolveGlobal(name.text);
  if (!symbol || (symbol.decl.kind !== "Workload" && symbol.decl.kind !== "Pipeline")) {
    const candidates = [...ctx.globalNames()].filter((n) => {
      const k = ctx.resolveGlobal(n)?.decl.kind;
      return k === "Workload" || k === "Pipeline";
    });
    if (symbol) {
      ctx.resolved({ kind: "global", symbol, ident: name });
      ctx.report("WSP0204", name, `\`${name.text}\` is ${withArticle(describeDecl(symbol.decl))}, but a schedule names the workload or pipeline it schedules${didYouMean(name.text, candidates)}`);
      return undefined;
    }
    const s = suggestion(name.text, candidates, ctx.module.file, name);
    if (!ctx.isBrokenImport(name.text)) ctx.report("WSP0101", name, `unknown workload or pipeline \`${name.text}\`${s.hint}`, { fixes: s.fixes });
    return undefined;
  }
  ctx.resolved({ kind: "global", symbol, ident: name });
  return symbol;
}

function checkDirective(ctx: CheckContext, d: Directive, sites: readonly TaskSite[] | undefined): void {
  switch (d.kind) {
    case "Dispatch":
      checkPolicyUse(ctx, d.policy, "dispatch", sites);
      return;
    case "Ready":
      checkPolicyUse(ctx, d.policy, "ready", sites);
      return;
    case "Start":
      checkPolicyUse(ctx, d.policy, "start", sites);
      return;
    case "Window":
      constInt(ctx, d.size, "the window size", 1n);
      checkWord(ctx, d.unit, WINDOW_UNITS, "window unit");
      checkWord(ctx, d.mode, WINDOW_MODES, "window mode");
      return;
    case "Pools":
      checkPools(ctx, d);
      return;
  }
}

function checkWord(ctx: CheckContext, word: { text: string } & Span | undefined, allowed: readonly string[], what: string): void {
  if (!word || word.text.length === 0 || allowed.includes(word.text)) return;
  ctx.report("WSP0609", word, `unknown ${what} \`${word.text}\`${didYouMean(word.text, allowed)}; supported: ${allowed.join(", ")}`);
}

function checkPools(ctx: CheckContext, d: Extract<Directive, { kind: "Pools" }>): void {
  const seen = new Map<string, Span>();
  for (const e of d.entries) {
    const name = e.name.text;
    const spec = POOLS[name];
    if (!spec) {
      if (name.length > 0) ctx.report("WSP0610", e.name, `unknown pool \`${name}\`${didYouMean(name, Object.keys(POOLS))}; pools are ${Object.keys(POOLS).join(", ")}`);
      continue;
    }
    const first = seen.get(name);
    if (first) {
      ctx.report("WSP0610", e.name, `pool \`${name}\` is sized twice`, { related: [{ file: ctx.module.file, start: first.start, end: first.end, message: "first sized here" }] });
    } else seen.set(name, e.name);
    constInt(ctx, e.size, `the size of pool \`${name}\``, 1n);
    if (e.unit) {
      if (!spec.bytes) ctx.report("WSP0611", e.unit, `pool \`${name}\` counts entries and takes no unit`);
      else if (!(e.unit.text in BYTE_UNITS)) ctx.report("WSP0611", e.unit, `unknown size unit \`${e.unit.text}\`${didYouMean(e.unit.text, Object.keys(BYTE_UNITS))}; use ${Object.keys(BYTE_UNITS).join(", ")}`);
    }
  }
}

/**
 * A policy used by a directive: the right kind, arguments that fit its parameters, and every
 * `task.X` it reads (in its arguments or its body) defined for every task it will place.
 */
function checkPolicyUse(ctx: CheckContext, ref: PolicyRef, kind: "dispatch" | "ready" | "start", sites: readonly TaskSite[] | undefined): void {
  const policy = resolveKind(ctx, ref.name, "Policy", `${kind} policy`);
  const uses: TaskAttributeUse[] = [];
  const argEnv = env("directive", undefined, { taskAttributes: uses });
  if (policy?.decl.kind !== "Policy") {
    for (const a of ref.args) checkExpr(ctx, a.value, argEnv);
    return;
  }
  const info = ctx.sem.policies.get(policy.decl);
  if (info?.kind && info.kind !== kind) {
    ctx.report("WSP0606", ref.name, `\`${policy.name}\` is a ${info.kind} policy, but \`${kind}\` needs a ${kind} policy`);
  }
  const params = policy.decl.params;
  const matched = matchArguments(ctx, ref.args, params.map((p) => ({ name: p.name.text })), `policy \`${policy.name}\``, ref.name, ref);
  const results = ref.args.map((a) => checkExpr(ctx, a.value, argEnv));
  if (matched) {
    params.forEach((p, i) => {
      const ai = matched[i];
      if (ai !== undefined) checkAssignable(ctx, ref.args[ai]!.value, results[ai]!, p.type.name, `parameter \`${p.name.text}\` of \`${policy.name}\``);
    });
  }
  if (!sites) return;
  for (const use of uses) checkAttributeDefined(ctx, use, undefined, sites, policy);
  for (const use of info?.taskAttributes ?? []) checkAttributeDefined(ctx, use, ref.name, sites, policy);
}

/** `policyRef` is set when the read is inside the policy's body: report at the directive's policy name. */
function checkAttributeDefined(ctx: CheckContext, use: TaskAttributeUse, policyRef: Span | undefined, sites: readonly TaskSite[], policy: DeclSymbol): void {
  const insidePolicy = policyRef !== undefined;
  const at = policyRef ?? use.span;
  const related = insidePolicy
    ? [{ file: policy.module.file, start: use.span.start, end: use.span.end, message: `\`${policy.name}\` reads \`task.${use.name}\` here` }]
    : [];
  const lacking = sites.filter((s) => !s.attributes.has(use.name));
  if (lacking.length === 0) return;
  if (lacking.length === sites.length) {
    const all = new Set<string>();
    for (const s of sites) for (const a of s.attributes) all.add(a);
    const suggestion = closestName(use.name, all);
    ctx.report("WSP0608", at, `no task of this schedule has attribute \`task.${use.name}\`${suggestion ? `; did you mean \`task.${suggestion}\`?` : ""} (tasks have: ${[...all].sort().join(", ") || "none"})`, { related });
    return;
  }
  const first = lacking[0]!;
  ctx.report("WSP0608", at,
    `\`task.${use.name}\` is not defined for every task: ${lacking.length} kernel call${lacking.length === 1 ? "" : "s"} (first: \`${first.call.callee.text}\`) ${lacking.length === 1 ? "has" : "have"} no variable \`${use.name}\` in scope`,
    { related: [...related, ...lacking.slice(0, 5).map((s) => ({ file: s.file, start: s.call.start, end: s.call.end, message: `this call's tasks have no \`${use.name}\`` }))] });
}
