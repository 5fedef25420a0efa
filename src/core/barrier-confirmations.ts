/**
 * Confirmation by barrier: a peer that reads one connection's input in order and answers a request (an IRC
 * PING, an XMPP ping iq) proves, by its answer, that it read everything written before the request. Items
 * written are tracked (in-order-confirmations.ts); a delay after a write the barrier is sent, and its answer
 * confirms every item written before it. One barrier is in flight at a time: items written meanwhile wait for
 * the next one, so items are pipelined, and the delay lets one barrier cover the items of a burst instead of
 * one request and answer per item.
 *
 * The adapter writes the barrier (which must leave after every item written so far) and hands its answers back;
 * this class holds the timer and the bookkeeping.
 */
import type { GatewayError } from "./errors.js";
import { InOrderConfirmations, type ConfirmationWaiter } from "./in-order-confirmations.js";
import { systemTimers, type Timers } from "../util/timers.js";

export interface BarrierOptions {
  /** Writes the barrier request carrying `token` now, after every item written so far. */
  readonly send: (token: string) => void;
  /** How long after a write the barrier waits (read at each write: it may change with the connection's mode). */
  readonly delayMs: () => number;
  /** A token no other barrier in flight has. */
  readonly nextToken: () => string;
  readonly timers?: Timers;
  /**
   * A barrier unanswered this long means the connection is dead though its socket is not closed yet (a link
   * that died without a word): `unanswered` is told, to close it (which fails what is open). Absent: no limit.
   */
  readonly answerTimeoutMs?: number;
  readonly unanswered?: () => void;
}

export class BarrierConfirmations<T> {
  readonly items = new InOrderConfirmations<T>();
  private barrier: { readonly token: string; readonly through: number } | undefined;
  private timer: unknown;
  private answerTimer: unknown;
  private readonly timers: Timers;
  /** Told the outcome of the final barrier (finalBarrier()). */
  private finalWaiters: Array<(confirmed: boolean) => void> = [];

  constructor(private readonly options: BarrierOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  /** Items expected and neither confirmed nor failed. */
  get open(): number {
    return this.items.size;
  }

  expect(item: T, waiter?: ConfirmationWaiter): number {
    return this.items.expect(item, waiter);
  }

  /** The item reached the transport: a barrier will follow. */
  written(seq: number): void {
    this.items.written(seq);
    this.schedule();
  }

  notWritten(seq: number, error: GatewayError): void {
    this.items.notWritten(seq, error);
  }

  /** An answer carrying `token`: true when it answers the barrier in flight, whose items are then confirmed. */
  answered(token: string): boolean {
    const barrier = this.barrier;
    if (barrier === undefined || token !== barrier.token) return false;
    this.barrier = undefined;
    this.clearAnswerTimer();
    this.items.confirmThrough(barrier.through);
    this.settleFinal(true);
    this.schedule();
    return true;
  }

  /**
   * The connection is about to close: a barrier now (even with one in flight) covers every item written, so
   * that items the peer reads before the close are confirmed instead of sent again later. Resolves at once when
   * nothing written is open; else true once those items are confirmed, false if they fail first.
   */
  finalBarrier(): Promise<boolean> {
    if (!this.hasWrittenOpen()) return Promise.resolve(true);
    const settled = new Promise<boolean>((resolve) => this.finalWaiters.push(resolve));
    this.sendBarrier();
    return settled;
  }

  /** The connection closed: nothing open will be confirmed. */
  failAll(error: GatewayError): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.clearAnswerTimer();
    this.barrier = undefined;
    this.items.failAll(error);
    this.settleFinal(false);
  }

  private settleFinal(confirmed: boolean): void {
    for (const resolve of this.finalWaiters.splice(0)) resolve(confirmed);
  }

  /** Whether any item written is still open (one a barrier could confirm). */
  private hasWrittenOpen(): boolean {
    return this.items.find(() => true) !== undefined;
  }

  private schedule(): void {
    if (this.barrier !== undefined || this.timer !== undefined || !this.hasWrittenOpen()) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.barrier === undefined && this.hasWrittenOpen()) this.sendBarrier();
    }, this.options.delayMs());
  }

  private sendBarrier(): void {
    const barrier = { token: this.options.nextToken(), through: this.items.writtenThrough };
    this.barrier = barrier;
    const { answerTimeoutMs, unanswered } = this.options;
    if (answerTimeoutMs !== undefined && unanswered !== undefined && this.answerTimer === undefined) {
      this.answerTimer = this.timers.setTimeout(() => {
        this.answerTimer = undefined;
        if (this.barrier !== undefined) unanswered();
      }, answerTimeoutMs);
    }
    this.options.send(barrier.token);
  }

  private clearAnswerTimer(): void {
    if (this.answerTimer !== undefined) this.timers.clearTimeout(this.answerTimer);
    this.answerTimer = undefined;
  }
}
