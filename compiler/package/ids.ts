const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** FNV-1a 64 over the UTF-8 bytes of `text`: the documented stable-id hash. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h;
}

/** A stable id as written in packages: 16 lowercase hex digits. */
export function stableId(qualifiedName: string): string {
  return fnv1a64(qualifiedName).toString(16).padStart(16, "0");
}
