/**
 * Checks of a schema-valid manifest that a JSON Schema cannot express: ids, indices and
 * references between lists, program well-formedness, and the rules for paths in `files`.
 */
import { checkCode, type CodeRefs } from "./bytecode.js";
import { stableId } from "./ids.js";
import { MAX_TOTAL_BYTES, showBytes } from "./limits.js";
import { comparePaths, locProblem, pathProblem } from "./paths.js";
import { MANIFEST_FILE, pointer, type Problems } from "./problems.js";
import type { Directive, Manifest } from "./types.js";

export const ENTRY_TYPE = "wsp-plan";
export const ENTRY_VERSION = 1;
/** Where pto-runtime source trees live; only pto-runtime targets have one. */
const PTO_RUNTIME_DIR = "pto-runtime/";

/** What the file and plan checks need from the manifest checks. */
export interface ManifestFacts {
  /** Files whose path is well-formed, by path, with their index in `files`. */
  readonly files: ReadonlyMap<string, number>;
  /** The entry payload can be read: a supported type and version at a listed path. */
  readonly entryReadable: boolean;
  /** The listed sizes add up to at most MAX_TOTAL_BYTES, so the files may be read. */
  readonly filesReadable: boolean;
  readonly codeRefs: CodeRefs;
}

export function checkManifest(m: Manifest, problems: Problems): ManifestFacts {
  const codeRefs: CodeRefs = { slotIndices: new Set(m.slots.map((s) => s.index)), symbolCount: m.symbols.length };
  checkIds(m, problems);
  checkKernels(m, codeRefs, problems);
  checkTensors(m, codeRefs, problems);
  checkSlots(m, problems);
  checkPolicies(m, codeRefs, problems);
  checkSchedule(m, codeRefs, problems);
  checkCsp(m, problems);
  checkSources(m, problems);
  checkLocs(m, problems);
  const files = checkFileList(m, problems);
  const entryReadable = checkEntry(m, files, problems);
  const total = m.files.reduce((sum, f) => sum + f.bytes, 0);
  const filesReadable = total <= MAX_TOTAL_BYTES;
  if (!filesReadable) {
    problems.add("/files", `the listed files add up to ${total} bytes, over the ${showBytes(MAX_TOTAL_BYTES)} limit for a package; none was read`);
  }
  return { files, entryReadable, filesReadable, codeRefs };
}

interface Identified {
  readonly id: string;
  readonly name: string;
  /** Absent for channels and processes, whose qualified name is `module.pipeline.name`. */
  readonly qualified_name?: string;
}

interface IdList {
  readonly path: readonly string[];
  readonly entries: readonly Identified[];
  /** The qualified name the id is the hash of. */
  readonly qualifiedName: (e: Identified) => string;
  /** Shares the id space with the other lists that have this set (ids must not collide across them). */
  readonly shared: boolean;
}

/** Ids are well derived, unique in their list and across kernels, slots, symbols, channels and policies. */
function checkIds(m: Manifest, problems: Problems): void {
  const own = (e: Identified) => e.qualified_name ?? "";
  const member = (e: Identified) => `${m.subject.qualified_name}.${e.name}`;
  const lists: IdList[] = [
    { path: ["kernels"], entries: m.kernels, qualifiedName: own, shared: true },
    { path: ["tensors"], entries: m.tensors, qualifiedName: own, shared: false },
    { path: ["slots"], entries: m.slots, qualifiedName: own, shared: true },
    { path: ["symbols"], entries: m.symbols, qualifiedName: own, shared: true },
    { path: ["policies"], entries: m.policies, qualifiedName: own, shared: true },
    { path: ["csp", "channels"], entries: m.csp?.channels ?? [], qualifiedName: member, shared: true },
    { path: ["csp", "processes"], entries: m.csp?.processes ?? [], qualifiedName: member, shared: false },
  ];
  for (const what of ["subject", "target"] as const) {
    const { name, qualified_name: qn } = m[what];
    if (!qn.endsWith(`.${name}`)) problems.add(`/${what}/qualified_name`, `qualified name "${qn}" does not end with the name "${name}"; it must be "module.${name}"`);
  }
  const sharedIds = new Map<string, { at: string; name: string }>();
  for (const list of lists) {
    const listIds = new Map<string, { at: string; name: string }>();
    list.entries.forEach((e, i) => {
      const at = pointer("", ...list.path, i);
      const qn = list.qualifiedName(e);
      if (!qn.endsWith(`.${e.name}`)) {
        problems.add(pointer(at, "qualified_name"), `qualified name "${qn}" does not end with the name "${e.name}"; it must be "module.${e.name}"`);
      }
      const expected = stableId(qn);
      if (e.id !== expected) {
        problems.add(pointer(at, "id"), `id ${e.id} is not the stable id of "${qn}" (FNV-1a 64 of it is ${expected}); rebuild the package with wspc`);
      }
      const inList = listIds.get(e.id);
      const inShared = list.shared ? sharedIds.get(e.id) : undefined;
      if (inList) {
        problems.add(pointer(at, "id"), `id ${e.id} is also the id of ${inList.at} ("${inList.name}"); ids must be unique in ${list.path.join(".")}: rename one of the two declarations`);
      } else if (inShared) {
        problems.add(pointer(at, "id"), `id ${e.id} is also the id of ${inShared.at} ("${inShared.name}"); kernels, slots, symbols, channels and policies must not share ids: rename one of the two declarations`);
      }
      listIds.set(e.id, listIds.get(e.id) ?? { at, name: e.name });
      if (list.shared && !sharedIds.has(e.id)) sharedIds.set(e.id, { at, name: e.name });
    });
  }
}

