import { describe, expect, it } from "vitest";
import { MAX_NESTING, parse, type ParseResult } from "../../grammar/parse.js";

/** Parses, asserting that it returns (never throws) within a second. */
function parseQuickly(text: string): ParseResult {
  const started = performance.now();
  const result = parse(text);
  expect(performance.now() - started).toBeLessThan(1000);
  return result;
}

/** Deterministic pseudo-random bytes (xorshift32), decoded as latin1: every char 0..255. */
function garbage(length: number, seed: number): string {
  let state = seed >>> 0;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes.toString("latin1");
}

const MEGABYTE = 1 << 20;

describe("pathological input returns quickly and never throws", () => {
  // Warm the parser up once so the first timed case does not pay for JIT compilation.
  parse("workload w { f(1) }");

  it("1 MB of `{`: one problem at the 257th brace, the rest is not read", () => {
    const result = parseQuickly("{".repeat(MEGABYTE));
    const deep = result.problems.filter((p) => p.kind === "nesting-too-deep");
    expect(deep).toEqual([
      {
        kind: "nesting-too-deep",
        start: MAX_NESTING,
        end: MAX_NESTING + 1,
        message: "brackets are nested more than 256 levels deep here; the rest of the file is not read",
      },
    ]);
    // Besides: the first `{` is not a declaration.
    expect(result.problems.map((p) => p.start)).toEqual([0, 256]);
  });

  it("1 MB of `(` inside an expression", () => {
    const prefix = "const x = ";
    const result = parseQuickly(prefix + "(".repeat(MEGABYTE));
    expect(result.problems.map((p) => [p.kind, p.start])).toEqual([["nesting-too-deep", prefix.length + MAX_NESTING]]);
    expect(result.ast.decls.map((d) => d.kind)).toEqual(["Const"]);
  });

  it("256 levels are allowed, 257 are not", () => {
    const nested = (n: number) => "const x = " + "(".repeat(n) + "1" + ")".repeat(n);
    expect(parseQuickly(nested(MAX_NESTING)).problems).toEqual([]);
    expect(parseQuickly(nested(MAX_NESTING + 1)).problems.map((p) => p.kind)).toEqual(["nesting-too-deep"]);
    const views = "const x = " + "a[".repeat(MAX_NESTING) + "1" + "]".repeat(MAX_NESTING);
    expect(parseQuickly(views).problems).toEqual([]);
  });

  it("an error at the deepest allowed level recovers without overflowing the stack", () => {
    const result = parseQuickly("const x = " + "f(a[".repeat(MAX_NESTING / 2) + "1 +");
    expect(result.problems.map((p) => p.kind)).toEqual(["unexpected-token"]);
  });

  it("brackets inside strings and comments do not count as nesting", () => {
    const text = `target t { path "${"{".repeat(300)}" }\n// ${"(".repeat(300)}\n/* ${"[".repeat(300)} */`;
    expect(parseQuickly(text).problems).toEqual([]);
  });

  it("10,000 nested `when` blocks", () => {
    const text = "workload w {" + "when a {".repeat(10_000) + "}".repeat(10_000) + "}";
    const result = parseQuickly(text);
    expect(result.problems.map((p) => p.kind)).toEqual(["nesting-too-deep"]);
    expect(result.ast.decls.map((d) => d.kind)).toEqual(["Workload"]);
  });

  it("random binary garbage", () => {
    const text = garbage(256 * 1024, 12345);
    const result = parseQuickly(text);
    expect(result.problems.length).toBeGreaterThan(0);
    // Sorted, one per position, every range inside the text.
    const bad = result.problems.filter(
      (p, i) => (i > 0 && p.start <= result.problems[i - 1]!.start) || p.end < p.start || p.end > text.length,
    );
    expect(bad).toEqual([]);
  });

  it("an unterminated string at the end of the file", () => {
    const text = 'kernel k() source "kernels/k.cpp';
    const result = parseQuickly(text);
    expect(result.problems).toEqual([
      {
        kind: "unterminated-string",
        start: 18,
        end: text.length,
        message: 'this string is never closed: add `"` before the end of the line (strings cannot span lines)',
      },
    ]);
    expect(result.ast.decls[0]).toMatchObject({ kind: "Kernel", source: { kind: "String", value: "kernels/k.cpp" } });
  });

  it("an unterminated block comment", () => {
    const result = parseQuickly("const a = 1 /* never closed\nconst b = 2");
    expect(result.problems.map((p) => [p.kind, p.start, p.end])).toEqual([["unterminated-comment", 12, 14]]);
    expect(result.comments.map((c) => c.text)).toEqual(["/* never closed\nconst b = 2"]);
  });

  it("empty input and a file of only comments", () => {
    expect(parseQuickly("").problems).toEqual([]);
    const comments = "// a\n".repeat(10_000) + "/// b\n/* c */";
    const result = parseQuickly(comments);
    expect(result.problems).toEqual([]);
    expect(result.comments).toHaveLength(10_002);
  });

  it("a very long identifier", () => {
    const name = "a".repeat(MEGABYTE);
    const result = parseQuickly(`const ${name} = 1`);
    expect(result.problems).toEqual([]);
    expect(result.ast.decls[0]).toMatchObject({ kind: "Const", name: { start: 6, end: 6 + MEGABYTE } });
  });

  it("NUL characters", () => {
    const result = parseQuickly("const\u0000x = 1\u0000\u0000");
    expect(result.problems.map((p) => [p.kind, p.start, p.end, p.message])).toEqual([
      ["unexpected-character", 5, 6, "unexpected character U+0000: it cannot appear in a .wsp program outside a string or comment"],
      [
        "unexpected-character",
        11,
        13,
        "unexpected characters U+0000 U+0000: they cannot appear in a .wsp program outside a string or comment",
      ],
    ]);
  });

  it("long runs of operators, keywords and stray closers", () => {
    expect(parseQuickly("const x = " + "-".repeat(100_000) + "1").problems).toEqual([]);
    expect(parseQuickly("const x = " + "1 + ".repeat(50_000) + "1").problems).toEqual([]);
    expect(parseQuickly("}".repeat(100_000)).problems).toHaveLength(1);
    expect(parseQuickly("kernel ".repeat(2_000)).problems.length).toBeGreaterThan(0);
  });
});
