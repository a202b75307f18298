/**
 * Channel state (language §4.8, §7.4, §7.5): a FIFO of u64 tokens with a capacity (0 =
 * rendezvous) and a latency. A token occupies its place from its send until its *pop* — the
 * moment a receiver takes it, which is max(receiver's clock, stamp + latency) — so a full
 * channel's sender resumes at that pop and stamps its token with it.
 *
 * `Channel` is the bookkeeping; `ChannelOps` the operations that move orchestrators.
 */
import type { ChannelEntry } from "../package/types.js";
import type { Engine } from "./engine.js";
import { SimError } from "./errors.js";
import { OS, setCell, type Orch } from "./orchestrator.js";
import { R_EMPTY, R_FULL } from "./pools.js";
import { Op, type Ins } from "./program.js";

export class Channel {
  /** Tokens sent and not yet popped: values (number, or bigint when ≥ 2^53) and availability times. */
  private values: (number | bigint)[] = [];
  private avail: number[] = [];
  /** Receiver of each claimed token (parallel to values). */
  private claimers: number[] = [];
  private head = 0;
  /** Tokens at the head already promised to a receiver, popping at their availability. */
  claimed = 0;
  closed = false;
  /** Sender replicas that have not ended; the channel closes itself when this reaches 0. */
  liveSenders = 0;
  /** Orchestrators waiting to receive, earliest waiter first (ties: orchestrator order). */
  readonly receivers: number[] = [];
  /** Orchestrators waiting to send (full channel or no rendezvous partner), with their tokens. */
  readonly senders: { readonly orch: number; readonly value: number | bigint }[] = [];

  sends = 0;
  receives = 0;
  maxFill = 0;
  fullWaits = 0;
  emptyWaits = 0;

  readonly name: string;
  readonly capacity: number;
  readonly latency: number;

  constructor(readonly index: number, entry: ChannelEntry) {
    this.name = entry.name;
    this.capacity = entry.capacity;
    this.latency = entry.latency;
  }

  /** Tokens in the channel (sent, not popped). */
  get fill(): number {
    return this.values.length - this.head;
  }

  /** Tokens not yet promised to a receiver. */
  get unclaimed(): number {
    return this.fill - this.claimed;
  }

  push(value: number | bigint, availableAt: number): void {
    this.values.push(value);
    this.avail.push(availableAt);
    this.claimers.push(-1);
    this.sends++;
    if (this.fill > this.maxFill) this.maxFill = this.fill;
  }

  /** The next unclaimed token: promises it to `receiver`; returns its value and availability. */
  claim(receiver: number): { value: number | bigint; availableAt: number } {
    const i = this.head + this.claimed++;
    this.claimers[i] = receiver;
    return { value: this.values[i]!, availableAt: this.avail[i]! };
  }

