/**
 * The package folder on disk: every file listed in the manifest is a regular file inside the
 * folder with the listed size and SHA-256, and nothing else is there. Nothing is followed:
 * links are refused (checked with lstat on every path segment, then realpath as a second guard,
 * then O_NOFOLLOW on open), and sizes are checked before anything is read.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, opendirSync, openSync, readSync, realpathSync, type Dir, type Stats } from "node:fs";
import { join, sep } from "node:path";
import { MAX_ENTRIES, MAX_FILE_BYTES, showBytes } from "./limits.js";
import { comparePaths } from "./paths.js";
import { MANIFEST_FILE, type Problems } from "./problems.js";
import type { FileEntry } from "./types.js";

const CHUNK = 1024 * 1024;
// O_NONBLOCK: opening a FIFO swapped in after the lstat must not hang the reader.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export const LINK_MESSAGE = "is a symbolic link; a package holds only regular files and folders, so that nothing in it can lead outside it";

/** An errno-style failure as a short reason ("permission denied"), never a stack trace. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT": return "it does not exist";
    case "EACCES":
    case "EPERM": return "permission denied";
    case "ENOTDIR": return "a part of the path is not a folder";
    case "ELOOP": return "it is a symbolic link";
    case "EISDIR": return "it is a folder";
    default: return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** What `lstat` says is at a path inside the package. */
function kindOf(st: Stats): "file" | "folder" | "link" | "other" {
  if (st.isSymbolicLink()) return "link";
  if (st.isDirectory()) return "folder";
  return st.isFile() ? "file" : "other";
}

export type ReadResult = { readonly ok: true; readonly bytes: Buffer; readonly sha256: string } | { readonly ok: false; readonly message: string };

/**
 * Opens a regular file without following links, refuses it past `cap` bytes (before reading),
 * and returns its bytes (when `keep`) and SHA-256.
 */
