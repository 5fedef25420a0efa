/**
 * Joining and leaving a room by its address, whoever hosts it. A room of another network that is reached through
 * a bridge (an IRC channel an XMPP user joins as #chan%libera@gateway) is joined at its bridge's hub, bridged on
 * demand where its network allows that (core/bridges.ts); any other room is joined where it is (Router.joinRoom).
 * The Room answered is the hub, so the adapter knows which room the traffic that follows belongs to, and its
 * members are people: each bridged room among them (a member whose adapter relays rooms) stands for the people its
 * adapter sees in it (Adapter.roomPeople: who is in the IRC channel), after the room's own members.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { BridgeService } from "./bridges.js";
import { GatewayError } from "./errors.js";
import { formatAddress, sameAddress, type Address } from "./model/address.js";
import type { Room, RoomMember, RoomRemoval } from "./model/room.js";
import { nickKey } from "./model/nick.js";
import { checkNick } from "./rooms.js";
import { isRoomOwner } from "./room-owner.js";

/** The person an account is linked to, when the link counts now (IdentityService.personOf). */
export type PersonOf = (address: Address) => Address | undefined;

/**
 * A nick is one person's in a room, the people of its bridged rooms included (an IRC user's nick in the channel, as
 * the room shows it: RoomJoins.bridgedPeople): else an XMPP occupant would take that person's lines for their own.
 * GW_ERR_NICK_IN_USE when one of `people` has it, unless that one is the member themself: their own linked account
 * (an IRC nick linked to a user, shown under the user's name), or linked to the same person as the member. As with
 * names (NickReservations.mayUse), one's own accounts never hold one's nick against one; the room then shows the
 * linked account as nick%network (core/shown-names.ts: a member of the room has the nick).
 */
export function refuseNickHeld(people: readonly RoomMember[], room: Address, member: RoomMember, personOf: PersonOf = () => undefined): void {
  const nick = nickKey(member.nick);
  const joiner = personOf(member.address) ?? member.address;
  const holder = people.find((person) => nickKey(person.nick) === nick && !sameAddress(person.address, member.address) && !sameAddress(personOf(person.address) ?? person.address, joiner));
  if (holder) throw new GatewayError("GW_ERR_NICK_IN_USE", `the nick ${member.nick} is ${formatAddress(holder.address)}'s in a room bridged to ${room.id}`);
}

/** Who moderates a room, and where (RoomJoins.moderation). */
export interface Moderation {
  /** The room the gateway hosts: the bridge's hub of a bridged room named by its own address. */
  readonly hub: Address;
  readonly members: readonly RoomMember[];
  /** The moderator as the room shows them: their nick, or their id for an admin who is not in the room. */
  readonly shownAs: string;
}

export interface RoomJoinsDeps {
  readonly registry: AdapterRegistry;
  readonly bridges: BridgeService;
  /** `key`: the password the joiner gave, asked by a password-protected room (core/room-settings.ts). */
  readonly joinRoom: (room: Address, member: RoomMember, options?: { readonly key?: string }) => Promise<Room>;
  readonly leaveRoom: (room: Address, member: Address, removal?: RoomRemoval) => Promise<void>;
  readonly renameMember: (room: Address, member: Address, nick: string) => Promise<RoomMember>;
  /** The members of a room the gateway hosts (none when there is no such room: the join says so). */
  readonly members: (room: Address) => Promise<readonly RoomMember[]>;
  /** The owner of a room the gateway hosts (its creator), undefined when there is no such room. */
  readonly ownerOf: (room: Address) => Promise<Address | undefined>;
  /** The people of the room's bridged rooms as the room shows them: under the names their lines go under (RoomRouting.peopleShown). */
  readonly peopleShown: (room: Address, people: readonly RoomMember[]) => Promise<RoomMember[]>;
  /** Whose linked account an address is: one's own accounts hold no nick against one (refuseNickHeld). */
  readonly personOf?: PersonOf;
  /** A kicked person is no longer let into a members-only room (RoomSettings.disallow). */
  readonly disallow?: (hub: Address, target: Address) => Promise<void>;
}

export class RoomJoins {
  constructor(private readonly deps: RoomJoinsDeps) {}

  /** `key`: the key the joiner gave, for a room bridged on demand (an IRC channel's +k), or a gateway room's password. */
  async join(room: Address, member: RoomMember, options: { readonly key?: string } = {}): Promise<Room> {
    // A bridged room joins by its own name ("#python-ру"), which no person chose: not held to people's nick rules.
    if (!this.deps.registry.relaysRooms(member.address)) checkNick(member.nick);
    // A channel of an IRC server on demand: its network connected first (refused with a coded error).
    if (this.deps.registry.for(room) === undefined) await this.deps.registry.obtain(room, member.address);
    const bridged = this.isBridgedRoom(room);
    const target = bridged ? await this.deps.bridges.hubFor(room, member.address, options.key) : room;
    try {
      refuseNickHeld(await this.bridgedPeople(target), target, member, this.deps.personOf);
      return await this.withPeopleOfBridgedRooms(await this.deps.joinRoom(target, member, options.key === undefined ? {} : { key: options.key }));
    } catch (error: unknown) {
      // The first joiner refused (a nick taken): a room bridged for them alone is not kept.
      if (bridged) await this.deps.bridges.closeIfIdle(target);
      throw error;
    }
  }

