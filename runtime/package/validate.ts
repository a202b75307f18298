/**
 * `validatePackage`: is a folder a well-formed wsp runtime package this runtime can run, and if
 * not, why not. The order matters: the folder, then manifest.json (bounded read), then the ABI
 * major (so a future package fails with one clear line, not a page of schema errors), then the
 * schema, then everything the schema cannot say, then the files on disk and the entry payload.
 */
import { lstatSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { abiProblem } from "./abi.js";
import { checkPackageFiles, ioReason, LINK_MESSAGE, readRegularFile } from "./files.js";
import { parseJsonDocument } from "./json.js";
import { MAX_JSON_BYTES } from "./limits.js";
import { checkManifest, type ManifestFacts } from "./manifest-checks.js";
import { checkPlan } from "./plan-checks.js";
import { MANIFEST_FILE, Problems, type ValidationError } from "./problems.js";
import { checkSchema } from "./schema.js";
import type { Manifest, Plan } from "./types.js";

export type { ValidationError } from "./problems.js";

export type ValidationResult =
  | { readonly ok: true; readonly dir: string; readonly manifest: Manifest; readonly plan: Plan }
  | {
    readonly ok: false;
    /** The folder as given. */
    readonly dir: string;
    /** True when the folder itself could not be read (a usage or I/O error, not a bad package). */
    readonly ioError: boolean;
    /** At least one; see ValidationError for what a pointer looks like. */
    readonly errors: readonly ValidationError[];
  };

/** Validates the package folder `dir`. Never throws: every failure is a result. */
export function validatePackage(dir: string): ValidationResult {
  try {
    return validate(dir);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, dir, ioError: false, errors: [{ pointer: ".", message: `the validator failed unexpectedly (${detail}); please report this as a bug in wsp` }] };
  }
}

function validate(dir: string): ValidationResult {
  const problems = new Problems();
  const failed = (ioError = false): ValidationResult => ({ ok: false, dir, ioError, errors: problems.result() });
  const root = openFolder(dir, problems);
  if (root === undefined) return failed(true);
  const value = readManifest(root, problems);
  if (value === undefined) return failed();
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.add(MANIFEST_FILE, "must hold a JSON object (the manifest); rebuild the package");
    return failed();
  }
  const abi = abiProblem((value as { wsp_runtime_abi?: unknown }).wsp_runtime_abi);
  if (abi) {
    problems.add("/wsp_runtime_abi", abi);
    return failed();
  }
  if (!checkSchema("manifest", MANIFEST_FILE, value, problems)) return failed();
  const manifest = value as Manifest;
  const facts = checkManifest(manifest, problems);
  const keep = new Map(facts.entryReadable ? [[manifest.entry.path, MAX_JSON_BYTES]] : []);
  const contents = facts.filesReadable ? checkPackageFiles(root, manifest.files, facts.files, keep, problems) : new Map<string, Buffer>();
  const planBytes = contents.get(manifest.entry.path);
  const plan = planBytes ? readPlan(planBytes, manifest, facts, problems) : undefined;
  if (problems.count > 0 || plan === undefined) return failed();
  return { ok: true, dir, manifest, plan };
}

/** The package folder's real path (so links to the folder itself work), or undefined. */
function openFolder(dir: string, problems: Problems): string | undefined {
  try {
    const root = realpathSync(dir);
    if (statSync(root).isDirectory()) return root;
    problems.add(".", "is not a folder; a package is a folder NAME.wsppkg/ holding manifest.json");
  } catch (e) {
    problems.add(".", `the package folder cannot be opened: ${ioReason(e)}`);
  }
  return undefined;
}

function readManifest(root: string, problems: Problems): unknown {
  const full = join(root, MANIFEST_FILE);
  try {
    const st = lstatSync(full);
    if (st.isSymbolicLink()) return void problems.add(MANIFEST_FILE, LINK_MESSAGE);
    if (!st.isFile()) return void problems.add(MANIFEST_FILE, "is not a regular file");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return void problems.add(MANIFEST_FILE, missing
      ? "is missing, so this folder is not a wsp package; build one with `wspc build`"
      : `cannot be examined: ${ioReason(e)}`);
  }
  const read = readRegularFile(full, MAX_JSON_BYTES, true);
  if (!read.ok) return void problems.add(MANIFEST_FILE, read.message);
  const parsed = parseJsonDocument(read.bytes);
  if (!parsed.ok) return void problems.add(MANIFEST_FILE, parsed.message);
  return parsed.value;
}

function readPlan(bytes: Buffer, manifest: Manifest, facts: ManifestFacts, problems: Problems): Plan | undefined {
  const file = manifest.entry.path;
  const parsed = parseJsonDocument(bytes);
  if (!parsed.ok) return void problems.add(file, parsed.message);
  if (!checkSchema("plan", file, parsed.value, problems)) return undefined;
  const plan = parsed.value as Plan;
  checkPlan(plan, manifest, facts.codeRefs, file, problems);
  return plan;
}
