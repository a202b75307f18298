/**
 * The CSP payload's `sends` and `receives` (docs/package-format.md; language §3.9: a channel's
 * senders are the processes whose bodies `send` to it, and it closes by itself when they have
 * all ended). `close` does not make a process a sender.
 */
import { describe, expect, it } from "vitest";
import { validatePackage, writePackage } from "../../compiler/index.js";
import { compileClean, fnv1a64, manifestOf, scratchDir, writeFiles, type Json } from "./helpers.js";

function processes(text: string): { processes: Json[]; dir: string } {
  const dir = writeFiles(scratchDir(), { "p.wsp": text });
  const [pkg] = compileClean(["p.wsp"], dir).packages;
  const written = writePackage(pkg!, dir);
  const result = validatePackage(written);
  expect(result.ok ? [] : result.errors.map((e) => `${e.pointer}: ${e.message}`)).toEqual([]);
  return { processes: manifestOf(pkg!).csp.processes, dir };
}

const HEAD = `module p
tensor S: f32[4, 16] inout
kernel step(x: inout f32[16]) on aiv cycles 100
axis n = dense(4)
`;

describe("senders and receivers", () => {
  it("a receiver that closes its channel is listed as a receiver only", () => {
    const { processes: ps } = processes(`${HEAD}pipeline q {
  channel c depth 1
  process prod { for i in n { step(S[i]); send c(i) } }
  process cons { consume v from c { step(S[v]); when v == 2 { close c } } }
}
`);
    const c = fnv1a64("p.q.c");
    expect(ps.map((p) => [p.name, p.sends, p.receives])).toEqual([["prod", [c], []], ["cons", [], [c]]]);
  });

  it("a sender that also closes, and a process that only closes, are listed as senders", () => {
    const { processes: ps } = processes(`${HEAD}pipeline q {
  channel c depth 1
  channel d depth 1
  process prod { for i in n { send c(i) }; close c }
  process stopper { close d }
  process cons { consume v from c { step(S[v]) } }
  process other { consume v from d { step(S[v]) } }
}
`);
    const [c, d] = [fnv1a64("p.q.c"), fnv1a64("p.q.d")];
    expect(ps.map((p) => [p.name, p.sends, p.receives])).toEqual([
      ["prod", [c], []],
      ["stopper", [d], []],
      ["cons", [], [c]],
      ["other", [], [d]],
    ]);
  });
});
