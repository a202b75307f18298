/**
 * A seeded generator of small pipelines for the deadlock agreement test. Mostly: 1–4 processes (a
 * pure consumer sometimes replicated), channels of depth 0–3 each with one sending and one
 * receiving process (possibly the same one), each channel's tokens sent by a `for` over a small
 * dense axis or inline, taken by a `consume` or by counted `recv`s (sometimes fewer or more than
 * are sent), explicit `close`s, kernel calls, `scope` blocks around random stretches or around a
 * task and a receive, ping-pong loops that send on one channel and receive on another, and a small
 * window; some channels have a latency. A quarter are window races (windowRace), whose deadlocks depend on the interleaving.
 * The same seed gives the same text; every program is meant to check clean.
 */

export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 0x9e3779b1 + 0x7f4a7c15) | 0;
  }
  /** mulberry32, in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), this.s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

interface ChannelPlan {
  readonly name: string;
  readonly depth: number;
  readonly sender: number;
  readonly receiver: number;
  /** Tokens sent. */
  readonly sends: number;
  /** Tokens received by counted `recv`s, or "consume". */
  readonly takes: number | "consume";
  /** The sender closes it explicitly after its last send. */
  readonly close: boolean;
}

/** A process body under construction: statement texts, and fresh names. */
class Body {
  readonly items: string[] = [];
  private vars = 0;
  constructor(readonly index: number, private readonly r: Rand) {}

  fresh(prefix: string): string {
    return `${prefix}${this.vars++}`;
  }

  /** A kernel call writing row `at` of this process's tensor. */
  call(at: string): string {
    return `${this.r.pick(["kf", "ks"])}(X${this.index}[${at}])`;
  }

  /** A kernel call half the time, for inside loops: zero or one statement. */
  maybeCall(at: string, p = 0.5): string[] {
    return this.r.chance(p) ? [this.call(at)] : [];
  }
}

const seq = (stmts: readonly string[]): string => stmts.join("; ");

function sendBlock(b: Body, c: ChannelPlan, r: Rand): string {
  if (c.sends === 1 || r.chance(0.3)) {
    return seq(Array.from({ length: c.sends }, (_, i) => [...b.maybeCall(String(i)), `send ${c.name}(${i})`]).flat());
  }
  const v = b.fresh("i");
  return `for ${v} in a${c.sends} { ${seq([...b.maybeCall(v), `send ${c.name}(${v})`])} }`;
}

function takeBlock(b: Body, c: ChannelPlan, r: Rand): string {
  if (c.takes === "consume") {
    const t = b.fresh("t");
    return `consume ${t} from ${c.name} { ${seq(b.maybeCall(`${t} % 4`, 0.7))} }`;
  }
  if (c.takes === 1 || r.chance(0.3)) {
    return seq(Array.from({ length: c.takes }, () => {
      const v = b.fresh("v");
      return [`recv ${v} from ${c.name}`, ...b.maybeCall(`${v} % 4`, 0.4)];
    }).flat());
  }
  const i = b.fresh("i");
  const v = b.fresh("v");
  return `for ${i} in a${c.takes} { ${seq([`recv ${v} from ${c.name}`, ...b.maybeCall(`${v} % 4`)])} }`;
}

/** `for i in aN { send out(i); recv v from in }` (or the other way round): one loop for two channels. */
function pingPong(b: Body, out: ChannelPlan, into: ChannelPlan, r: Rand): string {
  const i = b.fresh("i");
  const v = b.fresh("v");
  const send = `send ${out.name}(${i})`;
  const recv = `recv ${v} from ${into.name}`;
  const [first, second] = r.chance(0.5) ? [send, recv] : [recv, send];
  return `for ${i} in a${out.sends} { ${seq([first, ...b.maybeCall(i), second])} }`;
}

/** Wraps a random stretch of the items in a `scope`, with a kernel call or two inside. */
function addScope(b: Body, r: Rand): void {
  if (b.items.length === 0) {
    b.items.push(`scope { ${b.call("0")}; ${b.call("1")} }`);
    return;
  }
  const from = r.int(0, b.items.length - 1);
  const to = r.int(from, b.items.length - 1);
  const inner = b.items.slice(from, to + 1);
  inner.unshift(b.call(String(r.int(0, 3))));
  if (r.chance(0.5)) inner.push(b.call(String(r.int(0, 3))));
  b.items.splice(from, to - from + 1, `scope { ${inner.join("; ")} }`);
}

function planChannels(r: Rand, processes: number): ChannelPlan[] {
  const count = processes === 1 ? r.int(0, 1) : r.int(1, Math.min(4, processes + 1));
  const out: ChannelPlan[] = [];
  for (let k = 0; k < count; k++) {
    const sender = r.int(0, processes - 1);
    const receiver = processes === 1 || r.chance(0.1) ? sender : r.pick([...Array(processes).keys()].filter((p) => p !== sender));
    const sends = r.int(1, 3);
    const roll = r.next();
    const takes = roll < 0.45 ? "consume" : roll < 0.85 ? sends : Math.max(1, sends + r.pick([-1, 1]));
    out.push({ name: `c${k}`, depth: r.int(0, 3), sender, receiver, sends, takes, close: r.chance(0.25) });
  }
  return out;
}

