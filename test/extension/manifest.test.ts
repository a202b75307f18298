/**
 * The extension's manifest and static contributions, checked from the sources (no build): the
 * commands it declares are the ones the client registers, snippets expand to programs that
 * parse, the language configuration's patterns compile, and the VS Code versions agree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse.js";
import { TOKEN_TYPES } from "../../compiler/services/semantic-tokens.js";
import { REPO_ROOT } from "../helpers/memory-host.js";

const EXT = path.join(REPO_ROOT, "vscode-extension");

interface Manifest {
  name: string;
  version: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    semanticTokenTypes: { id: string; superType: string; description: string }[];
    commands: { command: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: string[] }> };
  };
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const manifest = readJson<Manifest>(path.join(EXT, "package.json"));

/** A snippet body with every placeholder replaced by its default (or first choice); mirrors take the same text. */
function expandSnippet(body: string): string {
  const values = new Map<string, string>();
  let text = body;
  // Innermost placeholders first, so `${5:task.seq % $2}` sees `$2` already known.
  for (let changed = true; changed; ) {
    changed = false;
    text = text.replace(/\$\{(\d+)\|([^,|}]*)[^}]*\|\}|\$\{(\d+):((?:[^${}]|\$\d)*)\}/, (_m, choiceN: string, choice: string, n: string, def: string) => {
      changed = true;
      const key = choiceN ?? n;
      const value = (choice ?? def).replace(/\$(\d+)/g, (_x, k: string) => values.get(k) ?? "");
      if (!values.has(key)) values.set(key, value);
      return value;
    });
  }
  return text.replace(/\$(\d+)/g, (_m, k: string) => values.get(k) ?? "");
}

describe("extension manifest", () => {
  it("contributes the wsp language for .wsp files with its grammar, configuration and snippets", () => {
    const c = manifest.contributes;
    expect(c.languages).toEqual([expect.objectContaining({ id: "wsp", extensions: [".wsp"], configuration: "./language-configuration.json" })]);
    expect(c.grammars).toEqual([{ language: "wsp", scopeName: "source.wsp", path: "./dist/syntaxes/wsp.tmLanguage.json" }]);
    expect(c.snippets).toEqual([{ language: "wsp", path: "./snippets/wsp.json" }]);
    expect(manifest.main).toBe("./dist/extension.js");
  });

  it("declares every semantic token type the server uses that VS Code does not know, with a standard fallback", () => {
    const standard = new Set(["namespace", "class", "enum", "interface", "struct", "typeParameter", "type", "parameter", "variable", "property", "enumMember", "event", "function", "method", "macro", "keyword", "modifier", "comment", "string", "number", "regexp", "operator", "decorator"]);
    const declared = new Map(manifest.contributes.semanticTokenTypes.map((t) => [t.id, t.superType]));
    for (const t of TOKEN_TYPES) {
      if (standard.has(t)) continue;
      expect(declared.has(t), t).toBe(true);
      expect(standard.has(declared.get(t)!), `${t}'s fallback ${declared.get(t)}`).toBe(true);
    }
  });

  it("asks for the VS Code version that @types/vscode describes (vsce refuses a mismatch)", () => {
    const root = readJson<{ devDependencies: Record<string, string> }>(path.join(REPO_ROOT, "package.json"));
    expect(manifest.engines.vscode).toBe("^1.100.0");
    expect(root.devDependencies["@types/vscode"]).toMatch(/^[~^]?1\.100\.\d+$/);
  });

  it("declares exactly the commands the client registers, none of them the server's wsp.build / wsp.simulate", () => {
    const source = fs.readFileSync(path.join(EXT, "src", "extension.ts"), "utf8");
    const constants = new Map([...source.matchAll(/export const (\w+) = "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
    const registered = [...source.matchAll(/registerCommand\((\w+)/g)].map((m) => constants.get(m[1]!)).sort();
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    expect(declared).toEqual(["wsp.buildPackage", "wsp.openTrace", "wsp.restartServer", "wsp.runSimulation"]);
    expect(registered).toEqual(declared);
  });

  it("has the settings: default target, server trace, server and compiler paths", () => {
    const p = manifest.contributes.configuration.properties;
    expect(Object.keys(p).sort()).toEqual(["wsp.compiler.path", "wsp.defaultTarget", "wsp.server.path", "wsp.trace.server"]);
    expect(p["wsp.defaultTarget"]!.default).toBe("a2a3sim");
    expect(p["wsp.trace.server"]!.enum).toEqual(["off", "messages", "verbose"]);
  });

  it("has snippets for kernel, workload, pipeline, process, schedule, policy and target, each expanding to a program that parses", () => {
    const snippets = readJson<Record<string, { prefix: string; body: string[] }>>(path.join(EXT, "snippets", "wsp.json"));
    expect(Object.keys(snippets).sort()).toEqual(["kernel", "pipeline", "policy", "process", "schedule", "target", "workload"]);
    for (const [name, s] of Object.entries(snippets)) {
      const text = expandSnippet(s.body.join("\n"));
      // A process is a pipeline member: it parses inside one.
      const program = name === "process" ? `pipeline p {\n${text}\n}` : text;
      expect(parse(program).problems, `${name}:\n${program}`).toEqual([]);
      expect(text).not.toContain("$");
    }
  });

  it("expands placeholders, choices and mirrors as VS Code does", () => {
    expect(expandSnippet("a ${1:x} ${2|p,q|} $1 ${3:y $1}$0")).toBe("a x p x y x");
  });

  it("has a language configuration whose comments, brackets and patterns are valid", () => {
    const config = readJson<{
      comments: { lineComment: string; blockComment: [string, string] };
      brackets: [string, string][];
      indentationRules: Record<string, string>;
      folding: { markers: { start: string; end: string } };
      onEnterRules: { beforeText: string; afterText?: string }[];
      wordPattern: string;
    }>(path.join(EXT, "language-configuration.json"));
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(config.brackets).toEqual([["{", "}"], ["[", "]"], ["(", ")"]]);
    const increase = new RegExp(config.indentationRules.increaseIndentPattern!);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern!);
    expect(increase.test("workload w {")).toBe(true);
    expect(increase.test("  // a comment {")).toBe(false);
    expect(decrease.test("  }")).toBe(true);
    expect(new RegExp(config.folding.markers.start).test("  // region kernels")).toBe(true);
    expect(new RegExp(config.folding.markers.end).test("// endregion")).toBe(true);
    const docRule = config.onEnterRules[0]!;
    expect(new RegExp(docRule.beforeText).test("  /// doc")).toBe(true);
    expect(new RegExp(docRule.beforeText).test("  //// not doc")).toBe(false);
    for (const r of config.onEnterRules) if (r.afterText) expect(() => new RegExp(r.afterText!)).not.toThrow();
    expect(new RegExp(`^(?:${config.wordPattern})$`).test("eff_seq")).toBe(true);
  });
});
