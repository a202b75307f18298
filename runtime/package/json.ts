import { MAX_JSON_DEPTH } from "./limits.js";

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a package JSON document: strict UTF-8, standard JSON, nesting at most MAX_JSON_DEPTH
 * (checked without recursion, before any recursive validator walks it).
 */
export function parseJsonDocument(bytes: Uint8Array): ParsedJson {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, message: "is not valid UTF-8 text; rebuild the package" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `is not valid JSON (${truncate(detail, 160)}); rebuild the package` };
  }
  if (depthExceeds(value, MAX_JSON_DEPTH)) {
    return { ok: false, message: `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; a package never needs that` };
  }
  return { ok: true, value };
}

function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A value as shown in messages: JSON, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  return truncate(JSON.stringify(value) ?? String(value), 60);
}
