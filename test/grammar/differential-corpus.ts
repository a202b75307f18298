/**
 * Inputs for the parser's differential test: every `.wsp` file of the repository's fixtures,
 * examples and stdlib, the diagnostics catalogue's examples, the source snippets quoted in the
 * grammar/check/format tests, and deterministic mutations of all of them (token ranges
 * deleted, duplicated or swapped, punctuation inserted; fixed-seed PRNG), which exercise error
 * recovery far more than hand-written cases.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { lex } from "../../grammar/lexer.js";

export interface Case {
  readonly name: string;
  readonly text: string;
}

const ROOT = join(import.meta.dirname, "..", "..");

function wspFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...wspFiles(path));
    else if (entry.endsWith(".wsp")) out.push(path);
  }
  return out;
}

/** Backtick literals without substitutions in the test sources: the snippets tests parse. */
function quotedSnippets(dir: string): Case[] {
  const cases: Case[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith(".ts")) continue;
    const source = readFileSync(join(dir, entry), "utf8");
    let i = 0;
    for (const match of source.matchAll(/`((?:[^`\\$]|\\.|\$(?!\{))*)`/g)) {
      const body = match[1]!;
      if (body.length < 8) continue;
      // Undo the escapes a template literal would: enough for these snippets.
      const text = body.replace(/\\(.)/g, (_w, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
      cases.push({ name: `${relative(ROOT, join(dir, entry))}#${i++}`, text });
    }
  }
  return cases;
}

export function baseCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of ["test/grammar/fixtures", "test/format/fixtures", "examples", "stdlib"]) {
    for (const path of wspFiles(join(ROOT, dir))) cases.push({ name: relative(ROOT, path), text: readFileSync(path, "utf8") });
  }
  const catalogue = JSON.parse(readFileSync(join(ROOT, "compiler/diagnostics.json"), "utf8")) as Record<string, { example?: string; fixed?: string }>;
  for (const [code, entry] of Object.entries(catalogue)) {
    if (entry.example !== undefined) cases.push({ name: `catalogue ${code} example`, text: entry.example });
    if (entry.fixed !== undefined) cases.push({ name: `catalogue ${code} fixed`, text: entry.fixed });
  }
  for (const dir of ["test/grammar", "test/check", "test/format"]) cases.push(...quotedSnippets(join(ROOT, dir)));
  return cases;
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [
  "{", "}", "(", ")", "[", "]", ",", ";", ":", "=", "<-", ".", "+", "-", "!", "~", "*", "$", "\"", "/*", "//", "0x",
  "1_", "else", "when", "in", "kernel", "task", "select", "use", "module", "as", "let", "return", "window", "x",
];

/** One random edit of `text` at token granularity. */
function mutateOnce(text: string, random: () => number): string {
  const tokens = lex(text).tokens;
  const pick = (n: number): number => Math.floor(random() * n);
  if (tokens.length === 0) return text + INSERTS[pick(INSERTS.length)]!;
  const start = (i: number): number => tokens[i]!.startOffset;
  const end = (i: number): number => tokens[i]!.startOffset + tokens[i]!.image.length;
  const i = pick(tokens.length);
  const j = Math.min(tokens.length - 1, i + pick(4));
  switch (pick(4)) {
    case 0: // delete tokens i..j
      return text.slice(0, start(i)) + text.slice(end(j));
    case 1: // duplicate tokens i..j
      return text.slice(0, end(j)) + " " + text.slice(start(i), end(j)) + text.slice(end(j));
    case 2: {
      // swap two tokens
      const k = pick(tokens.length);
      const [a, b] = i < k ? [i, k] : [k, i];
      if (a === b) return text.slice(0, start(a)) + text.slice(end(a));
      return text.slice(0, start(a)) + text.slice(start(b), end(b)) + text.slice(end(a), start(b)) + text.slice(start(a), end(a)) + text.slice(end(b));
    }
    default: {
      // insert punctuation, a keyword or a name before token i
      const insert = INSERTS[pick(INSERTS.length)]!;
      return text.slice(0, start(i)) + insert + (random() < 0.5 ? " " : "") + text.slice(start(i));
    }
  }
}

/** `count` mutations of the base cases (round robin), each one to three edits. */
export function mutatedCases(bases: readonly Case[], count: number, seed = 0x5eed): Case[] {
  const random = prng(seed);
  const cases: Case[] = [];
  for (let n = 0; n < count; n++) {
    const base = bases[n % bases.length]!;
    let text = base.text;
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) text = mutateOnce(text, random);
    cases.push({ name: `${base.name} mutation ${n}`, text });
  }
  return cases;
}

/**
 * A parse result as plain JSON: bigints and undefined fields spelled out (JSON would drop or
 * reject them) and keys sorted, so equal results serialize to equal text.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return "\u0000undefined";
    if (typeof v === "bigint") return `\u0000bigint:${v}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
