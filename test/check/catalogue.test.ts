import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, type DiagnosticCode } from "../../compiler/diagnostic.js";
import { REPO_ROOT, checkText, codes } from "../helpers/memory-host.js";

const entries = Object.entries(CATALOGUE) as [DiagnosticCode, (typeof CATALOGUE)[DiagnosticCode]][];

/** Codes that a checked program alone cannot trigger: an unreadable file, and the back ends' findings at build time (tested in test/backends/). */
const NOT_FROM_SOURCE = new Set<string>(["WSP0104", "WSP0105", "WSP0804", "WSP0805", "WSP0806", "WSP0807"]);

describe("the diagnostic catalogue", () => {
  it("has well-formed, unique codes and names", () => {
    const names = new Set<string>();
    for (const [code, entry] of entries) {
      expect(code).toMatch(/^WSP\d{4}$/);
      expect(names.has(entry.name), `duplicate name ${entry.name}`).toBe(false);
      names.add(entry.name);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.explanation.length).toBeGreaterThan(40);
    }
  });

  it("lists every code the compiler can report, and only those", () => {
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else if (f.name.endsWith(".ts")) for (const m of fs.readFileSync(p, "utf8").matchAll(/"(WSP\d{4})"/g)) used.add(m[1]!);
      }
    };
    walk(path.join(REPO_ROOT, "compiler"));
    walk(path.join(REPO_ROOT, "grammar"));
    const listed = new Set(entries.map(([c]) => c));
    expect([...used].filter((c) => !listed.has(c as DiagnosticCode))).toEqual([]);
    expect([...listed].filter((c) => !used.has(c))).toEqual([]);
  });

  for (const [code, entry] of entries) {
    if (NOT_FROM_SOURCE.has(code)) continue;
    it(`${code} (${entry.name}): its example reports it and its fixed program does not`, () => {
      expect(codes(checkText(entry.example))).toContain(code);
      const fixed = checkText(entry.fixed);
      expect(codes(fixed)).not.toContain(code);
      expect(fixed.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
  }
});
