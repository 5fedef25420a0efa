/**
 * The load generator: raw `ws` clients of the native protocol, lean on purpose (one string built per message
 * sent, one JSON.parse per message received, typed arrays for bookkeeping), because on a 2-core machine the
 * generator shares the CPU with the server it measures.
 *
 * Each sender talks to one receiver. A message body carries "<phase>:<sender>:<seq>:<performance.now()>:filler",
 * so the receiver checks that every message of its sender arrived exactly once and in order, and measures
 * send-to-receipt latency on the same clock (sender and receiver live in this process).
 */
import { performance } from "node:perf_hooks";
import { pace, settle } from "./phase-timing.js";
import { WebSocket, type RawData } from "ws";

/** Makes each body about 90 bytes: a typical chat line. */
const FILLER = "the quick brown fox jumps over the lazy dog";
const HANDSHAKE_TIMEOUT_MS = 15_000;
const OK_PREFIX = Buffer.from('{"type":"ok"');

interface AnyFrame {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly code?: unknown;
  readonly body?: unknown;
  readonly message?: { readonly body?: unknown };
}

/** Connects, says hello and logs in (both frames pipelined); resolves with the open socket. */
export function openSession(url: string, user: string, password: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const timer = setTimeout(() => fail(new Error(`${user}: no session within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    let answers = 0;
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    }
    socket.on("error", (error) => fail(error));
    socket.once("open", () => {
      socket.send('{"type":"hello","version":1,"id":"hello"}');
      socket.send(JSON.stringify({ type: "login", user, password, id: "login" }));
    });
    const onMessage = (data: RawData): void => {
      const frame = JSON.parse(String(data)) as AnyFrame;
      if (frame.id !== "hello" && frame.id !== "login") return;
      if (frame.type !== "ok") return fail(new Error(`${user}: ${String(frame.id)} refused: ${String(data)}`));
      if (++answers < 2) return;
      clearTimeout(timer);
      socket.off("message", onMessage);
      resolve(socket);
    };
    socket.on("message", onMessage);
  });
}

/** Opens sessions for all `users` with at most `concurrency` handshakes at a time, in the order given. */
export async function openSessions(url: string, users: readonly string[], password: string, concurrency: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array<WebSocket>(users.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const index = next++;
      sockets[index] = await openSession(url, users[index] as string, password);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  return sockets;
}

/** Counts what idle clients receive (they should receive nothing) and connections lost during the run. */
export class IdleWatch {
  frames = 0;
  closed = 0;

  watch(sockets: readonly WebSocket[]): void {
    for (const socket of sockets) {
      socket.on("message", () => this.frames++);
      socket.on("close", () => this.closed++);
      socket.on("error", () => undefined);
    }
  }
}

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
    readonly perSender: number,
    readonly window: number,
    senders: number,
    measureLatency: boolean,
  ) {
    this.expected = perSender * senders;
    this.latencies = measureLatency ? new Float64Array(this.expected) : undefined;
  }
}

class SenderSlot {
  phase: Phase | undefined;
  sent = 0;
  acked = 0;
  errors = 0;
  private readonly head: string;

  constructor(
    readonly index: number,
    readonly socket: WebSocket,
    to: string,
  ) {
    this.head = `{"type":"message.send","to":"${to}","body":"`;
    socket.on("message", (data) => this.onFrame(data as Buffer));
  }

  reset(phase: Phase): void {
    this.phase = phase;
    this.sent = 0;
    this.acked = 0;
    this.errors = 0;
  }

  sendOne(phase: Phase): void {
    const seq = this.sent++;
    const now = performance.now();
    if (phase.firstSendAt === 0) phase.firstSendAt = now;
    this.socket.send(`${this.head}${phase.id}:${this.index}:${seq}:${now.toFixed(3)}:${FILLER}","id":"${seq}"}`);
  }

  /** Sends while fewer than `window` messages are unacknowledged. */
  pump(): void {
    const phase = this.phase;
    if (!phase) return;
    while (this.sent < phase.perSender && this.sent - this.acked < phase.window) this.sendOne(phase);
  }

  private onFrame(data: Buffer): void {
    const phase = this.phase;
    if (!phase) return;
    // Fast path: both servers write "type" first, so an ok answer starts with {"type":"ok".
    if (data.length > OK_PREFIX.length && OK_PREFIX.compare(data, 0, OK_PREFIX.length) === 0) {
      this.acked++;
    } else {
      const frame = JSON.parse(String(data)) as AnyFrame;
      if (frame.type !== "error") return;
      this.acked++;
      this.errors++;
      const code = typeof frame.code === "string" ? frame.code : "unknown";
      phase.errorCodes[code] = (phase.errorCodes[code] ?? 0) + 1;
    }
    phase.progress++;
    this.pump();
  }
}

class ReceiverSlot {
  phase: Phase | undefined;
  private seen = new Uint8Array(0);
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  stray = 0;
  private highest = -1;

  constructor(
    readonly index: number,
    socket: WebSocket,
  ) {
    socket.on("message", (data) => this.onFrame(data as Buffer));
  }

  reset(phase: Phase): void {
    this.phase = phase;
    this.seen = new Uint8Array(phase.perSender);
    this.delivered = 0;
    this.duplicated = 0;
    this.reordered = 0;
    this.stray = 0;
    this.highest = -1;
  }

  private onFrame(data: Buffer): void {
    const now = performance.now();
    const phase = this.phase;
    if (!phase) return;
    const frame = JSON.parse(String(data)) as AnyFrame;
    // Switchboard pushes {"type":"message","message":{...}}; the baseline relay forwards the sender's frame.
    const body = frame.type === "message" ? frame.message?.body : frame.type === "message.send" ? frame.body : undefined;
    if (typeof body !== "string") return void this.stray++;
    const a = body.indexOf(":");
    const b = body.indexOf(":", a + 1);
    const c = body.indexOf(":", b + 1);
    const d = body.indexOf(":", c + 1);
    const phaseId = Number(body.slice(0, a));
    const sender = Number(body.slice(a + 1, b));
    const seq = Number(body.slice(b + 1, c));
    if (phaseId !== phase.id || sender !== this.index || !(seq >= 0 && seq < phase.perSender)) return void this.stray++;
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
  }
}

export function summarize(values: Float64Array): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Drives senders[i] -> receivers[i] in phases: a windowed burst, or a paced rate. */
export class Traffic {
  private readonly senders: SenderSlot[];
  private readonly receivers: ReceiverSlot[];
  private nextPhaseId = 1;

  constructor(senderSockets: readonly WebSocket[], receiverSockets: readonly WebSocket[], receiverAddresses: readonly string[]) {
    if (senderSockets.length !== receiverSockets.length || receiverSockets.length !== receiverAddresses.length) throw new Error("one receiver per sender");
    this.senders = senderSockets.map((socket, index) => new SenderSlot(index, socket, receiverAddresses[index] as string));
    this.receivers = receiverSockets.map((socket, index) => new ReceiverSlot(index, socket));
  }

  /** Every sender sends `perSender` messages as fast as a window of `window` unacknowledged ones allows. */
  burst(perSender: number, window: number, stallMs: number): Promise<PhaseResult> {
    const phase = this.begin(perSender, window, false);
    for (const sender of this.senders) sender.pump();
    return this.settle(phase, stallMs);
  }

  /** Sends `rate` messages a second in total, round-robin over the senders, for `seconds`; measures latency. */
  paced(rate: number, seconds: number, stallMs: number): Promise<PhaseResult> {
    const perSender = Math.round((rate * seconds) / this.senders.length);
    // Window 0: answers never trigger sends; only the pacer sends.
    const phase = this.begin(perSender, 0, true);
    pace(phase, phase.expected, rate, (k) => (this.senders[k % this.senders.length] as SenderSlot).sendOne(phase));
    return this.settle(phase, stallMs);
  }

  private begin(perSender: number, window: number, measureLatency: boolean): Phase {
    const phase = new Phase(this.nextPhaseId++, perSender, window, this.senders.length, measureLatency);
    for (const sender of this.senders) sender.reset(phase);
    for (const receiver of this.receivers) receiver.reset(phase);
    return phase;
  }

  /** Resolves when every message arrived, or when nothing moved (no answer, no receipt) for `stallMs`. */
  private settle(phase: Phase, stallMs: number): Promise<PhaseResult> {
    return settle(phase, stallMs, () => this.result(phase));
  }

  private result(phase: Phase): PhaseResult {
    const sum = <T>(items: readonly T[], value: (item: T) => number): number => items.reduce((total, item) => total + value(item), 0);
    for (const sender of this.senders) sender.phase = undefined;
    for (const receiver of this.receivers) receiver.phase = undefined;
    const sent = sum(this.senders, (s) => s.sent);
    const seconds = (phase.lastReceiptAt - phase.firstSendAt) / 1000;
    return {
      expected: phase.expected,
      sent,
      acked: sum(this.senders, (s) => s.acked),
      errors: sum(this.senders, (s) => s.errors),
      errorCodes: phase.errorCodes,
      delivered: phase.delivered,
      lost: sent - phase.delivered,
      duplicated: sum(this.receivers, (r) => r.duplicated),
      reordered: sum(this.receivers, (r) => r.reordered),
      stray: sum(this.receivers, (r) => r.stray),
      seconds,
      deliveredPerSecond: seconds > 0 ? phase.delivered / seconds : 0,
      complete: phase.delivered === phase.expected,
      ...(phase.latencies ? { latency: summarize(phase.latencies.subarray(0, phase.latencyCount)), pacerLagMs: phase.pacerLagMs } : {}),
    };
  }
}
