/** Reading a run's trace in tests: the task slices (core lanes) with their arguments. */
import type { RunResult } from "../../runtime/sim/types.js";

export interface TaskSlice {
  readonly name: string;
  readonly core: number;
  readonly start: number;
  readonly dur: number;
  readonly args: Record<string, unknown>;
}

/** Task slices in submission order; times converted back to cycles with the target clock. */
export function taskSlices(r: RunResult, clockMhz: number): TaskSlice[] {
  const events = r.trace!.traceEvents.filter((e) => e.pid === 2 && e.ph === "X");
  return events
    .map((e) => ({
      name: e.name as string,
      core: e.tid as number,
      start: Math.round((e.ts as number) * clockMhz),
      dur: Math.round((e.dur as number) * clockMhz),
      args: e.args as Record<string, unknown>,
    }))
    .sort((a, b) => (a.args.seq as number) - (b.args.seq as number));
}
