/**
 * A run-time error of the simulated program (language §7.7): it stops the run, and `simulate`
 * reports it as `status: "error"` with the message and the source location. Anything else thrown
 * inside the simulator is a bug and propagates.
 */
export class SimError extends Error {
  constructor(
    message: string,
    readonly loc: string | null,
    /** The process or orchestrator that hit it, when known. */
    public who: string | null = null,
  ) {
    super(message);
    this.name = "SimError";
  }
}
