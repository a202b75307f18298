import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Replaces the contents of `file` so that a reader (or a crash) sees either the old text or the
 * new, never half of it: the text goes to a temporary file in the same folder (same file system,
 * so the rename is atomic), is flushed, gets the original's permission bits, then is renamed
 * over the original. A symbolic link is followed, so the link itself survives. On failure the
 * temporary file is removed and the original is untouched; the error is rethrown.
 */
export function writeFileAtomic(file: string, text: string): void {
  const target = fs.realpathSync(file);
  const mode = fs.statSync(target).mode & 0o7777;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", 0o600);
    fs.writeFileSync(fd, text, "utf8");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw e;
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already failing; the original error is the one to report.
  }
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // The temporary file may never have been created.
  }
}
