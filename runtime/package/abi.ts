/**
 * The package ABI this runtime reads. A reader of major M accepts every `M.y`: a newer minor only
 * adds optional fields, which it ignores. Any other major is refused before anything else is read.
 */
export const SUPPORTED_ABI_MAJOR = 1;
/** The minor this runtime (and the compiler next to it) writes. */
export const CURRENT_ABI_MINOR = 0;
export const CURRENT_ABI = `${SUPPORTED_ABI_MAJOR}.${CURRENT_ABI_MINOR}`;

export interface AbiVersion {
  readonly major: number;
  readonly minor: number;
}

const ABI_PATTERN = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** Parses "MAJOR.MINOR" (decimal, no leading zeros); undefined when malformed. */
export function parseAbi(text: string): AbiVersion | undefined {
  const m = ABI_PATTERN.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * Why a `wsp_runtime_abi` value cannot be read by this runtime, or undefined when it can.
 * The text is complete enough to be the only line a user sees.
 */
export function abiProblem(value: unknown): string | undefined {
  if (typeof value !== "string") {
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    return `wsp_runtime_abi must be a string "MAJOR.MINOR" such as "${CURRENT_ABI}", but it is ${shown}; rebuild the package with wspc`;
  }
  const abi = parseAbi(value);
  if (!abi) return `wsp_runtime_abi must be "MAJOR.MINOR" such as "${CURRENT_ABI}", but it is ${JSON.stringify(value)}; rebuild the package with wspc`;
  if (abi.major > SUPPORTED_ABI_MAJOR) {
    return `package ABI ${value} is newer than this runtime's ${SUPPORTED_ABI_MAJOR}.x; upgrade wsp`;
  }
  if (abi.major < SUPPORTED_ABI_MAJOR) {
    return `package ABI ${value} is older than this runtime's ${SUPPORTED_ABI_MAJOR}.x; rebuild the package with a current wspc`;
  }
  return undefined;
}
