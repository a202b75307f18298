import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDirectory } from "./node-host.js";

/** One line of `wspc doctor`: what was found, or what is missing, what for, and how to get it. */
export interface DoctorLine {
  readonly ok: boolean;
  readonly text: string;
}

/** The first line a tool prints for `--version`, or undefined when it cannot be run. */
function versionOf(command: string, args: readonly string[] = ["--version"]): string | undefined {
  try {
    const r = spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
    if (r.status !== 0 || typeof r.stdout !== "string") return undefined;
    return r.stdout.split("\n")[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Looks for `name` under `root`, a few levels deep (a checkout's headers are not at a fixed place). */
function findFile(root: string, name: string, depth = 5): string | undefined {
  if (depth < 0) return undefined;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const e of entries) if (e.isFile() && e.name === name) return path.join(root, e.name);
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith(".") || e.name === "node_modules") continue;
    const found = findFile(path.join(root, e.name), name, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * What the toolchain around wsp looks like on this machine. Nothing here is required to check,
 * build or simulate: g++ and python3 only check emitted pto-runtime sources, and a pto-runtime
 * checkout or the Ascend toolkit only run them on a device.
 */
export function doctor(env: Readonly<Record<string, string | undefined>>): DoctorLine[] {
  const lines: DoctorLine[] = [];
  const major = Number(process.versions.node.split(".")[0]);
  lines.push(major >= 20
    ? { ok: true, text: `node ${process.versions.node}: ok` }
    : { ok: false, text: `node ${process.versions.node}: wsp needs Node 20 or newer (install it from your package manager or nodejs.org)` });
  const gxx = versionOf("g++");
  lines.push(gxx
    ? { ok: true, text: `g++: ${gxx}` }
    : { ok: false, text: "g++: not found — needed to syntax-check emitted pto-runtime sources (Debian: apt-get install g++)" });
  const py = versionOf("python3");
  lines.push(py
    ? { ok: true, text: `python3: ${py}` }
    : { ok: false, text: "python3: not found — needed to run the emitted scene.py with pto-runtime (Debian: apt-get install python3)" });
  lines.push(checkPtoRuntime(env.PTO_RUNTIME_ROOT));
  lines.push(checkAscend(env.ASCEND_HOME_PATH));
  return lines;
}

function checkPtoRuntime(root: string | undefined): DoctorLine {
  const why = "needed only to run a2a3 packages on a device; building them does not need it";
  if (!root) return { ok: false, text: `PTO_RUNTIME_ROOT: not set — ${why} (set it to a pto-runtime checkout)` };
  if (!isDirectory(root)) return { ok: false, text: `PTO_RUNTIME_ROOT=${root}: not a directory — ${why}` };
  const header = findFile(root, "pto_orchestration_api.h");
  return header
    ? { ok: true, text: `PTO_RUNTIME_ROOT=${root}: pto-runtime checkout (found ${path.relative(root, header)})` }
    : { ok: false, text: `PTO_RUNTIME_ROOT=${root}: no pto_orchestration_api.h inside — not a pto-runtime checkout? ${why}` };
}

function checkAscend(home: string | undefined): DoctorLine {
  const why = "needed only to compile kernels and run on Ascend hardware (a2a3)";
  if (!home) return { ok: false, text: `ASCEND_HOME_PATH: not set — ${why} (install the CANN toolkit and source its set_env.sh)` };
  if (!isDirectory(home)) return { ok: false, text: `ASCEND_HOME_PATH=${home}: not a directory — ${why}` };
  return isDirectory(path.join(home, "bin")) || isDirectory(path.join(home, "compiler"))
    ? { ok: true, text: `ASCEND_HOME_PATH=${home}: Ascend toolkit` }
    : { ok: false, text: `ASCEND_HOME_PATH=${home}: no bin/ or compiler/ inside — not a CANN toolkit? ${why}` };
}
