/**
 * Who moves when several orchestrators can move at the same cycle. Processes run concurrently on
 * the device, so at a cycle where more than one orchestrator is runnable their order is a choice;
 * everything else (time, resource grants, token hand-offs) is fixed by the rules.
 *
 * A *choice point* is a moment at which two or more orchestrators are runnable at the current
 * cycle; the choice is the index of the orchestrator that takes the next step (orchestrators are
 * numbered in manifest order: the workload's is 0; processes in `csp.processes` order, each
 * replica in turn). A step runs an orchestrator until it submits a task, performs a channel
 * operation or a `load`, blocks, or ends.
 *
 * - default: the lowest-numbered runnable orchestrator (declaration order, then replica index:
 *   language §7.1's rule for `task.seq`);
 * - random: a uniformly random runnable one, from a seeded generator;
 * - replay: the given sequence, one entry per choice point; after its end, the default.
 * Every run returns the choices it made, so any run can be replayed exactly — except that a
 * default run returns none: all its choices are the default, which a replay of the empty
 * sequence reproduces, and a long pipeline run makes millions of them (memory must follow the
 * window, not the run's length).
 */
import { SimError } from "./errors.js";
import type { Interleave } from "./types.js";

export class Chooser {
  readonly taken: number[] = [];
  private state: number;
  private next = 0;

  constructor(private readonly mode: Interleave) {
    this.state = mode.kind === "random" ? (mode.seed | 0) ^ 0x6d2b79f5 : 0;
  }

  /** Whether choices need the full candidate list (the default only needs the first). */
  get needsAll(): boolean {
    return this.mode.kind !== "default";
  }

  /** Picks among `candidates` (ascending orchestrator numbers, at least two). */
  choose(candidates: readonly number[], now: number, describe: (o: number) => string): number {
    let pick: number;
    if (this.mode.kind === "random") {
      pick = candidates[this.random() % candidates.length]!;
    } else if (this.mode.kind === "replay" && this.next < this.mode.steps.length) {
      const want = this.mode.steps[this.next]!;
      if (!candidates.includes(want)) {
        const names = candidates.map((c) => `${c} (${describe(c)})`).join(", ");
        throw new SimError(`replay step ${this.next} names orchestrator ${want}, which cannot move at cycle ${now}; the runnable ones are ${names}`, null);
      }
      pick = want;
    } else {
      pick = candidates[0]!;
    }
    this.next++;
    this.taken.push(pick);
    return pick;
  }

  /** A choice the default made without asking (the first candidate); not recorded (see above). */
  recordDefault(): void {
    this.next++;
  }

  /** mulberry32: small, fast, and the same on every platform. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

/**
 * The choices of an `--interleave FILE`: a JSON array of orchestrator numbers, or a `--json`
 * result (its `interleaving` field), so a run's output can be replayed as it is.
 */
export function readInterleaving(text: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SimError(`the interleaving file is not JSON: ${(e as Error).message}`, null);
  }
  const steps = Array.isArray(value) ? value : (value as { interleaving?: unknown } | null)?.interleaving;
  if (!Array.isArray(steps) || !steps.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) {
    throw new SimError("the interleaving file must hold a JSON array of orchestrator numbers (or a `wspc run --json` result)", null);
  }
  return steps as number[];
}
