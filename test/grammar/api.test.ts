import { describe, expect, it } from "vitest";
import * as grammar from "../../grammar/index.js";

describe("the public grammar API (grammar/index.ts)", () => {
  it("exposes parse, LineMap, the precedence table and the nesting limit", () => {
    const text = "const A = 1\nconst B = A +\n";
    const result: grammar.ParseResult = grammar.parse(text);
    const problem: grammar.SyntaxProblem = result.problems[0]!;
    // The problem is at the end of the file, right after the `+` on line 2.
    expect(new grammar.LineMap(text).position(problem.start)).toEqual({ line: 2, col: 14 });
    expect(grammar.BINARY_PRECEDENCE["*"]).toBeGreaterThan(grammar.BINARY_PRECEDENCE["+"]);
    expect(grammar.MAX_NESTING).toBe(256);
  });
});
