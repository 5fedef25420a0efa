/**
 * IRC servers on demand (irc.servers_on_demand, docs/irc.md "Servers on demand"), as Biboumi offers them: an address
 * whose network part is a host name that no configured network has (irc://irc.example.org/#chan, and from XMPP
 * #chan%irc.example.org@<gateway domain>) makes the gateway build an IRC network adapter for that host, connect it
 * and register it, so that the core then routes to it as to a configured network. The core asks here only where the
 * registry has no adapter for an address (AdapterRegistry.obtain): a configured network, or a server connected
 * already, costs the traffic nothing.
 * A person's settings for a server (their services account, puppet nick, server password) name its host as a
 * network (obtainNetwork, through AdapterRegistry.network): it is connected for them as at a first use, with the
 * same checks but a channel's.
 *
 * A host is refused (GW_ERR_FORBIDDEN) unless `allow` lets it through and `deny` does not, and when it is, or
 * resolves to, an address of a loopback or private network that `internal_hosts` does not list (util/internal-hosts.ts,
 * as for linked XMPP accounts). Limits: `max_servers` at once (GW_ERR_RATE_LIMITED), and `max_servers_per_person`
 * that one person had connected (GW_ERR_LIMIT_REACHED). Concurrent first uses of one host share one connection
 * attempt, which tries `ports` in order; the adapter is registered (and supervised, which reconnects it after a loss)
 * only once connected, so nobody is given a network that never came up.
 *
 * A server with no channel bridged, no puppet connected and nothing waiting for it in the outbox for `idle_seconds`
 * is stopped (QUIT) and unregistered; its next use connects it again. What the outbox holds for such a server at a
 * restart (or after its teardown) is delivered by connecting it again at the delivery attempt (outbox.ts), or, when
 * the host is refused now, reported failed to its sender.
 */
import type { Adapter, AdapterContext } from "./core/adapter.js";
import type { AdapterRegistry, OnDemandNetworks } from "./core/adapter-registry.js";
import { GatewayError } from "./core/errors.js";
import type { Logger } from "./core/logger.js";
import { addressKey, formatAddress, type Address, type ProtocolId } from "./core/model/address.js";
import type { Supervisor } from "./core/supervisor.js";
import type { IrcNetworkConfig, IrcServersOnDemandConfig } from "./config/config-types.js";
import { HostPatterns, isHostName } from "./config/host-patterns.js";
import { onDemandNetworkConfig } from "./config/on-demand-network.js";
import { IrcNetworkAdapter } from "./adapters/irc/irc-adapter.js";
import { ANY_CHANTYPES, isChannelId, isJoinableChannel } from "./adapters/irc/irc-addresses.js";
import { checkInternalHost } from "./util/internal-hosts.js";
import { wildcardPattern } from "./util/wildcard.js";

export interface IrcServersOnDemandDeps {
  readonly config: IrcServersOnDemandConfig;
  /** The names of the configured networks: never served here, whatever their case. */
  readonly configured: readonly string[];
  readonly registry: AdapterRegistry;
  readonly supervisor: Supervisor;
  /** An adapter for the network (gateway.ts: an IrcNetworkAdapter with its context). */
  readonly build: (network: IrcNetworkConfig) => Adapter;
  /** The person an address is an account of, for the per-person limit. */
  readonly personOf: (address: Address) => Address | undefined;
  /** Whether the outbox holds anything for an address of this network. */
  readonly queuedFor: (network: string) => Promise<boolean>;
  readonly log: Logger;
}

interface Connected {
  readonly adapter: Adapter;
  /** The person who had it connected (addressKey), when someone did. */
  readonly by: string | undefined;
  readonly timer: NodeJS.Timeout;
  /** Since when it has been seen unused, if it is. */
  idleSince: number | undefined;
  checking: boolean;
}

export class IrcServersOnDemand implements OnDemandNetworks {
  private readonly connected = new Map<string, Connected>();
  private readonly connecting = new Map<string, { readonly by: string | undefined; readonly done: Promise<Adapter> }>();
  private readonly hosts: HostPatterns;
  private readonly openers: readonly RegExp[];
  private readonly configured: ReadonlySet<string>;
  private closed = false;

