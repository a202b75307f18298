import type { ValidationResult } from "./validate.js";

/**
 * One line per problem, `PKG/manifest.json#/kernels/2/func_id: message`, for a terminal or a log;
 * an empty list for a valid package. A pointer that names a file (`plan.json`,
 * `plan.json#/bodies/0`) is shown under the package folder.
 */
export function formatValidationErrors(result: ValidationResult): string[] {
  if (result.ok) return [];
  const dir = result.dir.length > 1 ? result.dir.replace(/\/+$/, "") : result.dir;
  return result.errors.map((e) => `${location(dir, e.pointer)}: ${e.message.replace(/\s*\n\s*/g, " ")}`);
}

function location(dir: string, pointer: string): string {
  if (pointer === ".") return dir;
  const folder = dir === "/" ? "" : dir;
  return pointer.startsWith("/") ? `${folder}/manifest.json#${pointer}` : `${folder}/${pointer}`;
}
