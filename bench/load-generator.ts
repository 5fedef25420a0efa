/**
 * The load generator of bench/native-direct.ts: raw `ws` clients of the native protocol, lean on purpose (one
 * string built per message sent, one JSON.parse per message received, typed arrays for bookkeeping), because on a
 * 2-core machine the generator shares the CPU with the server it measures. Sessions are opened with
 * bench/native-session.ts.
 *
 * Each sender talks to one receiver, and a message counts as acknowledged when the server answers it. Bodies,
 * the check of each receipt and the phase's result are bench/traffic-phase.ts's, as in the other benches.
 */
import { performance } from "node:perf_hooks";
import { runBurst, runPaced } from "./phase-timing.js";
import { phaseResult, StreamReceipts, TrafficPhase, type PhaseResult } from "./traffic-phase.js";
import type { WebSocket } from "ws";

const OK_PREFIX = Buffer.from('{"type":"ok"');

interface AnyFrame {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly code?: unknown;
  readonly body?: unknown;
  readonly message?: { readonly body?: unknown };
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

class SenderSlot {
  phase: TrafficPhase | undefined;
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

  reset(phase: TrafficPhase): void {
    this.phase = phase;
    this.sent = 0;
    this.acked = 0;
    this.errors = 0;
  }

  sendOne(phase: TrafficPhase): void {
    const seq = this.sent++;
    this.socket.send(`${this.head}${phase.body(this.index, seq)}","id":"${seq}"}`);
  }

  /** Sends while fewer than `window` messages are unacknowledged. */
  pump(): void {
    const phase = this.phase;
    if (!phase) return;
    while (this.sent < phase.perStream && this.sent - this.acked < phase.window) this.sendOne(phase);
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
      phase.error(typeof frame.code === "string" ? frame.code : "unknown");
    }
    phase.progress++;
    this.pump();
  }
}

class ReceiverSlot extends StreamReceipts {
  phase: TrafficPhase | undefined;

  constructor(
    readonly index: number,
    socket: WebSocket,
  ) {
    super();
    socket.on("message", (data) => this.onFrame(data as Buffer));
  }

  reset(phase: TrafficPhase): void {
    this.phase = phase;
    this.resetReceipts(phase.perStream);
  }

  private onFrame(data: Buffer): void {
    const now = performance.now();
    const phase = this.phase;
    if (!phase) return;
    const frame = JSON.parse(String(data)) as AnyFrame;
    // Switchboard pushes {"type":"message","message":{...}}; the baseline relay forwards the sender's frame.
    const body = frame.type === "message" ? frame.message?.body : frame.type === "message.send" ? frame.body : undefined;
    if (typeof body !== "string") return void this.stray++;
    if (this.receipt(phase, this.index, body, now) && phase.delivered === phase.expected) phase.finish();
  }
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
    return runBurst(phase, this.senders, stallMs, () => this.result(phase));
  }

  /**
   * Sends `rate` messages a second in total, round-robin over the senders, for `seconds`; measures latency.
   * Resolves when every message arrived, or when nothing moved (no answer, no receipt) for `stallMs`.
   */
  paced(rate: number, seconds: number, stallMs: number): Promise<PhaseResult> {
    // Window 0: answers never trigger sends; only the pacer sends.
    const phase = this.begin(Math.round((rate * seconds) / this.senders.length), 0, true);
    return runPaced(phase, rate, this.senders, stallMs, () => this.result(phase));
  }

  private begin(perSender: number, window: number, measureLatency: boolean): TrafficPhase {
    const phase = new TrafficPhase(this.nextPhaseId++, perSender, window, this.senders.length, measureLatency);
    for (const sender of this.senders) sender.reset(phase);
    for (const receiver of this.receivers) receiver.reset(phase);
    return phase;
  }

  private result(phase: TrafficPhase): PhaseResult {
    const sum = (value: (sender: SenderSlot) => number): number => this.senders.reduce((total, sender) => total + value(sender), 0);
    for (const sender of this.senders) sender.phase = undefined;
    for (const receiver of this.receivers) receiver.phase = undefined;
    return phaseResult(phase, { sent: sum((s) => s.sent), acked: sum((s) => s.acked), errors: sum((s) => s.errors) }, this.receivers);
  }
}
