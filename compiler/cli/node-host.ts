import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { CompilerHost } from "../host.js";

/** The result of reading a file the user named: its text, or why it could not be read. */
export type ReadOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** The installed `wsp` package: where it is, its version, and its bundled standard library. */
export interface PackageInfo {
  readonly root: string;
  readonly version: string;
  readonly stdlibDir: string;
}

/**
 * Finds the `wsp` package by walking up from this module's own file, so it works from
 * `dist/compiler/cli/` after a build and from `compiler/cli/` when tests run the sources.
 */
export function findPackage(fromDir: string = path.dirname(fileURLToPath(import.meta.url))): PackageInfo {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const manifest = readManifest(path.join(dir, "package.json"));
    if (manifest?.name === "wsp") {
      const version = typeof manifest.version === "string" ? manifest.version : "0.0.0";
      return { root: dir, version, stdlibDir: path.join(dir, "stdlib") };
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the wsp package above ${fromDir}`);
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a file the user named. Distinguishes the reasons, for the one-line error message;
 * anything but a regular file (a directory, a FIFO that would block) is refused.
 */
export function readUserFile(file: string): ReadOutcome {
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return { ok: false, reason: "is a directory" };
    if (!stat.isFile()) return { ok: false, reason: "not a regular file" };
    return { ok: true, text: fs.readFileSync(file, "utf8") };
  } catch (e) {
    return { ok: false, reason: ioReason(e) };
  }
}

/** A short human reason for a file-system error (`no such file`, `permission denied`, ...). */
export function ioReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many symbolic links";
    case "ENAMETOOLONG":
      return "name too long";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on device";
    case "ERR_STRING_TOO_LONG":
    case "ERR_FS_FILE_TOO_LARGE":
      return "file too large";
    default:
      return typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
  }
}

/**
 * The file-system host for `wspc`. Module resolution (team brief):
 * - `std.x.y` → `<package>/stdlib/std/x/y.wsp`;
 * - `a.b.c` → `<root>/a/b/c.wsp`, where `<root>` is the folder for which the importing file's
 *   path matches its own `module` name (`examples/indexer.wsp` declaring
 *   `module examples.indexer` → the folder holding `examples/`); when the file has no `module`
 *   line, or its path does not match it, `<root>` is the importing file's own folder.
 *
 * Names are kept as the user wrote them (relative stays relative), and a file reached twice by
 * different spellings (`a.wsp`, `./a.wsp`, an import) is always given the first spelling, so the
 * checker sees one file once.
 */
export class NodeHost implements CompilerHost {
  private readonly texts = new Map<string, string | undefined>();
  /** Real path → the name this host first used for that file. */
  private readonly names = new Map<string, string>();

  constructor(
    readonly stdlibDir: string,
    private readonly cwd: string = process.cwd(),
  ) {}

  /** Reads a root file, remembering its text and name; the reason when it cannot be read. */
  readRoot(file: string): ReadOutcome {
    const outcome = readUserFile(this.absolute(file));
    this.texts.set(file, outcome.ok ? outcome.text : undefined);
    if (outcome.ok) this.claimName(file);
    return outcome;
  }

  /** The name to use for `file`: an earlier spelling of the same file, or `file` itself. */
  canonicalName(file: string): string {
    return this.names.get(this.realPath(file)) ?? file;
  }

  readFile(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    const outcome = readUserFile(this.absolute(file));
    const text = outcome.ok ? outcome.text : undefined;
    this.texts.set(file, text);
    return text;
  }

  resolveModule(modulePath: readonly string[], fromFile: string, fromModule: readonly string[] | undefined): string | undefined {
    if (modulePath.length === 0) return undefined;
    const candidate =
      modulePath[0] === "std"
        ? path.join(this.stdlibDir, ...modulePath) + ".wsp"
        : path.join(this.moduleRoot(fromFile, fromModule), ...modulePath) + ".wsp";
    if (!isRegularFile(this.absolute(candidate))) return undefined;
    return this.claimName(candidate);
  }

  /** See the class comment; the result is relative when `fromFile` is. */
  private moduleRoot(fromFile: string, fromModule: readonly string[] | undefined): string {
    const dir = path.dirname(fromFile);
    if (fromModule === undefined || fromModule.length === 0) return dir;
    const absolute = path.resolve(this.cwd, fromFile);
    if (path.extname(absolute) !== ".wsp" || path.basename(absolute, ".wsp") !== fromModule.at(-1)) return dir;
    let root = path.dirname(absolute);
    for (let i = fromModule.length - 2; i >= 0; i--) {
      if (path.basename(root) !== fromModule[i]) return dir;
      root = path.dirname(root);
    }
    return path.isAbsolute(fromFile) ? root : path.relative(this.cwd, root) || ".";
  }

  private claimName(file: string): string {
    const real = this.realPath(file);
    const known = this.names.get(real);
    if (known !== undefined) return known;
    this.names.set(real, file);
    return file;
  }

  private absolute(file: string): string {
    return path.resolve(this.cwd, file);
  }

  private realPath(file: string): string {
    const absolute = this.absolute(file);
    try {
      return fs.realpathSync(absolute);
    } catch {
      return absolute;
    }
  }
}

/** Whether `p` is a folder (false for anything unreadable). */
export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The host `wspc` uses: the stdlib of the package this module belongs to. */
export function createNodeHost(cwd: string = process.cwd()): NodeHost {
  return new NodeHost(findPackage().stdlibDir, cwd);
}
