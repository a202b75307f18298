/**
 * What the user sees when wspc itself fails (a bug, not a problem in their program): one line
 * naming the failure and a request to report it. The stack trace is for developers, shown only
 * with WSP_DEBUG=1. Kept free of imports so even a failure to load the rest can be reported.
 */
export const EXIT_INTERNAL = 70;

export function internalErrorText(error: unknown, env: Readonly<Record<string, string | undefined>>): string {
  const message = error instanceof Error ? error.message : String(error);
  let text =
    `wspc: internal error: ${message}\n` +
    "wspc: this is a bug in wspc, not in your program; please report this, with the command and input that caused it\n";
  if (env["WSP_DEBUG"] === "1" && error instanceof Error && error.stack !== undefined) text += `${error.stack}\n`;
  return text;
}
