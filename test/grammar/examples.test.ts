import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse.js";

/** The six example programs of the language issue, verbatim: the contract of the grammar. */
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const names = readdirSync(FIXTURES).filter((f) => f.endsWith(".wsp")).sort();

describe("the issue's example programs", () => {
  it("are all there", () => {
    expect(names).toEqual(["attention.wsp", "bgemm.wsp", "csp_pipeline.wsp", "deadlock_ring.wsp", "indexer.wsp", "moe.wsp"]);
  });

  it.each(names)("%s parses with zero problems", (name) => {
    const text = readFileSync(FIXTURES + name, "utf8");
    const result = parse(text);
    expect(result.problems).toEqual([]);
    expect(result.ast.module?.doc).toBeTruthy();
    expect(result.ast.decls.length).toBeGreaterThan(0);
  });

  it("indexer.wsp reads into the expected declarations", () => {
    const result = parse(readFileSync(FIXTURES + "indexer.wsp", "utf8"));
    expect(result.ast.module!.name.parts.map((p) => p.text)).toEqual(["examples", "indexer"]);
    expect(result.ast.uses.map((u) => u.items.map((i) => i.name.text))).toEqual([["a2a3sim", "a2a3"], ["affinity"]]);
    expect(result.ast.decls.map((d) => d.kind)).toEqual([
      "Slot", "Const", "Axis", "Axis", "Tensor", "Tensor", "Tensor", "Kernel", "Workload", "Schedule",
    ]);
    // Trailing `//` comments are kept, and are nobody's doc.
    expect(result.comments.filter((c) => c.style === "line")).toHaveLength(2);
    expect(result.ast.decls.every((d) => d.doc === undefined)).toBe(true);
  });

  it("bgemm.wsp's policy keeps its doc comment", () => {
    const result = parse(readFileSync(FIXTURES + "bgemm.wsp", "utf8"));
    const policy = result.ast.decls.find((d) => d.kind === "Policy")!;
    expect(policy.doc).toBe("Keep each output tile on one scheduler so its k-chain stays local.");
  });
});
