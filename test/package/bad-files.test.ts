/**
 * Hostile and broken package folders: the files on disk against the manifest's `files`, links,
 * paths that leave the package, size limits (checked before reading; big files are sparse),
 * and the folder itself.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_ENTRIES } from "../../runtime/package/limits.js";
import { validatePackage } from "../../runtime/package/validate.js";
import { sha256, type Json } from "./fixture.js";
import { build, errorsOf, expectProblem, tempRoot } from "./helpers.js";

const dir = tempRoot();
const MiB = 1024 * 1024;

/** A listing entry for content that is not on disk (the path is refused before it is looked at). */
const listed = (path: string, data = "x"): Json => ({ path, bytes: Buffer.byteLength(data), sha256: sha256(data) });

/** A folder next to the package (outside it), holding `name` with `data`. */
function outside(pkg: string, name: string, data: string | Buffer): string {
  const folder = join(dirname(pkg), "outside");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), data);
  return folder;
}

describe("the manifest file", () => {
  it("missing manifest.json", () => {
    const { result } = build(dir(), { disk: (d) => rmSync(join(d, "manifest.json")) });
    expect(errorsOf(result)).toEqual([{ pointer: "manifest.json", message: "is missing, so this folder is not a wsp package; build one with `wspc build`" }]);
  });

  it("manifest.json that is not JSON", () => {
    const { result } = build(dir(), { disk: (d) => writeFileSync(join(d, "manifest.json"), '{ "format": "wsp-package", ') });
    expectProblem(result, "manifest.json", "is not valid JSON (");
  });

  it("manifest.json that is not an object", () => {
    const { result } = build(dir(), { disk: (d) => writeFileSync(join(d, "manifest.json"), "[1, 2]\n") });
    expectProblem(result, "manifest.json", "must hold a JSON object");
  });

  it("manifest.json that is not UTF-8", () => {
    const { result } = build(dir(), { disk: (d) => writeFileSync(join(d, "manifest.json"), Buffer.from([0x7b, 0xff, 0x7d])) });
    expectProblem(result, "manifest.json", "is not valid UTF-8 text");
  });

  it("manifest.json over 16 MiB is refused without being read (sparse file)", () => {
    const { result } = build(dir(), { disk: (d) => truncateSync(join(d, "manifest.json"), 16 * MiB + 1) });
    expect(errorsOf(result)).toEqual([{ pointer: "manifest.json", message: "is 16777217 bytes, over the 16 MiB limit; it was not read" }]);
  });

  it("manifest.json that is a symbolic link", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        const folder = outside(d, "manifest.json", readFileSync(join(d, "manifest.json")));
        rmSync(join(d, "manifest.json"));
        symlinkSync(join(folder, "manifest.json"), join(d, "manifest.json"));
      },
    });
    expectProblem(result, "manifest.json", "is a symbolic link");
  });

  it("JSON nested deeper than 512 levels", () => {
    const deep = `${"[".repeat(600)}${"]".repeat(600)}`;
    const { result } = build(dir(), { disk: (d) => writeFileSync(join(d, "manifest.json"), deep) });
    expectProblem(result, "manifest.json", "nests arrays and objects more than 512 levels deep");
  });
});

