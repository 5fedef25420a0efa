/**
 * One phase of traffic (a windowed burst or a paced rate), as both traffic engines keep it: bench/load-generator.ts
 * (native senders and receivers) and bench/xmpp-traffic.ts (pairs of any protocol, also used by bench/irc.ts).
 * Here are the phase's counters and clock, the body every message carries, the check of each receipt (exactly
 * once, in order, latency on one clock) and the PhaseResult a phase ends with, so that every bench counts and
 * times its messages the same way.
 *
 * A body is "<phase>:<stream>:<seq>:<performance.now() at sending>:filler", a stream being one sender and its
 * receiver; sender and receiver live in the generator process, so latency is measured on one clock.
 */
import { performance } from "node:perf_hooks";
import type { TimedPhase } from "./phase-timing.js";

/** Makes each body about 90 bytes: a typical chat line. */
const FILLER = "the quick brown fox jumps over the lazy dog";

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface PhaseResult {
  readonly expected: number;
  readonly sent: number;
  readonly acked: number;
  readonly errors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** Receipts from another sender or an earlier phase, and frames that were not messages. */
  readonly stray: number;
  /** From the first send to the last receipt. */
  readonly seconds: number;
  readonly deliveredPerSecond: number;
  readonly complete: boolean;
  readonly latency?: LatencySummary;
  /** Paced phases: the largest delay of a send behind its schedule. */
  readonly pacerLagMs?: number;
}

export function summarize(values: Float64Array): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** The counters and clock of one phase over all its streams. */
export class TrafficPhase implements TimedPhase {
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
    /** Messages each stream sends. */
    readonly perStream: number,
    /** Messages a stream may have in flight; 0: only the pacer sends. */
    readonly window: number,
    streams: number,
    measureLatency: boolean,
  ) {
    this.expected = perStream * streams;
    this.latencies = measureLatency ? new Float64Array(this.expected) : undefined;
  }

  error(code: string): void {
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
  }

  /** The body of message `seq` of stream `stream`, stamped with the time of sending now. */
  body(stream: number, seq: number): string {
    const now = performance.now();
    if (this.firstSendAt === 0) this.firstSendAt = now;
    return `${this.id}:${stream}:${seq}:${now.toFixed(3)}:${FILLER}`;
  }
}

/** What the receiver of one stream saw in the current phase. */
export class StreamReceipts {
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  stray = 0;
  private seen = new Uint8Array(0);
  private highest = -1;

  protected resetReceipts(perStream: number): void {
    this.seen = new Uint8Array(perStream);
    this.delivered = 0;
    this.duplicated = 0;
    this.reordered = 0;
    this.stray = 0;
    this.highest = -1;
  }

  /**
   * Checks a body received at `now` by the receiver of stream `stream`: counted as stray (another phase or
   * stream), duplicated, or delivered (and reordered when an earlier message came after a later one); a delivered
   * message counts in the phase and its latency is recorded. True when it was delivered.
   */
  protected receipt(phase: TrafficPhase, stream: number, body: string, now: number): boolean {
    const a = body.indexOf(":");
    const b = body.indexOf(":", a + 1);
    const c = body.indexOf(":", b + 1);
    const d = body.indexOf(":", c + 1);
    const phaseId = Number(body.slice(0, a));
    const sender = Number(body.slice(a + 1, b));
    const seq = Number(body.slice(b + 1, c));
    if (phaseId !== phase.id || sender !== stream || !(seq >= 0 && seq < phase.perStream)) {
      this.stray++;
      return false;
    }
    if (this.seen[seq] === 1) {
      this.duplicated++;
      return false;
    }
    this.seen[seq] = 1;
    if (seq < this.highest) this.reordered++;
    else this.highest = seq;
    this.delivered++;
    phase.delivered++;
    phase.progress++;
    phase.lastReceiptAt = now;
    if (phase.latencies) phase.latencies[phase.latencyCount++] = now - Number(body.slice(c + 1, d));
    return true;
  }
}

/** What the senders of a phase did, summed. */
export interface SendCounts {
  readonly sent: number;
  readonly acked: number;
  readonly errors: number;
}

/** The result of a finished phase from its counters, its senders' counts and its receivers' receipts. */
export function phaseResult(phase: TrafficPhase, senders: SendCounts, receipts: readonly StreamReceipts[]): PhaseResult {
  const sum = (value: (receipts: StreamReceipts) => number): number => receipts.reduce((total, item) => total + value(item), 0);
  const seconds = (phase.lastReceiptAt - phase.firstSendAt) / 1000;
  return {
    expected: phase.expected,
    sent: senders.sent,
    acked: senders.acked,
    errors: senders.errors,
    errorCodes: phase.errorCodes,
    delivered: phase.delivered,
    lost: senders.sent - phase.delivered,
    duplicated: sum((r) => r.duplicated),
    reordered: sum((r) => r.reordered),
    stray: sum((r) => r.stray),
    seconds,
    deliveredPerSecond: seconds > 0 ? phase.delivered / seconds : 0,
    complete: phase.delivered === phase.expected,
    ...(phase.latencies ? { latency: summarize(phase.latencies.subarray(0, phase.latencyCount)), pacerLagMs: phase.pacerLagMs } : {}),
  };
}