export function readRegularFile(full: string, cap: number, keep: boolean): ReadResult {
  let fd: number;
  try {
    fd = openSync(full, OPEN_FLAGS);
  } catch (e) {
    return { ok: false, message: `cannot be read: ${ioReason(e)}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: "is not a regular file" };
    if (st.size > cap) return { ok: false, message: `is ${st.size} bytes, over the ${showBytes(cap)} limit; it was not read` };
    const hash = createHash("sha256");
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(Math.min(CHUNK, st.size + 1));
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      // A file that grows while it is read is refused rather than read without bound.
      if (total > st.size) return { ok: false, message: "changed while it was being read; try again" };
      hash.update(buffer.subarray(0, n));
      if (keep) chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return { ok: true, bytes: keep ? Buffer.concat(chunks) : Buffer.alloc(0), sha256: hash.digest("hex") };
  } catch (e) {
    return { ok: false, message: `cannot be read: ${ioReason(e)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The names in a folder, sorted, reading at most `max` of them (so a folder of a million
 * entries costs no more than the limit).
 */
function listFolder(path: string, max: number): string[] | { reason: string } {
  const names: string[] = [];
  let dir: Dir | undefined;
  try {
    dir = opendirSync(path);
    for (let entry = dir.readSync(); entry !== null && names.length < max; entry = dir.readSync()) names.push(entry.name);
  } catch (e) {
    return { reason: ioReason(e) };
  } finally {
    dir?.closeSync();
  }
  return names.sort(comparePaths);
}

/**
 * Walks the package folder without following links. Returns every non-folder entry by
 * relative path, or undefined when the folder holds more than MAX_ENTRIES entries.
 */
function walk(root: string, problems: Problems): Map<string, "file" | "link" | "other"> | undefined {
  const found = new Map<string, "file" | "link" | "other">();
  const queue: string[] = [""];
  let count = 0;
  for (let next = 0; next < queue.length; next++) {
    const rel = queue[next]!;
    const names = listFolder(join(root, rel), MAX_ENTRIES + 1 - count);
    if (!Array.isArray(names)) {
      problems.add(rel || ".", `folder cannot be read: ${names.reason}`);
      continue;
    }
    for (const name of names) {
      if (++count > MAX_ENTRIES) {
        problems.add(".", `the package holds more than ${MAX_ENTRIES} files and folders, the limit; it was not read further`);
        return undefined;
      }
      const child = rel ? `${rel}/${name}` : name;
      let kind: ReturnType<typeof kindOf>;
      try {
        kind = kindOf(lstatSync(join(root, child)));
      } catch (e) {
        problems.add(child, `cannot be examined: ${ioReason(e)}`);
        continue;
      }
      if (kind === "folder") queue.push(child);
      else found.set(child, kind);
    }
  }
  return found;
}

/**
 * Checks one listed file: each path segment is a real folder (no link), the file is regular,
 * inside the package, within `cap` (checked before reading), and of the listed size and hash.
 * Returns its bytes when `keep`.
 */
function checkListedFile(root: string, f: FileEntry, index: number, cap: number, keep: boolean, problems: Problems): Buffer | undefined {
  const found = lstatSegments(root, f, index, problems);
  if (!found) return undefined;
  if (!isInside(root, found.full)) {
    problems.add(f.path, "resolves to a place outside the package folder; packages may not contain links");
    return undefined;
  }
  if (found.size > cap) {
    problems.add(f.path, `is ${found.size} bytes, over the ${showBytes(cap)} limit for ${keep ? "the entry payload" : "a package file"}; it was not read`);
    return undefined;
  }
  if (found.size !== f.bytes) {
    problems.add(f.path, sizeMessage(found.size, f, index));
    return undefined;
  }
  const read = readRegularFile(found.full, cap, keep);
  if (!read.ok) {
    problems.add(f.path, read.message);
    return undefined;
  }
  return checkDigest(f, index, read.sha256, problems) ? read.bytes : undefined;
}

function sizeMessage(size: number, f: FileEntry, index: number): string {
  return `is ${size} bytes, but /files/${index}/bytes says ${f.bytes}; the file changed after the build: rebuild the package`;
}

/** lstat on every segment of a listed path: folders, then a regular file, and no link anywhere. */
function lstatSegments(root: string, f: FileEntry, index: number, problems: Problems): { full: string; size: number } | undefined {
  const segments = f.path.split("/");
  let full = root;
  for (let k = 0; k < segments.length; k++) {
    full = join(full, segments[k]!);
    const prefix = segments.slice(0, k + 1).join("/");
    let st: Stats;
    try {
      st = lstatSync(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.add(f.path, code === "ENOENT" || code === "ENOTDIR"
        ? `is listed in manifest.files (/files/${index}) but missing; rebuild the package`
        : `cannot be examined: ${ioReason(e)}`);
      return undefined;
    }
    const last = k === segments.length - 1;
    if (st.isSymbolicLink()) {
      problems.add(f.path, last ? LINK_MESSAGE : `cannot be read: "${prefix}" ${LINK_MESSAGE}`);
      return undefined;
    }
    if (!last && !st.isDirectory()) {
      problems.add(f.path, `is listed in manifest.files (/files/${index}) but missing: "${prefix}" is not a folder`);
      return undefined;
    }
    if (last && !st.isFile()) {
      problems.add(f.path, "is not a regular file; a package holds only regular files and folders");
      return undefined;
    }
    if (last) return { full, size: st.size };
  }
  return undefined;
}

function checkDigest(f: FileEntry, index: number, sha256: string, problems: Problems): boolean {
  if (sha256 === f.sha256) return true;
  problems.add(f.path, `has SHA-256 ${sha256}, but /files/${index}/sha256 says ${f.sha256}; the file changed after the build: rebuild the package`);
  return false;
}

function isInside(root: string, full: string): boolean {
  try {
    return realpathSync(full).startsWith(root.endsWith(sep) ? root : root + sep);
  } catch {
    return false;
  }
}

/**
 * Checks the files of the package in `root` (a real path) against `files`: the listed ones
 * (valid paths only, by path with their index) and anything present but not listed. Returns
 * the bytes of the verified files named in `keep`, each capped at the size given there (other
 * files at MAX_FILE_BYTES).
 */
export function checkPackageFiles(
  root: string,
  files: readonly FileEntry[],
  valid: ReadonlyMap<string, number>,
  keep: ReadonlyMap<string, number>,
  problems: Problems,
): Map<string, Buffer> {
  const kept = new Map<string, Buffer>();
  const present = walk(root, problems);
  for (const [path, index] of valid) {
    const f = files[index]!;
    const keepCap = keep.get(path);
    const bytes = checkListedFile(root, f, index, keepCap ?? MAX_FILE_BYTES, keepCap !== undefined, problems);
    if (bytes && keepCap !== undefined) kept.set(path, bytes);
  }
  if (!present) return kept;
  const unlisted = [...present].filter(([path]) => path !== MANIFEST_FILE && !valid.has(path));
  for (const [path, kind] of unlisted) {
    problems.add(path, kind === "link"
      ? `${LINK_MESSAGE}; remove it`
      : kind === "other"
        ? "is not a regular file and not listed in manifest.files; remove it"
        : "is not listed in manifest.files; delete it, or list it with its size and SHA-256");
  }
  return kept;
}
