import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatValidationErrors } from "../../runtime/package/format.js";
import { loadPackage, PackageError } from "../../runtime/package/load.js";
import type { ValidationResult } from "../../runtime/package/validate.js";
import { stableId } from "../../runtime/package/ids.js";
import { build, tempRoot } from "./helpers.js";

const dir = tempRoot();

/** What `fn` throws (failing the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("loadPackage", () => {
  it("returns the typed contents of a valid package", () => {
    const { dir: pkg } = build(dir());
    const loaded = loadPackage(pkg);
    expect(loaded.dir).toBe(pkg);
    expect(loaded.manifest.kernels.map((k) => [k.name, k.func_id, k.executor])).toEqual([["scale", 0, "AIV"]]);
    expect(loaded.manifest.slots[0]!.id).toBe(stableId("demo.gate"));
    expect(loaded.plan.axes[0]!.kind).toBe("dense");
  });

  it("throws a PackageError carrying every problem", () => {
    const { dir: pkg } = build(dir(), { mutate: (s) => { s.manifest.kernels[0].func_id = 2; } });
    writeFileSync(join(pkg, "stray.txt"), "x");
    const error = thrown(() => loadPackage(pkg)) as PackageError;
    expect(error).toBeInstanceOf(PackageError);
    expect(error.ioError).toBe(false);
    expect(error.errors.map((e) => e.pointer)).toEqual(["/kernels/0/func_id", "stray.txt"]);
    expect(error.message).toBe(
      `${pkg} is not a valid wsp package:\n` +
      `${pkg}/manifest.json#/kernels/0/func_id: func_id is 2, but this kernel is entry 0 of kernels; func_id must equal the kernel's index\n` +
      `${pkg}/stray.txt: is not listed in manifest.files; delete it, or list it with its size and SHA-256`,
    );
  });

  it("marks a missing folder as an I/O error", () => {
    const { dir: pkg } = build(dir());
    rmSync(pkg, { recursive: true });
    const error = thrown(() => loadPackage(pkg)) as PackageError;
    expect(error).toBeInstanceOf(PackageError);
    expect(error.ioError).toBe(true);
    expect(error.errors).toEqual([{ pointer: ".", message: "the package folder cannot be opened: it does not exist" }]);
  });
});

describe("formatValidationErrors", () => {
  const failed = (dir: string, pointers: string[]): ValidationResult => ({
    ok: false, dir, ioError: false, errors: pointers.map((pointer) => ({ pointer, message: "bad" })),
  });

  it("renders manifest pointers, file paths, file pointers and the folder", () => {
    expect(formatValidationErrors(failed("out/x.wsppkg/", ["/kernels/2/func_id", "plan.json", "plan.json#/bodies/0", "."]))).toEqual([
      "out/x.wsppkg/manifest.json#/kernels/2/func_id: bad",
      "out/x.wsppkg/plan.json: bad",
      "out/x.wsppkg/plan.json#/bodies/0: bad",
      "out/x.wsppkg: bad",
    ]);
  });

  it("keeps each problem on one line", () => {
    const result: ValidationResult = { ok: false, dir: "p", ioError: false, errors: [{ pointer: "manifest.json", message: "is not valid JSON (line one\n  line two)" }] };
    expect(formatValidationErrors(result)).toEqual(["p/manifest.json: is not valid JSON (line one line two)"]);
  });

  it("renders a package at the file-system root without a double slash", () => {
    expect(formatValidationErrors(failed("/", ["/format"]))).toEqual(["/manifest.json#/format: bad"]);
  });

  it("is empty for a valid package", () => {
    const { result } = build(dir());
    expect(formatValidationErrors(result)).toEqual([]);
  });
});