function checkKernels(m: Manifest, refs: CodeRefs, problems: Problems): void {
  m.kernels.forEach((k, i) => {
    const at = pointer("", "kernels", i);
    if (k.func_id !== i) {
      problems.add(pointer(at, "func_id"), `func_id is ${k.func_id}, but this kernel is entry ${i} of kernels; func_id must equal the kernel's index`);
    }
    // `var k` is parameter k, which must be a scalar: a tile has no value a cost could use.
    const what = `the cycle cost of kernel "${k.name}"`;
    const unreadable = (v: number) => {
      const p = k.params[v]!;
      return p.kind === "tensor" ? `local variable ${v} of ${what} is tensor parameter "${p.name}"; a cost can read only scalar parameters` : undefined;
    };
    const scope = { what, locals: k.params.length, unreadable, task: false, replica: false, slots: true };
    checkCode(k.cycles.code, scope, refs, pointer(at, "cycles", "code"), problems);
    if (k.source !== null) {
      const bad = pathProblem(k.source, true);
      if (bad) problems.add(pointer(at, "source"), bad);
    }
  });
}

function checkTensors(m: Manifest, refs: CodeRefs, problems: Problems): void {
  m.tensors.forEach((t, i) => {
    t.dims.forEach((d, k) => {
      if (!("code" in d)) return;
      const what = `dimension ${k} of tensor "${t.name}"`;
      checkCode(d.code, { what, locals: 0, task: false, replica: false, slots: false }, refs, pointer("", "tensors", i, "dims", k, "code"), problems);
    });
  });
}

function checkSlots(m: Manifest, problems: Problems): void {
  const byIndex = new Map<number, number>();
  m.slots.forEach((s, i) => {
    const first = byIndex.get(s.index);
    if (first !== undefined) {
      problems.add(pointer("", "slots", i, "index"), `slot index ${s.index} is also the index of /slots/${first} ("${m.slots[first]!.name}"); give each slot its own cell`);
    } else byIndex.set(s.index, i);
  });
}

/** Locals of a policy: its parameters, then its lets in order; each let reads only what precedes it. */
function checkPolicies(m: Manifest, refs: CodeRefs, problems: Problems): void {
  m.policies.forEach((p, i) => {
    const at = pointer("", "policies", i);
    const from = p.params.length;
    const lets = { from, to: from + p.lets.length };
    const scope = (what: string, locals: number) => ({ what, locals, lets, task: true, replica: false, slots: true });
    p.lets.forEach((l, k) => {
      if (l.var !== from + k) {
        problems.add(pointer(at, "lets", k, "var"), `let ${k} of policy "${p.name}" must be local variable ${from + k} (lets are numbered after the ${from} parameter${from === 1 ? "" : "s"}), but it is ${l.var}`);
      }
      checkCode(l.code, scope(`let ${k} of policy "${p.name}"`, from + k), refs, pointer(at, "lets", k, "code"), problems);
    });
    checkCode(p.code, scope(`policy "${p.name}"`, lets.to), refs, pointer(at, "code"), problems);
  });
}

const DIRECTIVES = ["dispatch", "ready", "start"] as const;

function checkSchedule(m: Manifest, refs: CodeRefs, problems: Problems): void {
  const byId = new Map(m.policies.map((p) => [p.id, p]));
  for (const kind of DIRECTIVES) {
    const d: Directive = m.schedule[kind];
    const at = pointer("", "schedule", kind);
    d.args.forEach((code, k) => {
      const what = `argument ${k} of the ${kind} directive`;
      checkCode(code, { what, locals: 0, task: true, replica: false, slots: true }, refs, pointer(at, "args", k), problems);
    });
    const policy = byId.get(d.policy);
    if (!policy) {
      problems.add(pointer(at, "policy"), `policy ${d.policy} is not in manifest.policies; every policy the schedule uses needs a registry entry there`);
      continue;
    }
    if (policy.kind !== kind) {
      problems.add(pointer(at, "policy"), `policy "${policy.name}" is a ${policy.kind} policy, but the ${kind} directive needs a ${kind} policy`);
    }
    if (d.args.length !== policy.params.length) {
      const names = policy.params.map((q) => q.name).join(", ");
      problems.add(pointer(at, "args"), `policy "${policy.name}" takes ${policy.params.length} argument${policy.params.length === 1 ? "" : "s"}${names ? ` (${names})` : ""}, but ${d.args.length} ${d.args.length === 1 ? "is" : "are"} given`);
    }
  }
}

