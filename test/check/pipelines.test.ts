import { describe, expect, it } from "vitest";
import { checkText } from "../helpers/memory-host.js";
import { exprType } from "../../compiler/check/symbols.js";
import { expectClean, expectDiagnostics, relatedAt } from "./expect-diagnostics.js";

const HEAD =
  "tensor T: f32[4, 8] inout\n" +
  "kernel k(x: inout f32[8]) on aiv cycles 10\n" +
  "axis a = dense(4)\n";

describe("pipelines", () => {
  it("checks a well-formed pipeline cleanly and records each call's task attributes", () => {
    const r = checkText(HEAD +
      "pipeline p {\n" +
      "  channel c depth 2\n" +
      "  channel d depth 0 latency 5\n" +
      "  process src { for i in a { send c(i) } close c }\n" +
      "  process mid replicate 2 { consume t from c { k(T[t]) ; send d(t * 2 + replica) } }\n" +
      "  process sink { consume v from d { k(T[v % 4]) } }\n" +
      "}\n");
    expectClean(r);
    const sites = [...r.taskSites.values()][0]!;
    expect(sites.map((s) => [s.process?.name.text, [...s.attributes].sort()])).toEqual([
      ["mid", ["replica", "seq", "t"]],
      ["sink", ["seq", "v"]],
    ]);
  });

  it("reports duplicate members, pointing at the first", () => {
    const r = checkText(HEAD + "pipeline p {\n  channel c\n  channel c depth 1\n  process c { }\n}\n");
    expectDiagnostics(r, [
      ["6:11 WSP0102", "`c` is already declared in pipeline `p`"],
      ["7:11 WSP0102", "`c` is already declared in pipeline `p`"],
    ]);
    expect(r.diagnostics.map((d) => relatedAt(r, d))).toEqual([["5:11 first declared here"], ["5:11 first declared here"]]);
  });

  it("bounds depth, latency and replica counts, which must be constants", () => {
    const r = checkText(HEAD +
      "slot s: u64\n" +
      "pipeline p {\n" +
      "  channel c1 depth -1\n" +
      "  channel c2 depth 4294967297\n" +
      "  channel c3 latency 1099511627777\n" +
      "  channel c4 depth s\n" +
      "  process w1 replicate 0 { }\n" +
      "  process w2 replicate 65537 { }\n" +
      "}\n");
    expectDiagnostics(r, [
      ["6:20 WSP0203", "a channel's depth must be between 0 and 4294967296, but it is -1"],
      ["7:20 WSP0203", "a channel's depth must be between 0 and 4294967296, but it is 4294967297"],
      ["8:22 WSP0203", "a channel's latency (cycles) must be between 0 and 1099511627776"],
      ["9:20 WSP0202", "slot `s` is only known at run time, but this must be a compile-time constant"],
      ["10:24 WSP0203", "a replica count must be between 1 and 65536, but it is 0"],
      ["11:24 WSP0203", "a replica count must be between 1 and 65536, but it is 65537"],
    ]);
  });

  it("reports an undeclared channel with a suggestion and a fix hint", () => {
    const r = checkText(HEAD + "pipeline p {\n  channel jobs\n  process q { send jbos(1) recv x from nope }\n}\n");
    expectDiagnostics(r, [
      ["6:20 WSP0502", "pipeline `p` has no channel `jbos`; did you mean `jobs`?; declare it with `channel jbos depth 1`"],
      ["6:40 WSP0502", "pipeline `p` has no channel `nope`"],
    ]);
  });

  it("rejects channel operations in a workload", () => {
    const r = checkText(HEAD + "workload w {\n  send c(1)\n  recv v from c\n  consume t from c { }\n  close c\n}\n");
    expectDiagnostics(r, [
      ["5:3 WSP0501", "`send` is only allowed in a process of a pipeline; a workload has no channels"],
      ["6:3 WSP0501", "`recv` is only allowed in a process of a pipeline"],
      ["7:3 WSP0501", "`consume` is only allowed in a process of a pipeline"],
      ["8:3 WSP0501", "`close` is only allowed in a process of a pipeline"],
    ]);
  });

  it("checks that tokens are u64", () => {
    const r = checkText(HEAD + "symbol si: i64\npipeline p {\n  channel c\n  process q { send c(-1) send c(si) send c(true) send c(i64(1) + 1) }\n}\n");
    expectDiagnostics(r, [
      ["7:22 WSP0207", "tokens are u64; -1 is negative"],
      ["7:33 WSP0206", "tokens are u64, but this is i64; convert it with `u64(...)`"],
      ["7:44 WSP0201", "a token must be an integer, but this is bool"],
      ["7:57 WSP0206", "tokens are u64, but this is i64"],
    ]);
  });

  it("scopes token variables: a recv to the end of its block, a consume to its body", () => {
    const r = checkText(HEAD +
      "pipeline p {\n" +
      "  channel c\n" +
      "  process q {\n" +
      "    recv v from c\n" +
      "    recv v from c\n" +
      "    consume t from c { k(T[t]) }\n" +
      "    k(T[t])\n" +
      "    for i in a { consume i from c { } }\n" +
      "  }\n" +
      "}\n");
    expectDiagnostics(r, [
      ["8:10 WSP0406", "variable `v` is bound twice here"],
      ["10:9 WSP0101", "unknown name `t`"],
      ["11:26 WSP0406", "variable `i` shadows an enclosing variable"],
    ]);
  });
});

