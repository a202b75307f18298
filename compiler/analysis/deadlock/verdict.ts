/**
 * What the static deadlock analysis concludes about one unit (a workload or pipeline under one
 * schedule, or the default schedule). This is the contract between the analysis, the diagnostics
 * it produces, and the runtime agreement tests: the runtime replays `witness` in its `order`
 * interleaving mode and must reach the same `blocked` set.
 */
import type { Fix, Location, RelatedInfo } from "../../diagnostic.js";

/** The orchestrators, numbered as in the package manifest (the runtime's numbering):
 *  a workload's single orchestrator is 0; a pipeline's processes in `csp.processes` order, each
 *  replica in turn. */
export type OrchestratorNumber = number;

/** The rule that found a deadlock; the runtime's `DeadlockRule` names the same kinds. */
export type DeadlockKind =
  | "channel-cycle"        // each blocked process waits on a channel held by another (a ring)
  | "channel-capacity"     // a producer must run further ahead than the channel holds
  | "channel-starvation"   // a consumer waits for more tokens than are ever sent; never closed
  | "scope-exceeds-window" // one scope submits at least `window` tasks: its end is unreachable
  | "scope-blocks-window"; // open scopes hold the window while their owners wait on channels

/** What one blocked orchestrator waits on at the deadlock. */
export type BlockedOn =
  | { readonly channel: string; readonly state: "empty" | "full" }
  | { readonly window: "full" | "scope-limit" };

export interface BlockedOrchestrator {
  readonly orchestrator: OrchestratorNumber;
  /** `process` or `process[replica]`, as the runtime names it. */
  readonly who: string;
  readonly waitsOn: BlockedOn;
  /** The blocked operation's source location, for related information. */
  readonly at: RelatedInfo;
}

/** One step of the trace leading to a deadlock (a short, human-readable prefix, compressed). */
export interface TraceStep {
  readonly text: string;
  /** The statement of the step, when it has one (added by the analysis; optional). */
  readonly at?: Location;
}

export type DeadlockVerdict =
  | { readonly kind: "free"; readonly exhaustive: boolean }
  | {
      readonly kind: "inconclusive";
      readonly reason: string;
      /** When a search over a launch-time symbol found values that deadlock: which (added; optional). */
      readonly dependsOn?: { readonly symbol: string; readonly deadlocksFor: readonly number[]; readonly checkedUpTo: number };
    }
  | {
      readonly kind: "deadlock";
      readonly rule: DeadlockKind;
      /** Orchestrator numbers, one per action (task submission, send, recv or consume take,
       *  close, load) in the order performed; replayed by the runtime's `order` mode. */
      readonly witness: readonly OrchestratorNumber[];
      readonly blocked: readonly BlockedOrchestrator[];
      readonly channels: readonly { readonly name: string; readonly fill: number; readonly capacity: number; readonly closed: boolean }[];
      readonly window: { readonly size: number; readonly held: number };
      readonly trace: readonly TraceStep[];
      /** The smallest change that removes the deadlock, verified by re-running the analysis. */
      readonly fix: Fix | undefined;
    };