function checkCsp(m: Manifest, problems: Problems): void {
  if (m.subject.kind === "workload") {
    if (m.csp !== null) problems.add("/csp", `a workload has no channels or processes; csp must be null`);
    return;
  }
  if (m.csp === null) {
    problems.add("/csp", `pipeline "${m.subject.name}" needs csp: {channels, processes}`);
    return;
  }
  const channels = new Set(m.csp.channels.map((c) => c.id));
  m.csp.processes.forEach((p, i) => {
    for (const list of ["sends", "receives"] as const) {
      p[list].forEach((id, j) => {
        if (!channels.has(id)) {
          problems.add(pointer("", "csp", "processes", i, list, j), `channel ${id} is not in csp.channels; list the channel there or remove it from process "${p.name}"`);
        }
      });
    }
  });
}

function checkSources(m: Manifest, problems: Problems): void {
  m.sources.forEach((s, i) => {
    const bad = pathProblem(s.path);
    if (bad) problems.add(pointer("", "sources", i, "path"), bad);
  });
}

/** Every `loc` of the manifest names its file by a relative path. */
function checkLocs(m: Manifest, problems: Problems): void {
  const check = (loc: string, at: string) => {
    const bad = locProblem(loc);
    if (bad) problems.add(at, bad);
  };
  m.kernels.forEach((k, i) => check(k.cycles.loc, pointer("", "kernels", i, "cycles", "loc")));
  m.tensors.forEach((t, i) => t.dims.forEach((d, k) => {
    if ("loc" in d) check(d.loc, pointer("", "tensors", i, "dims", k, "loc"));
  }));
  m.policies.forEach((p, i) => check(p.loc, pointer("", "policies", i, "loc")));
  for (const kind of DIRECTIVES) check(m.schedule[kind].loc, pointer("", "schedule", kind, "loc"));
}

/** Paths in `files` are normal, unique, sorted, and never manifest.json itself. */
function checkFileList(m: Manifest, problems: Problems): Map<string, number> {
  const valid = new Map<string, number>();
  const pto = m.target.backend !== "sim";
  m.files.forEach((f, i) => {
    const at = pointer("", "files", i, "path");
    const bad = pathProblem(f.path);
    if (bad) {
      problems.add(at, bad);
      return;
    }
    if (f.path === MANIFEST_FILE) {
      problems.add(at, `manifest.json cannot be listed in files (it cannot hold its own hash); remove this entry`);
      return;
    }
    const first = valid.get(f.path);
    if (first !== undefined) {
      problems.add(at, `"${f.path}" is listed twice (first at /files/${first}); list each file once`);
      return;
    }
    if (!pto && f.path.startsWith(PTO_RUNTIME_DIR)) {
      problems.add(at, `"${f.path}": a pto-runtime/ tree is only for pto-runtime targets, but this package's backend is "sim"; rebuild the package`);
    }
    valid.set(f.path, i);
  });
  for (let i = 1; i < m.files.length; i++) {
    const prev = m.files[i - 1]!.path;
    const cur = m.files[i]!.path;
    if (comparePaths(prev, cur) > 0) {
      problems.add(pointer("", "files", i, "path"), `files must be sorted by path, but "${cur}" comes after "${prev}"; sort the list by the paths' UTF-8 bytes`);
    }
  }
  return valid;
}

/** The entry payload is one this runtime reads, at a path listed in `files`. */
function checkEntry(m: Manifest, files: ReadonlyMap<string, number>, problems: Problems): boolean {
  const e = m.entry;
  let ok = true;
  if (e.type !== ENTRY_TYPE) {
    problems.add("/entry/type", `entry type "${e.type}" is not one this runtime reads ("${ENTRY_TYPE}" version ${ENTRY_VERSION}); rebuild the package for this runtime`);
    ok = false;
  } else if (e.version !== ENTRY_VERSION) {
    problems.add("/entry/version", `"${ENTRY_TYPE}" version ${e.version} is not one this runtime reads (version ${ENTRY_VERSION}); ${e.version > ENTRY_VERSION ? "upgrade wsp" : "rebuild the package with a current wspc"}`);
    ok = false;
  }
  const bad = pathProblem(e.path);
  if (bad) {
    problems.add("/entry/path", bad);
    return false;
  }
  if (!files.has(e.path)) {
    problems.add("/entry/path", `entry path "${e.path}" is not listed in files; list it with its size and SHA-256`);
    return false;
  }
  return ok;
}
