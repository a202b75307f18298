import { describe, expect, it } from "vitest";
import type * as A from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";
import { onlyDecl, parseClean, show, textOf } from "./util.js";

describe("module and use", () => {
  const text = [
    "/// The module.", //            offsets 0..15
    "///Second line", //             16..30
    "module demo.all_forms", //      31..52: `module` 31..37, `demo` 38..42, `all_forms` 43..52
    "use std.targets.{a2a3sim, a2a3 as hw,}",
    "use std.policies.hash",
    "use std.policies.affinity as aff",
  ].join("\n");

  it("reads the module name, its doc and its span from the keyword", () => {
    const ast = parseClean(text);
    const module = ast.module!;
    expect(module.name.parts.map((p) => p.text)).toEqual(["demo", "all_forms"]);
    expect(module.doc).toBe("The module.\nSecond line");
    expect({ start: module.start, end: module.end }).toEqual({ start: 31, end: 52 });
    expect(module.name.parts[1]).toEqual({ text: "all_forms", start: 43, end: 52 });
  });

  it("reads braced, single and aliased imports", () => {
    const [braced, single, aliased] = parseClean(text).uses;
    expect(braced!.braced).toBe(true);
    expect(braced!.module.parts.map((p) => p.text)).toEqual(["std", "targets"]);
    expect(braced!.items.map((i) => [i.name.text, i.alias?.text])).toEqual([
      ["a2a3sim", undefined],
      ["a2a3", "hw"],
    ]);
    expect(textOf(text, braced!.items[1]!)).toBe("a2a3 as hw");
    expect(textOf(text, braced!)).toBe("use std.targets.{a2a3sim, a2a3 as hw,}");

    expect(single!.braced).toBe(false);
    expect(single!.module.parts.map((p) => p.text)).toEqual(["std", "policies"]);
    expect(single!.items.map((i) => i.name.text)).toEqual(["hash"]);
    expect(single!.items[0]!.alias).toBeUndefined();

    expect(aliased!.items.map((i) => [i.name.text, i.alias?.text])).toEqual([["affinity", "aff"]]);
    expect(textOf(text, aliased!.items[0]!)).toBe("affinity as aff");
  });

  it("a file without module or uses has neither", () => {
    const ast = parseClean("const A = 1");
    expect(ast.module).toBeUndefined();
    expect(ast.uses).toEqual([]);
    expect({ start: ast.start, end: ast.end }).toEqual({ start: 0, end: 11 });
  });

  it("reports a `use` after declarations and a second `module`, and keeps both in the tree", () => {
    const src = "module a\nconst X = 1\nuse b.c\nmodule d";
    const result = parse(src);
    expect(result.problems.map((p) => [p.start, p.message])).toEqual([
      [21, "`use` must come before the declarations: move it to the top of the file"],
      [29, "a file has only one `module` line: remove this one"],
    ]);
    expect(result.ast.module!.name.parts[0]!.text).toBe("a");
    expect(result.ast.uses).toHaveLength(1);
    expect(result.ast.decls).toHaveLength(1);
  });

  it("reports anything after an import list's `}`: a path segment or a second list, and imports only the first list", () => {
    const message = "nothing may follow the `}` of an import list: write one `use` per module";
    //             0         1         2         3
    //             0123456789012345678901234567890123
    const second = "use std.targets.{a2a3sim} .{a2a3}";
    const r = parse(second);
    expect(r.problems.map((p) => [p.start, p.end, p.message])).toEqual([[27, 33, message]]);
    expect(r.ast.uses[0]!.items.map((i) => i.name.text)).toEqual(["a2a3sim"]);
    expect(parse("use std.targets.{a2a3sim}.{a2a3}.{x}").problems.map((p) => [p.start, p.message])).toEqual([[26, message]]);
    expect(parse("use std.targets.{a2a3sim}.hw").problems.map((p) => [p.start, p.message])).toEqual([[26, message]]);
  });
});

