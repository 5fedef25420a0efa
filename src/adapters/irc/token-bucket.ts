/**
 * Flood control for what the gateway sends to an IRC server.
 *
 * RFC 1459 section 8.10 (and RFC 2813 section 5.8) describe the server side: each client has a
 * message timer that advances by 2 seconds per line and may run at most 10 seconds ahead of real
 * time; a client that goes past it is not read until it falls back ("Excess Flood" quits on many
 * servers). A token bucket keeps us under any such limit: it holds at most `capacity` tokens (the
 * burst), gains `ratePerSecond` tokens per second, and a line may go when a whole token is there
 * (RFC 1459's numbers are a burst of 5 and 0.5 lines per second). Time comes from an injected clock.
 *
 * LineQueue puts lines through a bucket in order: a line goes at once when the queue is empty and a
 * token is there, otherwise it waits behind the others; one timer (injected, setTimeout-like) wakes
 * the queue when the next token is due. Each line can carry a callback that learns when the line was
 * handed to `send` or why it never was (clear(), a throwing send), so a message is never reported as
 * delivered when its line was dropped.
 */
import { GatewayError } from "../../core/errors.js";

/** Milliseconds on some monotonic-enough clock. */
export type Clock = () => number;

/** Calls `callback` after `delayMs`; returns a function that cancels the call. */
export type Schedule = (callback: () => void, delayMs: number) => () => void;

/** Told once what happened to a queued line: undefined when it was sent, else the reason it was not. */
export type LineDone = (error: Error | undefined) => void;

export interface TokenBucketOptions {
  /** The most tokens held: the longest burst. At least 1. */
  readonly capacity: number;
  /** Tokens gained per second. More than 0. */
  readonly ratePerSecond: number;
  /** Date.now by default. */
  readonly now?: Clock;
  /** Tokens at the start; `capacity` by default (a fresh connection may burst). */
  readonly initialTokens?: number;
}

/** setTimeout as a Schedule. */
export const systemSchedule: Schedule = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

export class TokenBucket {
  readonly capacity: number;
  readonly ratePerSecond: number;
  private readonly now: Clock;
  private level: number;
  private updated: number;

  constructor(options: TokenBucketOptions) {
    if (!Number.isFinite(options.capacity) || options.capacity < 1) throw new GatewayError("GW_ERR_INTERNAL", `a token bucket's capacity must be at least 1, not ${options.capacity}`);
    if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond <= 0) {
      throw new GatewayError("GW_ERR_INTERNAL", `a token bucket's rate must be more than 0, not ${options.ratePerSecond}`);
    }
    this.capacity = options.capacity;
    this.ratePerSecond = options.ratePerSecond;
    this.now = options.now ?? Date.now;
    this.level = Math.min(this.capacity, Math.max(0, options.initialTokens ?? this.capacity));
    this.updated = this.now();
  }

  /** The tokens there now (fractional while refilling). */
  get tokens(): number {
    this.refill();
    return this.level;
  }

  /** Takes a token and returns 0 when a line may go now; else takes nothing and returns the milliseconds until one may. */
  take(): number {
    this.refill();
    if (this.level >= 1) {
      this.level -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.level) / this.ratePerSecond) * 1000));
  }

  private refill(): void {
    const now = this.now();
    // A clock that goes back (a test, a wall clock adjusted) refills nothing rather than draining.
    const elapsed = Math.max(0, now - this.updated);
    this.updated = now;
    this.level = Math.min(this.capacity, this.level + (elapsed / 1000) * this.ratePerSecond);
  }
}

export interface LineQueueOptions {
  readonly bucket: TokenBucket;
  /** Writes one line to the connection. If it throws, the line counts as not sent (see enqueue). */
  readonly send: (line: string) => void;
  /** systemSchedule by default. */
  readonly schedule?: Schedule;
  /** enqueue throws GW_ERR_RATE_LIMITED when this many lines wait already; unlimited by default. */
  readonly maxPending?: number;
}

interface QueuedLine {
  readonly line: string;
  readonly done: LineDone | undefined;
}

export class LineQueue {
  private readonly bucket: TokenBucket;
  private readonly send: (line: string) => void;
  private readonly schedule: Schedule;
  private readonly maxPending: number;
  private readonly queue: QueuedLine[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(options: LineQueueOptions) {
    this.bucket = options.bucket;
    this.send = options.send;
    this.schedule = options.schedule ?? systemSchedule;
    this.maxPending = options.maxPending ?? Number.POSITIVE_INFINITY;
  }

  /** Lines waiting for a token. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Sends `line` now if nothing waits and a token is there, else queues it behind the others. `done`
   * hears undefined once the line went to `send`, or an error: the one `send` threw, or
   * GW_ERR_UNAVAILABLE (retryable) when clear() dropped it. Without `done`, an error thrown by `send`
   * propagates (from enqueue, or from the timer) after the queue has moved on to the next line.
   * Throws GW_ERR_RATE_LIMITED (retryable) when maxPending lines wait already.
   */
  enqueue(line: string, done?: LineDone): void {
    if (this.queue.length >= this.maxPending) {
      throw new GatewayError("GW_ERR_RATE_LIMITED", `${this.queue.length} IRC lines are waiting for flood control already`, { retryable: true });
    }
    this.queue.push({ line, done });
    if (this.cancelTimer === undefined) this.drain();
  }

  /** Drops every waiting line (each one's `done` hears GW_ERR_UNAVAILABLE) and stops the timer; returns how many. */
  clear(reason = "the IRC connection closed before the line was sent"): number {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const dropped = this.queue.splice(0);
    for (const { done } of dropped) done?.(new GatewayError("GW_ERR_UNAVAILABLE", reason, { retryable: true }));
    return dropped.length;
  }

  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) return;
      const wait = this.bucket.take();
      if (wait > 0) {
        this.cancelTimer = this.schedule(() => this.resume(), wait);
        return;
      }
      this.queue.shift();
      try {
        this.send(head.line);
      } catch (error: unknown) {
        const failure = error instanceof Error ? error : new GatewayError("GW_ERR_INTERNAL", String(error), { cause: error });
        if (head.done === undefined) {
          if (this.queue.length > 0 && this.cancelTimer === undefined) this.cancelTimer = this.schedule(() => this.resume(), 0);
          throw failure;
        }
        head.done(failure);
        continue;
      }
      head.done?.(undefined);
    }
  }

  private resume(): void {
    this.cancelTimer = undefined;
    this.drain();
  }
}
