import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../compiler/format.js";
import { lex } from "../../grammar/lexer.js";
import { FIXTURES, astOf, commentTexts, wspFiles } from "./helpers.js";

/** A small seeded generator, so every run checks the same layouts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GAPS = [" ", "\n", "  ", "\n\n\n", "\t", " \n  ", "\r\n"];

/**
 * `text` with the whitespace between every two tokens replaced at random (line breaks where
 * the author had none and the reverse) and comments of every kind sprinkled in. The result
 * means the same program, so it must format to something stable that parses to the same tree.
 */
function relayout(text: string, next: () => number, gaps: readonly string[]): string {
  const { tokens, comments } = lex(text);
  const items = [
    ...tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length, line: false })),
    ...comments.map((c) => ({ start: c.start, end: c.end, line: c.style !== "block" })),
  ].sort((a, b) => a.start - b.start);
  let out = "";
  let n = 0;
  items.forEach((item, i) => {
    out += text.slice(item.start, item.end);
    if (i === items.length - 1) return;
    let gap = gaps[Math.floor(next() * gaps.length)]!;
    const roll = next();
    if (roll < 0.05) gap += `/* c${n++} */ `;
    else if (roll < 0.07) gap += `/* c${n++} */\n`;
    else if (roll < 0.08) gap += `/* m${n++}\n   second line */ `;
    else if (roll < 0.11) gap += `// l${n++}\n`;
    else if (roll < 0.13) gap += `/// d${n++}\n`;
    if (item.line) gap = "\n" + gap; // a line comment runs to the line end
    out += gap;
  });
  return out + "\n";
}

function fmt(text: string): string {
  const result = formatSource("shuffled.wsp", text);
  if (!result.ok) throw new Error(`not formatted: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.text;
}

describe("formatting randomly laid-out programs", { timeout: 60_000 }, () => {
  const files = [...wspFiles(join(FIXTURES, "issue")), ...wspFiles(join(FIXTURES, "messy"))];
  for (const { name, text } of files) {
    it(name, () => {
      const next = random(name.length * 7919 + 17);
      for (let round = 0; round < 25; round++) {
        // Every third round puts as much as possible on one line.
        const messy = relayout(text, next, round % 3 === 2 ? [" "] : GAPS);
        const once = fmt(messy);
        expect(fmt(once), `round ${round}:\n${messy}`).toBe(once);
        expect(astOf(once)).toEqual(astOf(messy));
        expect(commentTexts(once)).toEqual(commentTexts(messy));
      }
    });
  }
});
