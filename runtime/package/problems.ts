/**
 * Where a package problem is and what to do about it. A `pointer` is one of:
 * - a JSON pointer into manifest.json, such as `/kernels/2/func_id` ("" never appears: problems
 *   with the manifest as a whole use the path `manifest.json`);
 * - a package-relative file path, such as `plan.json` or `pto-runtime/kernels/x.cpp`;
 * - a file path and a JSON pointer into it, such as `plan.json#/bodies/0/3/kernel`;
 * - `.` for the package folder itself.
 */
export interface ValidationError {
  readonly pointer: string;
  readonly message: string;
}

/** Past this many problems the rest are counted, not listed: a hostile package can have millions. */
export const MAX_REPORTED_PROBLEMS = 100;

/** Collects problems, keeping the first MAX_REPORTED_PROBLEMS and counting the rest. */
export class Problems {
  private readonly list: ValidationError[] = [];
  private dropped = 0;

  add(pointer: string, message: string): void {
    if (this.list.length < MAX_REPORTED_PROBLEMS) this.list.push({ pointer, message });
    else this.dropped++;
  }

  get count(): number {
    return this.list.length + this.dropped;
  }

  /** The problems in the order found, with a last line saying how many were left out. */
  result(): ValidationError[] {
    if (this.dropped === 0) return [...this.list];
    return [...this.list, { pointer: ".", message: `${this.dropped} more problem${this.dropped === 1 ? "" : "s"} not shown; fix the ones above first` }];
  }
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `base` followed by the segments as a JSON pointer: pointer("", "kernels", 2) is "/kernels/2". */
export function pointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => "/" + escapeSegment(s)).join("");
}

/** The file every bare JSON pointer refers to. */
export const MANIFEST_FILE = "manifest.json";

/**
 * How a JSON pointer into a package document is reported: bare for the manifest (the common
 * case), `file#/pointer` for other documents, the file alone for the document as a whole.
 */
export function documentPointer(file: string, jsonPointer: string): string {
  if (jsonPointer === "") return file;
  return file === MANIFEST_FILE ? jsonPointer : `${file}#${jsonPointer}`;
}
