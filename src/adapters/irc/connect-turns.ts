/**
 * The turns of a network's puppet connects (puppet-pool.ts), and of the account checks that are connections too
 * (puppet-logins.ts): one at a time, each starting at least `connect_interval_ms` after the one before, so that a
 * restart with many pending messages (or a netsplit) is no connection storm, and ngIRCd's short listen backlog is
 * not overrun.
 */
import { GatewayError } from "../../core/errors.js";

export interface ConnectTurnsOptions {
  readonly intervalMs: number;
  readonly now: () => number;
  /** The pool is closing: a turn not started yet is refused (retryable) instead of connecting. */
  readonly closed: () => boolean;
}

export class ConnectTurns {
  private last: Promise<void> = Promise.resolve();
  private lastStartedAt = 0;

  constructor(private readonly options: ConnectTurnsOptions) {}

  /** Runs `run` once every turn taken before has settled and the interval has passed; its outcome is the turn's. */
  take<T>(run: () => Promise<T>): Promise<T> {
    const turn = this.last.then(async () => {
      await this.spaced();
      return run();
    });
    this.last = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Waits until the interval after the last turn's start, then counts this one as the last. */
  private async spaced(): Promise<void> {
    const wait = this.lastStartedAt + this.options.intervalMs - this.options.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (this.options.closed()) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is disconnecting", { retryable: true });
    this.lastStartedAt = this.options.now();
  }
}
