/**
 * Rooms reached through someone's own account (a linked XMPP account's MUCs: `xmpp://u.alice/room@conference.example.org`),
 * the BitlBee way: the account joins a room of its network under its owner's nick, and the room is the owner's view
 * of it. Its occupants are shown to the owner alone (core/room-routing.ts delivers its traffic to the owner's
 * adapter), and nobody else becomes a member of it through the gateway: only the owner joins, reads, writes and
 * leaves it (GW_ERR_FORBIDDEN for anyone else). The account's adapter keeps the room (Adapter.ownRoom), not the
 * room store: it is no room of the gateway's, and no other network sees it. The rooms she is in are kept for the next
 * start (core/kept-own-rooms.ts): a join keeps one, a nick change keeps the new nick, a leave or her being put out of
 * it forgets it. In a room she is in she may also set the subject, invite, kick and ban, as far as the room lets her.
 */
import type { Adapter, OwnRoomBan } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { KeptOwnRooms } from "./kept-own-rooms.js";
import { GatewayError } from "./errors.js";
import { formatAddress, sameAddress, type Address } from "./model/address.js";
import type { Room, RoomMember } from "./model/room.js";

type OwnRoomAction = "renameInOwnRoom" | "setOwnRoomSubject" | "inviteToOwnRoom" | "kickFromOwnRoom" | "banInOwnRoom" | "unbanInOwnRoom" | "ownRoomBans";

export class OwnRooms {
  constructor(
    private readonly registry: AdapterRegistry,
    /** Where the rooms she joined are kept for the next start; absent: nowhere (forgotten at a restart). */
    private readonly kept?: Pick<KeptOwnRooms, "keep" | "forget" | "renamed" | "marked">,
  ) {}

  /** The person whose own account `room` would be reached through (whether that account is linked now or not); undefined for any other room. */
  ownerOf(room: Address): Address | undefined {
    return this.registry.ownerOf(room);
  }

  /**
   * The owner's account joins the room under `member.nick`, with `key` for a room that has a password; resolves
   * once the room took the account in, with its occupants. Rejects with the room's refusal (GW_ERR_KEY_NEEDED,
   * GW_ERR_NICK_IN_USE, GW_ERR_FORBIDDEN, GW_ERR_NOT_FOUND, GW_ERR_UNAVAILABLE) or GW_ERR_UNAVAILABLE while the account
   * is not connected.
   */
  async join(room: Address, member: RoomMember, key?: string): Promise<Room> {
    const host = this.host(room, member.address);
    const joined = await host.joinRoom(room, member.address, { nick: member.nick, ...(key === undefined ? {} : { key }) });
    await this.kept?.keep(member.address, { room, nick: member.nick, ...(key === undefined ? {} : { key }) });
    return joined;
  }

  /**
   * She leaves the room, or gives up one kept from before a restart that her account did not join again yet (the
   * room does not answer): either way it is no longer kept. The account's adapter answers GW_ERR_NOT_MEMBER for a
   * room she neither is in nor has kept; a row it did not take (its password no longer opens) is forgotten too.
   */
  async leave(room: Address, member: Address): Promise<void> {
    const host = this.host(room, member);
    try {
      await host.leaveRoom(room, member);
    } finally {
      await this.kept?.forget(member, room);
    }
  }

  /** Someone left a room (told by its network): when it is her own room and she is out of it (kicked, banned, refused), it is not joined again. */
  async left(room: Address, member: Address): Promise<void> {
    const owner = this.registry.ownerOf(room);
    if (owner !== undefined && sameAddress(owner, member)) await this.kept?.forget(member, room);
  }

  /** She was given the room's lines up to `archiveMark` (adapters/xmpp/account-muc-catch-up.ts): kept for the next start. */
  async marked(room: Address, archiveMark: string): Promise<void> {
    const owner = this.registry.ownerOf(room);
    if (owner !== undefined) await this.kept?.marked(owner, room, archiveMark);
  }

