/**
 * How many tasks one scope may hold under a window of `window` tasks: the one statement of the
 * scope rule, read by the reference runtime and by the compiler's deadlock analysis.
 *
 * pto-runtime's task ring (the pto-tmr back end) keeps one place free to tell a full ring from
 * an empty one, so a scope that already holds window − 1 tasks cannot submit another
 * (PTO2_ERROR_SCOPE_DEADLOCK). The reference runtime's window is a pool of `window` places, all
 * of which one scope may hold (language §4.6).
 */
export function scopeCapacity(backend: string, window: number): number {
  return backend === "pto-tmr" ? window - 1 : window;
}

/** The same rule in words, for messages: "window − 1" or "the whole window". */
export function scopeCapacityText(backend: string): string {
  return backend === "pto-tmr" ? "window − 1 (pto-runtime's ring keeps one place free)" : "the whole window";
}
