import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The file-system operations a package write needs; tests pass a failing one. */
export interface WriterFs {
  mkdirSync(dir: string, options: { recursive: true }): unknown;
  writeFileSync(file: string, text: string): void;
  renameSync(from: string, to: string): void;
  rmSync(target: string, options: { recursive: true; force: true }): void;
  existsSync(target: string): boolean;
}

/** One package folder to write: `dest` (…/NAME.wsppkg) and its files by relative path. */
export interface PackageWrite {
  readonly dest: string;
  readonly files: ReadonlyMap<string, string>;
}

/** A package written to its temporary sibling, and what its commit has done so far. */
interface Staged {
  readonly dest: string;
  readonly temp: string;
  readonly old: string;
  movedOld: boolean;
  committed: boolean;
}

/**
 * Writes a package folder atomically: every file goes into a temporary sibling folder, which then
 * replaces `dest` by rename. A failure at any point removes the temporary folder and leaves any
 * previous package at `dest` exactly as it was; the error is rethrown.
 */
export function writePackageDir(dest: string, files: ReadonlyMap<string, string>, io: WriterFs = fs): void {
  writePackageDirs([{ dest, files }], io);
}

/**
 * Writes several packages as one step: all are written to temporary folders first, and only then
 * renamed into place, so a failure (a full disk, a folder that cannot be written) leaves every
 * previous package as it was — not some replaced and some not — and no temporary folder behind.
 * The error is rethrown. (Between a package's two renames its folder briefly does not exist: a
 * crash there leaves the previous package in the hidden `.NAME.wsppkg.*.old` sibling.)
 */
export function writePackageDirs(writes: readonly PackageWrite[], io: WriterFs = fs): void {
  const staged: Staged[] = [];
  try {
    for (const w of writes) stage(w, io, staged);
    commit(staged, io);
  } catch (e) {
    for (const s of staged) removeQuietly(s.temp, io);
    throw e;
  }
  // The new packages are in place; a previous copy that cannot be removed is only clutter.
  for (const s of staged) if (s.movedOld) removeQuietly(s.old, io);
}

/** Writes one package's files to a fresh temporary sibling of `dest` (recorded before any write, for cleanup). */
function stage(w: PackageWrite, io: WriterFs, staged: Staged[]): void {
  const parent = path.dirname(w.dest);
  io.mkdirSync(parent, { recursive: true });
  const nonce = randomBytes(6).toString("hex");
  const base = path.basename(w.dest);
  const s: Staged = {
    dest: w.dest,
    temp: path.join(parent, `.${base}.${nonce}.tmp`),
    old: path.join(parent, `.${base}.${nonce}.old`),
    movedOld: false,
    committed: false,
  };
  staged.push(s);
  io.mkdirSync(s.temp, { recursive: true });
  for (const [rel, text] of w.files) {
    const target = path.join(s.temp, ...rel.split("/"));
    io.mkdirSync(path.dirname(target), { recursive: true });
    io.writeFileSync(target, text);
  }
}

/** Renames every staged folder into place; on failure puts every previous package back. */
function commit(staged: readonly Staged[], io: WriterFs): void {
  try {
    for (const s of staged) {
      if (io.existsSync(s.dest)) {
        io.renameSync(s.dest, s.old);
        s.movedOld = true;
      }
      io.renameSync(s.temp, s.dest);
      s.committed = true;
    }
  } catch (e) {
    for (const s of [...staged].reverse()) rollBack(s, io);
    throw e;
  }
}

/** Undoes one package's commit, best effort: the new folder goes back to `temp` (to be removed), the old one to `dest`. */
function rollBack(s: Staged, io: WriterFs): void {
  try {
    if (s.committed) io.renameSync(s.dest, s.temp);
    if (s.movedOld && !io.existsSync(s.dest)) io.renameSync(s.old, s.dest);
  } catch {
    // Already failing; the original error is the one to report.
  }
}

function removeQuietly(target: string, io: WriterFs): void {
  try {
    io.rmSync(target, { recursive: true, force: true });
  } catch {
    // Already failing, or done; the original outcome is the one to report.
  }
}
