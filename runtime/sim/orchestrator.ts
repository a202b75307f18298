/**
 * Orchestrators: one per workload, one per process replica. Each expands its plan body in program
 * order (program.ts) on its own clock, submitting a task at every kernel call, and stops wherever
 * it must wait — a full resource, an empty or full channel, a `load` whose writers are running,
 * or (in a process) its own kernel. Its whole state is a program counter and a frame, so memory
 * does not grow with the number of tasks it expands.
 *
 * `step` runs one orchestrator until it submits a task, performs a channel operation or a load,
 * blocks, or ends (interleave.ts: the unit of choice between concurrent processes).
 */
import type { BodyProgram } from "./program.js";
import { AxisKind, Op } from "./program.js";
import { SimError } from "./errors.js";
import type { Engine } from "./engine.js";
import { BIG, small } from "./values.js";

export const enum OS {
  /** In the orchestrator queue, to move at `wakeAt`. */
  Runnable,
  /** Waiting on a resource, a channel or a load. */
  Blocked,
  /** A process waiting for its own kernel to finish. */
  Kernel,
  Ended,
}

/** A node reference kept by `for` frames: none, a task (slot, seq) or a fence (id, generation). */
export const enum Ref {
  None,
  Task,
  Fence,
}

export class Orch {
  pc = 0;
  readonly frame: Float64Array;
  /** Bigint companions of frame cells holding BIG. */
  readonly big: (bigint | undefined)[] = [];
  state = OS.Runnable;
  wakeAt = 0;
  /** In the orchestrator heap. */
  queued = false;
  tasks = 0;
  endTime = 0;

  // Scopes: tasks submitted inside the outermost open scope, linked through Graph.heldNext.
  scopeDepth = 0;
  heldHead = -1;
  heldTail = -1;
  heldCount = 0;
  scopeLoc: string | null = null;

  // Workload `for` frames, by nesting depth: what the current iteration depends on (prev) and
  // the current iteration's tasks (a first task, then a fence once there are two).
  readonly prevKind: Uint8Array;
  readonly prevA: Float64Array;
  readonly prevB: Float64Array;
  readonly grpKind: Uint8Array;
  readonly grpA: Float64Array;
  readonly grpB: Float64Array;
  readonly grpFence: Int32Array;
  readonly forExec: Float64Array;
  readonly forIter: Float64Array;

  // Blocking.
  /** Stall reason index (types.ts STALL_REASONS) of the current episode, or −1. */
  stallReason = -1;
  stallSince = 0;
  stallRecord = -1;
  /** The blocked operation's source location. */
  blockLoc: string | null = null;
  /** Channel index, scheduler index, or tensor index of what it waits on. */
  blockObject = -1;
  /** A stall no release can end (a scope holding as many tasks as it may, a need above a pool's bound). */
  permanent = false;
  /** The pool that woke it (FIFO grant), until it retries. */
  grantedBy: import("./pools.js").Pool | null = null;
  /** The pool it is stalled on, and what it needed when it last tried. */
  blockedOn: import("./pools.js").Pool | null = null;
  need = 0;
  /** The task a load or the process is waiting for. */
  waitSlot = -1;
  waitSeq = -1;
  /** Start of the current clock segment (submit cost or kernel wait), for the log. */
  segFrom = 0;
  segRef = -1;
  /** Stall episodes and cycles by reason (STALL_REASONS order), and the longest episode. */
  readonly stallCounts = new Float64Array(8);
  readonly stallCycles = new Float64Array(8);
  longest: { reason: number; cycles: number; loc: string | null; object: number } | null = null;
  /** Channels this replica sends to (implicit close when all senders end). */
  sendsTo: readonly number[] = [];

  constructor(
    readonly id: number,
    readonly who: string,
    readonly body: BodyProgram,
    readonly bodyIndex: number,
    readonly replica: number,
    readonly hasReplica: boolean,
    forDepth: number,
  ) {
    this.frame = new Float64Array(Math.max(1, body.frameSize));
    const d = Math.max(1, forDepth);
    this.prevKind = new Uint8Array(d);
    this.prevA = new Float64Array(d);
    this.prevB = new Float64Array(d);
    this.grpKind = new Uint8Array(d);
    this.grpA = new Float64Array(d);
    this.grpB = new Float64Array(d);
    this.grpFence = new Int32Array(d).fill(-1);
    this.forExec = new Float64Array(d);
    this.forIter = new Float64Array(d);
  }
}

