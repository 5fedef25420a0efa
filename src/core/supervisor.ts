/**
 * Adapter lifecycle: start, status, stop, and the only reconnect loop of the gateway. An adapter that goes
 * "failed" or "offline" on its own while the gateway runs is restarted after a backoff with jitter
 * (src/util/backoff.ts); the attempt counter resets once it is online again. Libraries' own reconnect
 * loops are switched off so that there is one owner.
 */
import type { Adapter, AdapterStatus } from "./adapter.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { backoffDelay, type BackoffOptions } from "../util/backoff.js";

interface Supervised {
  readonly adapter: Adapter;
  /** A critical adapter must start for the gateway to run (the native server); others are retried. */
  readonly critical: boolean;
  /** Started by its caller before it was added (a linked account, an IRC server on demand): startAll leaves it be. */
  readonly startedByCaller: boolean;
  status: AdapterStatus;
  /** When it last came online or went down (ms since the epoch); not moved by each attempt while down. */
  since: number;
  /** Why it last failed or went offline, until it is online again. */
  lastError: string | undefined;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
}

/** A supervised adapter's state, for the gateway's status report (core/gateway-status.ts). */
export interface AdapterState {
  readonly adapter: Adapter;
  readonly status: AdapterStatus;
  /** Since when it is online, or not: failed attempts while down do not move it. */
  readonly since: number;
  /** Restarts tried since it was last online. */
  readonly attempts: number;
  readonly lastError?: string;
}

export class Supervisor {
  private readonly supervised = new Map<Adapter, Supervised>();
  private stopping = false;

  constructor(
    private readonly log: Logger,
    private readonly backoff: BackoffOptions = { baseMs: 1000, capMs: 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  private setStatus(entry: Supervised, status: AdapterStatus): void {
    // An operator wants to know how long a network has been down, not when its last attempt began.
    if ((entry.status === "online") !== (status === "online")) entry.since = this.now();
    entry.status = status;
  }

  /** Every supervised adapter's state. */
  states(): AdapterState[] {
    return [...this.supervised.values()].map((entry) => ({
      adapter: entry.adapter,
      status: entry.status,
      since: entry.since,
      attempts: entry.attempts,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    }));
  }

  /** Supervises an adapter; `running` for one already started (and online) by its caller, e.g. a new linked account. */
  add(adapter: Adapter, options: { readonly critical?: boolean; readonly running?: boolean } = {}): void {
    const status = options.running === true ? "online" : "offline";
    const startedByCaller = options.running === true;
    this.supervised.set(adapter, { adapter, critical: options.critical ?? true, startedByCaller, status, since: this.now(), lastError: undefined, attempts: 0, timer: undefined });
  }

  /** Stops supervising the adapter (a pending restart is cancelled); the caller stops it. */
  remove(adapter: Adapter): void {
    const entry = this.supervised.get(adapter);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    this.supervised.delete(adapter);
  }

  status(adapter: Adapter): AdapterStatus {
    return this.supervised.get(adapter)?.status ?? "offline";
  }

  /**
   * Starts every adapter. A critical one that fails rejects, so the daemon refuses to run half-configured;
   * a network adapter that cannot connect yet is retried with backoff while the gateway runs. One its caller
   * started (an IRC server on demand connected by a bridge restored before the start) is not started again: a
   * second start would open a second connection and leak the first.
   */
  async startAll(): Promise<void> {
    for (const entry of [...this.supervised.values()]) {
      if (entry.startedByCaller) continue;
      this.setStatus(entry, "connecting");
      if (entry.critical) {
        await entry.adapter.start();
        this.setStatus(entry, "online");
      } else {
        void entry.adapter.start().then(
          () => this.report(entry.adapter, "online"),
          (error: unknown) => this.report(entry.adapter, "failed", error instanceof Error ? error : new Error(String(error))),
        );
      }
    }
  }

  /**
   * Starts one supervised adapter added since startAll (a linked account logging in again), as startAll starts a
   * non-critical one: a failure is retried with backoff. Resolves at once; the start goes on.
   */
  startOne(adapter: Adapter): void {
    const entry = this.supervised.get(adapter);
    if (!entry || this.stopping) return;
    this.setStatus(entry, "connecting");
    void adapter.start().then(
      () => this.report(adapter, "online"),
      (error: unknown) => this.report(adapter, "failed", error instanceof Error ? error : new Error(String(error))),
    );
  }

  async stopAll(reason: string): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.supervised.values()].map(async (entry) => {
        if (entry.timer) clearTimeout(entry.timer);
        this.setStatus(entry, "disconnecting");
        try {
          await entry.adapter.stop(reason);
        } catch (error: unknown) {
          this.log.error({ err: error, adapter: `${entry.adapter.protocol}/${entry.adapter.account}` }, "adapter did not stop cleanly");
        }
        this.setStatus(entry, "offline");
      }),
    );
  }

  /** An adapter reports its status (through AdapterContext.setStatus). */
  report(adapter: Adapter, status: AdapterStatus, error?: Error): void {
    const entry = this.supervised.get(adapter);
    if (!entry) return;
    this.setStatus(entry, status);
    const name = `${adapter.protocol}/${adapter.account}`;
    if (status === "online") {
      entry.attempts = 0;
      entry.lastError = undefined;
    }
    if (error !== undefined) entry.lastError = error.message;
    if ((status === "failed" || status === "offline") && !this.stopping && !entry.timer) {
      const delay = backoffDelay(entry.attempts, this.backoff);
      entry.attempts += 1;
      // One line per retry, which an operator reads many of while a network is down: the reason, not a stack.
      this.log.warn({ adapter: name, reason: error?.message, ...(error instanceof GatewayError ? { code: error.code } : {}), attempt: entry.attempts, delayMs: delay }, "adapter down; restarting after backoff");
      if (error !== undefined) this.log.debug({ adapter: name, err: error }, "adapter down: the error");
      this.setStatus(entry, "reconnecting");
      entry.timer = setTimeout(() => void this.restart(entry), delay);
    }
  }

  private async restart(entry: Supervised): Promise<void> {
    entry.timer = undefined;
    if (this.stopping) return;
    try {
      await entry.adapter.stop("restart");
      await entry.adapter.start();
      // Removed meanwhile (an unlinked account): nobody owns it any more, so it must not stay connected.
      if (this.supervised.get(entry.adapter) !== entry) return void (await entry.adapter.stop("removed"));
      this.report(entry.adapter, "online");
    } catch (error: unknown) {
      this.report(entry.adapter, "failed", error instanceof Error ? error : new Error(String(error)));
    }
  }
}
