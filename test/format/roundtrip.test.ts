import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format.js";
import { FIXTURES, REPO, VARIANTS, astOf, commentTexts, wspFiles } from "./helpers.js";

function fmt(text: string): string {
  const result = formatSource("test.wsp", text);
  if (!result.ok) throw new Error(`not formatted: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.text;
}

const inputs = [
  ...wspFiles(join(FIXTURES, "issue")).map((f) => ({ ...f, name: `issue/${f.name}` })),
  ...wspFiles(join(FIXTURES, "messy")).map((f) => ({ ...f, name: `messy/${f.name}` })),
  ...wspFiles(join(REPO, "examples")).map((f) => ({ ...f, name: `examples/${f.name}` })),
  ...wspFiles(join(REPO, "stdlib", "std")).map((f) => ({ ...f, name: `stdlib/${f.name}` })),
];

/** The properties every formatted file has, whatever the input looked like. */
function expectCanonicalShape(out: string, tabsInComments = false): void {
  expect(out).not.toMatch(/\r/);
  expect(out).not.toMatch(/[ \t]$/m);
  expect(out).not.toMatch(/^\uFEFF/);
  expect(out === "" || /[^\n]\n$/.test(out)).toBe(true);
  expect(out).not.toMatch(/\n\n\n/);
  if (!tabsInComments) expect(out).not.toMatch(/^\t/m);
}

describe("formatter round trips", () => {
  it("has inputs to check", () => {
    expect(inputs.filter((f) => f.name.startsWith("issue/")).length).toBe(6);
    expect(inputs.filter((f) => f.name.startsWith("messy/")).length).toBeGreaterThanOrEqual(7);
  });

  for (const { name, text } of inputs) {
    describe(name, () => {
      let formatted: string | undefined;
      const once = (): string => (formatted ??= fmt(text));

      it("is idempotent", () => {
        expect(fmt(once())).toBe(once());
      });
      it("keeps the syntax tree", () => {
        expect(astOf(once())).toEqual(astOf(text));
      });
      it("keeps every comment", () => {
        expect(commentTexts(once())).toEqual(commentTexts(text));
      });
      it("has the canonical shape", () => {
        expectCanonicalShape(once());
      });

      for (const [variant, make] of Object.entries(VARIANTS)) {
        it(`formats its ${variant} variant`, () => {
          const messy = make(text);
          const out = fmt(messy);
          expect(fmt(out)).toBe(out);
          expect(astOf(out)).toEqual(astOf(messy));
          expect(commentTexts(out)).toEqual(commentTexts(messy));
          expectCanonicalShape(out, variant === "tabs");
          // Tabs inside multi-line block comments are kept as written; everything else is layout.
          if (variant !== "tabs") expect(out).toBe(once());
        });
      }
    });
  }
});
