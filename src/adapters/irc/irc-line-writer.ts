/**
 * The outgoing side of one IRC connection: lines through flood control (token-bucket.ts LineQueue, whose
 * reasoning is RFC 1459 section 8.10) or, for PONG and QUIT, straight to the socket, each with a callback
 * that learns when its line was written to the socket or why it never was.
 *
 * LineQueue reports "handed to send", not "written": so the send function given to it takes the oldest
 * waiting entry (the queue keeps order) and writes with a socket callback, and entries dropped by
 * LineQueue.clear() (or by a send that throws) hear the queue's error.
 */
import { GatewayError } from "../../core/errors.js";
import { LineQueue, TokenBucket, type Clock, type Schedule } from "./token-bucket.js";

/** Told once what became of a line: undefined when it was written to the socket. */
export type SendDone = (error?: GatewayError) => void;

export interface IrcLineWriterOptions {
  readonly flood: { readonly burst: number; readonly linesPerSecond: number };
  readonly clock?: Clock;
  readonly schedule?: Schedule;
  readonly maxPending: number;
  /** Writes a line (CR LF added) to the socket; the callback hears the socket's verdict. */
  readonly write: (line: string, callback: (error?: Error | null) => void) => void;
  readonly isConnected: () => boolean;
  /** Calls a user's callback so that it can never throw into the caller. */
  readonly call: (what: string, action: () => void) => void;
  /** Told about a line that failed with nobody's callback to hear it. */
  readonly unheard: (error: GatewayError) => void;
}

interface Entry {
  readonly done: SendDone | undefined;
  settled: boolean;
}

function closedError(reason = "the IRC connection is closed"): GatewayError {
  return new GatewayError("GW_ERR_UNAVAILABLE", reason, { retryable: true });
}

export class IrcLineWriter {
  private readonly queue: LineQueue;
  private waiting: Entry[] = [];

  constructor(private readonly options: IrcLineWriterOptions) {
    const bucket = new TokenBucket({ capacity: options.flood.burst, ratePerSecond: options.flood.linesPerSecond, ...(options.clock ? { now: options.clock } : {}) });
    this.queue = new LineQueue({ bucket, send: (line) => this.sendQueued(line), maxPending: options.maxPending, ...(options.schedule ? { schedule: options.schedule } : {}) });
  }

  /** Lines waiting for a token. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Queues `line` behind the others; throws GW_ERR_RATE_LIMITED when too many wait. */
  enqueue(line: string, done?: SendDone): void {
    const entry: Entry = { done, settled: false };
    this.waiting.push(entry);
    try {
      this.queue.enqueue(line, (error) => {
        if (error !== undefined) this.settle(entry, error);
      });
    } catch (error: unknown) {
      this.waiting.pop();
      throw error;
    }
  }

  /** Writes `line` now, past flood control. */
  writeNow(line: string, done?: SendDone): void {
    this.write(line, { done, settled: false });
  }

  /** Drops every waiting line; each callback hears GW_ERR_UNAVAILABLE (retryable) with `reason`. */
  dropAll(reason: string): void {
    this.queue.clear(reason);
    for (const entry of this.waiting.splice(0)) this.settle(entry, closedError(reason));
  }

  private sendQueued(line: string): void {
    const entry = this.waiting.shift() ?? { done: undefined, settled: false };
    if (!this.options.isConnected()) {
      const error = closedError();
      this.settle(entry, error);
      throw error;
    }
    this.write(line, entry);
  }

  private write(line: string, entry: Entry): void {
    if (!this.options.isConnected()) {
      this.settle(entry, closedError());
      return;
    }
    this.options.write(line, (error) => this.settle(entry, error ?? undefined));
  }

  private settle(entry: Entry, error: Error | undefined): void {
    if (entry.settled) return;
    entry.settled = true;
    const failure =
      error === undefined ? undefined : error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", `the IRC line was not written: ${error.message}`, { retryable: true, cause: error });
    const done = entry.done;
    if (done === undefined) {
      if (failure !== undefined) this.options.unheard(failure);
      return;
    }
    this.options.call("a send callback", () => done(failure));
  }
}