describe("declarations", () => {
  it("const with and without a type", () => {
    const typed = onlyDecl("const N: u64 = 4 * 2", "Const");
    expect(typed.name.text).toBe("N");
    expect(typed.type).toEqual({ name: "u64", start: 9, end: 12 });
    expect(show(typed.value)).toBe("(4 * 2)");
    expect({ start: typed.start, end: typed.end }).toEqual({ start: 0, end: 20 });
    expect(onlyDecl("const M = true", "Const").type).toBeUndefined();
  });

  it("slot and symbol", () => {
    const slot = onlyDecl("slot eff: u64", "Slot");
    expect([slot.name.text, slot.type.name]).toEqual(["eff", "u64"]);
    const symbol = onlyDecl("symbol batch: i64", "Symbol");
    expect([symbol.name.text, symbol.type.name]).toEqual(["batch", "i64"]);
    expect({ start: symbol.type.start, end: symbol.type.end }).toEqual({ start: 14, end: 17 });
  });

  it("axis with positional and named arguments", () => {
    const axis = onlyDecl("axis routed = sparse(tok, indptr = P, indices = I)", "Axis");
    expect(axis.axisKind.text).toBe("sparse");
    expect(axis.args.map((a) => [a.name?.text, show(a.value)])).toEqual([
      [undefined, "tok"],
      ["indptr", "P"],
      ["indices", "I"],
    ]);
    // A named argument's span runs from its name to its value.
    expect({ start: axis.args[1]!.start, end: axis.args[1]!.end }).toEqual({ start: 26, end: 36 });
    expect(onlyDecl("axis b = dyn()", "Axis").args).toEqual([]);
  });

  it("tensors with and without direction, trailing comma in the shape", () => {
    const q = onlyDecl("tensor Q: f32[batch, 2] in", "Tensor");
    expect(q.type.dtype.name).toBe("f32");
    expect(q.type.dims.map(show)).toEqual(["batch", "2"]);
    expect(q.direction).toEqual({ value: "in", start: 24, end: 26 });
    expect({ start: q.type.start, end: q.type.end }).toEqual({ start: 10, end: 23 });
    const t = onlyDecl("tensor T: bf16[4,]", "Tensor");
    expect(t.direction).toBeUndefined();
    expect(t.type.dims.map(show)).toEqual(["4"]);
    expect(onlyDecl("tensor C: f32[1] inout", "Tensor").direction?.value).toBe("inout");
    expect(onlyDecl("tensor O: f32[1] out", "Tensor").direction?.value).toBe("out");
  });

  it("kernel parameters and clauses", () => {
    const text = 'kernel k(a: in f32[8, 8], b: f32[8], pad: i32,) on aiv cycles 10 + pad source "k\\"1\\".cpp"';
    const k = onlyDecl(text, "Kernel");
    expect(k.name.text).toBe("k");
    const [a, b, pad] = k.params;
    expect([a!.name.text, a!.direction?.value, a!.isTensor]).toEqual(["a", "in", true]);
    expect((a!.type as A.TensorTypeRef).dims.map(show)).toEqual(["8", "8"]);
    expect(textOf(text, a!)).toBe("a: in f32[8, 8]");
    // A shape without a direction is still a tensor parameter.
    expect([b!.direction, b!.isTensor, (b!.type as A.TensorTypeRef).dtype.name]).toEqual([undefined, true, "f32"]);
    expect(textOf(text, b!.type)).toBe("f32[8]");
    expect([pad!.isTensor, (pad!.type as A.ScalarTypeRef).name]).toEqual([false, "i32"]);
    expect(k.executor?.text).toBe("aiv");
    expect(show(k.cycles!)).toBe("(10 + pad)");
    expect(k.source).toMatchObject({ kind: "String", value: 'k"1".cpp' });
    expect(textOf(text, k.source!)).toBe('"k\\"1\\".cpp"');
    expect(k.clauses.map((c) => [c.clause, textOf(text, c)])).toEqual([
      ["on", "on"],
      ["cycles", "cycles"],
      ["source", "source"],
    ]);
    expect(k.end).toBe(text.length);
  });

  it("a kernel without clauses or parameters", () => {
    const k = onlyDecl("kernel nop()", "Kernel");
    expect([k.params, k.executor, k.cycles, k.source, k.clauses]).toEqual([[], undefined, undefined, undefined, []]);
  });

  it("policy written as `= expr`", () => {
    const p = onlyDecl("policy tile_owner(count: u32): dispatch = (task.m * 4 + task.n) % count", "Policy");
    expect(p.params.map((q) => [q.name.text, q.type.name])).toEqual([["count", "u32"]]);
    expect(p.policyKind.text).toBe("dispatch");
    expect(p.block).toBe(false);
    expect(p.lets).toEqual([]);
    expect(show(p.result)).toBe("([((task.m * 4) + task.n)] % count)");
  });

  it("policy written as a block of lets and a return", () => {
    const text = "policy hash(key: u64, n: u32,): dispatch {\n  let x = key ^ (key >> 30);\n  let y = x * 3\n  return y % n;\n}";
    const p = onlyDecl(text, "Policy");
    expect(p.block).toBe(true);
    expect(p.params.map((q) => q.name.text)).toEqual(["key", "n"]);
    expect(p.lets.map((l) => [l.name.text, show(l.value)])).toEqual([
      ["x", "(key ^ [(key >> 30)])"],
      ["y", "(x * 3)"],
    ]);
    expect(textOf(text, p.lets[0]!)).toBe("let x = key ^ (key >> 30)");
    expect(show(p.result)).toBe("(y % n)");
    expect(p.end).toBe(text.length);
    const ready = onlyDecl("policy lifo(): ready = ~task.seq", "Policy");
    expect([ready.params, ready.policyKind.text, show(ready.result)]).toEqual([[], "ready", "(~task.seq)"]);
  });

  it("target properties with numbers, names and strings", () => {
    const t = onlyDecl('target a2a3sim { backend "sim" schedulers 4; clock_mhz 1850\n mode fast }', "Target");
    expect(t.name.text).toBe("a2a3sim");
    expect(t.properties.map((p) => [p.key.text, p.value.kind === "String" ? p.value.value : show(p.value)])).toEqual([
      ["backend", "sim"],
      ["schedulers", "4"],
      ["clock_mhz", "1850"],
      ["mode", "fast"],
    ]);
  });
});

