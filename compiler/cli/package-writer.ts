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

/**
 * Writes a package folder atomically: every file goes into a temporary sibling folder, which then
 * replaces `dest` by rename. A failure at any point removes the temporary folder and leaves any
 * previous package at `dest` exactly as it was; the error is rethrown.
 */
export function writePackageDir(dest: string, files: ReadonlyMap<string, string>, io: WriterFs = fs): void {
  const parent = path.dirname(dest);
  io.mkdirSync(parent, { recursive: true });
  const nonce = randomBytes(6).toString("hex");
  const temp = path.join(parent, `.${path.basename(dest)}.${nonce}.tmp`);
  const old = path.join(parent, `.${path.basename(dest)}.${nonce}.old`);
  let movedOld = false;
  try {
    io.mkdirSync(temp, { recursive: true });
    for (const [rel, text] of files) {
      const target = path.join(temp, ...rel.split("/"));
      io.mkdirSync(path.dirname(target), { recursive: true });
      io.writeFileSync(target, text);
    }
    if (io.existsSync(dest)) {
      io.renameSync(dest, old);
      movedOld = true;
    }
    io.renameSync(temp, dest);
  } catch (e) {
    if (movedOld && !io.existsSync(dest)) io.renameSync(old, dest);
    io.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  if (movedOld) io.rmSync(old, { recursive: true, force: true });
}