describe("paths in files", () => {
  it("absolute path", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("/etc/passwd")) });
    expectProblem(result, "/files/0/path", 'absolute path "/etc/passwd" is not allowed; write it relative to the package folder');
  });

  it("Windows drive path", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("C:/x.bin")) });
    expectProblem(result, "/files/0/path", 'absolute path "C:/x.bin" is not allowed');
  });

  it("`..` segment", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("../secret.txt")) });
    expectProblem(result, "/files/0/path", 'path "../secret.txt" has a ".." segment, which leads outside the package folder');
  });

  it("`..` in the middle of a path", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("a/../../b.txt")) });
    expectProblem(result, "/files/0/path", 'has a ".." segment');
  });

  it("backslash separator", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("dir\\x.bin")) });
    expectProblem(result, "/files/0/path", 'path "dir\\\\x.bin" contains a backslash; package paths use "/" as the separator');
  });

  it("empty segment", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("a//b.bin")) });
    expectProblem(result, "/files/0/path", 'has an empty or "." segment');
  });

  it("manifest.json listed in files", () => {
    const { result } = build(dir(), { editFiles: (f) => f.unshift(listed("manifest.json")) });
    expectProblem(result, "/files/0/path", "manifest.json cannot be listed in files");
  });

  it("a file listed twice", () => {
    const { result } = build(dir(), { editFiles: (f) => f.push({ ...f[0] }) });
    expectProblem(result, "/files/1/path", '"plan.json" is listed twice (first at /files/0)');
  });

  it("files not sorted by path", () => {
    const { result } = build(dir(), {
      mutate: (s) => s.extra.set("a.txt", "a\n"),
      editFiles: (f) => f.reverse(),
    });
    expectProblem(result, "/files/1/path", 'files must be sorted by path, but "a.txt" comes after "plan.json"');
  });

  it("a pto-runtime tree in a package for the sim backend", () => {
    const { result } = build(dir(), { mutate: (s) => s.extra.set("pto-runtime/kernels/orchestration/tiny_orch.cpp", "// orch\n") });
    expectProblem(result, "/files/1/path", "a pto-runtime/ tree is only for pto-runtime targets");
  });

  it("accepts a pto-runtime tree for a pto-runtime backend", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.manifest.target.backend = "pto-tmr";
        s.extra.set("pto-runtime/kernels/orchestration/tiny_orch.cpp", "// orch\n");
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe("files on disk", () => {
  it("listed file missing", () => {
    const { result } = build(dir(), { disk: (d) => rmSync(join(d, "plan.json")) });
    expect(errorsOf(result)).toEqual([{ pointer: "plan.json", message: "is listed in manifest.files (/files/0) but missing; rebuild the package" }]);
  });

  it("size mismatch", () => {
    const { result } = build(dir(), { disk: (d) => appendFileSync(join(d, "plan.json"), " ") });
    const bytes = readFileSync(join(result.dir, "plan.json")).length;
    expectProblem(result, "plan.json", `is ${bytes} bytes, but /files/0/bytes says ${bytes - 1}; the file changed after the build`);
  });

  it("hash mismatch (same size)", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        const text = readFileSync(join(d, "plan.json"), "utf8");
        writeFileSync(join(d, "plan.json"), text.replace('"rows"', '"cols"'));
      },
    });
    const actual = sha256(readFileSync(join(result.dir, "plan.json")));
    expectProblem(result, "plan.json", `has SHA-256 ${actual}, but /files/0/sha256 says`);
  });

  it("unlisted extra file", () => {
    const { result } = build(dir(), { disk: (d) => writeFileSync(join(d, "notes.txt"), "hi\n") });
    expect(errorsOf(result)).toEqual([{ pointer: "notes.txt", message: "is not listed in manifest.files; delete it, or list it with its size and SHA-256" }]);
  });

  it("unlisted file deep in a folder", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        mkdirSync(join(d, "a/b"), { recursive: true });
        writeFileSync(join(d, "a/b/c.bin"), "c");
      },
    });
    expectProblem(result, "a/b/c.bin", "is not listed in manifest.files");
  });

  it("listed file that is a folder", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        rmSync(join(d, "plan.json"));
        mkdirSync(join(d, "plan.json"));
      },
    });
    expectProblem(result, "plan.json", "is not a regular file");
  });

  it("oversized file is refused without being read (sparse file)", () => {
    const size = 256 * MiB + 1;
    const { result } = build(dir(), {
      mutate: (s) => s.extra.set("big.bin", ""),
      editFiles: (f) => { f[0] = { path: "big.bin", bytes: size, sha256: sha256("") }; },
      disk: (d) => truncateSync(join(d, "big.bin"), size),
    });
    expect(errorsOf(result)).toEqual([{ pointer: "big.bin", message: "is 268435457 bytes, over the 256 MiB limit for a package file; it was not read" }]);
  });

  it("entry payload over 16 MiB is refused without being read (sparse file)", () => {
    const size = 16 * MiB + 1;
    const { result } = build(dir(), {
      editFiles: (f) => { f[0] = { ...f[0], bytes: size }; },
      disk: (d) => truncateSync(join(d, "plan.json"), size),
    });
    expect(errorsOf(result)).toEqual([{ pointer: "plan.json", message: "is 16777217 bytes, over the 16 MiB limit for the entry payload; it was not read" }]);
  });

  it("listed files adding up to more than 1 GiB are not read at all", () => {
    const { result } = build(dir(), {
      editFiles: (f) => {
        for (let i = 0; i < 4; i++) f.push({ path: `z${i}.bin`, bytes: 256 * MiB, sha256: sha256("") });
      },
    });
    const planBytes = readFileSync(join(result.dir, "plan.json")).length;
    expect(errorsOf(result)).toEqual([{ pointer: "/files", message: `the listed files add up to ${4 * 256 * MiB + planBytes} bytes, over the 1 GiB limit for a package; none was read` }]);
  });

  it("more than 10000 files and folders", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        mkdirSync(join(d, "junk"));
        for (let i = 0; i < MAX_ENTRIES; i++) writeFileSync(join(d, "junk", `f${i}`), "");
      },
    });
    expectProblem(result, ".", "the package holds more than 10000 files and folders, the limit; it was not read further");
  }, 60_000);
});