describe("workload statements", () => {
  const text = [
    "workload w {",
    "  parallel i in b, j in s {",
    "    load eff <- EffSeq[i, j];",
    "    when eff <= 2048 { topk(S[i, j], O[i, j], pad = 2048) }",
    "    else when eff <= 8192 { topk(S[i, j], O[i, j], pad = 8192) }",
    "    else { topk(S[i, j], O[i, j], pad = 131072) }",
    "  }",
    "  for k in tk { select e in routed[k] { scope { step(X[e]); } } }",
    "}",
  ].join("\n");
  const w = onlyDecl(text, "Workload");

  it("reads the statement tree", () => {
    expect(w.body.statements.map((s) => s.kind)).toEqual(["Parallel", "For"]);
    const par = w.body.statements[0] as A.ParallelStmt;
    expect(par.bindings.map((b) => [b.variable.text, b.axis.text, b.row])).toEqual([
      ["i", "b", undefined],
      ["j", "s", undefined],
    ]);
    expect(par.body.statements.map((s) => s.kind)).toEqual(["Load", "When"]);
    const load = par.body.statements[0] as A.LoadStmt;
    expect([load.slot.text, load.view.tensor.text, load.view.indices.map(show)]).toEqual(["eff", "EffSeq", ["i", "j"]]);
    expect(textOf(text, load)).toBe("load eff <- EffSeq[i, j]");
    expect(textOf(text, load.view)).toBe("EffSeq[i, j]");
  });

  it("reads a when / else when / else chain", () => {
    const when = (w.body.statements[0] as A.ParallelStmt).body.statements[1] as A.WhenStmt;
    expect(when.branches.map((b) => show(b.condition))).toEqual(["(eff <= 2048)", "(eff <= 8192)"]);
    const call = when.branches[1]!.body.statements[0] as A.CallStmt;
    expect(call.callee.text).toBe("topk");
    expect(call.args.map((a) => [a.name?.text, show(a.value)])).toEqual([
      [undefined, "S[i, j]"],
      [undefined, "O[i, j]"],
      ["pad", "8192"],
    ]);
    expect(textOf(text, call)).toBe("topk(S[i, j], O[i, j], pad = 8192)");
    expect(textOf(text, when.branches[1]!)).toBe("when eff <= 8192 { topk(S[i, j], O[i, j], pad = 8192) }");
    expect(when.otherwise!.statements).toHaveLength(1);
    expect(textOf(text, when)).toMatch(/^when eff <= 2048 \{.*\}$/s);
    expect(textOf(text, when).endsWith("pad = 131072) }")).toBe(true);
  });

  it("reads for, select with a row index, scope and a call with `;`", () => {
    const f = w.body.statements[1] as A.ForStmt;
    expect(f.bindings.map((b) => b.variable.text)).toEqual(["k"]);
    const sel = f.body.statements[0] as A.SelectStmt;
    expect([sel.binding.variable.text, sel.binding.axis.text, show(sel.binding.row!)]).toEqual(["e", "routed", "k"]);
    const scope = sel.body.statements[0] as A.ScopeStmt;
    expect(scope.kind).toBe("Scope");
    expect((scope.body.statements[0] as A.CallStmt).callee.text).toBe("step");
    expect(textOf(text, w.body)).toBe(text.slice(text.indexOf("{"), text.length));
  });

  it("a when without else, and statements on one line separated by `;`", () => {
    const src = "workload w { when a { x() } y(); z() }";
    const body = onlyDecl(src, "Workload").body;
    expect(body.statements.map((s) => s.kind)).toEqual(["When", "Call", "Call"]);
    const when = body.statements[0] as A.WhenStmt;
    expect([when.branches.length, when.otherwise]).toEqual([1, undefined]);
  });
});

