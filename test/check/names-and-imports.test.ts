import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "../../compiler/check/suggest.js";
import { checkProgram } from "../../compiler/program.js";
import { checkText, described, memoryHost } from "../helpers/memory-host.js";
import { constValue, expectClean, expectDiagnostics, relatedAt, single } from "./expect-diagnostics.js";

const UTIL = { "lib/util.wsp": "const helper = 4\nconst K = 5\n" };

describe("unknown names", () => {
  it("suggests the closest declared name", () => {
    const r = checkText("const LENGTH = 4\nconst Y = LENGHT + 1\n");
    expectDiagnostics(r, [["2:11 WSP0101", "unknown name `LENGHT`; did you mean `LENGTH`?"]]);
  });

  it("suggests a name that differs only in case", () => {
    const r = checkText("const Size = 1\nconst X = size\n");
    expectDiagnostics(r, [["2:11 WSP0101", "unknown name `size`; did you mean `Size`?"]]);
  });

  it("suggests nothing when no name is close", () => {
    const r = checkText("const LENGTH = 4\nconst Y = QQQQ\n");
    expectDiagnostics(r, [["2:11 WSP0101", "unknown name `QQQQ`"]]);
    expect(described(r)[0]).not.toContain("did you mean");
  });

  it("suggests only names of the kind needed: an unknown kernel gets a kernel", () => {
    const r = checkText(
      "tensor T: f32[4, 8] inout\n" +
      "kernel scale(x: inout f32[8]) on aiv cycles 10\n" +
      "axis a = dense(4)\n" +
      "const scael_ = 1\n" +
      "workload w { parallel i in a { scael(T[i]) } }\n",
    );
    expectDiagnostics(r, [["5:32 WSP0101", "unknown kernel `scael`; did you mean `scale`?"]]);
  });

  it("suggests a loop variable in scope", () => {
    const r = checkText(
      "tensor T: f32[4, 8] inout\n" +
      "kernel k(x: inout f32[8]) on aiv cycles 10\n" +
      "axis rows = dense(4)\n" +
      "workload w { parallel row in rows { k(T[rwo]) } }\n",
    );
    expectDiagnostics(r, [["4:41 WSP0101", "unknown name `rwo`; did you mean `row`?"]]);
  });

  it("reports a name of the wrong kind, not an unknown one", () => {
    const r = checkText("axis a = dense(2)\nconst X = a + 1\n");
    expectDiagnostics(r, [["2:11 WSP0204", "`a` is an axis, not a scalar value"]]);
  });
});

describe("suggestions", () => {
  it("counts a swap of neighbours as one edit and gives up past the limit", () => {
    expect(editDistance("lenght", "length", 2)).toBe(1);
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
    expect(editDistance("abcdef", "uvwxyz", 2)).toBe(3);
  });

  it("allows a third of the name's length in edits and breaks ties alphabetically", () => {
    expect(closestName("tiels", ["tails", "tiles"])).toBe("tiles");
    expect(closestName("tile", ["tilt", "tale"])).toBe("tale");
    expect(closestName("ab", ["xy"])).toBeUndefined();
    expect(closestName("abcdefghi", ["abcdefxyz", "abcdefgxy"])).toBe("abcdefgxy");
    expect(closestName("FIFO", ["fifo", "fife"])).toBe("fifo");
  });
});

describe("duplicate declarations", () => {
  it("reports the second declaration and points at the first", () => {
    const r = checkText("const A = 1\ntensor A: f32[4]\n");
    expectDiagnostics(r, [["2:8 WSP0102", "`A` is already declared in this module (as a constant)"]]);
    expect(relatedAt(r, single(r, "WSP0102"))).toEqual(["1:7 first declared here"]);
  });

  it("uses the first declaration for lookups", () => {
    const r = checkText("const A = 1\nconst A = 2\nconst B = A + 10\n");
    expectDiagnostics(r, [["2:7 WSP0102", "`A` is already declared in this module"]]);
    expect(constValue(r, "B")).toBe(11n);
  });

  it("still checks the body of a duplicate", () => {
    const r = checkText("const A = 1\nconst A = nope\n");
    expectDiagnostics(r, [
      ["2:7 WSP0102", "`A` is already declared"],
      ["2:11 WSP0101", "unknown name `nope`"],
    ]);
  });

  it("lets a module's own declaration hide a prelude name without complaint", () => {
    const r = checkText("policy fifo(): ready = 0\nconst lifo = 3\nconst X = lifo\n");
    expectClean(r);
    expect(constValue(r, "X")).toBe(3n);
  });
});

