/** The runtime's side of the package format: read and validate a `NAME.wsppkg/` folder. */
export { CURRENT_ABI, CURRENT_ABI_MINOR, SUPPORTED_ABI_MAJOR, parseAbi, abiProblem, type AbiVersion } from "./abi.js";
export { formatValidationErrors } from "./format.js";
export { stableId } from "./ids.js";
export { MAX_ENTRIES, MAX_FILE_BYTES, MAX_JSON_BYTES, MAX_JSON_DEPTH } from "./limits.js";
export { loadPackage, PackageError, type LoadedPackage } from "./load.js";
export { validatePackage, type ValidationError, type ValidationResult } from "./validate.js";
export type * from "./types.js";
