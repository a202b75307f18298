import type { Backend } from "../check/target-model.js";
import type { BackendEmitter } from "../package/build.js";
import { emitPtoHbg } from "./pto-hbg.js";
import { emitPtoTmr } from "./pto-tmr.js";

/**
 * The emitters `buildPackage` calls per back end: each adds a pto-runtime source tree under
 * `pto-runtime/`. The reference runtime ("sim") needs nothing beyond the manifest and plan.
 */
export const BACKEND_EMITTERS: Partial<Record<Backend, BackendEmitter>> = {
  "pto-tmr": emitPtoTmr,
  "pto-hbg": emitPtoHbg,
};
