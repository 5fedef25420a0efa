/**
 * Bridges at runtime (docs/bridging.md, "Bridges at runtime"): an admin adds, lists and removes bridges between
 * a native room and rooms of other networks (an IRC channel, a MUC joined by a bridge bot) while the gateway
 * runs, through any adapter that gives admins a voice (native bridge.* frames, XMPP ad-hoc commands). Added
 * bridges are stored and restored at every start; those of the configuration file are listed but can only be
 * changed there.
 *
 * The remote room becomes a member of the native room at once, so room messages are queued for it in the
 * outbox (it is a room relay) even while its network is down; the adapter joins the channel or MUC now or at
 * its next connect (Adapter.bridgeRoom). Removing a bridge parts the remote room and takes it out of the
 * native room; messages still queued for it are reported to their senders as failed by its adapter.
 *
 * Rooms on demand: a network that lets anyone join its rooms through the gateway (Adapter.roomsOnDemand: an IRC
 * network with open_channels) has a room bridged when someone joins it by its own address (an XMPP user joins
 * #chan%libera@gateway) and unbridged when the last person left (hubFor, closeIfIdle). Such bridges are kept in
 * memory only (people join them again after a restart), listed with source "open", and their hub is a native room
 * named after the remote room (`#chan%libera`), which no client can create (ROOM_NAME_PATTERN).
 */
import { remoteKey, type Bridge, type BridgeAdmin, type BridgeRequest } from "./bridge-admin.js";
import type { Adapter } from "./adapter.js";
import { BackgroundBridgeRestores } from "./background-bridge-restores.js";
import { BridgeHubs, hubRoom, type BridgeHubsDeps } from "./bridge-hubs.js";
import { GatewayError } from "./errors.js";
import { addressKey, formatAddress, sameAddress, type Address } from "./model/address.js";
import { ROOM_NAME_PATTERN } from "./model/room.js";
import { hasUnsafeCharacters } from "./model/text.js";
import type { BridgeStore } from "../store/store.js";
import type { Timers } from "../util/timers.js";

export type { Bridge, BridgeAdmin, BridgeRequest } from "./bridge-admin.js";

/** What BridgeService is given: what its hubs need (bridge-hubs.ts), and the store, the admins and the configured bridges. */
export interface BridgeServiceDeps extends BridgeHubsDeps {
  readonly store: BridgeStore;
  /** Admins' addresses (config `admins`). */
  readonly admins: readonly Address[];
  /** The bridges of the configuration file. */
  readonly configured: readonly Bridge[];
  /** Aborted as the gateway stops: bridges restored in the background are not tried again. */
  readonly signal?: AbortSignal;
  /** The timers of those retries (unit tests fire them by hand). */
  readonly timers?: Timers;
}

const DEFAULT_BRIDGE_NICK = "switchboard";
/** A bridge bot's nick in a MUC: its occupant JID's resource, 1 to 64 characters without spaces or slashes. */
function isBotNick(nick: string): boolean {
  return /^[^\s/]{1,64}$/u.test(nick) && !hasUnsafeCharacters(nick);
}

export { hubRoom };

/** An XMPP address without its resource: an admin is an account, whichever client it speaks from. */
function bare(address: Address): string {
  return addressKey(address.protocol === "xmpp" ? { ...address, id: address.id.split("/")[0] ?? address.id } : address);
}

/** The hub of a room bridged on demand: `#chan%libera` for #chan on libera (never a name a client can create). */
export function onDemandHubName(remote: Address): string {
  return `${remote.id}%${remote.account}`.toLowerCase();
}

/** Whether a native room is the hub of a room bridged on demand (its name holds a `%`, which no client's can). */
export function isOnDemandHub(room: Address): boolean {
  return room.protocol === "native" && room.id.includes("%");
}

/** What a reload of the configuration file did to its bridges (BridgeService.reconfigure). */
export interface BridgesReconfigured {
  readonly added: readonly Bridge[];
  readonly removed: readonly Bridge[];
  /** Bridges of the file not added, each with why (its network not running, its channel refusing the join...). */
  readonly refused: readonly { readonly bridge: Bridge; readonly error: GatewayError }[];
}

function sameSettings(a: Bridge, b: Bridge): boolean {
  return a.room === b.room && a.nick === b.nick && a.key === b.key && a.membership === b.membership;
}

