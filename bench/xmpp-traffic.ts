/**
 * Traffic over any mix of native and XMPP clients for bench/xmpp.ts: a path is a list of pairs, each a sender
 * endpoint with a way of sending a body, and a receiver endpoint. Phases are a windowed burst (throughput) or a
 * paced rate (latency), as in bench/load-generator.ts, with one difference: XMPP has no per-message answer, so
 * the window is end to end on every path (a sender keeps at most `window` messages sent and not yet received),
 * which measures all paths alike.
 *
 * A body is "<phase>:<pair>:<seq>:<performance.now()>:filler"; the receiver checks that every message of its
 * pair arrived exactly once and in order, and measures send-to-receipt latency on the same clock.
 */
import { performance } from "node:perf_hooks";
import { pace, settle } from "./phase-timing.js";
import type { RawData, WebSocket } from "ws";
import { summarize, type PhaseResult } from "./load-generator.js";
import { attribute, bodyOf, xmlEscape, type XmppWire } from "./xmpp-wire.js";

/** Makes each body about 90 bytes, as in the native bench. */
const FILLER = "the quick brown fox jumps over the lazy dog";
const OK_PREFIX = '{"type":"ok"';

class Phase {
  readonly expected: number;
  readonly latencies: Float64Array | undefined;
  latencyCount = 0;
  delivered = 0;
  progress = 0;
  firstSendAt = 0;
  lastReceiptAt = 0;
  pacerLagMs = 0;
  readonly errorCodes: Record<string, number> = {};
  finish: () => void = () => undefined;

  constructor(
    readonly id: number,
    readonly perPair: number,
    readonly window: number,
    pairs: number,
    measureLatency: boolean,
  ) {
    this.expected = perPair * pairs;
    this.latencies = measureLatency ? new Float64Array(this.expected) : undefined;
  }

  error(code: string): void {
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
  }
}

/** One client connection of either protocol: routes what it receives to the pair it serves in the current phase. */
export abstract class Endpoint {
  /** The pair this endpoint receives for in the current phase. */
  receiving: Pair | undefined;
  /** The pair this endpoint sends for in the current phase (answers and errors are counted there). */
  sending: Pair | undefined;
  /** Bodies received while not a receiver: MUC reflections of the sender's own messages, for instance. */
  unrouted = 0;

  protected onBody(body: string, now: number): void {
    const pair = this.receiving;
    if (pair) pair.receive(body, now);
    else this.unrouted++;
  }

  protected onError(code: string): void {
    const pair = this.sending;
    if (!pair?.phase) return;
    pair.errors++;
    pair.phase.error(code);
    pair.phase.progress++;
  }

  protected onAnswer(): void {
    const pair = this.sending;
    if (!pair?.phase) return;
    pair.acked++;
    pair.phase.progress++;
  }
}

interface NativeFrame {
  readonly type?: unknown;
  readonly code?: unknown;
  readonly message?: { readonly body?: unknown };
}

/** A logged-in native session (raw ws, see load-generator.ts openSession). */
export class NativeEndpoint extends Endpoint {
  constructor(readonly socket: WebSocket) {
    super();
    socket.on("message", (data: RawData) => this.onFrame(String(data)));
  }

  /** `message.send` to an address, e.g. "xmpp:bob@localhost". */
  directTo(address: string): (body: string) => void {
    const head = `{"type":"message.send","to":${JSON.stringify(address)},"body":"`;
    return (body) => this.socket.send(`${head}${body}"}`);
  }

  /** `room.send` to a room reference, e.g. "lobby". */
  roomSend(room: string): (body: string) => void {
    const head = `{"type":"room.send","room":${JSON.stringify(room)},"body":"`;
    return (body) => this.socket.send(`${head}${body}"}`);
  }

  private onFrame(text: string): void {
    const now = performance.now();
    if (text.startsWith(OK_PREFIX)) return this.onAnswer();
    const frame = JSON.parse(text) as NativeFrame;
    if (frame.type === "message") {
      const body = frame.message?.body;
      if (typeof body === "string") this.onBody(body, now);
    } else if (frame.type === "error") {
      this.onError(typeof frame.code === "string" ? frame.code : "unknown");
    }
  }
}

/** A logged-in XMPP session (bench/xmpp-wire.ts). */
export class XmppEndpoint extends Endpoint {
  /** Stanzas other than messages with a body (presence, subject, iq), counted. */
  other = 0;

  constructor(readonly wire: XmppWire) {
    super();
    wire.onStanza = (stanza) => this.onStanza(stanza);
  }

  /** A chat (or groupchat) message to a JID; the id is the sequence number. */
  messageTo(jid: string, type: "chat" | "groupchat"): (body: string, seq: number) => void {
    const head = `<message to='${xmlEscape(jid)}' type='${type}' id='`;
    return (body, seq) => this.wire.send(`${head}${seq}'><body>${body}</body></message>`);
  }

  private onStanza(stanza: string): void {
    const now = performance.now();
    if (!stanza.startsWith("<message")) return void this.other++;
    if (attribute(stanza, "type") === "error") {
      const condition = /<error[^>]*>\s*<([a-z-]+)/.exec(stanza)?.[1] ?? "unknown";
      return this.onError(`xmpp:${condition}`);
    }
    const body = bodyOf(stanza);
    if (body === undefined) return void this.other++;
    this.onBody(body, now);
  }
}

