/**
 * A bridge's hub, the native room the remote room of a bridge is a member of (bridges.ts): joined by the remote room
 * (made for it when missing) before its adapter joins the remote room, and left as the bridge ends, with the people
 * the remote room showed there and the messages still queued for it.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Bridge } from "./bridge-admin.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, formatAddress, sameAddress, type Address } from "./model/address.js";
import { nativeRoomAddress, type RoomMember } from "./model/room.js";
import type { RoomService } from "./rooms.js";

/** The native room at the hub of a bridge. */
export const hubRoom = nativeRoomAddress;

export interface BridgeHubsDeps {
  readonly registry: AdapterRegistry;
  readonly rooms: RoomService;
  /** Joins a member to a room and tells the room (Router.joinRoom); leaves likewise. */
  readonly joinRoom: (room: Address, member: RoomMember) => Promise<unknown>;
  readonly leaveRoom: (room: Address, member: Address) => Promise<void>;
  /** Deliveries still queued for a remote room whose bridge ended fail now (Outbox.failQueued). */
  readonly failQueued?: (remote: Address, error: GatewayError) => Promise<void>;
  /** People of a bridged room (an IRC channel's) leave the hub with its bridge: every network is told (Router.relayedPeopleLeft). */
  readonly peopleLeft?: (room: Address, people: readonly RoomMember[]) => Promise<void>;
  readonly log: Logger;
}

export class BridgeHubs {
  constructor(private readonly deps: BridgeHubsDeps) {}

  /**
   * The hub first, with the remote room in it, so that what the room says as it is joined (an IRC channel's topic)
   * is kept, and the first joiner sees it; then the adapter joins the remote room. Undone, the hub too when it was
   * made here, if the adapter refuses the address or the join.
   */
  async bridgeAt(bridgeRoom: NonNullable<Adapter["bridgeRoom"]>, bridge: Bridge): Promise<void> {
    const hub = hubRoom(bridge.room);
    const hubMade = !(await this.deps.rooms.exists(hub));
    await this.joinHub(bridge);
    try {
      await bridgeRoom(bridge.remote, hub, bridge);
    } catch (error: unknown) {
      await this.undoHub(bridge, hubMade);
      throw error;
    }
  }

  /** The remote room is parted and leaves the hub. */
  async end(bridge: Bridge): Promise<void> {
    const adapter = this.deps.registry.for(bridge.remote);
    // Who was there, asked before the adapter parts and forgets them: shown in the hub (XMPP occupants), they go too.
    const people = adapter?.roomPeople?.(bridge.remote) ?? [];
    await adapter?.unbridgeRoom?.(bridge.remote);
    const hub = hubRoom(bridge.room);
    if (await this.deps.rooms.exists(hub)) {
      const member = (await this.deps.rooms.members(hub)).find((candidate) => sameAddress(candidate.address, bridge.remote));
      if (member) await this.deps.leaveRoom(hub, bridge.remote);
      // Someone also in another room of the bridge (a second channel of the same network) stays in the hub.
      const stillThere = new Set(this.deps.registry.peopleOfBridgedRooms(await this.deps.rooms.members(hub)).map((person) => addressKey(person.address)));
      const gone = people.filter((person) => !stillThere.has(addressKey(person.address)));
      if (gone.length > 0) await this.deps.peopleLeft?.(hub, gone);
      // What waits for it fails now, unless its network still relays the hub (a second channel of it takes them).
      const relaysStill = (await this.deps.rooms.members(hub)).some((other) => this.deps.registry.for(other.address) === adapter);
      if (!relaysStill) await this.deps.failQueued?.(bridge.remote, new GatewayError("GW_ERR_NO_ROUTE", `${formatAddress(bridge.remote)} is not bridged to ${bridge.room} any more`));
    }
  }

  /** The remote room is a member of the hub from now on (created when missing, with the remote room as its owner). */
  async joinHub(bridge: Bridge): Promise<void> {
    const hub = hubRoom(bridge.room);
    const member: RoomMember = { address: bridge.remote, nick: bridge.remote.id.split("@")[0] ?? bridge.remote.id, role: "member" };
    if (!(await this.deps.rooms.exists(hub))) await this.deps.rooms.create(hub, bridge.room, "", { ...member, role: "owner" });
    else await this.deps.joinRoom(hub, member);
  }

  /** A bridge refused as it was added: the remote room leaves its hub, and a hub made for it alone goes. */
  private async undoHub(bridge: Bridge, hubMade: boolean): Promise<void> {
    const hub = hubRoom(bridge.room);
    try {
      if (hubMade) await this.deps.rooms.remove(hub);
      else await this.deps.leaveRoom(hub, bridge.remote);
    } catch (failure: unknown) {
      this.deps.log.warn({ err: failure, room: bridge.room }, "refused room not taken out of its hub");
    }
  }
}
