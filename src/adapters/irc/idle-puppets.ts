/**
 * Which puppets quit to spare the network (puppet-pool.ts): those without traffic for `idle_timeout_seconds` (looked
 * for at most a minute apart), and at `max_connections` the one idle longest, making room for another. A puppet kept
 * for someone's buddy list (buddy-puppets.ts) is never quit for being idle, and makes room only after every other
 * puppet.
 */
import { GatewayError } from "../../core/errors.js";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Puppet } from "./puppet.js";

export interface IdlePuppetsOptions {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  /** The pool's connected puppets, by person. */
  readonly puppets: ReadonlyMap<string, Puppet>;
  /** Makes the puppet quit with `reason` (PuppetPool's retire). */
  readonly retire: (puppet: Puppet, reason: string) => Promise<void>;
  readonly now: () => number;
}

export class IdlePuppets {
  /** People whose puppet stays connected while they are online (buddy-puppets.ts). */
  private readonly kept = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: IdlePuppetsOptions) {}

  /** Looks for idle puppets from now on (none with an idle timeout of 0). */
  start(): void {
    if (this.options.idleTimeoutMs <= 0 || this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), Math.min(this.options.idleTimeoutMs, 60_000));
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Keeps (or stops keeping) the person's puppet connected regardless of traffic. */
  keep(person: Address, on: boolean): void {
    if (on) this.kept.add(addressKey(person));
    else this.kept.delete(addressKey(person));
  }

  /** At the limit, the puppet idle longest quits; when none can, the new one waits for the outbox to retry. */
  async makeRoom(): Promise<void> {
    if (this.options.puppets.size < this.options.maxConnections) return;
    const idlest = [...this.options.puppets.values()].sort((a, b) => this.keptRank(a) - this.keptRank(b) || a.lastUsed - b.lastUsed)[0];
    if (!idlest) throw new GatewayError("GW_ERR_UNAVAILABLE", "no IRC connection is free for another puppet", { retryable: true });
    await this.options.retire(idlest, "making room for another puppet");
  }

  private async sweep(): Promise<void> {
    const cutoff = this.options.now() - this.options.idleTimeoutMs;
    for (const puppet of [...this.options.puppets.values()]) {
      if (puppet.lastUsed <= cutoff && this.keptRank(puppet) === 0) await this.options.retire(puppet, "idle");
    }
  }

  private keptRank(puppet: Puppet): number {
    return this.kept.has(addressKey(puppet.person)) ? 1 : 0;
  }
}