export class Pair {
  phase: Phase | undefined;
  sent = 0;
  acked = 0;
  errors = 0;
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  stray = 0;
  private seen = new Uint8Array(0);
  private highest = -1;

  constructor(
    readonly index: number,
    readonly sender: Endpoint,
    readonly receiver: Endpoint,
    private readonly transmit: (body: string, seq: number) => void,
  ) {}

  reset(phase: Phase | undefined): void {
    this.phase = phase;
    this.sent = 0;
    this.acked = 0;
    this.errors = 0;
    this.delivered = 0;
    this.duplicated = 0;
    this.reordered = 0;
    this.stray = 0;
    this.highest = -1;
    this.seen = new Uint8Array(phase?.perPair ?? 0);
    this.sender.sending = phase ? this : undefined;
    this.receiver.receiving = phase ? this : undefined;
  }

  sendOne(phase: Phase): void {
    const seq = this.sent++;
    const now = performance.now();
    if (phase.firstSendAt === 0) phase.firstSendAt = now;
    this.transmit(`${phase.id}:${this.index}:${seq}:${now.toFixed(3)}:${FILLER}`, seq);
  }

  /** Sends while fewer than `window` messages are in flight (sent, not yet received). */
  pump(): void {
    const phase = this.phase;
    if (!phase || phase.window === 0) return;
    while (this.sent < phase.perPair && this.sent - this.delivered < phase.window) this.sendOne(phase);
  }

  receive(body: string, now: number): void {
    const phase = this.phase;
    if (!phase) return;
    const a = body.indexOf(":");
    const b = body.indexOf(":", a + 1);
    const c = body.indexOf(":", b + 1);
    const d = body.indexOf(":", c + 1);
    const phaseId = Number(body.slice(0, a));
    const pair = Number(body.slice(a + 1, b));
    const seq = Number(body.slice(b + 1, c));
    if (phaseId !== phase.id || pair !== this.index || !(seq >= 0 && seq < phase.perPair)) return void this.stray++;
    if (this.seen[seq] === 1) return void this.duplicated++;
    this.seen[seq] = 1;
    if (seq < this.highest) this.reordered++;
    else this.highest = seq;
    this.delivered++;
    phase.delivered++;
    phase.progress++;
    phase.lastReceiptAt = now;
    if (phase.latencies) phase.latencies[phase.latencyCount++] = now - Number(body.slice(c + 1, d));
    if (phase.delivered === phase.expected) phase.finish();
    else this.pump();
  }
}

/** The pairs of one path, driven in phases. */
export class PathTraffic {
  private static nextPhaseId = 1;

  constructor(readonly pairs: readonly Pair[]) {
    const senders = new Set(pairs.map((pair) => pair.sender));
    const receivers = new Set(pairs.map((pair) => pair.receiver));
    if (senders.size !== pairs.length || receivers.size !== pairs.length) throw new Error("each pair needs its own sender and receiver");
  }

  /** Every pair sends `perPair` messages as fast as an end-to-end window of `window` allows. */
  burst(perPair: number, window: number, stallMs: number): Promise<PhaseResult> {
    const phase = this.begin(perPair, window, false);
    for (const pair of this.pairs) pair.pump();
    return this.settle(phase, stallMs);
  }

  /** `rate` messages a second in total, round-robin over the pairs, for `seconds`; measures latency. */
  paced(rate: number, seconds: number, stallMs: number): Promise<PhaseResult> {
    const perPair = Math.max(1, Math.round((rate * seconds) / this.pairs.length));
    const phase = this.begin(perPair, 0, true);
    pace(phase, phase.expected, rate, (k) => (this.pairs[k % this.pairs.length] as Pair).sendOne(phase));
    return this.settle(phase, stallMs);
  }

  private begin(perPair: number, window: number, measureLatency: boolean): Phase {
    const phase = new Phase(PathTraffic.nextPhaseId++, perPair, window, this.pairs.length, measureLatency);
    for (const pair of this.pairs) pair.reset(phase);
    return phase;
  }

  /** Resolves when every message arrived, or when nothing moved (no answer, no receipt) for `stallMs`. */
  private settle(phase: Phase, stallMs: number): Promise<PhaseResult> {
    return settle(phase, stallMs, () => this.result(phase));
  }

  private result(phase: Phase): PhaseResult {
    const sum = (value: (pair: Pair) => number): number => this.pairs.reduce((total, pair) => total + value(pair), 0);
    const sent = sum((p) => p.sent);
    const result: PhaseResult = {
      expected: phase.expected,
      sent,
      acked: sum((p) => p.acked),
      errors: sum((p) => p.errors),
      errorCodes: phase.errorCodes,
      delivered: phase.delivered,
      lost: sent - phase.delivered,
      duplicated: sum((p) => p.duplicated),
      reordered: sum((p) => p.reordered),
      stray: sum((p) => p.stray),
      seconds: (phase.lastReceiptAt - phase.firstSendAt) / 1000,
      deliveredPerSecond: phase.lastReceiptAt > phase.firstSendAt ? (1000 * phase.delivered) / (phase.lastReceiptAt - phase.firstSendAt) : 0,
      complete: phase.delivered === phase.expected,
      ...(phase.latencies ? { latency: summarize(phase.latencies.subarray(0, phase.latencyCount)), pacerLagMs: phase.pacerLagMs } : {}),
    };
    for (const pair of this.pairs) pair.reset(undefined);
    return result;
  }
}
