/** The reference runtime: `simulate` a loaded package; `formatSummary`/`resultJson` present the outcome. */
export { simulate, exitCode } from "./simulate.js";
export { formatSummary, resultJson } from "./report.js";
export { decodeTensorData } from "./inputs.js";
export { readInterleave, readInterleaving } from "./interleave.js";
export { SimError } from "./errors.js";
export type * from "./types.js";
