import { CAPABILITIES, FEATURES, type CapabilityStatus } from "./capabilities.js";
import type { Backend } from "./check/target-model.js";

const BACKEND_TITLES: Readonly<Record<Backend, string>> = {
  sim: "sim (a2a3sim, the reference runtime)",
  "pto-tmr": "pto-tmr (a2a3, pto-runtime tensormap_and_ringbuffer)",
  "pto-hbg": "pto-hbg (a2a3_hbg, pto-runtime host_build_graph)",
};

const STATUS_MEANING: Readonly<Record<CapabilityStatus, string>> = {
  enforced: "changes the artifact's behaviour as the program says",
  recorded: "kept in the package, not acted on (a warning, WSP0802)",
  diagnosed: "ignored, with a warning (WSP0802)",
  unsupported: "a compile error (WSP0801)",
};

/** docs/capabilities.md, rendered from the capability matrix the compiler itself uses. */
export function capabilitiesMarkdown(): string {
  const backends = Object.keys(CAPABILITIES) as Backend[];
  const out: string[] = [
    "# Capabilities by back end",
    "",
    "Generated from `compiler/capabilities.ts` by `wspc docs-capabilities`; do not edit by hand.",
    "Every directive and construct a program uses has one status on each back end, reported in",
    "the package's manifest (`capabilities`) and, where it is not enforced, by `wspc check`:",
    "",
    ...(Object.entries(STATUS_MEANING) as [CapabilityStatus, string][]).map(([s, m]) => `- **${s}**: ${m}.`),
    "",
    `| feature | ${backends.join(" | ")} |`,
    `| --- | ${backends.map(() => "---").join(" | ")} |`,
    ...FEATURES.map((f) => `| \`${f}\` | ${backends.map((b) => CAPABILITIES[b][f].status).join(" | ")} |`),
    "",
  ];
  for (const b of backends) {
    out.push(`## ${BACKEND_TITLES[b]}`, "");
    for (const f of FEATURES) out.push(`- \`${f}\` — **${CAPABILITIES[b][f].status}**: ${CAPABILITIES[b][f].reason}.`);
    out.push("");
  }
  return out.join("\n");
}