/** Most nested `for` statements in a body (the size of its for-frame arrays). */
export function maxForDepth(body: BodyProgram): number {
  return body.code.reduce((m, ins) => (ins.op === Op.ForBegin ? Math.max(m, ins.forDepth + 1) : m), 0);
}

/**
 * Runs `o` from its program counter at the engine's current cycle until it has done one visible
 * thing or cannot go on. Returns nothing: the engine learns the outcome from `o.state`.
 */
export function step(e: Engine, o: Orch): void {
  const code = o.body.code;
  const F = o.frame;
  for (;;) {
    const ins = code[o.pc]!;
    switch (ins.op) {
      case Op.LoopInit: {
        const h = ins.hid;
        if (ins.axisKind === AxisKind.Dense) {
          if (ins.size === 0) {
            o.pc = ins.target;
            break;
          }
          F[h] = 0;
          F[h + 1] = ins.size;
          F[ins.var] = 0;
        } else if (!e.eval.rowRange(o, ins)) {
          o.pc = ins.target;
          break;
        }
        o.pc++;
        break;
      }
      case Op.LoopNext: {
        const h = ins.hid;
        const pos = F[h]! + 1;
        if (pos < F[h + 1]!) {
          F[h] = pos;
          if (ins.axisKind === AxisKind.Sparse) e.eval.sparseValue(o, ins, pos);
          else F[ins.var] = pos;
          o.pc = ins.target;
        } else {
          o.pc++;
        }
        break;
      }
      case Op.When: {
        let to = ins.target;
        for (let i = 0; i < ins.conds.length; i++) {
          if (e.eval.value(o, ins.conds[i]!, ins.loc) !== 0) {
            to = ins.targets[i]!;
            break;
          }
        }
        o.pc = to;
        break;
      }
      case Op.Jump:
        o.pc = ins.target;
        break;
      case Op.Call:
        e.submit.call(o, ins);
        return;
      case Op.Load:
        e.load(o, ins);
        return;
      case Op.ScopeBegin:
        if (e.machine.scopesEnforced) {
          if (o.scopeDepth >= e.machine.maxScopeDepth) {
            throw new SimError(`scope nesting deeper than the target's max_scope_depth (${e.machine.maxScopeDepth})`, ins.loc, o.who);
          }
          if (o.scopeDepth === 0) o.scopeLoc = ins.loc;
          o.scopeDepth++;
        }
        o.pc++;
        break;
      case Op.ScopeEnd:
        if (e.machine.scopesEnforced) {
          o.scopeDepth--;
          if (o.scopeDepth === 0) e.endScope(o);
        }
        o.pc++;
        break;
      case Op.Send:
        e.chan.send(o, ins);
        return;
      case Op.Recv:
      case Op.ConsumeNext:
        e.chan.receive(o, ins);
        return;
      case Op.Close:
        e.chan.close(o, ins);
        return;
      case Op.ForBegin:
        forBegin(e, o, ins.forDepth);
        o.pc++;
        break;
      case Op.ForIter:
        e.submit.closeGroup(o, ins.forDepth);
        o.forIter[ins.forDepth]!++;
        o.pc++;
        break;
      case Op.End:
        e.end(o);
        return;
    }
  }
}

/** A `for` statement starts: its first iteration depends on what the enclosing iteration does. */
function forBegin(e: Engine, o: Orch, d: number): void {
  if (d > 0) {
    o.prevKind[d] = o.prevKind[d - 1]!;
    o.prevA[d] = o.prevA[d - 1]!;
    o.prevB[d] = o.prevB[d - 1]!;
  } else {
    o.prevKind[d] = Ref.None;
  }
  o.grpKind[d] = Ref.None;
  o.grpFence[d] = -1;
  o.forExec[d] = e.nextForExec++;
  o.forIter[d] = 0;
}

/** Stores a u64 value into frame cell k (number when small, else BIG plus its bigint). */
export function setCell(o: Orch, k: number, v: number | bigint): void {
  if (typeof v === "number") {
    o.frame[k] = v;
    return;
  }
  const n = small(v);
  o.frame[k] = n;
  if (n === BIG) o.big[k] = v;
}