/** Mostly none: a token in flight keeps its place in the channel until it arrives (language §7.5). */
function latency(r: Rand): string {
  return r.chance(0.7) ? "" : ` latency ${r.pick([5, 40, 400])}`;
}

/** Channel declarations and process texts of a pipeline, and its window. */
interface Shape {
  readonly channels: readonly string[];
  readonly processes: readonly string[];
  readonly window: number;
}

/** One random pipeline (a whole `.wsp` file) for `seed`: mostly the general shape, sometimes a window race. */
export function randomPipeline(seed: number): string {
  const r = new Rand(seed);
  const shape = r.chance(0.25) ? windowRace(r) : general(r);
  return `target rt {
  backend "sim" schedulers 1 aic_cores 1 aiv_cores 2 submit_cycles ${r.int(0, 20)} dispatch_cycles ${r.int(0, 10)} max_window 64
  tensormap_pool 65536 deplist_pool 16384 heap_bytes 268435456 ready_queue 65536
}
tensor X0: f32[4, 8] out
tensor X1: f32[4, 8] out
tensor X2: f32[4, 8] out
tensor X3: f32[4, 8] out
kernel kf(y: out f32[8]) on aiv cycles ${r.int(1, 50)}
kernel ks(y: out f32[8]) on aiv cycles ${r.int(50, 300)}
axis a1 = dense(1)
axis a2 = dense(2)
axis a3 = dense(3)
axis a4 = dense(4)
pipeline p {
${shape.channels.map((c) => `  ${c}`).join("\n")}
${shape.processes.map((c) => `  ${c}`).join("\n")}
}
schedule p on rt { window ${shape.window} }
`;
}

/**
 * Consumers that each hold a task in a scope while they wait for a token, and a producer that
 * submits before it sends, sharing a window about as large as the consumers' scopes: whether it
 * deadlocks depends on who submits first (language §7.3), the kind the witness order is for.
 */
function windowRace(r: Rand): Shape {
  const consumers = r.int(2, 3);
  const replicated = r.chance(0.4);
  const producer = new Body(0, r);
  const v = producer.fresh("i");
  const send = `for ${v} in a${consumers} { ${seq([producer.call(v), ...producer.maybeCall(v), `send c0(${v})`])} }`;
  const consumer = (index: number) => {
    const b = new Body(index, r);
    return `scope { ${seq([b.call("0"), "recv t from c0", ...b.maybeCall("t % 4")])} }`;
  };
  const bodies = replicated
    ? [`process q replicate ${consumers} { ${consumer(1)} }`]
    : Array.from({ length: consumers }, (_, k) => `process q${k} { ${consumer(k + 1)} }`);
  const p = `process p { ${send} }`;
  const at = r.int(0, bodies.length);
  bodies.splice(at, 0, p);
  return { channels: [`channel c0 depth ${r.int(0, 2)}${latency(r)}`], processes: bodies, window: consumers + r.int(0, 1) };
}

/** Random channels between random processes, with scopes, ping-pongs and closes. */
function general(r: Rand): Shape {
  const n = r.int(1, 4);
  const channels = planChannels(r, n);
  const bodies = Array.from({ length: n }, (_, i) => new Body(i, r));
  // Ping-pong: a process that sends on one channel and receives on another, the same number of
  // times, may do both in one loop.
  const paired = new Set<ChannelPlan>();
  for (const out of channels) {
    const into = channels.find((c) => c !== out && !paired.has(c) && c.receiver === out.sender && c.takes === out.sends && c.sends >= out.sends);
    if (paired.has(out) || !into || !r.chance(0.5)) continue;
    paired.add(out);
    paired.add(into);
    bodies[out.sender]!.items.push(pingPong(bodies[out.sender]!, out, into, r));
  }
  for (const c of channels) {
    if (paired.has(c)) continue;
    const receiver = bodies[c.receiver]!;
    bodies[c.sender]!.items.push(sendBlock(bodies[c.sender]!, c, r));
    // A task held by a scope while waiting for a token (the window is shared).
    const take = takeBlock(receiver, c, r);
    receiver.items.push(r.chance(0.3) ? `scope { ${receiver.call("0")}; ${take} }` : take);
  }
  for (const b of bodies) {
    r.shuffle(b.items);
    for (let k = r.int(0, 2); k > 0; k--) b.items.splice(r.int(0, b.items.length), 0, b.call(String(r.int(0, 3))));
    if (r.chance(0.45)) addScope(b, r);
  }
  // An explicit close goes after the sender's last statement that mentions the channel.
  for (const c of channels) {
    if (!c.close) continue;
    const items = bodies[c.sender]!.items;
    let last = -1;
    items.forEach((s, i) => {
      if (new RegExp(`\\b${c.name}\\b`).test(s)) last = i;
    });
    items.splice(last + 1, 0, `close ${c.name}`);
  }
  // Only a process that neither sends nor closes may be replicated (its tokens are shared).
  const replicated = bodies.map((_, p) => !channels.some((c) => c.sender === p) && channels.some((c) => c.receiver === p && c.takes === "consume") && r.chance(0.3));
  return {
    channels: channels.map((c) => `channel ${c.name} depth ${c.depth}${latency(r)}`),
    processes: bodies.map((b, p) => `process p${p}${replicated[p] ? " replicate 2" : ""} { ${b.items.join("; ") || b.call("0")} }`),
    window: r.int(3, 6),
  };
}
