import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import manifestSchema from "../../docs/schema/manifest.schema.json" with { type: "json" };
import planSchema from "../../docs/schema/plan.schema.json" with { type: "json" };
import { show } from "./json.js";
import { documentPointer, escapeSegment, type Problems } from "./problems.js";

interface Validators {
  readonly manifest: ValidateFunction;
  readonly plan: ValidateFunction;
}

// Compiling the schemas takes a few hundred milliseconds, so it happens on first use, once; like
// a reusable parser instance, the compiled validators are never changed afterwards.
let compiled: Validators | undefined;

function validators(): Validators {
  if (!compiled) {
    // strictTuples off: instructions are open tuples on purpose (the operand count depends on
    // the operation). strictRequired off: `if: {required: [...]}` tests fields declared elsewhere.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTuples: false, strictRequired: false });
    ajv.addSchema(manifestSchema);
    compiled = { manifest: ajv.getSchema(manifestSchema.$id)!, plan: ajv.compile(planSchema) };
  }
  return compiled;
}

/** Checks `value` against the schema of `document`; adds one problem per violation. */
export function checkSchema(document: "manifest" | "plan", file: string, value: unknown, problems: Problems): boolean {
  const validate = validators()[document];
  if (validate(value)) return true;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // `if` errors only say "the then-branch failed"; that branch's own errors follow.
    if (e.keyword === "if") continue;
    const where = e.keyword === "required"
      ? `${e.instancePath}/${escapeSegment(String(e.params.missingProperty))}`
      : e.instancePath;
    const pointer = documentPointer(file, where);
    const message = describe(e);
    const key = `${pointer}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.add(pointer, message);
  }
  return false;
}

const ARTICLE: Readonly<Record<string, string>> = {
  integer: "an integer", number: "a number", string: "a string", boolean: "a boolean",
  array: "an array", object: "an object", null: "null",
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === "string") return `the string ${show(value)}`;
  return ARTICLE[typeof value] ?? typeof value;
}

function entries(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}

/** A message that says what is wrong and what the field must be instead. */
function describe(e: ErrorObject): string {
  const parent = e.parentSchema as { description?: string; properties?: Record<string, { description?: string }> } | undefined;
  const what = parent?.description;
  const also = what ? ` (${what})` : "";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required": {
      const field = String(p.missingProperty);
      const hint = parent?.properties?.[field]?.description;
      return `missing required field "${field}"${hint ? ` (${hint})` : ""}; add it as docs/package-format.md describes`;
    }
    case "type": {
      const wanted = String(p.type).split(",").map((t) => ARTICLE[t] ?? t).join(" or ");
      return `must be ${wanted}, but it is ${typeOf(e.data)}${also}`;
    }
    case "const":
      return `must be ${show(p.allowedValue)}, but it is ${show(e.data)}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => show(v)).join(", ")}, but it is ${show(e.data)}${also}`;
    case "pattern":
      return `${show(e.data)} is not ${what ?? `in the expected form (pattern ${String(p.pattern)})`}`;
    case "minimum":
      return `must be at least ${String(p.limit)}, but it is ${show(e.data)}${also}`;
    case "maximum":
      return `must be at most ${String(p.limit)}, but it is ${show(e.data)}${also}`;
    case "minItems":
      return `must have at least ${entries(Number(p.limit))}, but it has ${(e.data as unknown[]).length}${also}`;
    case "maxItems":
      return `must have at most ${entries(Number(p.limit))}, but it has ${(e.data as unknown[]).length}${also}`;
    case "minLength":
      return "must not be empty";
    case "maxLength":
      return `is longer than ${String(p.limit)} characters`;
    case "uniqueItems":
      return `entries ${String(p.j)} and ${String(p.i)} are the same; list each once`;
    default:
      return `${e.message ?? "is invalid"}${also}`;
  }
}
