/**
 * Joining and leaving a room by its address, whoever hosts it. A room of another network that is reached through
 * a bridge (an IRC channel an XMPP user joins as #chan%libera@gateway) is joined at its bridge's hub, bridged on
 * demand where its network allows that (core/bridges.ts); any other room is joined where it is (Router.joinRoom).
 * The Room answered is the hub, so the adapter knows which room the traffic that follows belongs to, and its
 * members are people: each bridged room among them (a member whose adapter relays rooms) stands for the people its
 * adapter sees in it (Adapter.roomPeople: who is in the IRC channel), a nick already shown keeping its holder.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { BridgeService } from "./bridges.js";
import { GatewayError } from "./errors.js";
import { formatAddress, type Address } from "./model/address.js";
import type { Room, RoomMember } from "./model/room.js";

export interface RoomJoinsDeps {
  readonly registry: AdapterRegistry;
  readonly bridges: BridgeService;
  readonly joinRoom: (room: Address, member: RoomMember) => Promise<Room>;
  readonly leaveRoom: (room: Address, member: Address) => Promise<void>;
}

export class RoomJoins {
  constructor(private readonly deps: RoomJoinsDeps) {}

  /** `key`: the key the joiner gave, for a room bridged on demand (an IRC channel's +k). */
  async join(room: Address, member: RoomMember, options: { readonly key?: string } = {}): Promise<Room> {
    if (!this.isBridgedRoom(room)) return this.withPeopleOfBridgedRooms(await this.deps.joinRoom(room, member));
    const hub = await this.deps.bridges.hubFor(room, member.address, options.key);
    try {
      return this.withPeopleOfBridgedRooms(await this.deps.joinRoom(hub, member));
    } catch (error: unknown) {
      // The first joiner refused (a nick taken): a room bridged for them alone is not kept.
      await this.deps.bridges.closeIfIdle(hub);
      throw error;
    }
  }

  async leave(room: Address, member: Address): Promise<void> {
    let hub = room;
    if (this.isBridgedRoom(room)) {
      const bridged = await this.deps.bridges.hubOf(room);
      if (!bridged) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${formatAddress(room)}`);
      hub = bridged;
    }
    await this.deps.leaveRoom(hub, member);
    await this.deps.bridges.closeIfIdle(hub);
  }

  private withPeopleOfBridgedRooms(room: Room): Room {
    const people: RoomMember[] = [];
    const nicks = new Set<string>();
    const add = (member: RoomMember): void => {
      if (nicks.has(member.nick.toLowerCase())) return;
      nicks.add(member.nick.toLowerCase());
      people.push(member);
    };
    const bridged: RoomMember[] = [];
    for (const member of room.members) {
      if (this.deps.registry.for(member.address)?.capabilities.relaysRooms === true) bridged.push(member);
      else add(member);
    }
    for (const remote of bridged) for (const person of this.deps.registry.for(remote.address)?.roomPeople?.(remote.address) ?? []) add(person);
    return { ...room, members: people };
  }

  /** A room of a network whose rooms are bridged to the gateway's (an IRC channel), not one the gateway hosts. */
  private isBridgedRoom(room: Address): boolean {
    return this.deps.registry.for(room)?.bridgeRoom !== undefined;
  }
}
