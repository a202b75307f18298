import { describe, expect, it } from "vitest";
import { stableId } from "../../runtime/package/ids.js";
import { build, tempRoot } from "./helpers.js";

const dir = tempRoot();

describe("valid packages", () => {
  it("accepts the hand-written tiny workload and returns its contents", () => {
    const { result } = build(dir());
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.pointer}: ${e.message}`).join("\n"));
    expect(result.manifest.subject.qualified_name).toBe("demo.tiny");
    expect(result.manifest.kernels[0]!.func_id).toBe(0);
    expect(result.plan.bodies).toHaveLength(1);
  });

  it("accepts the hand-written tiny pipeline", () => {
    const { result } = build(dir(), { pipeline: true });
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.pointer}: ${e.message}`).join("\n"));
    expect(result.plan.bodies).toHaveLength(2);
  });
});

describe("stable ids", () => {
  // Published FNV-1a 64 test vectors (Fowler/Noll/Vo): "" is the offset basis itself.
  it("matches the FNV-1a 64 reference vectors", () => {
    expect(stableId("")).toBe("cbf29ce484222325");
    expect(stableId("a")).toBe("af63dc4c8601ec8c");
    expect(stableId("foobar")).toBe("85944171f73967e8");
  });
});
