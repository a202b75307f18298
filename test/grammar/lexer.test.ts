import { describe, expect, it } from "vitest";
import * as T from "../../grammar/lexer.js";
import { lex, parseIntLiteral, wspLexer } from "../../grammar/lexer.js";
import { checkGrammar } from "../../grammar/parser.js";

const kinds = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

describe("lexer", () => {
  it("is built with first-character optimisation on", () => {
    // ensureOptimizations makes construction throw otherwise; this also checks the mode flag.
    expect((wspLexer() as unknown as { canModeBeOptimized: Record<string, boolean> }).canModeBeOptimized).toEqual({
      defaultMode: true,
    });
  });

  it("tells hard keywords from soft keywords and names", () => {
    expect(kinds("kernel inout in input depth depths")).toEqual([
      "Kw_kernel:kernel",
      "Kw_inout:inout",
      "Kw_in:in",
      "Name:input",
      "Kw_depth:depth",
      "Name:depths",
    ]);
    for (const soft of T.SOFT_KEYWORDS) expect(soft.CATEGORIES).toContain(T.Identifier);
    for (const hard of T.HARD_KEYWORDS) expect(hard.CATEGORIES ?? []).not.toContain(T.Identifier);
  });

  it("lexes every operator, longest first", () => {
    expect(kinds("|| && == != <= >= << >> <- < > | & ^ + - * / % ! ~ = ( ) [ ] { } , . : ;").map((k) => k.split(":")[0])).toEqual([
      "OrOr", "AndAnd", "EqEq", "NotEq", "LtEq", "GtEq", "Shl", "Shr", "LArrow", "Lt", "Gt", "Pipe", "Amp", "Caret",
      "Plus", "Minus", "Star", "Slash", "Percent", "Bang", "Tilde", "Equals", "LParen", "RParen", "LBracket",
      "RBracket", "LCurly", "RCurly", "Comma", "Dot", "Colon", "Semicolon",
    ]);
  });

  it("reads integers and reports malformed numbers as one token and one problem", () => {
    expect(parseIntLiteral("1_000")).toBe(1000n);
    expect(parseIntLiteral("0xDead_BEEF")).toBe(0xdeadbeefn);
    expect(parseIntLiteral("0b1_01")).toBe(5n);
    const bad = ["12abc", "0x", "1_", "0x_1", "1__", "0b102", "0X1F", "_1"];
    const result = lex(bad.join(" "));
    // `_1` is a name, not a number.
    expect(result.tokens.map((t) => t.tokenType.name)).toEqual(["Int", "Int", "Int", "Int", "Int", "Int", "Int", "Name"]);
    expect(result.problems.map((p) => [p.kind, p.start, p.end])).toEqual([
      ["invalid-number", 0, 5],
      ["invalid-number", 6, 8],
      ["invalid-number", 9, 11],
      ["invalid-number", 12, 16],
      ["invalid-number", 17, 20],
      ["invalid-number", 21, 26],
      ["invalid-number", 27, 31],
    ]);
    expect(result.problems[0]!.message).toBe(
      "invalid number `12abc`: a name cannot start with a digit; a number cannot contain letters (use `0x` for hex)",
    );
    expect(result.problems[1]!.message).toBe("invalid number `0x`: digits must follow the `0x` / `0b` prefix");
    expect(result.problems[6]!.message).toBe("invalid number `0X1F`: the prefix is lower-case: `0x` or `0b`");
  });

  it("reads strings with escapes and reports bad escapes and missing quotes", () => {
    const result = lex('"a\\"b\\\\c\\n\\t" "bad \\q here" "open\n"x\\');
    expect(result.tokens.map((t) => t.image)).toEqual(['"a\\"b\\\\c\\n\\t"', '"bad \\q here"', '"open', '"x\\']);
    expect(result.problems).toEqual([
      { kind: "invalid-escape", start: 19, end: 21, message: 'unknown escape `\\q`: a string may only use \\" \\\\ \\n and \\t' },
      {
        kind: "unterminated-string",
        start: 28,
        end: 33,
        message: 'this string is never closed: add `"` before the end of the line (strings cannot span lines)',
      },
      {
        kind: "invalid-escape",
        start: 36,
        end: 37,
        message: 'unknown escape `\\` at the end of the line: a string may only use \\" \\\\ \\n and \\t',
      },
      {
        kind: "unterminated-string",
        start: 34,
        end: 37,
        message: 'this string is never closed: add `"` before the end of the line (strings cannot span lines)',
      },
    ]);
  });

  it("keeps comments in their own list, with their style", () => {
    const result = lex("a // x\n/// y\n//// z\n/* w\n */ b /* open");
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b"]);
    expect(result.comments.map((c) => [c.style, c.text, c.start, c.end])).toEqual([
      ["line", "// x", 2, 6],
      ["doc", "/// y", 7, 12],
      ["line", "//// z", 13, 19],
      ["block", "/* w\n */", 20, 28],
      ["block", "/* open", 31, 38],
    ]);
    expect(result.problems).toEqual([
      { kind: "unterminated-comment", start: 31, end: 33, message: "this block comment is never closed: add `*/` where it should end" },
    ]);
  });

  it("reports one problem per run of unexpected characters", () => {
    const result = lex("a @#$ b ` c é d \u0001\u0002");
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b", "c", "d"]);
    expect(result.problems.map((p) => [p.start, p.end, p.message])).toEqual([
      [2, 5, "unexpected characters `@#$`: they cannot appear in a .wsp program outside a string or comment"],
      [8, 9, "unexpected character `` ` ``: it cannot appear in a .wsp program outside a string or comment"],
      [
        12,
        13,
        "unexpected character `é`: it cannot appear in a .wsp program outside a string or comment (names may only use ASCII letters, digits and `_`)",
      ],
      [16, 18, "unexpected characters U+0001 U+0002: they cannot appear in a .wsp program outside a string or comment"],
    ]);
  });

  it("skips a leading BOM without shifting offsets, but not a BOM elsewhere", () => {
    const result = lex("\uFEFFa \uFEFF");
    expect(result.tokens.map((t) => [t.image, t.startOffset])).toEqual([["a", 1]]);
    expect(result.problems.map((p) => [p.kind, p.start])).toEqual([["unexpected-character", 3]]);
  });
});

describe("parser", () => {
  it("passes chevrotain's grammar validations (ambiguity, left recursion)", () => {
    expect(() => checkGrammar()).not.toThrow();
  });
});
