/**
 * Stable ids (docs/package-format.md, "Stable ids"): FNV-1a 64 of a declaration's qualified name,
 * as 16 lowercase hex digits. The runtime recomputes them to catch packages whose ids were edited
 * or computed some other way, since hosts address slots and symbols by id across rebuilds.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;
const UTF8 = new TextEncoder();

export function stableId(qualifiedName: string): string {
  let h = FNV_OFFSET;
  for (const byte of UTF8.encode(qualifiedName)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK;
  return h.toString(16).padStart(16, "0");
}
