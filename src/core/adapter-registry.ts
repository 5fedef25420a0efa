/** The running adapters, found by the network part of an address (protocol and account). */
import type { Adapter } from "./adapter.js";
import { linkedAccountOwner } from "./linked-accounts.js";
import { addressKey, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { RoomMember } from "./model/room.js";

/**
 * Networks whose adapters are built at their first use rather than from the configuration (IRC servers on demand,
 * src/irc-servers-on-demand.ts): the core asks for one where it finds no adapter for an address it was given.
 */
export interface OnDemandNetworks {
  /**
   * The adapter of `address`'s network, built, registered and connected now (concurrent first uses share one start);
   * undefined when no network on demand would serve it. Rejects with a coded error when it is refused (a host not
   * allowed, a limit reached) or cannot be connected. `requester`: who asked, for the per-person limit.
   */
  obtain(address: Address, requester: Address | undefined): Promise<Adapter | undefined>;
  /**
   * The adapter of the network on demand that people name `name` (an IRC server's host, in any case), connected now
   * as by obtain() and after the same checks (a channel's excepted: no channel is joined); undefined when no network
   * on demand would be called so. For a person's settings on a network (core/puppet-accounts.ts, puppet-nicks.ts).
   */
  obtainNetwork(protocol: ProtocolId, name: string, requester: Address | undefined): Promise<Adapter | undefined>;
  /** Whether obtain() may serve `address` (its host allowed, its id well formed), told without connecting. */
  mayServe(address: Address): boolean;
  /**
   * Whether `address` names a room of a network on demand (an IRC channel, by its prefix), told without connecting, so
   * that a question about a person is refused before a server is connected for it. Absent: never told.
   */
  isRoom?(address: Address): boolean;
  /** Whether networks of this protocol are served on demand at all (people may have settings there). */
  serves(protocol: ProtocolId): boolean;
  /** Whether `name` would be a network on demand (served, no configured network's, well formed), allowed or not. */
  isOnDemand(protocol: ProtocolId, name: string): boolean;
}

export class AdapterRegistry {
  /** By protocol, then account: looked up several times per message, so without building a key string. */
  private readonly adapters = new Map<ProtocolId, Map<string, Adapter>>();
  private onDemand: OnDemandNetworks | undefined;

  /** Where adapters of networks not configured come from (gateway.ts). */
  serveOnDemand(networks: OnDemandNetworks): void {
    this.onDemand = networks;
  }

  /**
   * The adapter of a network on demand for an address no registered adapter serves (OnDemandNetworks.obtain), or
   * undefined. Callers ask `for` first, so that a registered network costs a Map lookup and no await:
   * `registry.for(address) ?? (await registry.obtain(address, by))`.
   */
  async obtain(address: Address, requester?: Address): Promise<Adapter | undefined> {
    return this.for(address) ?? this.onDemand?.obtain(address, requester);
  }

  /** Whether a network on demand would serve an address no registered adapter serves (for `knows`). */
  mayServeOnDemand(address: Address): boolean {
    return this.onDemand?.mayServe(address) === true;
  }

  /**
   * A network of the gateway's (no person's own account) by the name people give it in frames and commands: names
   * compared case-insensitively, as the configuration compares them (config/cross-checks.ts). Registered ones only.
   */
  findNetwork(protocol: ProtocolId, name: string): Adapter | undefined {
    const exact = this.get(protocol, name);
    if (exact !== undefined && exact.owner === undefined) return exact;
    const folded = name.toLowerCase();
    return [...(this.adapters.get(protocol)?.values() ?? [])].find((adapter) => adapter.owner === undefined && adapter.account.toLowerCase() === folded);
  }

  /**
   * The network called `name` (findNetwork), else the network on demand of that name, connected now with the checks
   * of its first use (OnDemandNetworks.obtainNetwork: a host not allowed, or internal, is refused with its code);
   * undefined when there is none. `requester`: who asked, for the per-person limit of networks on demand.
   */
  async network(protocol: ProtocolId, name: string, requester?: Address): Promise<Adapter | undefined> {
    return this.findNetwork(protocol, name) ?? this.onDemand?.obtainNetwork(protocol, name, requester);
  }

  /** Whether an address no registered adapter serves names a room of a network on demand (OnDemandNetworks.isRoom). */
  isRoomOnDemand(address: Address): boolean {
    return this.onDemand?.isRoom?.(address) === true;
  }

  /** Whether networks of this protocol are served on demand (OnDemandNetworks.serves). */
  servesOnDemand(protocol: ProtocolId): boolean {
    return this.onDemand?.serves(protocol) === true;
  }

  /** Whether `name` is a network on demand's, allowed or not (OnDemandNetworks.isOnDemand). */
  isOnDemand(protocol: ProtocolId, name: string): boolean {
    return this.onDemand?.isOnDemand(protocol, name) === true;
  }

  register(adapter: Adapter): void {
    let accounts = this.adapters.get(adapter.protocol);
    if (!accounts) {
      accounts = new Map();
      this.adapters.set(adapter.protocol, accounts);
    }
    if (accounts.has(adapter.account)) throw new Error(`an adapter for ${adapter.protocol}/${adapter.account} is already registered`);
    accounts.set(adapter.account, adapter);
  }

  /** Removes the adapter (a linked account that was unlinked); false when it was not registered. */
  unregister(adapter: Adapter): boolean {
    const accounts = this.adapters.get(adapter.protocol);
    if (accounts?.get(adapter.account) !== adapter) return false;
    return accounts.delete(adapter.account);
  }

  /** The adapter that serves this address, if any network is configured for it. */
  for(address: Address): Adapter | undefined {
    return this.get(address.protocol, address.account);
  }

  get(protocol: ProtocolId, account: string): Adapter | undefined {
    return this.adapters.get(protocol)?.get(account);
  }

  /**
   * Whether a network that relays rooms serves the address: as a member of a gateway room, a bridged room of that
   * network (an IRC channel, a bot's MUC), not a person.
   */
  relaysRooms(address: Address): boolean {
    return this.for(address)?.capabilities.relaysRooms === true;
  }

  /**
   * The people the bridged rooms among a room's `members` stand for (Adapter.roomPeople), as their adapters see
   * them now; someone in two of them (two channels of one IRC network) once.
   */
  peopleOfBridgedRooms(members: readonly RoomMember[]): RoomMember[] {
    const people = new Map<string, RoomMember>();
    for (const relay of members.filter((member) => this.relaysRooms(member.address))) {
      for (const person of this.for(relay.address)?.roomPeople?.(relay.address) ?? []) {
        if (!people.has(addressKey(person.address))) people.set(addressKey(person.address), person);
      }
    }
    return [...people.values()];
  }

  /** The person whose own account serves this address (Adapter.owner), if it is one. */
  ownerOf(address: Address): Address | undefined {
    const adapter = this.for(address);
    // A linked account's address is its owner's even while they have none linked (nothing may be kept for it meanwhile).
    return adapter ? adapter.owner : linkedAccountOwner(address);
  }

  /** The adapters that are this person's own accounts. */
  ownedBy(owner: Address): Adapter[] {
    return this.all().filter((adapter) => adapter.owner !== undefined && sameAddress(adapter.owner, owner));
  }

  all(): Adapter[] {
    return [...this.adapters.values()].flatMap((accounts) => [...accounts.values()]);
  }
}
