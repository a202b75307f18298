/**
 * Stable ids (docs/package-format.md, "Stable ids"): an unrelated edit to a program — a new
 * kernel, constant, slot or tensor, declarations in another order — changes no id of a kernel,
 * tensor, slot, symbol or policy; `func_id` (a kernel's position) changes only when the order in
 * which the workload first calls its kernels changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, compileClean, fnv1a64, manifestOf, scratchDir, writeFiles, type Json } from "./helpers.js";

const INDEXER = fs.readFileSync(path.join(REPO, "examples/indexer.wsp"), "utf8");

/** Replaces `from` (which must occur) in `text`. */
function edit(text: string, from: string, to: string): string {
  expect(text.includes(from), `the example still contains ${JSON.stringify(from)}`).toBe(true);
  return text.replace(from, to);
}

/** Builds `text` as examples/indexer.wsp in a scratch project (so qualified names stay `examples.indexer.*`). */
function manifestFor(text: string): Json {
  const dir = writeFiles(scratchDir(), { "examples/indexer.wsp": text });
  const result = compileClean(["examples/indexer.wsp"], dir);
  expect(result.packages).toHaveLength(1);
  return manifestOf(result.packages[0]!);
}

/** name → [id, extra] for each list whose entries carry ids. */
function idTable(m: Json): Record<string, [string, string][]> {
  const pairs = (list: Json[], extra: (e: Json) => unknown = () => "") => list.map((e) => [e.name, `${e.id} ${extra(e)}`] as [string, string]);
  return {
    kernels: pairs(m.kernels),
    tensors: pairs(m.tensors),
    slots: pairs(m.slots),
    symbols: pairs(m.symbols),
    policies: pairs(m.policies),
    dispatch: [["policy", m.schedule.dispatch.policy]],
  };
}

const UNRELATED_KERNEL = "kernel unused_first(x: in f32[1, 32]) on aic cycles 7\n";

describe("ids under unrelated edits to examples/indexer.wsp", () => {
  const original = (() => {
    let m: Json;
    return () => (m ??= manifestFor(INDEXER));
  })();

  it("the original's ids are FNV-1a 64 of the qualified names", () => {
    const m = original();
    expect(m.kernels.map((k: Json) => [k.name, k.id, k.func_id])).toEqual([["topk8", fnv1a64("examples.indexer.topk8"), 0]]);
    expect(m.slots.map((s: Json) => [s.name, s.id, s.index])).toEqual([["eff_seq", fnv1a64("examples.indexer.eff_seq"), 0]]);
    for (const t of m.tensors) expect(t.id, t.name).toBe(fnv1a64(`examples.indexer.${t.name}`));
    expect(m.policies.map((p: Json) => p.id)).toEqual([fnv1a64("std.policies.affinity"), fnv1a64("std.prelude.fifo"), fnv1a64("std.prelude.eager")]);
  });

  it("a new kernel, const, slot, symbol and tensor that the workload does not use change nothing but the source", () => {
    let text = edit(INDEXER, "kernel topk8(", `${UNRELATED_KERNEL}kernel topk8(`);
    text = edit(text, "const TILES = 4", "const UNUSED = 99\nconst TILES = 4");
    text = edit(text, "slot eff_seq: u64", "slot spare: i64\nsymbol count: u64\nslot eff_seq: u64");
    text = edit(text, "tensor Scores:", "tensor Spare: f32[8] in\ntensor Scores:");
    const m = manifestFor(text);
    expect(idTable(m)).toEqual(idTable(original()));
    expect(m.kernels.map((k: Json) => [k.name, k.func_id])).toEqual([["topk8", 0]]);
    expect(m.slots.map((s: Json) => [s.name, s.index])).toEqual([["eff_seq", 0]]);
    // Only what the workload reaches is listed: the new declarations are not in the package.
    expect(m.symbols).toEqual([]);
  });

  it("declarations in another order keep every id and func_id", () => {
    // Move the tensors and the kernel below the workload, and the slot to the end.
    const lines = INDEXER.split("\n");
    const tensorLines = lines.filter((l) => l.startsWith("tensor "));
    const kernelStart = lines.findIndex((l) => l.startsWith("kernel topk8"));
    const kernel = lines.slice(kernelStart, kernelStart + 4);
    expect(kernel[3]).toContain("source");
    const slot = lines.filter((l) => l.startsWith("slot "));
    const rest = lines.filter((l, i) => !l.startsWith("tensor ") && !l.startsWith("slot ") && (i < kernelStart || i >= kernelStart + 4));
    const text = [...rest, ...kernel, ...tensorLines.reverse(), ...slot, ""].join("\n");
    expect(text).not.toBe(INDEXER);
    const m = manifestFor(text);
    expect(idTable(m)).toEqual(idTable(original()));
    expect(m.kernels.map((k: Json) => [k.name, k.func_id])).toEqual([["topk8", 0]]);
  });

  it("a kernel called before topk8 shifts topk8's func_id, never its id", () => {
    let text = edit(INDEXER, "kernel topk8(", "kernel prep(s: in f32[1, 32]) on aiv cycles 5\nkernel topk8(");
    text = edit(text, "    load eff_seq <- EffSeq[i, j]", "    prep(Scores[i, j])\n    load eff_seq <- EffSeq[i, j]");
    const m = manifestFor(text);
    expect(m.kernels.map((k: Json) => [k.name, k.id, k.func_id])).toEqual([
      ["prep", fnv1a64("examples.indexer.prep"), 0],
      ["topk8", fnv1a64("examples.indexer.topk8"), 1],
    ]);
    expect(m.slots).toEqual(original().slots);
    // Every tensor keeps its id (their order in the list may change: it is first-use order).
    const ids = (x: Json) => Object.fromEntries(x.tensors.map((t: Json) => [t.name, t.id]));
    expect(ids(m)).toEqual(ids(original()));
  });
});

describe("channel and process ids", () => {
  it("do not change when an unrelated channel and process are added to the pipeline", () => {
    const base = fs.readFileSync(path.join(REPO, "examples/csp_pipeline.wsp"), "utf8");
    const build = (text: string) => {
      const dir = writeFiles(scratchDir(), { "examples/csp_pipeline.wsp": text });
      return manifestOf(compileClean(["examples/csp_pipeline.wsp"], dir).packages[0]!);
    };
    let text = edit(base, "  channel l2c depth 2", "  channel side depth 3\n  channel l2c depth 2");
    text = edit(text, "  process storer {", "  process idle { send side(0) }\n  process storer {");
    const [before, after] = [build(base), build(text)];
    const byName = (list: Json[]) => Object.fromEntries(list.map((e) => [e.name, e.id]));
    const q = "examples.csp_pipeline.stream";
    expect(byName(after.csp.channels)).toEqual({ ...byName(before.csp.channels), side: fnv1a64(`${q}.side`) });
    expect(byName(after.csp.processes)).toEqual({ ...byName(before.csp.processes), idle: fnv1a64(`${q}.idle`) });
  });
});