describe("pipelines", () => {
  const text = [
    "pipeline ring {",
    "  /// Ping.",
    "  channel ping depth 1 latency 10;",
    "  channel pong",
    "  process left { for i in n { recv v from pong; step(S[i]); send ping(i) } }",
    "  /// Four workers.",
    "  process worker replicate 4 { consume job from ping { close pong } }",
    "}",
  ].join("\n");
  const p = onlyDecl(text, "Pipeline");

  it("reads channels and processes in order, with their docs", () => {
    expect(p.members.map((m) => `${m.kind}:${m.name.text}`)).toEqual([
      "Channel:ping",
      "Channel:pong",
      "Process:left",
      "Process:worker",
    ]);
    const [ping, pong, left, worker] = p.members as [A.ChannelDecl, A.ChannelDecl, A.ProcessDecl, A.ProcessDecl];
    expect([show(ping.depth!), show(ping.latency!), ping.doc]).toEqual(["1", "10", "Ping."]);
    expect([pong.depth, pong.latency, pong.doc]).toEqual([undefined, undefined, undefined]);
    expect(textOf(text, ping)).toBe("channel ping depth 1 latency 10;");
    expect(left.replicate).toBeUndefined();
    expect([show(worker.replicate!), worker.doc]).toEqual(["4", "Four workers."]);
  });

  it("reads send, recv, consume and close", () => {
    const [, , left, worker] = p.members as [A.ChannelDecl, A.ChannelDecl, A.ProcessDecl, A.ProcessDecl];
    const loop = left.body.statements[0] as A.ForStmt;
    const [recv, call, send] = loop.body.statements as [A.RecvStmt, A.CallStmt, A.SendStmt];
    expect([recv.kind, recv.variable.text, recv.channel.text]).toEqual(["Recv", "v", "pong"]);
    expect(call.kind).toBe("Call");
    expect([send.kind, send.channel.text, show(send.value!)]).toEqual(["Send", "ping", "i"]);
    const consume = worker.body.statements[0] as A.ConsumeStmt;
    expect([consume.kind, consume.variable.text, consume.channel.text]).toEqual(["Consume", "job", "ping"]);
    const close = consume.body.statements[0] as A.CloseStmt;
    expect([close.kind, close.channel.text]).toEqual(["Close", "pong"]);
  });
});

