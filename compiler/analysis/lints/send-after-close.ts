import type { Block, CloseStmt, LoopBinding, SendStmt, Stmt } from "../../../grammar/ast.js";
import type { ModuleInfo, Semantics } from "../../check/symbols.js";
import { makeDiagnostic, type Diagnostic } from "../../diagnostic.js";
import { orchestrators } from "./orchestrators.js";

/**
 * A `send` that can run after an explicit `close` of the same channel in the same process
 * (WSP1006): on some path through the process the close comes first — earlier in the block, in
 * a branch that may have run, or in an earlier iteration of a loop that may run twice. A send
 * on a closed channel is a run-time error. Closes by other processes (or other replicas of the
 * same process) are timing-dependent and not reported.
 */
export function lintSendAfterClose(modules: readonly ModuleInfo[], sem: Semantics): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of modules) {
    for (const o of orchestrators(m)) {
      if (!o.process) continue;
      const found = new Map<SendStmt, CloseStmt>();
      block(o.body, new Map(), found, sem);
      for (const [send, close] of found) {
        const c = send.channel.text;
        out.push(makeDiagnostic("WSP1006", m.file, send,
          `\`send ${c}(…)\` can run after \`close ${c}\` in ${o.label}: sending on a closed channel is a run-time error; close the channel after the last send (or leave it to close by itself when its senders end)`,
          { related: [{ file: m.file, start: close.start, end: close.end, message: `\`${c}\` is closed here first` }] }));
      }
    }
  }
  return out;
}

/** Channels that may be closed at a point, with the first close that reaches it. */
type Closed = ReadonlyMap<string, CloseStmt>;

function block(b: Block, closed: Closed, found: Map<SendStmt, CloseStmt>, sem: Semantics): Closed {
  let state = closed;
  for (const s of b.statements) state = stmt(s, state, found, sem);
  return state;
}

function stmt(s: Stmt, closed: Closed, found: Map<SendStmt, CloseStmt>, sem: Semantics): Closed {
  switch (s.kind) {
    case "Send": {
      const close = closed.get(s.channel.text);
      if (close && !found.has(s)) found.set(s, close);
      return closed;
    }
    case "Close":
      return closed.has(s.channel.text) ? closed : new Map([...closed, [s.channel.text, s]]);
    case "When": {
      const outs = s.branches.map((br) => block(br.body, closed, found, sem));
      if (s.otherwise) outs.push(block(s.otherwise, closed, found, sem));
      return union([closed, ...outs]);
    }
    case "Parallel": case "For":
      return loop(s.body, closed, found, sem, mayRepeat(s.bindings, sem));
    case "Select": case "Consume":
      return loop(s.body, closed, found, sem, true);
    case "Scope":
      return block(s.body, closed, found, sem);
    default:
      return closed;
  }
}

/** A loop may run its body zero times; a second iteration sees what the first closed. */
function loop(body: Block, closed: Closed, found: Map<SendStmt, CloseStmt>, sem: Semantics, repeats: boolean): Closed {
  const once = union([closed, block(body, closed, found, sem)]);
  if (!repeats || once.size === closed.size) return once;
  return union([once, block(body, once, found, sem)]);
}

/** Whether the bindings can give two or more iterations (unknown sizes can). */
function mayRepeat(bindings: readonly LoopBinding[], sem: Semantics): boolean {
  let product = 1n;
  for (const b of bindings) {
    const r = sem.references.get(b.axis);
    const shape = r?.kind === "global" && r.symbol.decl.kind === "Axis" ? sem.axes.get(r.symbol.decl) : undefined;
    if (shape?.kind !== "dense" || shape.size === undefined) return true;
    product *= shape.size;
  }
  return product >= 2n;
}

function union(maps: readonly Closed[]): Closed {
  const out = new Map<string, CloseStmt>();
  for (const m of maps) for (const [k, v] of m) if (!out.has(k)) out.set(k, v);
  return out;
}
