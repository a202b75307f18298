/**
 * Bundles the extension with esbuild into vscode-extension/dist/:
 *   extension.js  the VS Code client (CommonJS; `vscode` is provided by the editor)
 *   server.js     the wsp-lsp language server with the compiler (CommonJS)
 *   wspc.mjs      the wspc CLI, for the build and simulate commands (ESM: it uses top-level await)
 *   package.json, stdlib/, docs/diagnostics.md
 *                 the files the compiler finds at run time. It locates "the wsp package" by
 *                 walking up from its own module to a package.json named "wsp" and reads
 *                 <root>/stdlib/std/*.wsp (compiler/cli/node-host.ts, findPackage); the server
 *                 links diagnostics to <root>/docs/diagnostics.md. So dist/ is made that root,
 *                 with the repository's name and version (the version goes into built packages).
 *   syntaxes/wsp.tmLanguage.json
 *                 the TextMate grammar, whose source is grammar/wsp.tmLanguage.json.
 * Usage: node vscode-extension/build.mjs
 */
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const dist = path.join(here, "dist");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // The bundled packages' licence comments stay, at the end of each bundle.
  legalComments: "eof",
  metafile: true,
};

/** A CommonJS bundle has no import.meta: give `import.meta.url` the bundle's own file URL. */
const cjsImportMeta = {
  define: { "import.meta.url": "__wspImportMetaUrl" },
  banner: { js: 'const __wspImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

/** An ESM bundle of CommonJS dependencies needs `require` for Node's built-in modules. */
const esmRequire = {
  banner: { js: 'import { createRequire as __wspCreateRequire } from "node:module"; const require = __wspCreateRequire(import.meta.url);' },
};

/** Name, version, licence and licence text of every npm package that went into a bundle. */
function notices(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join("/"));
    if (m) dirs.add(path.resolve(repo, m[1]));
  }
  const sections = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : `(no licence file; package.json says ${pkg.license})`;
    return `${pkg.name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  return `Third-party packages bundled into this extension's dist/ files:\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

async function main() {
  fs.rmSync(dist, { recursive: true, force: true });
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(here, "src", "extension.ts")], outfile: path.join(dist, "extension.js"), format: "cjs", external: ["vscode"] }),
    esbuild.build({ ...common, ...cjsImportMeta, entryPoints: [path.join(repo, "lsp", "server.ts")], outfile: path.join(dist, "server.js"), format: "cjs" }),
    esbuild.build({ ...common, ...esmRequire, entryPoints: [path.join(repo, "compiler", "cli", "main.ts")], outfile: path.join(dist, "wspc.mjs"), format: "esm" }),
  ]);
  fs.writeFileSync(path.join(dist, "THIRD-PARTY-NOTICES.txt"), notices(results.flatMap((r) => Object.keys(r.metafile.inputs))));
  const root = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
  // No "type": dist/*.js stay CommonJS; wspc.mjs is ESM by its extension.
  fs.writeFileSync(path.join(dist, "package.json"), `${JSON.stringify({ name: root.name, version: root.version, private: true }, null, 2)}\n`);
  copy(path.join(repo, "stdlib", "std"), path.join(dist, "stdlib", "std"));
  copy(path.join(repo, "docs", "diagnostics.md"), path.join(dist, "docs", "diagnostics.md"));
  copy(path.join(repo, "grammar", "wsp.tmLanguage.json"), path.join(dist, "syntaxes", "wsp.tmLanguage.json"));
}

main().catch((error) => {
  console.error(`build.mjs: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
