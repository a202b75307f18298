/**
 * Deterministic, compact JSON for packages: objects one key per line (two-space indent, keys in
 * insertion order, which the builders fix), and any array that holds no objects on one line —
 * so a bytecode program reads as `[["int", "800"], ["var", 2], ["add"]]` and plans stay small.
 */
export function packageJson(value: unknown): string {
  return print(value, "") + "\n";
}

function isFlat(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  return Array.isArray(value) && value.every(isFlat);
}

function flat(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(flat).join(", ")}]` : JSON.stringify(value);
}

function print(value: unknown, indent: string): string {
  if (value === undefined) return "null";
  if (isFlat(value)) return flat(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + print(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${print(v, inner)}`).join(",\n")}\n${indent}}`;
}
