/**
 * Path rules for names written in a package. A package path must name something inside the
 * package folder, the same way on every system: relative, `/`-separated, in normal form.
 */

/**
 * Why `path` is not a normal relative package path, or undefined when it is. With
 * `allowParent`, leading `..` segments are accepted (for paths that are only recorded, never
 * opened, such as a kernel's source file).
 */
export function pathProblem(path: string, allowParent = false): string | undefined {
  const shown = JSON.stringify(path);
  if (path.length === 0) return "the path is empty";
  if (/[\u0000-\u001f\u007f]/.test(path)) return `path ${shown} contains a control character; use a plain relative path`;
  if (path.includes("\\")) return `path ${shown} contains a backslash; package paths use "/" as the separator`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    return `absolute path ${shown} is not allowed; write it relative to the package folder`;
  }
  const segments = path.split("/");
  if (!allowParent && segments.includes("..")) {
    return `path ${shown} has a ".." segment, which leads outside the package folder; use a path inside the package`;
  }
  if (segments.some((s) => s === "" || s === ".")) {
    return `path ${shown} has an empty or "." segment; write it in normal form, such as "dir/file"`;
  }
  if (allowParent) {
    const firstOther = segments.findIndex((s) => s !== "..");
    if (firstOther < 0) return `path ${shown} names no file`;
    if (segments.slice(firstOther).includes("..")) {
      return `path ${shown} has a ".." segment after a name; write it in normal form`;
    }
  }
  return undefined;
}

/** Byte order of UTF-8 paths: the order `files` is sorted in, the same on every system. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Why the file of a source location "file:line:col" is not a normal relative path, if it is not. */
export function locProblem(loc: string): string | undefined {
  const file = /^(.*):[0-9]+:[0-9]+$/.exec(loc)?.[1];
  const bad = file === undefined ? undefined : pathProblem(file);
  return bad && `the file of source location ${JSON.stringify(loc)} is not relative and in normal form: ${bad}`;
}