  async leave(room: Address, member: Address, removal?: RoomRemoval): Promise<void> {
    const hub = await this.joinedHub(room);
    await this.deps.leaveRoom(hub, member, removal);
    await this.deps.bridges.closeIfIdle(hub);
  }

  /**
   * The rights check of kicks and bans (core/room-bans.ts): only the room's owner (its creator) or an admin of the
   * gateway may put people out of a room or keep them out, or list and lift its bans, whether in the room or not (an
   * owner who left still owns it, and a room everyone left still has its bans). Resolves with the room they act in
   * (its bridge's hub for a bridged room), its members and the name the moderator is shown by (their nick, else
   * their id). GW_ERR_NOT_FOUND without such a room; anyone else is GW_ERR_NOT_MEMBER out of it, else GW_ERR_FORBIDDEN.
   */
  async moderation(room: Address, by: Address): Promise<Moderation> {
    const hub = await this.joinedHub(room);
    const owner = await this.deps.ownerOf(hub);
    if (owner === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no room ${formatAddress(room)}`);
    const members = await this.deps.members(hub);
    const moderator = members.find((member) => sameAddress(member.address, by));
    if (!isRoomOwner(owner, by, this.deps.personOf ?? (() => undefined)) && !this.deps.bridges.isAdmin(by)) {
      if (!moderator) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${formatAddress(room)}`);
      throw new GatewayError("GW_ERR_FORBIDDEN", "only the room's owner or an admin of the gateway puts people out of it or keeps them out");
    }
    return { hub, members, shownAs: moderator?.nick ?? by.id };
  }

  /**
   * `by` puts `target` out of a room (a kick): only the room's owner or an admin of the gateway may, and only a person
   * (a bridged room, an IRC channel, is removed with bridge.remove; the people of a bridged room are not members).
   * Everyone is told who did it and why, the target too, on their own network; they may join again, but for a
   * members-only room, which no longer lets them in without another invitation (as Prosody takes the membership).
   */
  async kick(room: Address, by: Address, target: Address, reason: string): Promise<void> {
    const { hub, members, shownAs } = await this.moderation(room, by);
    if (sameAddress(by, target)) throw new GatewayError("GW_ERR_BAD_FRAME", "leave the room instead of kicking yourself");
    const member = members.find((entry) => sameAddress(entry.address, target));
    if (!member) throw new GatewayError("GW_ERR_NOT_FOUND", `${formatAddress(target)} is not a member of ${formatAddress(room)}`);
    if (this.deps.registry.relaysRooms(target)) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(target)} is a bridged room: remove its bridge instead`);
    }
    await this.leave(hub, target, { by: shownAs, reason });
    await this.deps.disallow?.(hub, target);
  }

  /**
   * A member takes another nick in a room they joined by its address (at its hub), unless someone else in the room
   * or in a room bridged to it has it (GW_ERR_NICK_IN_USE).
   */
  async rename(room: Address, member: Address, nick: string): Promise<RoomMember> {
    checkNick(nick);
    const hub = await this.joinedHub(room);
    refuseNickHeld(await this.bridgedPeople(hub), hub, { address: member, nick, role: "member" }, this.deps.personOf);
    return this.deps.renameMember(hub, member, nick);
  }

  /** The room someone in `room` is in: its bridge's hub for a bridged room of another network (an IRC channel). */
  private async joinedHub(room: Address): Promise<Address> {
    if (!this.isBridgedRoom(room)) return room;
    const hub = await this.deps.bridges.hubOf(room);
    if (!hub) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${formatAddress(room)}`);
    return hub;
  }

  /**
   * The people in the rooms bridged to `room` (an IRC channel's, a bot's MUC's), as their adapters see them now, each
   * under the name their lines go under there (nick%network where their nick would pass for someone else's).
   */
  async bridgedPeople(room: Address): Promise<RoomMember[]> {
    return this.deps.peopleShown(room, this.deps.registry.peopleOfBridgedRooms(await this.deps.members(room)));
  }

  /** The room's own members first, then the people of its bridged rooms as the room shows them (bridgedPeople). */
  private async withPeopleOfBridgedRooms(room: Room): Promise<Room> {
    const own = room.members.filter((member) => !this.deps.registry.relaysRooms(member.address));
    const people = await this.deps.peopleShown(room.address, this.deps.registry.peopleOfBridgedRooms(room.members));
    return { ...room, members: [...own, ...people] };
  }

  /** A room of a network whose rooms are bridged to the gateway's (an IRC channel), not one the gateway hosts. */
  private isBridgedRoom(room: Address): boolean {
    return this.deps.registry.for(room)?.bridgeRoom !== undefined;
  }
}
