/**
 * People's puppet nicks of their own choosing (docs/irc.md "Your puppet's nick"): a person names the `{name}` part of
 * their puppet's nick on a network, as BitlBee's and Biboumi's users choose their nicks; the network's adapter makes
 * the nick, checks and claims it (core/name-claims.ts: every nick a person went by stays theirs) and, when the
 * puppet is connected, changes it on the network before answering (adapters/irc/puppet-nick-choice.ts).
 *
 * Changes are limited per person and network (CHANGES_PER_HOUR), so that nobody makes their puppet flood a network
 * with NICK: counted are the changes made and those the network refused or left unanswered; a name the gateway
 * refused by itself (too long, someone else's) sent nothing and is not counted; on a server on demand not connected
 * yet, the change is counted before the server is connected for it, reached or not. A person's changes run one at a time.
 * It knows no protocol: the adapter of the network is found in the registry by its name (AdapterRegistry.network),
 * an IRC server on demand's too, connected for the change as at its first use and with the same checks. The nick is
 * a name claim of that network (core/name-claims.ts), kept in the store: the server's puppet goes by it each time
 * the server is connected again.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import type { NameClaims } from "./name-claims.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { SerialByKey } from "../util/serial-by-key.js";

export interface PuppetNick {
  readonly network: string;
  readonly nick: string;
}

export interface PuppetNicksOptions {
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  /** Names people hold (core/name-claims.ts): a server on demand not connected now still has the nick kept there. */
  readonly names?: NameClaims;
  readonly now?: () => number;
}

/** Nick changes per person, network and hour. */
export const CHANGES_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
/** Anyone reaching the XMPP component can be a person: the memory their counts take is bounded. */
const MAX_COUNTED = 10_000;

type NickAdapter = Adapter & Required<Pick<Adapter, "setPuppetNick" | "puppetNick">>;

function namesPuppets(adapter: Adapter): adapter is NickAdapter {
  return adapter.capabilities.puppets === true && adapter.owner === undefined && adapter.setPuppetNick !== undefined && adapter.puppetNick !== undefined;
}

export class PuppetNicks {
  private readonly changes: AttemptLimiter;
  private readonly turns = new SerialByKey();

  constructor(private readonly options: PuppetNicksOptions) {
    this.changes = new AttemptLimiter(CHANGES_PER_HOUR, HOUR_MS, options.now ?? Date.now, MAX_COUNTED);
  }

  /** Whether some network gives people puppets whose nicks they may choose, a configured one or servers on demand. */
  offered(): boolean {
    return this.options.registry.servesOnDemand("irc") || this.networks().length > 0;
  }

  /** Makes `name` ("" for the default) the person's puppet nick on the network; resolves with the nick. */
  set(person: Address, network: string, name: string): Promise<PuppetNick> {
    return this.turns.run(addressKey(person), async () => {
      const { registry } = this.options;
      const known = registry.findNetwork("irc", network);
      // Host names are case-insensitive: a server on demand's adapter is named by its host in lower case.
      const key = `${addressKey(person)} ${known?.account ?? network.toLowerCase()}`;
      const retryAfter = this.changes.retryAfter(key);
      if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `${CHANGES_PER_HOUR} nick changes an hour at most; try again in ${Math.ceil(retryAfter / 1000)} s`);
      // A server on demand not connected yet is connected for the change: counted before, reached or not, so that
      // nobody has the gateway connect to a host that cannot be reached without end.
      const connects = known === undefined && registry.isOnDemand("irc", network);
      if (connects) this.changes.fail(key);
      const adapter = await this.adapterOf(network, person);
      try {
        const nick = await adapter.setPuppetNick(person, name);
        if (!connects) this.changes.fail(key);
        this.options.log.info({ person: addressKey(person), network: adapter.account, nick }, "puppet nick set");
        return { network: adapter.account, nick };
      } catch (error: unknown) {
        // The network's answer (a numeric's name) or its silence: a NICK went out.
        if (!connects && error instanceof GatewayError && error.condition !== undefined) this.changes.fail(key);
        throw error;
      }
    });
  }

  /**
   * The nick the person's puppet has, or would be given, on each network with puppets; and on each server on demand
   * not connected now where they hold one (chosen, or taken at a use), which its puppet goes by when it is connected
   * again (a server they never used has no nick of theirs yet: the first use claims one).
   */
  list(person: Address): PuppetNick[] {
    const listed = this.networks().map((adapter) => ({ network: adapter.account, nick: adapter.puppetNick(person) }));
    const { registry, names } = this.options;
    const connected = new Set(listed.map((entry) => entry.network));
    for (const [network, nick] of names?.claimedOn("irc", person) ?? []) {
      if (!connected.has(network) && registry.findNetwork("irc", network) === undefined && registry.isOnDemand("irc", network)) listed.push({ network, nick });
    }
    return listed;
  }

  private networks(): NickAdapter[] {
    return this.options.registry.all().filter(namesPuppets);
  }

  /** The network's adapter (AdapterRegistry.network: a server on demand's connected now for `person`). */
  private async adapterOf(network: string, person: Address): Promise<NickAdapter> {
    const adapter = await this.options.registry.network("irc", network, person);
    if (adapter === undefined || !namesPuppets(adapter)) throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC network with puppets is called ${network}`);
    return adapter;
  }
}