  /** Removes the head token (it must be claimed); returns its value and receiver. */
  pop(): { value: number | bigint; receiver: number } {
    const out = { value: this.values[this.head]!, receiver: this.claimers[this.head]! };
    this.head++;
    this.claimed--;
    this.receives++;
    if (this.head > 1024 && this.head * 2 > this.values.length) {
      this.values = this.values.slice(this.head);
      this.avail = this.avail.slice(this.head);
      this.claimers = this.claimers.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Availability of the head token (claimed or not); Infinity when empty. */
  headAvailable(): number {
    return this.fill > 0 ? this.avail[this.head]! : Infinity;
  }

  /** Whether a receiver will never get another token: closed, drained, no sender waiting. */
  get exhausted(): boolean {
    return this.closed && this.unclaimed === 0 && this.senders.length === 0;
  }
}

/**
 * The channel operations of the orchestrators, with the CSPT time rules (language §7.5):
 * - send at t: room → the token is stamped t and the sender goes on; full (or, for a rendezvous,
 *   no receiver waiting) → the sender waits with its token, which goes in at the pop that frees
 *   a place (stamped then); with depth 0 the hand-off is at max(sender, receiver) and the receiver
 *   goes on `latency` cycles later;
 * - receive at t: the oldest token, popped at max(t, stamp + latency) — the receiver's clock then;
 *   an empty channel makes it wait, the earliest waiter first (ties: orchestrator number);
 * - close: later sends fail; receivers drain what is left, then `consume` ends and `recv` fails.
 */
export class ChannelOps {
  constructor(private readonly e: Engine) {}

  send(o: Orch, ins: Ins): void {
    const e = this.e;
    const c = e.channels[ins.channel]!;
    const value = e.eval.value(o, ins.value!, ins.loc);
    if (c.closed) throw new SimError(`send on channel \`${c.name}\`, which is closed`, ins.loc, o.who);
    e.moved();
    if (c.capacity === 0) {
      const r = c.receivers.shift();
      if (r === undefined) return this.blockSend(o, c, value, ins);
      this.handoff(o, e.orchs[r]!, c, value);
    } else {
      if (c.fill >= c.capacity) return this.blockSend(o, c, value, ins);
      this.pushToken(c, value, o.id);
    }
    o.pc++;
    e.wake(o, e.now);
  }

  private blockSend(o: Orch, c: Channel, value: number | bigint, ins: Ins): void {
    c.fullWaits++;
    c.senders.push({ orch: o.id, value });
    this.e.beginStall(o, R_FULL, ins.loc, c.index, c.fill, 1, c.capacity);
    o.state = OS.Blocked;
  }

  /** A token enters the channel now; a waiting receiver claims it at once. */
  private pushToken(c: Channel, value: number | bigint, sender: number): void {
    const e = this.e;
    c.push(value, e.now + c.latency);
    e.log?.channelOps.push({ channel: c.index, kind: "push", time: e.now, value: BigInt(value), orch: sender, partner: -1 });
    const r = c.receivers.shift();
    if (r !== undefined) this.claimFor(e.orchs[r]!, c);
  }

  /** Rendezvous: the hand-off happens now; the receiver continues after the latency. */
  private handoff(sender: Orch, receiver: Orch, c: Channel, value: number | bigint): void {
    const e = this.e;
    c.sends++;
    c.receives++;
    e.log?.channelOps.push({ channel: c.index, kind: "handoff", time: e.now, value: BigInt(value), orch: sender.id, partner: receiver.id });
    this.deliver(receiver, c, value, e.now + c.latency);
  }

  /** The receiver gets `value` and resumes at `at`. */
  private deliver(r: Orch, c: Channel, value: number | bigint, at: number): void {
    const e = this.e;
    const ins = r.body.code[r.pc]!;
    setCell(r, ins.var, value);
    r.pc++;
    // A token still in flight: the receiver waits (an empty-channel wait) until it arrives.
    if (at > e.now) e.beginStall(r, R_EMPTY, ins.loc, c.index, 0, 1, c.capacity);
    e.wake(r, at);
  }

  /** A receiver takes the next unclaimed token: popped at max(now, its arrival). */
  private claimFor(r: Orch, c: Channel): void {
    const e = this.e;
    const { value, availableAt } = c.claim(r.id);
    const at = Math.max(e.now, availableAt);
    if (at > e.now) e.schedulePop(at, c.index);
    else this.popHead(c);
    this.deliver(r, c, value, at);
  }

  /** The head token leaves the channel now; the first blocked sender's token takes its place. */
  popHead(c: Channel): void {
    const e = this.e;
    const { value, receiver } = c.pop();
    e.moved();
    e.log?.channelOps.push({ channel: c.index, kind: "pop", time: e.now, value: BigInt(value), orch: receiver, partner: -1 });
    const s = c.senders.shift();
    if (s !== undefined) {
      const o = e.orchs[s.orch]!;
      this.pushToken(c, s.value, o.id);
      o.pc++;
      e.wake(o, e.now);
    }
  }

  /** `recv`, or one round of `consume`. */
  receive(o: Orch, ins: Ins): void {
    const e = this.e;
    const c = e.channels[ins.channel]!;
    if (c.unclaimed > 0) {
      e.moved();
      e.endStall(o);
      this.claimFor(o, c);
      return;
    }
    if (c.capacity === 0 && c.senders.length > 0) {
      const s = c.senders.shift()!;
      const sender = e.orchs[s.orch]!;
      e.moved();
      e.endStall(o);
      this.handoff(sender, o, c, s.value);
      sender.pc++;
      e.wake(sender, e.now);
      return;
    }
    if (c.closed) {
      if (ins.op !== Op.ConsumeNext) throw new SimError(`receive from channel \`${c.name}\`, which is closed and empty`, ins.loc, o.who);
      e.endStall(o);
      o.pc = ins.target;
      e.wake(o, e.now);
      return;
    }
    // Empty: wait, earliest waiter first.
    if (o.stallReason !== R_EMPTY) c.emptyWaits++;
    e.beginStall(o, R_EMPTY, ins.loc, c.index, 0, 1, c.capacity);
    o.state = OS.Blocked;
    const w = c.receivers;
    let i = w.length;
    while (i > 0) {
      const x = e.orchs[w[i - 1]!]!;
      if (x.stallSince < o.stallSince || (x.stallSince === o.stallSince && x.id < o.id)) break;
      i--;
    }
    w.splice(i, 0, o.id);
  }

  close(o: Orch, ins: Ins): void {
    const c = this.e.channels[ins.channel]!;
    if (c.closed) throw new SimError(`close of channel \`${c.name}\`, which is already closed`, ins.loc, o.who);
    this.closeChannel(c);
    o.pc++;
    this.e.wake(o, this.e.now);
  }

  /** Closes `c`: receivers waiting on an empty channel learn it (consume ends; recv fails). */
  closeChannel(c: Channel): void {
    const e = this.e;
    c.closed = true;
    e.moved();
    e.log?.closes.push({ channel: c.index, time: e.now });
    if (c.unclaimed > 0 || c.senders.length > 0) return;
    for (const r of c.receivers.splice(0)) {
      const o = e.orchs[r]!;
      e.endStall(o);
      e.wake(o, e.now);
    }
  }

  /** A sender replica ended: a channel whose senders have all ended closes itself. */
  senderEnded(o: Orch): void {
    for (const ci of o.sendsTo) {
      const c = this.e.channels[ci]!;
      if (--c.liveSenders === 0 && !c.closed) this.closeChannel(c);
    }
  }
}
