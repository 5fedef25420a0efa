/**
 * When the IRC server has a message: a line written to a socket is not a line the server read (the connection
 * may already be dead, and the kernel accepts the bytes anyway). Each PRIVMSG and NOTICE a connection writes is
 * tracked (core/in-order-confirmations.ts) until the server proves it read it:
 *
 * - echo mode (IRCv3 echo-message enabled, https://ircv3.net/specs/extensions/echo-message): the server
 *   echoes each PRIVMSG/NOTICE back to its sender, and handles one connection's lines in order, so the echo
 *   of a line to a target confirms the oldest open line to that target and every line before it. A line the
 *   server refuses draws an error numeric naming the target instead (numerics.ts), which fails the oldest
 *   open PRIVMSG to that target on this connection with the refusal (no server answers a NOTICE with an
 *   error; its message is reported to its sender as not delivered) and confirms the lines before it; the same
 *   holds in barrier mode. Every PRIVMSG/NOTICE is tracked, also the
 *   gateway's own notices, so that the echoes stay aligned. A server that stays silent about a line (a NOTICE
 *   to nobody) is asked with a PING barrier after ECHO_GRACE_MS.
 * - barrier mode (no echo-message, e.g. ngIRCd): BARRIER_DELAY_MS after a line is written the connection
 *   sends `PING :sb<n>`; the PONG proves the server read everything before the PING (RFC 2812 section 3.7.2
 *   and in-order processing). One barrier is in flight at a time: lines written meanwhile wait for the next
 *   one, so messages are pipelined, and the delay lets one barrier cover the lines of a burst (or the few
 *   lines flood control lets through in that time) instead of one PING and PONG per line; barriers go past
 *   flood control.
 *
 * IRCv3 labeled-response is not used: the in-order match above needs no tags, and InspIRCd 3 returns labels
 * only to clients that also enable message-tags and batch, which would change every line irc-framework reads.
 */
import { BarrierConfirmations } from "../../core/barrier-confirmations.js";
import type { GatewayError } from "../../core/errors.js";
import type { ConfirmationWaiter } from "../../core/in-order-confirmations.js";
import { systemTimers, type Timers } from "../../util/timers.js";

/** How long echo mode waits for an echo before it asks with a PING barrier. */
export const ECHO_GRACE_MS = 5000;
/** How long barrier mode waits after a write before its PING, gathering the lines written meanwhile. */
export const BARRIER_DELAY_MS = 100;
const TOKEN_PREFIX = "sb";
/** Barrier tokens are numbered across the process, so that no two connections' PINGs (and PONGs) look alike in a log or a capture. */
let barriersSent = 0;
function nextProcessToken(): string {
  barriersSent += 1;
  return `${TOKEN_PREFIX}${barriersSent}`;
}

export class IrcConfirmer {
  /** Each open line's target (ASCII lower case) and whether it is a NOTICE. */
  private readonly barriers: BarrierConfirmations<{ readonly target: string; readonly notice: boolean }>;
  private echo = false;

  constructor(
    /** Writes `PING :token` now (past flood control, after every line written so far). */
    ping: (token: string) => void,
    timers: Timers = systemTimers,
    nextToken: () => string = nextProcessToken,
  ) {
    this.barriers = new BarrierConfirmations({ send: ping, delayMs: () => (this.echo ? ECHO_GRACE_MS : BARRIER_DELAY_MS), nextToken, timers });
  }

  /** True when the server echoes our messages (echo-message enabled); else PING barriers confirm them. */
  set echoMode(enabled: boolean) {
    this.echo = enabled;
  }

  get echoMode(): boolean {
    return this.echo;
  }

  /** Lines written or about to be, not yet confirmed. */
  get open(): number {
    return this.barriers.open;
  }

  /** A PRIVMSG (or NOTICE: `notice`) to `target` is about to be queued: its sequence number. */
  expect(target: string, waiter?: ConfirmationWaiter, notice = false): number {
    return this.barriers.expect({ target: target.toLowerCase(), notice }, waiter);
  }

  /** The line reached the socket. */
  written(seq: number): void {
    this.barriers.written(seq);
  }

  notWritten(seq: number, error: GatewayError): void {
    this.barriers.notWritten(seq, error);
  }

  /** The server echoed a PRIVMSG/NOTICE of ours to `target` (echo-message). */
  answered(target: string): void {
    const folded = target.toLowerCase();
    const seq = this.barriers.items.find((line) => line.target === folded);
    if (seq !== undefined) this.barriers.items.confirmThrough(seq);
  }

  /**
   * The server refused a PRIVMSG of ours with a numeric naming `target`: the oldest open PRIVMSG to it on
   * this connection (the server answers one connection's lines in order, and the refusal comes before a later
   * echo or PONG), whose waiter hears `error`; the lines before it were read.
   */
  refused(target: string, error: GatewayError): void {
    const folded = target.toLowerCase();
    // A server never answers a NOTICE with an error (RFC 2812 section 3.3.2): the refusal is a PRIVMSG's.
    const seq = this.barriers.items.find((line) => line.target === folded && !line.notice);
    if (seq !== undefined) this.barriers.items.refused(seq, error);
  }

  /** A PONG with this text: when it answers our barrier, everything written before the barrier is confirmed. */
  pong(text: string): void {
    this.barriers.answered(text);
  }

  /**
   * The connection is about to QUIT: a barrier now (even with one in flight) covers every line written, so that
   * lines the server reads before the QUIT are confirmed by its PONG instead of being sent again after a restart.
   */
  finalBarrier(): void {
    void this.barriers.finalBarrier();
  }

  /** The connection closed: nothing open will be confirmed. */
  failAll(error: GatewayError): void {
    this.barriers.failAll(error);
  }
}
