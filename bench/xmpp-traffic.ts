/**
 * Traffic over any mix of native and XMPP clients for bench/xmpp.ts (and, with bench/irc-traffic.ts, for
 * bench/irc.ts): a path is a list of pairs, each a sender endpoint with a way of sending a body, and a receiver
 * endpoint. Phases are a windowed burst (throughput) or a paced rate (latency), as in bench/load-generator.ts, with
 * one difference: XMPP has no per-message answer, so the window is end to end on every path (a sender keeps at
 * most `window` messages sent and not yet received), which measures all paths alike.
 *
 * Bodies, the check of each receipt (exactly once, in order, latency on one clock) and the phase's result are
 * bench/traffic-phase.ts's, as in the native bench.
 */
import { performance } from "node:perf_hooks";
import { runBurst, runPaced } from "./phase-timing.js";
import type { RawData, WebSocket } from "ws";
import { phaseResult, StreamReceipts, TrafficPhase, type PhaseResult } from "./traffic-phase.js";
import { attribute, bodyOf, xmlEscape, type XmppWire } from "./xmpp-wire.js";

const OK_PREFIX = '{"type":"ok"';

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

export class Pair extends StreamReceipts {
  phase: TrafficPhase | undefined;
  sent = 0;
  acked = 0;
  errors = 0;

  constructor(
    readonly index: number,
    readonly sender: Endpoint,
    readonly receiver: Endpoint,
    private readonly transmit: (body: string, seq: number) => void,
  ) {
    super();
  }

  reset(phase: TrafficPhase | undefined): void {
    this.phase = phase;
    this.sent = 0;
    this.acked = 0;
    this.errors = 0;
    this.resetReceipts(phase?.perStream ?? 0);
    this.sender.sending = phase ? this : undefined;
    this.receiver.receiving = phase ? this : undefined;
  }

  sendOne(phase: TrafficPhase): void {
    const seq = this.sent++;
    this.transmit(phase.body(this.index, seq), seq);
  }

  /** Sends while fewer than `window` messages are in flight (sent, not yet received). */
  pump(): void {
    const phase = this.phase;
    if (!phase || phase.window === 0) return;
    while (this.sent < phase.perStream && this.sent - this.delivered < phase.window) this.sendOne(phase);
  }

  receive(body: string, now: number): void {
    const phase = this.phase;
    if (!phase || !this.receipt(phase, this.index, body, now)) return;
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
    return runBurst(phase, this.pairs, stallMs, () => this.result(phase));
  }

  /**
   * `rate` messages a second in total, round-robin over the pairs, for `seconds`; measures latency. Resolves when
   * every message arrived, or when nothing moved (no answer, no receipt) for `stallMs`.
   */
  paced(rate: number, seconds: number, stallMs: number): Promise<PhaseResult> {
    const phase = this.begin(Math.max(1, Math.round((rate * seconds) / this.pairs.length)), 0, true);
    return runPaced(phase, rate, this.pairs, stallMs, () => this.result(phase));
  }

  private begin(perPair: number, window: number, measureLatency: boolean): TrafficPhase {
    const phase = new TrafficPhase(PathTraffic.nextPhaseId++, perPair, window, this.pairs.length, measureLatency);
    for (const pair of this.pairs) pair.reset(phase);
    return phase;
  }

  private result(phase: TrafficPhase): PhaseResult {
    const sum = (value: (pair: Pair) => number): number => this.pairs.reduce((total, pair) => total + value(pair), 0);
    const result = phaseResult(phase, { sent: sum((p) => p.sent), acked: sum((p) => p.acked), errors: sum((p) => p.errors) }, this.pairs);
    for (const pair of this.pairs) pair.reset(undefined);
    return result;
  }
}
