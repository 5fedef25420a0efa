/**
 * Stored bridges whose network has no adapter at start (bridges.ts, BridgeService.restore): those of a network
 * served on demand (an IRC server on demand, AdapterRegistry.obtain) are restored here, in the background, so that
 * the daemon's start never waits for that server's connection attempts (every port; a host that never answers holds
 * an attempt for a TCP timeout).
 *
 * A server that cannot be reached now (a retryable refusal: not reached, not resolved, max_servers connected) is
 * tried again after a backoff with jitter, each refusal logged in the words of its code, (util/backoff.ts, as the supervisor restarts adapters) until it connects,
 * the bridge is removed, or the gateway stops; the supervisor takes over the server once it is connected (it is
 * registered then). A host the configuration refuses now (taken out of `allow`) is logged once and not tried
 * again before a restart. A bridge whose network nobody serves is kept and logged, as for a configured network
 * taken out of the file.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { remoteKey, type Bridge } from "./bridge-admin.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import { backoffDelay, type BackoffOptions } from "../util/backoff.js";
import { systemTimers, type Timers } from "../util/timers.js";

export interface BackgroundBridgeRestoresDeps {
  readonly registry: AdapterRegistry;
  /** Hands the bridge to its adapter and joins its hub (what a restore at start does for a configured network). */
  readonly restoreWith: (adapter: Adapter, bridge: Bridge) => Promise<void>;
  /** Whether this very bridge is still stored (an admin may remove it, or remove and add it again, meanwhile). */
  readonly stillStored: (bridge: Bridge) => Promise<boolean>;
  /** Aborted as the gateway stops: no attempt after that. */
  readonly signal?: AbortSignal;
  /** The supervisor's by default: 1 s doubling up to a minute, with full jitter. */
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  readonly log: Logger;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 60_000 };

/** The log line of a retryable refusal, worded by its code: at max_servers the server was never tried, not "not reached". */
function notRestoredYet(error: GatewayError): string {
  return error.code === "GW_ERR_RATE_LIMITED"
    ? "bridge not restored yet: as many IRC servers on demand are connected as irc.servers_on_demand.max_servers allows; trying again after backoff"
    : "bridge not restored yet: its IRC server on demand is not reached; trying again after backoff";
}

export class BackgroundBridgeRestores {
  /** Bridges being restored, by their remote room's key (lower case), with the timer of their next attempt. */
  private readonly pending = new Map<string, { readonly bridge: Bridge; timer: unknown }>();
  private readonly timers: Timers;

  constructor(private readonly deps: BackgroundBridgeRestoresDeps) {
    this.timers = deps.timers ?? systemTimers;
    deps.signal?.addEventListener("abort", () => {
      for (const key of [...this.pending.keys()]) this.drop(key);
    });
  }

  /** Starts restoring the bridge, now and without waiting; done (or given up) is told by the log. */
  start(bridge: Bridge): void {
    const key = remoteKey(bridge.remote);
    if (this.pending.has(key) || this.deps.signal?.aborted === true) return;
    this.pending.set(key, { bridge, timer: undefined });
    void this.attempt(key, bridge, 0);
  }

  /** The bridge of this remote room was removed: no more attempts for it. */
  cancel(remote: Address): void {
    this.drop(remoteKey(remote));
  }

  private drop(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    if (entry.timer !== undefined) this.timers.clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  /** Whether the bridge of this remote room still waits for its network. */
  waiting(remote: Address): boolean {
    return this.pending.has(remoteKey(remote));
  }

  private current(key: string, bridge: Bridge): boolean {
    return this.deps.signal?.aborted !== true && this.pending.get(key)?.bridge === bridge;
  }

  private async attempt(key: string, bridge: Bridge, attempt: number): Promise<void> {
    const { registry, log } = this.deps;
    const fields = { room: bridge.room, remote: addressKey(bridge.remote) };
    try {
      if (!this.current(key, bridge)) return;
      if (!(await this.deps.stillStored(bridge))) return this.drop(key);
      let adapter: Adapter | undefined;
      try {
        adapter = registry.for(bridge.remote) ?? (await registry.obtain(bridge.remote));
      } catch (error: unknown) {
        if (!this.current(key, bridge)) return;
        const coded = error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", String((error as Error | undefined)?.message ?? error), { retryable: true });
        if (!coded.retryable) {
          this.drop(key);
          log.warn({ ...fields, code: coded.code, reason: coded.message }, "bridge kept, but its IRC server on demand is refused by the configuration: not tried again before a restart");
          return;
        }
        const delay = backoffDelay(attempt, this.deps.backoff ?? DEFAULT_BACKOFF);
        log.warn({ ...fields, code: coded.code, reason: coded.message, attempt: attempt + 1, delayMs: delay }, notRestoredYet(coded));
        const entry = this.pending.get(key);
        if (entry) entry.timer = this.timers.setTimeout(() => void this.attempt(key, bridge, attempt + 1), delay);
        return;
      }
      if (!this.current(key, bridge)) return;
      this.drop(key);
      if (!adapter?.bridgeRoom) {
        log.warn(fields, "bridge kept, but no configured network serves it");
        return;
      }
      await this.deps.restoreWith(adapter, bridge);
      log.info({ ...fields, attempts: attempt + 1 }, "bridge restored: its IRC server on demand is connected");
    } catch (error: unknown) {
      this.drop(key);
      log.error({ err: error, ...fields }, "bridge not restored");
    }
  }
}
