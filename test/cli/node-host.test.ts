import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../compiler/cli/atomic-write.js";
import { createNodeHost, findPackage, ioReason, NodeHost, readUserFile } from "../../compiler/cli/node-host.js";
import { REPO, scratchDir, writeFiles } from "./helpers.js";

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

describe("finding the wsp package", () => {
  it("walks up from the sources and from dist/ to the package root", () => {
    expect(findPackage()).toEqual({ root: REPO, version: VERSION, stdlibDir: path.join(REPO, "stdlib") });
    expect(findPackage(path.join(REPO, "dist/compiler/cli")).root).toBe(REPO);
  });

  it("fails outside any wsp package", () => {
    expect(() => findPackage(scratchDir())).toThrow(/cannot find the wsp package/);
  });

  it("resolves std modules to the bundled stdlib", () => {
    const host = createNodeHost(REPO);
    expect(host.resolveModule(["std", "targets"], "examples/bgemm.wsp", ["examples", "bgemm"])).toBe(
      path.join(REPO, "stdlib/std/targets.wsp"),
    );
    expect(host.resolveModule(["std", "no_such_module"], "examples/bgemm.wsp", ["examples", "bgemm"])).toBeUndefined();
  });
});

describe("module resolution", () => {
  function project() {
    const dir = scratchDir();
    writeFiles(dir, {
      "std/std/policies.wsp": "",
      "examples/a.wsp": "module examples.a\n",
      "examples/b.wsp": "module examples.b\n",
      "examples/examples/c.wsp": "",
      "lib/x/y.wsp": "module lib.x.y\n",
      "lib/z.wsp": "",
    });
    return { dir, host: new NodeHost(path.join(dir, "std"), dir) };
  }

  it("finds a.b.c under the root where the importing file's path matches its module name", () => {
    const { host } = project();
    expect(host.resolveModule(["examples", "b"], "examples/a.wsp", ["examples", "a"])).toBe("examples/b.wsp");
    expect(host.resolveModule(["lib", "z"], "lib/x/y.wsp", ["lib", "x", "y"])).toBe("lib/z.wsp");
    expect(host.resolveModule(["examples", "nope"], "examples/a.wsp", ["examples", "a"])).toBeUndefined();
  });

  it("keeps absolute names absolute", () => {
    const { dir, host } = project();
    const from = path.join(dir, "examples/a.wsp");
    expect(host.resolveModule(["examples", "b"], from, ["examples", "a"])).toBe(path.join(dir, "examples/b.wsp"));
  });

  it("uses the importing file's folder without a module line or when the path does not match it", () => {
    const { host } = project();
    expect(host.resolveModule(["b"], "examples/a.wsp", undefined)).toBe("examples/b.wsp");
    expect(host.resolveModule(["examples", "c"], "examples/a.wsp", undefined)).toBe("examples/examples/c.wsp");
    expect(host.resolveModule(["b"], "examples/a.wsp", ["other", "a"])).toBe("examples/b.wsp");
    expect(host.resolveModule(["b"], "examples/a.wsp", ["examples", "zzz"])).toBe("examples/b.wsp");
  });

  it("walks above the working directory when the module root is there", () => {
    const { dir } = project();
    const host = new NodeHost(path.join(dir, "std"), path.join(dir, "examples"));
    expect(host.resolveModule(["examples", "b"], "a.wsp", ["examples", "a"])).toBe(path.join("..", "examples", "b.wsp"));
  });

  it("resolves std.* to the stdlib whatever the importing file", () => {
    const { dir, host } = project();
    expect(host.resolveModule(["std", "policies"], "examples/a.wsp", ["examples", "a"])).toBe(
      path.join(dir, "std/std/policies.wsp"),
    );
  });

  it("names a file reached by two spellings by the first one", () => {
    const { host } = project();
    expect(host.readRoot("./examples/a.wsp").ok).toBe(true);
    expect(host.canonicalName("examples/a.wsp")).toBe("./examples/a.wsp");
    expect(host.resolveModule(["examples", "a"], "examples/b.wsp", ["examples", "b"])).toBe("./examples/a.wsp");
  });
});

describe("reading files", () => {
  it("returns the text unchanged, BOM and CRLF included", () => {
    const dir = scratchDir();
    const text = "\ufeffconst N = 1\r\nconst M = 2\r\n";
    fs.writeFileSync(path.join(dir, "bom.wsp"), text);
    expect(new NodeHost(dir, dir).readFile("bom.wsp")).toBe(text);
  });

  it("returns undefined for a missing file or a directory", () => {
    const dir = writeFiles(scratchDir(), { "sub/x.wsp": "" });
    const host = new NodeHost(dir, dir);
    expect(host.readFile("missing.wsp")).toBeUndefined();
    expect(host.readFile("sub")).toBeUndefined();
  });

  it("says why a named file cannot be read", () => {
    const dir = scratchDir();
    expect(readUserFile(path.join(dir, "missing.wsp"))).toEqual({ ok: false, reason: "no such file" });
    expect(readUserFile(dir)).toEqual({ ok: false, reason: "is a directory" });
    expect(readUserFile(path.join(dir, "missing/x.wsp"))).toEqual({ ok: false, reason: "no such file" });
    expect(ioReason({ code: "EACCES" })).toBe("permission denied");
    expect(ioReason({ code: "ENOTDIR" })).toBe("a parent is not a directory");
    expect(ioReason({ code: "EWEIRD" })).toBe("EWEIRD");
    expect(ioReason(new Error("odd"))).toBe("odd");
  });
});

describe("atomic writes", () => {
  it("replaces the contents, keeps the permission bits and leaves no temporary file", () => {
    const dir = writeFiles(scratchDir(), { "x.wsp": "old\n" });
    const file = path.join(dir, "x.wsp");
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, "new\n");
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(["x.wsp"]);
  });

  it("writes through a symbolic link and keeps the link", () => {
    const dir = writeFiles(scratchDir(), { "real.wsp": "old\n" });
    fs.symlinkSync("real.wsp", path.join(dir, "link.wsp"));
    writeFileAtomic(path.join(dir, "link.wsp"), "new\n");
    expect(fs.lstatSync(path.join(dir, "link.wsp")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "real.wsp"), "utf8")).toBe("new\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["link.wsp", "real.wsp"]);
  });

  it("fails without leaving anything behind when the file is gone", () => {
    const dir = scratchDir();
    expect(() => writeFileAtomic(path.join(dir, "gone.wsp"), "x")).toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
