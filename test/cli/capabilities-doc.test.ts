import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, FEATURES } from "../../compiler/capabilities.js";
import { capabilitiesMarkdown } from "../../compiler/capabilities-doc.js";
import { REPO } from "./helpers.js";

describe("docs/capabilities.md", () => {
  it("is up to date with compiler/capabilities.ts (run `npm run docs:diagnostics`)", () => {
    expect(fs.readFileSync(path.join(REPO, "docs/capabilities.md"), "utf8")).toBe(capabilitiesMarkdown());
  });

  it("has one row per feature with each back end's status, and every reason", () => {
    const doc = capabilitiesMarkdown();
    expect(doc).toContain("| `dispatch` | enforced | recorded | recorded |");
    expect(doc).toContain("| `channels` | enforced | unsupported | unsupported |");
    for (const b of Object.values(CAPABILITIES)) for (const f of FEATURES) expect(doc).toContain(b[f].reason);
  });
});