export class BridgeService implements BridgeAdmin {
  private admins: ReadonlySet<string>;
  /** The bridges of the configuration file: those it had at start, then as each reload left them. */
  private configured: readonly Bridge[];
  /** Rooms bridged on demand, by remoteKey, while someone is in them. */
  private readonly open = new Map<string, Bridge>();
  /** Bridges on demand being made, by remoteKey: two people joining at once make one. */
  private readonly opening = new Map<string, Promise<Bridge>>();
  /** The hubs of bridges: joined as a bridge starts, left as it ends (bridge-hubs.ts). */
  private readonly hubs: BridgeHubs;
  /** Stored bridges of networks served on demand, restored after the start (background-bridge-restores.ts). */
  private readonly restores: BackgroundBridgeRestores;

  constructor(private readonly deps: BridgeServiceDeps) {
    this.admins = new Set(deps.admins.map(bare));
    this.configured = deps.configured;
    this.hubs = new BridgeHubs(deps);
    this.restores = new BackgroundBridgeRestores({
      registry: deps.registry,
      restoreWith: (adapter, bridge) => this.restoreWith(adapter, bridge),
      stillStored: async (bridge) => (await this.stored()).some((stored) => remoteKey(stored.remote) === remoteKey(bridge.remote) && stored.createdAt === bridge.createdAt),
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      ...(deps.timers === undefined ? {} : { timers: deps.timers }),
      log: deps.log,
    });
  }

  /**
   * The configuration file was reloaded (SIGHUP): its admins replace the old at once, and its bridges are compared
   * with those it had. A bridge no longer in it ends (the gateway leaves the channel or MUC, as when an admin
   * removes one); a new one is made (as when an admin adds one, its network's adapter joining now); one whose room,
   * key, nick or membership changed is ended and made again. A bridge of the file whose network does not run (a
   * network added to the file: that takes a restart), or whose remote room is bridged at runtime or on demand
   * already, or whose join is refused, is not added, and said so.
   */
  async reconfigure(admins: readonly Address[], bridges: readonly Bridge[]): Promise<BridgesReconfigured> {
    this.admins = new Set(admins.map(bare));
    const before = new Map(this.configured.map((bridge) => [remoteKey(bridge.remote), bridge]));
    const after = new Map(bridges.map((bridge) => [remoteKey(bridge.remote), bridge]));
    const changed = (bridge: Bridge, other: Map<string, Bridge>): boolean => {
      const counterpart = other.get(remoteKey(bridge.remote));
      return counterpart === undefined || !sameSettings(bridge, counterpart);
    };
    const removed = this.configured.filter((bridge) => changed(bridge, after));
    const kept = this.configured.filter((bridge) => !changed(bridge, after));
    this.configured = kept;
    for (const bridge of removed) {
      await this.end(bridge).catch((error: unknown) => this.deps.log.error({ err: error, room: bridge.room, remote: addressKey(bridge.remote) }, "bridge removed from the configuration not ended cleanly"));
    }
    const added: Bridge[] = [];
    const refused: { bridge: Bridge; error: GatewayError }[] = [];
    for (const bridge of bridges.filter((candidate) => changed(candidate, before))) {
      try {
        await this.addConfigured(bridge);
        added.push(bridge);
        this.configured = [...this.configured, bridge];
      } catch (error: unknown) {
        refused.push({ bridge, error: error instanceof GatewayError ? error : new GatewayError("GW_ERR_INTERNAL", (error as Error).message) });
      }
    }
    return { added, removed, refused };
  }

  /** The bridges of the configuration file now. */
  configuredBridges(): readonly Bridge[] {
    return this.configured;
  }