describe("schedules", () => {
  const text = [
    "schedule bgemm on a2a3sim {",
    "  dispatch affinity(task.i, n = 4)",
    "  window 64",
    "  ready fifo",
    "  start eager();",
    "  window 1024 tasks stall",
    "  pools { tensormap 65536, heap 256 MiB, ready 1_024, }",
    "}",
  ].join("\n");
  const s = onlyDecl(text, "Schedule");

  it("reads subject, target and directives in order", () => {
    expect([s.subject.text, s.target.text]).toEqual(["bgemm", "a2a3sim"]);
    expect(s.directives.map((d) => d.kind)).toEqual(["Dispatch", "Window", "Ready", "Start", "Window", "Pools"]);
    const dispatch = s.directives[0] as A.DispatchDirective;
    expect(textOf(text, dispatch.keyword)).toBe("dispatch");
    expect(dispatch.policy.name.text).toBe("affinity");
    expect(dispatch.policy.hasParens).toBe(true);
    expect(dispatch.policy.args.map((a) => [a.name?.text, show(a.value)])).toEqual([
      [undefined, "task.i"],
      ["n", "4"],
    ]);
  });

  it("a window's unit and mode never swallow the next directive", () => {
    const short = s.directives[1] as A.WindowDirective;
    expect([show(short.size), short.unit, short.mode]).toEqual(["64", undefined, undefined]);
    const long = s.directives[4] as A.WindowDirective;
    expect([show(long.size), long.unit?.text, long.mode?.text]).toEqual(["1024", "tasks", "stall"]);
    expect(textOf(text, long)).toBe("window 1024 tasks stall");
  });

  it("policy references with and without parentheses", () => {
    const ready = s.directives[2] as A.ReadyDirective;
    expect([ready.policy.name.text, ready.policy.hasParens, ready.policy.args]).toEqual(["fifo", false, []]);
    const start = s.directives[3] as A.StartDirective;
    expect([start.policy.name.text, start.policy.hasParens, start.policy.args]).toEqual(["eager", true, []]);
  });

  it("pools with units and a trailing comma", () => {
    const pools = s.directives[5] as A.PoolsDirective;
    expect(pools.entries.map((e) => [e.name.text, show(e.size), e.unit?.text])).toEqual([
      ["tensormap", "65536", undefined],
      ["heap", "256", "MiB"],
      ["ready", "1024", undefined],
    ]);
    expect(textOf(text, pools.entries[1]!)).toBe("heap 256 MiB");
  });
});

describe("expressions", () => {
  const value = (expr: string): A.Expr => onlyDecl(`const X = ${expr}`, "Const").value;

  it("applies BINARY_PRECEDENCE, loosest first", () => {
    expect(show(value("a || b && c == d | e ^ f & g << h + i * j"))).toBe(
      "(a || (b && (c == (d | (e ^ (f & (g << (h + (i * j)))))))))",
    );
    expect(show(value("a * b + c << d & e ^ f | g != h && i || j"))).toBe(
      "(((((((((a * b) + c) << d) & e) ^ f) | g) != h) && i) || j)",
    );
  });

  it("is left-associative within a level", () => {
    expect(show(value("a - b - c"))).toBe("((a - b) - c)");
    expect(show(value("a / b * c % d"))).toBe("(((a / b) * c) % d)");
    expect(show(value("a < b == c >= d"))).toBe("(((a < b) == c) >= d)");
    expect(show(value("a >> b << c"))).toBe("((a >> b) << c)");
  });

  it("reads prefix operators, parentheses, calls, views and task attributes", () => {
    expect(show(value("-~!x"))).toBe("(-(~(!x)))");
    expect(show(value("-(a + b) * c"))).toBe("((-[(a + b)]) * c)");
    expect(show(value("select(c, a, b) + min(x, 1) + u64(y)"))).toBe("((select(c, a, b) + min(x, 1)) + u64(y))");
    expect(show(value("T[i, j + 1,] + task.seq"))).toBe("(T[i, (j + 1)] + task.seq)");
    expect(show(value("true && !false"))).toBe("(true && (!false))");
  });

  it("keeps operator spans and expression spans", () => {
    const text = "const X = a + b * c";
    const e = onlyDecl(text, "Const").value as A.BinaryExpr;
    expect(e.opSpan).toEqual({ start: 12, end: 13 });
    expect({ start: e.start, end: e.end }).toEqual({ start: 10, end: 19 });
    const right = e.right as A.BinaryExpr;
    expect([right.op, textOf(text, right), textOf(text, right.opSpan)]).toEqual(["*", "b * c", "*"]);
  });

  it("reads decimal, hex and binary integers with `_`, exactly", () => {
    const ints = ["0", "007", "1_000_000", "0xff", "0xFF_ff", "0b1010", "0b1_0", "0xffff_ffff_ffff_ffff", "18446744073709551616"];
    expect(ints.map((i) => (value(i) as A.IntLit).value)).toEqual([
      0n,
      7n,
      1000000n,
      255n,
      65535n,
      10n,
      2n,
      18446744073709551615n,
      18446744073709551616n,
    ]);
    expect((value("0x1F") as A.IntLit).text).toBe("0x1F");
  });
});