  constructor(private readonly deps: IrcServersOnDemandDeps) {
    this.hosts = new HostPatterns(deps.config.allow, deps.config.deny);
    this.openers = deps.config.open_channels_for.map(wildcardPattern);
    this.configured = new Set(deps.configured.map((name) => name.toLowerCase()));
  }

  /** A host name this feature is asked about at all: on, IRC, not a configured network's name, a host name. */
  private candidate(protocol: ProtocolId, host: string): boolean {
    return this.deps.config.enabled && protocol === "irc" && !this.configured.has(host.toLowerCase()) && isHostName(host);
  }

  serves(protocol: ProtocolId): boolean {
    return this.deps.config.enabled && protocol === "irc";
  }

  isOnDemand(protocol: ProtocolId, name: string): boolean {
    return this.candidate(protocol, name);
  }

  mayServe(address: Address): boolean {
    // Channels only: a person's JID is answered once the server is connected (a direct message connects it).
    return this.candidate(address.protocol, address.account) && address.account === address.account.toLowerCase() && this.hosts.verdict(address.account) === "allowed" && isJoinableChannel(address.id);
  }

  /** Told by the prefix alone (RFC 2812 1.3: #&+!), whatever CHANTYPES the server would announce once connected. */
  isRoom(address: Address): boolean {
    return this.candidate(address.protocol, address.account) && isChannelId(address.id, ANY_CHANTYPES);
  }

  obtain(address: Address, requester: Address | undefined): Promise<Adapter | undefined> {
    if (!this.candidate(address.protocol, address.account)) return Promise.resolve(undefined);
    return this.serve(address.account, isChannelId(address.id), requester);
  }

  /** A host named as a network (a person's settings there): host names are case-insensitive, so its lower case. */
  obtainNetwork(protocol: ProtocolId, name: string, requester: Address | undefined): Promise<Adapter | undefined> {
    if (!this.candidate(protocol, name)) return Promise.resolve(undefined);
    return this.serve(name.toLowerCase(), false, requester);
  }

  /** The host's adapter, connected now unless it is already (or is being), after the checks of a first use. */
  private async serve(host: string, channel: boolean, requester: Address | undefined): Promise<Adapter> {
    const running = this.connected.get(host)?.adapter ?? this.connecting.get(host)?.done;
    if (running !== undefined) return running;
    if (this.closed) throw new GatewayError("GW_ERR_SHUTTING_DOWN", "the gateway is shutting down; try again later", { retryable: true });
    try {
      this.refuse(host, channel, requester);
    } catch (error: unknown) {
      const { code, message } = error as GatewayError;
      this.deps.log.info({ network: host, ...(requester === undefined ? {} : { by: addressKey(requester) }), code, reason: message }, "IRC server on demand refused");
      throw error;
    }
    const by = requester && addressKey(this.deps.personOf(requester) ?? requester);
    const done = this.connect(host, by).finally(() => this.connecting.delete(host));
    this.connecting.set(host, { by, done });
    return done;
  }