  /** The room as the owner's account is in it now; GW_ERR_NOT_MEMBER when it is not. */
  get(room: Address, member: Address): Room {
    const joined = this.find(room, member);
    if (!joined) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${formatAddress(room)}`);
    return joined;
  }

  /** The room as the owner's account is in it now; undefined when it is not (being joined, or not at all). */
  find(room: Address, member: Address): Room | undefined {
    return this.host(room, member).ownRoom?.(room);
  }

  /** She takes another nick in the room (GW_ERR_NICK_IN_USE when taken): kept for the next start too. Resolves with her as its member now. */
  async rename(room: Address, member: Address, nick: string): Promise<RoomMember> {
    const renamed = await this.action(room, member, "renameInOwnRoom").call(this.host(room, member), room, nick);
    // The nick the room gave her (it may adjust the one asked for, XEP-0045 status 210) is the one to join under again.
    await this.kept?.renamed(member, room, renamed.nick);
    return renamed;
  }

  /** She sets the room's subject: resolves once the room shows it (GW_ERR_FORBIDDEN when it does not let her). */
  async setSubject(room: Address, member: Address, subject: string): Promise<void> {
    await this.action(room, member, "setOwnRoomSubject").call(this.host(room, member), room, subject);
  }

  /** She invites `to`, someone of the room's network, into it (the network's way): resolves once the invitation went out. */
  async invite(room: Address, member: Address, to: Address, reason: string): Promise<void> {
    if (to.protocol !== room.protocol) throw new GatewayError("GW_ERR_BAD_ADDRESS", `only people of ${room.protocol} can be invited into ${formatAddress(room)}`);
    await this.action(room, member, "inviteToOwnRoom").call(this.host(room, member), room, to, reason);
  }

  /** She puts an occupant out of the room, where the room lets her (GW_ERR_FORBIDDEN where it does not). */
  async kick(room: Address, member: Address, occupant: Address, reason: string): Promise<void> {
    await this.action(room, member, "kickFromOwnRoom").call(this.host(room, member), room, occupant, reason);
  }

  /** She bans a person of the room's network from it, where the room lets her (GW_ERR_FORBIDDEN where it does not). */
  async ban(room: Address, member: Address, person: Address, reason: string): Promise<void> {
    this.sameNetwork(room, person);
    await this.action(room, member, "banInOwnRoom").call(this.host(room, member), room, person, reason);
  }

  /** She lifts a ban there (GW_ERR_NOT_FOUND for someone not banned). */
  async unban(room: Address, member: Address, person: Address): Promise<void> {
    this.sameNetwork(room, person);
    await this.action(room, member, "unbanInOwnRoom").call(this.host(room, member), room, person);
  }

  /** The room's bans, as the room shows them to her (GW_ERR_FORBIDDEN where it does not). */
  async bans(room: Address, member: Address): Promise<OwnRoomBan[]> {
    return this.action(room, member, "ownRoomBans").call(this.host(room, member), room);
  }

  /**
   * A reaction to line `messageId` of the room, or its retraction (`verb`), is refused up front with GW_ERR_NOT_FOUND
   * when the room has no id of that line that the account knows (a MUC without stanza-ids): it could not name it there.
   */
  async checkLine(room: Address, member: Address, messageId: string, verb: string): Promise<void> {
    const known = this.host(room, member).ownRoomLineKnown;
    if (known !== undefined && !(await known.call(this.host(room, member), room, messageId))) {
      throw new GatewayError("GW_ERR_NOT_FOUND", `${formatAddress(room)} gave message ${messageId} no id to ${verb} it by`);
    }
  }

  /** The rooms `member` is in through their own accounts now (each as get gives it). */
  listOf(member: Address): Room[] {
    return this.registry.all().flatMap((adapter) => (adapter.owner !== undefined && sameAddress(adapter.owner, member) ? (adapter.ownRoomList?.() ?? []) : []));
  }

  /** What the account's adapter does for `action`; GW_ERR_UNSUPPORTED when it does not. */
  private action<K extends OwnRoomAction>(room: Address, by: Address, action: K): NonNullable<Adapter[K]> {
    const method = this.host(room, by)[action];
    if (!method) throw new GatewayError("GW_ERR_UNSUPPORTED", `${room.protocol}://${room.account} does not offer that in its rooms`);
    return method as NonNullable<Adapter[K]>;
  }

  private sameNetwork(room: Address, person: Address): void {
    if (person.protocol !== room.protocol) throw new GatewayError("GW_ERR_BAD_ADDRESS", `only people of ${room.protocol} can be banned from ${formatAddress(room)}`);
  }

  private host(room: Address, by: Address): Adapter {
    const owner = this.registry.ownerOf(room);
    if (!owner || !sameAddress(owner, by)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(room)} is reached through ${owner === undefined ? "someone" : formatAddress(owner)}'s own account, for them only`);
    const adapter = this.registry.for(room);
    if (!adapter) throw new GatewayError("GW_ERR_UNAVAILABLE", `you have no account linked at ${room.protocol}://${room.account}`);
    if (!adapter.ownRoom) throw new GatewayError("GW_ERR_UNSUPPORTED", `${room.protocol}://${room.account} joins no rooms`);
    return adapter;
  }
}
