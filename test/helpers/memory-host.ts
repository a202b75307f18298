import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { CompilerHost } from "../../compiler/host.js";
import { checkProgram, type CheckResult } from "../../compiler/program.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const STDLIB_DIR = path.join(REPO_ROOT, "stdlib");

/**
 * An in-memory host: `files` maps names like "main.wsp" or "lib/util.wsp" to their text; `std.*`
 * modules come from the repository's stdlib on disk; other modules `a.b` resolve to "a/b.wsp".
 */
export function memoryHost(files: Record<string, string>): CompilerHost {
  return {
    readFile(file) {
      if (Object.prototype.hasOwnProperty.call(files, file)) return files[file];
      if (file.startsWith(STDLIB_DIR)) {
        try {
          return fs.readFileSync(file, "utf8");
        } catch {
          return undefined;
        }
      }
      return undefined;
    },
    resolveModule(modulePath) {
      if (modulePath[0] === "std") {
        const f = path.join(STDLIB_DIR, ...modulePath) + ".wsp";
        return fs.existsSync(f) ? f : undefined;
      }
      const f = modulePath.join("/") + ".wsp";
      return Object.prototype.hasOwnProperty.call(files, f) ? f : undefined;
    },
  };
}

/** Checks one in-memory file named main.wsp (plus any `extra` files it imports). */
export function checkText(text: string, extra: Record<string, string> = {}): CheckResult {
  return checkProgram(["main.wsp"], memoryHost({ "main.wsp": text, ...extra }));
}

/** The codes of all diagnostics, in order. */
export function codes(result: CheckResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

/** "line:col code message" lines for the diagnostics of main.wsp — compact for assertions. */
export function described(result: CheckResult, file = "main.wsp"): string[] {
  const source = result.files.get(file);
  return result.diagnostics
    .filter((d) => d.file === file)
    .map((d) => {
      const p = source ? source.lineMap.position(d.start) : { line: 0, col: 0 };
      return `${p.line}:${p.col} ${d.code} ${d.message}`;
    });
}
