/**
 * Size limits a package must respect (docs/package-format.md, "Limits"). Each is checked before
 * the thing it bounds is read, so a hostile package cannot make the reader allocate or hash much.
 */
const MiB = 1024 * 1024;

/** manifest.json and the entry payload are parsed whole, so they are kept small. */
export const MAX_JSON_BYTES = 16 * MiB;
/** Any other file in the package. */
export const MAX_FILE_BYTES = 256 * MiB;
/** All listed files together: bounds what validation reads, however many files there are. */
export const MAX_TOTAL_BYTES = 1024 * MiB;
/** Files and folders in the package, manifest.json included. */
export const MAX_ENTRIES = 10_000;
/** Nesting of arrays and objects in a JSON document (deeper input would exhaust the stack). */
export const MAX_JSON_DEPTH = 512;

/** "16 MiB" or "1 GiB" for a byte count that is a whole number of them, else "N bytes". */
export function showBytes(n: number): string {
  if (n % (1024 * MiB) === 0) return `${n / (1024 * MiB)} GiB`;
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}
