/**
 * The execution log, kept only when `verify` or `trace` asks for it: one record per task, load,
 * channel operation, stall and orchestrator segment. The verifier re-derives the invariants from
 * these records alone (it never reads the engine's internal state), and the trace is drawn from
 * them. Memory grows with the run, which is why it is opt-in.
 */
import type { StallReason } from "./types.js";

export interface RegionRecord {
  readonly tensor: number;
  /** The view's index prefix. */
  readonly prefix: readonly number[];
  readonly reads: boolean;
  readonly writes: boolean;
}

export interface TaskRecord {
  readonly seq: number;
  readonly orch: number;
  readonly site: number;
  readonly regions: readonly RegionRecord[];
  /** Values of the variables in scope at the call (CallSite.attrs order), as u64 patterns. */
  readonly attrs: readonly bigint[];
  /** Scalar arguments after conversion to their parameter types, by parameter order. */
  readonly scalars: readonly bigint[];
  readonly cycles: number;
  readonly heapBytes: number;
  /** (for-execution id, iteration) of every enclosing workload `for`, outermost first. */
  readonly fors: readonly (readonly [number, number])[];
  /** Whether a scope held it when it was submitted. */
  readonly scoped: boolean;
  /** Slot values at submission (u64 patterns), since policies may read slots. */
  readonly slots: readonly bigint[] | null;
  sched: number;
  submitAt: number;
  submitDone: number;
  ready: number;
  issue: number;
  start: number;
  finish: number;
  retire: number;
  core: number;
  /** When the scope holding it ended (scoped tasks). */
  scopeEnd: number;
}

export interface LoadRecord {
  readonly orch: number;
  readonly time: number;
  readonly tensor: number;
  readonly prefix: readonly number[];
  /** Tasks submitted before the load (the writers it must wait for have lower seq). */
  readonly seqBefore: number;
  readonly slot: number;
  readonly value: bigint;
}

export interface ChannelOp {
  readonly channel: number;
  /** push: a token enters; pop: a receiver takes it; handoff: rendezvous (no storage). */
  readonly kind: "push" | "pop" | "handoff";
  readonly time: number;
  readonly value: bigint;
  /** The sender (push, handoff) or receiver (pop, handoff). */
  readonly orch: number;
  readonly partner: number;
}

export interface StallRecord {
  readonly orch: number;
  readonly reason: StallReason;
  readonly from: number;
  to: number;
  /** The resource's use and bound, and what the submission needed, at the start (resource stalls). */
  readonly used: number;
  readonly need: number;
  readonly capacity: number;
  /** Channel index for channel waits, tensor for load waits, scheduler for ready-queue stalls. */
  readonly object: number;
  readonly loc: string | null;
}

/**
 * A stretch of an orchestrator's clock: submit cost, waiting for its own kernel, a stall, or being
 * held by an `order` interleaving (interleave.ts) before its next action.
 */
export interface Segment {
  readonly orch: number;
  readonly kind: SegmentKind;
  readonly from: number;
  readonly to: number;
  /** The task (log index) for submit and kernel segments, the stall record index for stalls, −1 for holds. */
  readonly ref: number;
}

export type SegmentKind = "submit" | "kernel" | "stall" | "hold";

/** A pool's use after a change, as the engine counted it (tensormap and deplist). */
export interface LedgerEntry {
  readonly time: number;
  readonly pool: "tensormap" | "deplist";
  readonly used: number;
}

export class ExecutionLog {
  /** Launch-time symbol values (u64 patterns), for re-evaluating policies. */
  symbols: bigint[] = [];
  /** Each orchestrator: who it is and its replica index. */
  readonly orchs: { readonly who: string; readonly replica: number; readonly hasReplica: boolean }[] = [];
  readonly tasks: TaskRecord[] = [];
  readonly loads: LoadRecord[] = [];
  readonly channelOps: ChannelOp[] = [];
  readonly stalls: StallRecord[] = [];
  readonly segments: Segment[] = [];
  readonly ledger: LedgerEntry[] = [];
  /** End time of each orchestrator that ended. */
  readonly ends = new Map<number, number>();
  /** Explicit and implicit channel closes. */
  readonly closes: { readonly channel: number; readonly time: number }[] = [];
}