describe("`replica`", () => {
  it("is defined only inside a replicated process", () => {
    const r = checkText(HEAD +
      "pipeline p {\n" +
      "  channel c\n" +
      "  process plain { send c(replica) }\n" +
      "  process many replicate 3 { send c(replica) }\n" +
      "}\n" +
      "workload w { k(T[replica]) }\n" +
      "policy pr(): dispatch = replica\n");
    expectDiagnostics(r, [
      ["6:26 WSP0503", "`replica` is only defined inside a replicated process (`process p replicate N { ... }`)"],
      ["9:18 WSP0503", "`replica` is only defined inside a replicated process"],
      ["10:25 WSP0503", "a policy reads it as `task.replica`"],
    ]);
  });

  it("inside a replicated process means the replica index even when a constant has the name", () => {
    const r = checkText(HEAD + "const replica = 9\npipeline p {\n  channel c\n  process many replicate 3 { send c(replica) }\n  process one { send c(replica) }\n  process sink { consume v from c { } }\n}\n");
    expectClean(r);
    const pipeline = r.files.get("main.wsp")!.ast.decls.find((d) => d.kind === "Pipeline")!;
    const sent = pipeline.kind === "Pipeline"
      ? pipeline.members.flatMap((m) => (m.kind === "Process" && m.body.statements[0]?.kind === "Send" ? [m.body.statements[0].value!] : []))
      : [];
    // The built-in index is a u64; the constant is an untyped integer literal.
    expect(sent.map((e) => exprType(r.semantics, e))).toEqual(["u64", "int"]);
  });
});

describe("pipeline and workload bodies", () => {
  it("reports a non-bool `when` condition", () => {
    const r = checkText(HEAD + "slot s: u64\nworkload w { when s { } else when s > 1 { } else { } when 1 { } }\n");
    expectDiagnostics(r, [
      ["5:19 WSP0201", "a `when` condition must be a bool, but this is u64; compare it, e.g. `x != 0`"],
      ["5:59 WSP0201", "a `when` condition must be a bool, but this is integer literal"],
    ]);
  });

  it("scopes variables to their branch and to `scope` blocks", () => {
    const r = checkText(HEAD + "workload w { parallel i in a { scope { k(T[i]) } } k(T[i]) }\n");
    expectDiagnostics(r, [["4:56 WSP0101", "unknown name `i`"]]);
  });
});