describe("imports", () => {
  it("resolves items and aliases from another file, folding constants across modules", () => {
    const r = checkText("use lib.util.{helper, K as KK}\nconst X = helper * 10 + KK\n", UTIL);
    expectClean(r);
    expect(constValue(r, "X")).toBe(45n);
  });

  it("accepts the unbraced form `use a.b.item`", () => {
    const r = checkText("use lib.util.helper\nconst X = helper\n", UTIL);
    expectClean(r);
    expect(constValue(r, "X")).toBe(4n);
  });

  it("reports an unknown item, naming the module as written, with a suggestion", () => {
    const r = checkText("use lib.util.{helper, K as KK, nothere, helpr}\n", UTIL);
    expectDiagnostics(r, [
      ["1:32 WSP0103", "module `lib.util` has no declaration named `nothere`"],
      ["1:41 WSP0103", "module `lib.util` has no declaration named `helpr`; did you mean `helper`?"],
    ]);
  });

  it("does not report the uses of an item that could not be imported", () => {
    const r = checkText("use lib.util.{nothere}\nconst X = nothere + 1\nworkload w { nothere() }\n", UTIL);
    expectDiagnostics(r, [["1:15 WSP0103", "module `lib.util` has no declaration named `nothere`"]]);
  });

  it("reports an unknown module at its path, once, and not the uses of its items", () => {
    const r = checkText("use lib.nope.{x, y}\nconst A = x\n");
    expectDiagnostics(r, [["1:5 WSP0101", "unknown module `lib.nope`"]]);
    const d = single(r, "WSP0101");
    expect(d.end - d.start).toBe("lib.nope".length);
  });

  it("suggests a loaded module for a misspelt one", () => {
    const r = checkText("use std.policies.{hash}\nuse std.polices.{affinity}\n");
    expectDiagnostics(r, [["2:5 WSP0101", "unknown module `std.polices`; did you mean `std.policies`?"]]);
  });

  it("makes only the alias visible, not the original name", () => {
    const r = checkText("use lib.util.{helper as h}\nconst X = h\nconst Y = helper\n", UTIL);
    expectDiagnostics(r, [["3:11 WSP0101", "unknown name `helper`"]]);
    expect(constValue(r, "X")).toBe(4n);
  });

  it("reports a name both imported and declared, pointing at the declaration", () => {
    const r = checkText("use lib.util.{helper}\nconst helper = 1\n", UTIL);
    expectDiagnostics(r, [["1:15 WSP0102", "`helper` is imported here and also declared in this module; import it under another name with `as`"]]);
    expect(relatedAt(r, single(r, "WSP0102"))).toEqual(["2:7 declared here"]);
  });

  it("reports a local name imported twice", () => {
    const r = checkText("use lib.util.{helper}\nuse lib.util.{K as helper}\n", UTIL);
    expectDiagnostics(r, [["2:20 WSP0102", "`helper` is imported twice"]]);
    expect(relatedAt(r, single(r, "WSP0102"))).toEqual(["1:15 first imported here"]);
  });

  it("reports problems inside an imported file in that file", () => {
    const r = checkText("use lib.util.{helper}\nconst X = helper\n", { "lib/util.wsp": "const helper = missing + 1\n" });
    expectDiagnostics(r, [], "main.wsp");
    expectDiagnostics(r, [["1:16 WSP0101", "unknown name `missing`"]], "lib/util.wsp");
  });

  it("checks two modules that import each other", () => {
    const r = checkText("use a.{Z}\nconst W = Z + 1\n", {
      "a.wsp": "use b.{Y}\nconst X = 1\nconst Z = Y * 10\n",
      "b.wsp": "use a.{X}\nconst Y = X + 1\n",
    });
    expectClean(r);
    expect(constValue(r, "W")).toBe(21n);
  });

  it("reports a constant cycle through two modules once, where it closes", () => {
    const r = checkText("use a.{X}\nconst W = X\n", {
      "a.wsp": "use b.{Y}\nconst X = Y + 1\n",
      "b.wsp": "use a.{X}\nconst Y = X * 2\n",
    });
    expectDiagnostics(r, [], "main.wsp");
    expectDiagnostics(r, [["2:7 WSP0212", "constant `X` is defined in terms of itself"]], "a.wsp");
    expectDiagnostics(r, [], "b.wsp");
  });

  it("treats a module importing itself as importing a name it declares", () => {
    const r = checkText("module main\nuse main.{A}\nconst A = 1\n");
    expectDiagnostics(r, [["2:11 WSP0102", "`A` is imported here and also declared in this module"]]);
  });
});

describe("`replica` and other soft names", () => {
  it("may name a constant, used outside replicated processes", () => {
    const r = checkText("const replica = 3\nconst Q = replica + 1\n");
    expectClean(r);
    expect(constValue(r, "Q")).toBe(4n);
  });

  it("accepts soft keywords as declaration names", () => {
    const r = checkText("const depth = 1\nconst latency = depth + 1\nconst window = latency * 2\nconst ready = window\n");
    expectClean(r);
    expect(constValue(r, "ready")).toBe(4n);
  });
});

describe("module names", () => {
  it("reports two modules of one name (their stable ids would collide)", () => {
    const r = checkProgram(["main.wsp"], memoryHost({
      "main.wsp": "use a.util.{x}\nuse b.util.{y}\n",
      "a/util.wsp": "const x = 1\n",
      "b/util.wsp": "const y = 2\n",
    }));
    const dup = r.diagnostics.filter((d) => d.code === "WSP0105");
    expect(dup.map((d) => d.file)).toEqual(["b/util.wsp"]);
    expect(dup[0]!.message).toContain("module `util` is also the name of a/util.wsp");
  });
});