describe("links", () => {
  it("listed file that is a symbolic link escaping the package", () => {
    const { result } = build(dir(), {
      disk: (d) => {
        const folder = outside(d, "plan.json", readFileSync(join(d, "plan.json")));
        rmSync(join(d, "plan.json"));
        symlinkSync(join(folder, "plan.json"), join(d, "plan.json"));
      },
    });
    expect(errorsOf(result)).toEqual([{ pointer: "plan.json", message: "is a symbolic link; a package holds only regular files and folders, so that nothing in it can lead outside it" }]);
  });

  it("listed file behind a linked folder escaping the package", () => {
    const { result } = build(dir(), {
      mutate: (s) => s.extra.set("data/blob.bin", "blob\n"),
      disk: (d) => {
        const folder = outside(d, "blob.bin", "blob\n");
        rmSync(join(d, "data"), { recursive: true });
        symlinkSync(folder, join(d, "data"));
      },
    });
    expectProblem(result, "data/blob.bin", 'cannot be read: "data" is a symbolic link');
  });

  it("unlisted link to the root folder", () => {
    const { result } = build(dir(), { disk: (d) => symlinkSync("/", join(d, "escape")) });
    expect(errorsOf(result)).toEqual([{ pointer: "escape", message: "is a symbolic link; a package holds only regular files and folders, so that nothing in it can lead outside it; remove it" }]);
  });

  it("link inside the package pointing at a listed file is still refused", () => {
    const { result } = build(dir(), { disk: (d) => symlinkSync("plan.json", join(d, "alias.json")) });
    expectProblem(result, "alias.json", "is a symbolic link");
  });

  it("accepts a package reached through a link to its folder", () => {
    const { dir: real } = build(dir());
    const link = join(dirname(real), "via-link.wsppkg");
    symlinkSync(real, link);
    const result = validatePackage(link);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe("the package folder", () => {
  it("folder that does not exist is an I/O error", () => {
    const missing = join(dirname(dir()), "nowhere.wsppkg");
    const result = validatePackage(missing);
    expect(result).toEqual({ ok: false, dir: missing, ioError: true, errors: [{ pointer: ".", message: "the package folder cannot be opened: it does not exist" }] });
  });

  it("a file instead of a folder is an I/O error", () => {
    const { dir: pkg } = build(dir());
    const result = validatePackage(join(pkg, "plan.json"));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.ioError).toBe(true);
      expect(result.errors).toEqual([{ pointer: ".", message: "is not a folder; a package is a folder NAME.wsppkg/ holding manifest.json" }]);
    }
  });

  it("a moved package still validates (nothing records an absolute path)", () => {
    const { dir: pkg } = build(dir());
    const moved = join(dirname(pkg), "moved.wsppkg");
    renameSync(pkg, moved);
    expect(validatePackage(moved).ok).toBe(true);
  });

  it("entry payload that is not JSON", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.plan = undefined;
        s.extra.set("plan.json", "{ axes: [] }\n");
      },
    });
    expectProblem(result, "plan.json", "is not valid JSON (");
  });

  it("entry payload with the valid plan printed differently still validates (hash of the bytes listed)", () => {
    const { result } = build(dir(), {
      mutate: (s) => {
        s.extra.set("plan.json", JSON.stringify(s.plan));
        s.plan = undefined;
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