  private async addConfigured(bridge: Bridge): Promise<void> {
    const adapter = this.deps.registry.for(bridge.remote);
    if (!adapter?.bridgeRoom) {
      throw new GatewayError("GW_ERR_NO_ROUTE", `no running IRC network or bridge bot serves ${formatAddress(bridge.remote)}: a network added to the file starts at the next restart`);
    }
    const key = remoteKey(bridge.remote);
    const other = [...this.open.values(), ...(await this.stored())].find((candidate) => remoteKey(candidate.remote) === key);
    if (other) {
      throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${formatAddress(bridge.remote)} is bridged ${other.source === "open" ? "on demand" : "at runtime"} to room ${other.room} already: remove that bridge first`);
    }
    await this.hubs.bridgeAt(adapter.bridgeRoom.bind(adapter), bridge);
  }

  isAdmin(address: Address): boolean {
    return this.admins.has(bare(address));
  }

  async list(by: Address): Promise<Bridge[]> {
    this.requireAdmin(by);
    return [...this.configured, ...(await this.stored()), ...this.open.values()];
  }

  /** The hub of the bridge of `remote` (configured, added at runtime or on demand), or undefined when not bridged. */
  async hubOf(remote: Address): Promise<Address | undefined> {
    const key = remoteKey(remote);
    const bridge = [...this.configured, ...this.open.values(), ...(await this.stored())].find((candidate) => remoteKey(candidate.remote) === key);
    return bridge && hubRoom(bridge.room);
  }

  /** Whether `room` is the hub of a bridge (configured, added at runtime or on demand). */
  async isHub(room: Address): Promise<boolean> {
    return [...this.configured, ...this.open.values(), ...(await this.stored())].some((bridge) => sameAddress(hubRoom(bridge.room), room));
  }

  /**
   * `by` joins `remote` by its own address: the hub of its bridge, bridged now when its network lets anyone join
   * its rooms (Adapter.roomsOnDemand), with the key they gave (`channelKey`). GW_ERR_FORBIDDEN when it does not.
   */
  async hubFor(remote: Address, by: Address, channelKey = ""): Promise<Address> {
    const hub = await this.hubOf(remote);
    if (hub) return hub;
    const key = remoteKey(remote);
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.openBridge(remote, by, channelKey).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return hubRoom((await opening).room);
  }

  private async openBridge(asked: Address, by: Address, channelKey: string): Promise<Bridge> {
    const remote = { ...asked, id: asked.id.toLowerCase() };
    const adapter = this.deps.registry.for(remote) ?? (await this.deps.registry.obtain(remote, by));
    if (!adapter?.bridgeRoom) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network serves ${formatAddress(remote)}`);
    if (adapter.roomsOnDemand !== true) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(remote)} is not bridged, and ${remote.protocol}/${remote.account} lets only bridged rooms be joined`);
    }
    if (adapter.mayOpenRoom?.(by) === false) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(remote)} is not bridged, and ${formatAddress(by)} may not have rooms of ${remote.protocol}/${remote.account} joined`);
    }
    const openHere = [...this.open.values()].filter((bridge) => bridge.remote.protocol === remote.protocol && bridge.remote.account === remote.account).length;
    // Those being opened at this moment are not counted: a few joins at once may pass the limit by as many.
    if (adapter.maxRoomsOnDemand !== undefined && openHere >= adapter.maxRoomsOnDemand) {
      throw new GatewayError("GW_ERR_RATE_LIMITED", `${remote.protocol}/${remote.account} has ${adapter.maxRoomsOnDemand} rooms joined on demand already: try again once one is left`);
    }
    const bridge: Bridge = { room: onDemandHubName(remote), remote, nick: "", key: channelKey, membership: true, source: "open", createdBy: by, createdAt: Date.now() };
    await this.hubs.bridgeAt(adapter.bridgeRoom.bind(adapter), bridge);
    this.open.set(remoteKey(remote), bridge);
    this.deps.log.info({ room: bridge.room, remote: addressKey(remote), by: addressKey(by) }, "room bridged on demand");
    return bridge;
  }

  /**
   * Someone left `hub`: a bridge made on demand to it ends once nobody but bridged rooms is left there (the gateway
   * leaves the remote room, which leaves the hub). Any other room: nothing to do.
   */
  async closeIfIdle(hub: Address): Promise<void> {
    const bridge = [...this.open.values()].find((candidate) => sameAddress(hubRoom(candidate.room), hub));
    if (!bridge || !(await this.deps.rooms.exists(hub))) return;
    const people = (await this.deps.rooms.members(hub)).filter((member) => !this.deps.registry.relaysRooms(member.address));
    if (people.length > 0) return;
    await this.end(bridge);
    this.deps.log.info({ room: bridge.room, remote: addressKey(bridge.remote) }, "room bridged on demand closed: nobody left in it");
  }

  async add(by: Address, request: BridgeRequest): Promise<Bridge> {
    this.requireAdmin(by);
    if (!ROOM_NAME_PATTERN.test(request.room)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${request.room} is not a room name (letters, digits, ".", "_", "-")`);
    // Whatever the admin's client checked: a control character in the bot's nick or the key would end its stream.
    if (request.nick !== undefined && !isBotNick(request.nick)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "the bot's nick must be 1 to 64 characters, without spaces, slashes or control characters");
    if (request.key !== undefined && hasUnsafeCharacters(request.key)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "a key or password cannot hold control characters");
    const remote = { ...request.remote, id: request.remote.id.toLowerCase() };
    const adapter = this.deps.registry.for(remote) ?? (await this.deps.registry.obtain(remote, by));
    if (!adapter?.bridgeRoom) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured IRC network or bridge bot serves ${formatAddress(remote)}`);
    const existing = (await this.list(by)).find((bridge) => remoteKey(bridge.remote) === remoteKey(remote));
    if (existing?.source === "open") {
      // Its people are in the room made for it on demand; a bridge to another room would take the channel from them.
      throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${formatAddress(remote)} is joined on demand (room ${existing.room}) while someone is in it: add its bridge once they have left`);
    }
    if (existing) throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${formatAddress(remote)} is bridged already`);
    const bridge: Bridge = {
      room: request.room.toLowerCase(),
      remote,
      nick: remote.protocol === "irc" ? "" : (request.nick ?? DEFAULT_BRIDGE_NICK),
      key: request.key ?? "",
      membership: request.membership ?? true,
      source: "runtime",
      createdBy: by,
      createdAt: Date.now(),
    };
    await this.hubs.bridgeAt(adapter.bridgeRoom.bind(adapter), bridge);
    const record = { remote, room: bridge.room, nick: bridge.nick, key: bridge.key, membership: bridge.membership, createdBy: by, createdAt: bridge.createdAt ?? 0 };
    if (!(await this.deps.store.add(record))) {
      throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${formatAddress(remote)} is bridged already`);
    }
    this.deps.log.info({ room: bridge.room, remote: addressKey(remote), by: addressKey(by) }, "bridge added");
    return bridge;
  }

  async remove(by: Address, remote: Address): Promise<void> {
    this.requireAdmin(by);
    const configured = this.configured.find((bridge) => remoteKey(bridge.remote) === remoteKey(remote));
    if (configured) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(remote)} is bridged by the configuration file: change it there`);
    const bridge = this.open.get(remoteKey(remote)) ?? (await this.stored()).find((candidate) => remoteKey(candidate.remote) === remoteKey(remote));
    if (!bridge) throw new GatewayError("GW_ERR_NOT_FOUND", `${formatAddress(remote)} is not bridged`);
    if (bridge.source === "runtime") {
      this.restores.cancel(bridge.remote);
      await this.deps.store.remove(bridge.remote);
    }
    await this.end(bridge);
    this.deps.log.info({ room: bridge.room, remote: addressKey(bridge.remote), by: addressKey(by) }, "bridge removed");
  }

  /** The remote room is parted and leaves the hub (BridgeHubs.end); a bridge on demand is no longer open. */
  private async end(bridge: Bridge): Promise<void> {
    this.open.delete(remoteKey(bridge.remote));
    await this.hubs.end(bridge);
  }

  /**
   * At start, before the adapters connect: every stored bridge is handed to its adapter again (it joins at
   * connect). A bridge whose network has no adapter yet (an IRC server on demand) is restored in the background,
   * its server tried again with backoff while unreachable, so that the start never waits for it
   * (background-bridge-restores.ts). A bridge whose network is no longer configured is kept and logged, so that
   * configuring the network again brings it back.
   */
  async restore(): Promise<void> {
    for (const bridge of await this.stored()) {
      const adapter = this.deps.registry.for(bridge.remote);
      if (!adapter) {
        this.restores.start(bridge);
        continue;
      }
      if (!adapter.bridgeRoom) {
        this.deps.log.warn({ room: bridge.room, remote: addressKey(bridge.remote) }, "bridge kept, but no configured network serves it");
        continue;
      }
      try {
        await this.restoreWith(adapter, bridge);
      } catch (error: unknown) {
        this.deps.log.error({ err: error, room: bridge.room, remote: addressKey(bridge.remote) }, "bridge not restored");
      }
    }
  }

  private async restoreWith(adapter: Adapter, bridge: Bridge): Promise<void> {
    await adapter.bridgeRoom?.(bridge.remote, hubRoom(bridge.room), bridge);
    await this.hubs.joinHub(bridge);
  }

  private async stored(): Promise<Bridge[]> {
    return (await this.deps.store.list()).map((record) => ({ ...record, source: "runtime" as const }));
  }

  private requireAdmin(by: Address): void {
    if (!this.isAdmin(by)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(by)} is not an admin of this gateway`);
  }
}