  /** Throws the coded refusal of a server not connected yet, decided without the network (see the header). */
  private refuse(host: string, channel: boolean, requester: Address | undefined): void {
    if (host !== host.toLowerCase()) throw new GatewayError("GW_ERR_BAD_ADDRESS", `write the IRC server's host in lower case: ${host.toLowerCase()}`);
    const verdict = this.hosts.verdict(host);
    if (verdict !== "allowed") {
      const key = verdict === "denied" ? "irc.servers_on_demand.deny" : "irc.servers_on_demand.allow";
      throw new GatewayError("GW_ERR_FORBIDDEN", `the IRC server ${host} may not be reached through this gateway (${key})`);
    }
    if (channel && requester !== undefined && !this.openers.some((pattern) => pattern.test(formatAddress(requester)))) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(requester)} may not have channels of ${host} joined (irc.servers_on_demand.open_channels_for)`);
    }
    const { max_servers: most, max_servers_per_person: mostEach } = this.deps.config;
    if (this.connected.size + this.connecting.size >= most) {
      // Retryable: a message queued for the server waits for a place rather than failing.
      throw new GatewayError("GW_ERR_RATE_LIMITED", `${most} IRC servers on demand are connected already: try again once one is disconnected (irc.servers_on_demand.max_servers)`, { retryable: true });
    }
    if (requester === undefined) return;
    const by = addressKey(this.deps.personOf(requester) ?? requester);
    const theirs = [...this.connected.values(), ...this.connecting.values()].filter((entry) => entry.by === by).length;
    if (theirs >= mostEach) {
      throw new GatewayError("GW_ERR_LIMIT_REACHED", `you had ${theirs} IRC servers on demand connected: this gateway allows ${mostEach} (irc.servers_on_demand.max_servers_per_person)`);
    }
  }

  /** The internal-network check, then each port in turn; registered and supervised once one connected. */
  private async connect(host: string, by: string | undefined): Promise<Adapter> {
    const { config, registry, supervisor, log } = this.deps;
    await checkInternalHost(host, config.internal_hosts, { what: "the IRC server", key: "irc.servers_on_demand.internal_hosts" });
    let lastError: unknown;
    for (const port of config.ports) {
      const adapter = this.deps.build(onDemandNetworkConfig(config, host, port));
      try {
        await adapter.start();
      } catch (error: unknown) {
        lastError = error;
        await adapter.stop("not connected").catch(() => undefined);
        log.info({ network: host, port, reason: (error as Error).message }, "IRC server on demand not reached on this port");
        continue;
      }
      if (this.closed) {
        await adapter.stop("Switchboard is stopping");
        throw new GatewayError("GW_ERR_SHUTTING_DOWN", "the gateway is shutting down; try again later", { retryable: true });
      }
      registry.register(adapter);
      supervisor.add(adapter, { critical: false, running: true });
      const checkMs = Math.min(config.idle_seconds * 500, 30_000);
      const entry: Connected = { adapter, by, timer: setInterval(() => void this.checkIdle(host), checkMs).unref(), idleSince: undefined, checking: false };
      this.connected.set(host, entry);
      log.info({ network: host, port, by }, "IRC server on demand connected");
      return adapter;
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server ${host} could not be reached (port ${config.ports.join(", ")}): ${reason}`, { retryable: true, cause: lastError });
  }

  /** Unused for idle_seconds (no channel, no puppet, nothing queued): stopped and unregistered. */
  private async checkIdle(host: string): Promise<void> {
    const entry = this.connected.get(host);
    if (!entry || entry.checking) return;
    entry.checking = true;
    try {
      const inUse = this.inUse(entry.adapter) || (await this.deps.queuedFor(host));
      if (inUse || this.connected.get(host) !== entry) return void (entry.idleSince = undefined);
      entry.idleSince ??= Date.now();
      // Checked again after the outbox's answer: a channel joined or a puppet connected meanwhile keeps it.
      if (Date.now() - entry.idleSince < this.deps.config.idle_seconds * 1000 || this.inUse(entry.adapter)) return;
      await this.disconnect(host, entry, "unused");
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, network: host }, "IRC server on demand not checked for use");
    } finally {
      entry.checking = false;
    }
  }

  private inUse(adapter: Adapter): boolean {
    const stats = adapter.stats?.() ?? {};
    return (stats["puppets"] ?? 0) > 0 || (stats["bridged_channels"] ?? 0) > 0;
  }

  private async disconnect(host: string, entry: Connected, reason: string): Promise<void> {
    clearInterval(entry.timer);
    this.connected.delete(host);
    this.deps.supervisor.remove(entry.adapter);
    this.deps.registry.unregister(entry.adapter);
    await entry.adapter.stop(`Switchboard: ${reason}`);
    this.deps.log.info({ network: host, reason }, "IRC server on demand disconnected");
  }

  /** The gateway stops: no more servers connected; those connected are stopped with the other adapters (supervisor). */
  close(): void {
    this.closed = true;
    for (const entry of this.connected.values()) clearInterval(entry.timer);
  }
}

/** An IRC network's adapter with its context (`contextOf` is given how to find the adapter it is the context of). */
export function ircNetworkAdapter(network: IrcNetworkConfig, contextOf: (adapter: () => Adapter | undefined) => AdapterContext, identityKey: () => Promise<Buffer>): IrcNetworkAdapter {
  let adapter: IrcNetworkAdapter | undefined = undefined;
  adapter = new IrcNetworkAdapter(network, contextOf(() => adapter), identityKey);
  return adapter;
}