describe("names, keywords and layout", () => {
  it("soft keywords remain usable as names", () => {
    const text = [
      "const depth = 1",
      "axis ready = dense(depth)",
      "kernel source(window: i32) on aiv cycles window",
      "workload latency { source(cycles = depth) }",
      "target pools { dispatch 1 start 2 }",
    ].join("\n");
    const ast = parseClean(text);
    expect(ast.decls.map((d) => ("name" in d ? d.name.text : ""))).toEqual(["depth", "ready", "source", "latency", "pools"]);
    const w = ast.decls[3] as A.WorkloadDecl;
    expect((w.body.statements[0] as A.CallStmt).args[0]!.name!.text).toBe("cycles");
  });

  it("hard keywords are not names", () => {
    const result = parse("const in = 3");
    expect(result.problems.map((p) => p.message)).toEqual([
      "expected a name after `const`, found keyword `in`; `in` is a keyword and cannot be used as a name",
    ]);
  });

  it("CRLF, tabs and `;` are plain separators", () => {
    const lf = "/// Doc.\nconst A = 1\nworkload w {\n\tf(A); g()\n}\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    const a = parseClean(lf);
    const b = parseClean(crlf);
    expect(b.decls.map((d) => [d.kind, d.doc])).toEqual([
      ["Const", "Doc."],
      ["Workload", undefined],
    ]);
    const calls = (ast: A.SourceFileNode) =>
      (ast.decls[1] as A.WorkloadDecl).body.statements.map((s) => (s as A.CallStmt).callee.text);
    expect(calls(b)).toEqual(calls(a));
    // Each CRLF line break before it shifts `workload` (on line 3) by one.
    expect(b.decls[1]!.start).toBe(a.decls[1]!.start + 2);
  });

  it("a leading BOM is skipped and offsets still index the original text", () => {
    const text = "\uFEFFconst A = 1";
    const c = onlyDecl(text, "Const");
    expect({ start: c.start, end: c.end }).toEqual({ start: 1, end: 12 });
    expect(textOf(text, c.name)).toBe("A");
  });

  it("empty input and comment-only input give an empty file", () => {
    expect(parse("")).toEqual({
      ast: { kind: "SourceFile", module: undefined, uses: [], decls: [], start: 0, end: 0 },
      comments: [],
      problems: [],
    });
    const result = parse("// one\n/// two\n/* three */");
    expect(result.ast.decls).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.comments.map((c) => c.style)).toEqual(["line", "doc", "block"]);
  });
});

describe("comments and doc comments", () => {
  it("returns every comment with its style, text and span", () => {
    const text = "// line\n//// rule\n/// doc\n/* block\n spans */ const A = 1 // tail";
    const result = parse(text);
    expect(result.problems).toEqual([]);
    expect(result.comments.map((c) => [c.style, c.text, textOf(text, c)])).toEqual([
      ["line", "// line", "// line"],
      ["line", "//// rule", "//// rule"],
      ["doc", "/// doc", "/// doc"],
      ["block", "/* block\n spans */", "/* block\n spans */"],
      ["line", "// tail", "// tail"],
    ]);
  });

  it("attaches consecutive `///` lines directly above a declaration, and nothing else", () => {
    const text = [
      "/// Not attached: a blank line follows.",
      "",
      "///  Two spaces: one is kept.",
      "///",
      "/// Third.",
      "const A = 1",
      "/// Not attached: a line comment follows.",
      "// plain",
      "const B = 2",
      "const C = 3 /// trailing, not a doc of D",
      "const D = 4",
      "/// E's doc.",
      "   const E = 5",
    ].join("\n");
    const ast = parseClean(text);
    expect(ast.decls.map((d) => d.doc)).toEqual([" Two spaces: one is kept.\n\nThird.", undefined, undefined, undefined, "E's doc."]);
    // The span starts at the keyword, not at the doc comment.
    expect(textOf(text, ast.decls[0]!)).toBe("const A = 1");
  });
});
