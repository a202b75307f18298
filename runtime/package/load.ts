import { formatValidationErrors } from "./format.js";
import type { ValidationError } from "./problems.js";
import type { Manifest, Plan } from "./types.js";
import { validatePackage, type ValidationResult } from "./validate.js";

/** A package that passed validation: its folder and parsed contents. */
export interface LoadedPackage {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly plan: Plan;
}

/** Thrown by loadPackage for a package that fails validation; `errors` says where and why. */
export class PackageError extends Error {
  readonly dir: string;
  readonly errors: readonly ValidationError[];
  /** The folder itself could not be read (rather than holding a bad package). */
  readonly ioError: boolean;

  constructor(result: Extract<ValidationResult, { ok: false }>) {
    const lines = formatValidationErrors(result);
    super(`${result.dir} is not a valid wsp package:\n${lines.join("\n")}`);
    this.name = "PackageError";
    this.dir = result.dir;
    this.errors = result.errors;
    this.ioError = result.ioError;
  }
}

/** Validates the package in `dir` and returns its contents; throws a PackageError otherwise. */
export function loadPackage(dir: string): LoadedPackage {
  const result = validatePackage(dir);
  if (!result.ok) throw new PackageError(result);
  return { dir: result.dir, manifest: result.manifest, plan: result.plan };
}
