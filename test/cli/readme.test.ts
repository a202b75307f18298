import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers.js";

const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

/** The body of the first fenced block of `lang` after `heading`. */
function block(heading: string, lang: string): string {
  const from = readme.indexOf(`\n## ${heading}\n`);
  expect(from, `README section ${heading}`).toBeGreaterThanOrEqual(0);
  const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(readme.slice(from));
  expect(match, `a ${lang} block under ${heading}`).not.toBeNull();
  return match![1]!;
}

describe("README", () => {
  it("shows examples/csp_pipeline.wsp exactly as it is checked", () => {
    expect(block("Example", "wsp")).toBe(fs.readFileSync(path.join(REPO, "examples/csp_pipeline.wsp"), "utf8"));
  });

  it("has a quick start of exactly two commands, the second being .ci/run's test command", () => {
    const commands = block("Quick start", "sh").trimEnd().split("\n");
    expect(commands).toEqual([
      "npm ci && npx wspc check examples/csp_pipeline.wsp && npx wspc fmt --check examples/csp_pipeline.wsp && npx wspc build examples/csp_pipeline.wsp && npx wspc run out/csp_pipeline.wsppkg --verify",
      "npm test",
    ]);
    expect(fs.readFileSync(path.join(REPO, ".ci/run"), "utf8")).toMatch(/^npm ci\nnpm test\n$/m);
  });
});
