/**
 * Rooms of the gateway as XMPP multi-user chats (XEP-0045, as a client sees it): `#lobby@gateway` is the
 * native room #lobby. An XMPP user joins with presence to `#lobby@gateway/nick`, gets the occupant list (every
 * member, from any network, as an occupant), its own presence (status 110) and the subject; groupchat messages
 * go both ways (an occupant's own message is reflected back, as MUC clients expect); leaving is unavailable
 * presence. Occupancy is per XMPP session (full JID): a person stays a member while one of their sessions is in.
 * A chat message to `#lobby@gateway/nick` is a private message to the person behind that nick (section 7.5).
 *
 * A bridged room of another network is joined by its own JID too (`#dev%libera@gateway` for an IRC channel): the
 * core answers the join with the bridge's hub (core/room-joins.ts), whose traffic then reaches the occupant
 * from the JID they joined. Occupants are kept per hub, each with the room JID they joined by.
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { RoomMember, RoomRemoval, RoomRole } from "../../core/model/room.js";
import { resourceOf, withoutResource } from "./addressing.js";
import { joinRefusal, stanzaConditionFor, type StanzaErrorType } from "./error-conditions.js";
import type { ParsedMessage, ParsedPresence } from "./parse.js";
import type { StanzaWriter } from "./stanza-writer.js";
import { occupantKey, RoomOccupancy, type Occupant } from "./room-occupancy.js";
import { RoomOutput } from "./room-output.js";
import { RoomMessages } from "./room-messages.js";
import { RoomInvitationStanzas, type InvitationPayload } from "./room-invitations.js";
import { destroyedPresence, occupantPresence, removalCode, subjectMessage } from "./room-stanzas.js";
import { NS } from "./stanzas.js";
import type { OccupantIds } from "./occupant-ids.js";

/**
 * The rooms' occupants joining, leaving, changing nick and presence, and being told of the members of every network
 * (who is in is kept by room-occupancy.ts); their messages, subjects and history are room-messages.ts's.
 */
export class GatewayRooms {
  private readonly occupancy: RoomOccupancy;
  private readonly output: RoomOutput;
  private readonly messages: RoomMessages;
  /** Invitations into the rooms, both ways (room-invitations.ts). */
  readonly invitations: RoomInvitationStanzas;

  constructor(
    domain: string,
    private readonly context: AdapterContext,
    writer: StanzaWriter,
    /** Who is behind each occupant (XEP-0421), on every presence and message the rooms send. */
    private readonly ids: OccupantIds,
    /** xmpp.component.room_history: the most messages of history a joining user gets. */
    historyLimit = 0,
  ) {
    this.occupancy = new RoomOccupancy(domain);
    this.output = new RoomOutput(writer, context);
    this.messages = new RoomMessages(context, this.occupancy, this.output, ids, historyLimit);
    this.invitations = new RoomInvitationStanzas(domain, context, this.occupancy, this.output);
  }

  /**
   * How a member is shown in the MUC: an admin of the gateway may kick anyone from any room (muc-admin.ts), so is shown
   * as an admin of every room (as Prosody shows its server's admins as every room's owners), for clients to offer
   * them the kick; everyone else as their role in the room.
   */
  private shownRole(member: { readonly address: Address; readonly role: RoomRole }): RoomRole {
    return (member.role === "member" || member.role === "moderator") && this.context.bridges.isAdmin(member.address) ? "admin" : member.role;
  }

  /** How many XMPP sessions are in the gateway's rooms, and in how many rooms. */
  counts(): { readonly occupants: number; readonly rooms_with_occupants: number } {
    return this.occupancy.counts();
  }

  /** Presence to a room JID: a join (available, with a nick) or a leave (unavailable). */
  async presence(stanza: Element, presence: ParsedPresence, person: Address, room: Address): Promise<void> {
    const current = this.occupancy.occupant(room, presence.from);
    if (presence.type === "unavailable") {
      if (current) await this.leave(this.occupancy.hubOf(room), current);
      return;
    }
    const asked = resourceOf(presence.to);
    if (asked === "") return this.output.refuse(stanza, "modify", "jid-malformed", "join with a nick: room@domain/nick");
    if (current && current.nick !== asked) return this.changeNick(stanza, room, person, asked);
    if (current) return this.presenceUpdate(this.occupancy.hubOf(room), current, presence);
    try {
      // A password in the join (XEP-0045 7.2.6) is the key of an IRC channel joined on demand, as with Biboumi.
      const password = stanza.getChild("x", NS.muc)?.getChildText("password") ?? "";
      const joined = await this.context.joinRoom(room, { address: person, nick: asked, role: "member" }, password === "" ? {} : { key: password });
      const hub = joined.address;
      this.occupancy.joinedBy(room, hub);
      const roomJid = this.occupancy.roomJid(room);
      // A person is in a room under one nick: another session of theirs (or the same one by the room's other JID)
      // joining with another nick is given theirs (XEP-0045 status 210: the service chose the nick), else one
      // person would hold two nicks, one of them unknown to the room and free for anyone else to take.
      const own = joined.members.find((member) => sameAddress(member.address, person));
      const nick = own?.nick ?? asked;
      const occupant: Occupant = { jid: presence.from, address: person, nick, role: own?.role ?? "member", roomJid, show: presence.show, status: presence.status };
      // XEP-0045 section 7.2.3: the other occupants first, then the joiner's own presence (110), then the subject.
      // Each under the name the core shows them by (someone of a bridged IRC channel as nick%network where their nick
      // would pass for someone else's: core/shown-names.ts), the one their lines come from.
      const others: Element[] = [];
      for (const member of joined.members) {
        this.occupancy.nicks.seen(hub, member.nick, member.address);
        if (sameAddress(member.address, person)) continue;
        others.push(occupantPresence(`${roomJid}/${member.nick}`, occupant.jid, { role: this.shownRole(member), occupantId: this.ids.of(hub, member.address), ...this.occupancy.showOf(hub, member.address) }));
      }
      await this.output.writeAll(others);
      this.occupancy.nicks.seen(hub, nick, person);
      this.occupancy.add(hub, occupant);
      const codes = nick === asked ? [110] : [110, 210];
      await this.output.write(occupantPresence(`${roomJid}/${nick}`, occupant.jid, { role: this.shownRole(occupant), occupantId: this.ids.of(hub, person), codes }));
      // Section 7.2.15: the history (as much as the join asks for, within the configured limit), then the subject.
      await this.messages.sendHistory(hub, stanza, occupant);
      await this.output.write(subjectMessage(roomJid, occupant.jid, joined.subject));
    } catch (error: unknown) {
      await this.refuseFor(stanza, error);
    }
  }

  /**
   * An occupant asks for another nick (XEP-0045 section 7.6): the core takes it (stored; unique in the room and
   * in the rooms bridged to it) and tells everyone, this adapter's occupants through memberChanged(); a nick someone
   * has is `conflict`, and the occupant keeps theirs.
   */
  private async changeNick(stanza: Element, room: Address, person: Address, nick: string): Promise<void> {
    try {
      await this.context.renameInRoom(room, person, nick);
    } catch (error: unknown) {
      await this.refuseFor(stanza, error);
    }
  }

  /**
   * A join or nick change refused: a nick someone has is `conflict` (XEP-0045 sections 7.2.9 and 7.6), a members-only
   * room one is not allowed into `registration-required` (7.2.7).
   */
  private async refuseFor(stanza: Element, error: unknown): Promise<void> {
    const gatewayError = toGatewayError(error);
    const { type, condition } = gatewayError.code === "GW_ERR_NICK_IN_USE" ? { type: "cancel" as const, condition: "conflict" } : joinRefusal(gatewayError);
    await this.output.refuse(stanza, type, condition, gatewayError.message);
  }

  /** A groupchat message from an occupant to the room (room-messages.ts). */
  message(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    return this.messages.message(stanza, message, person, room);
  }

  /** A message to the room's bare JID with XEP-0045 invites or declines (room-invitations.ts). */
  invitation(stanza: Element, payload: InvitationPayload, fromJid: string, person: Address, room: Address): Promise<void> {
    return this.invitations.handle(stanza, payload, fromJid, person, room);
  }

  /** A chat message from an occupant to another occupant's nick (room-messages.ts). */
  privateMessage(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    return this.messages.privateMessage(stanza, message, person, room);
  }

  /** A room message from the core, to every occupant (room-messages.ts). */
  deliver(message: Message): Promise<void> {
    return this.messages.deliver(message);
  }

  /** The ids under which `viewer` knows a room message and the message it corrects (room-messages.ts). */
  idsSeenBy(message: Message, viewer: Address, loggedOriginId?: (gatewayId: string) => string | undefined): { readonly id: string; readonly replaces?: string } {
    return this.messages.idsSeenBy(message, viewer, loggedOriginId);
  }

  /** The subject changed: every occupant is told (room-messages.ts). */
  subject(room: Address, topic: string, by?: RoomMember): Promise<void> {
    return this.messages.subject(room, topic, by);
  }

  /**
   * A moderator's kick (XEP-0045 section 8.2: a muc#admin item with role "none") from one of `from`'s sessions in the
   * room: the core's kick (the room's owner or an admin of the gateway may; core/room-joins.ts), after which every
   * occupant sees the kicked one go with status 307, as after a native room.kick. The people of a bridged channel
   * are not the room's members: their kick is not-allowed here (the channel's operators kick them on IRC).
   * Undefined when done, else the error to answer with.
   */
  async kick(from: string, room: Address, nick: string, reason: string): Promise<{ readonly type: StanzaErrorType; readonly condition: string; readonly text: string } | undefined> {
    const kicker = this.occupancy.occupant(room, from);
    if (!kicker) return { type: "auth", condition: "forbidden", text: "join the room before kicking anyone from it" };
    const target = this.occupancy.nicks.find(this.occupancy.hubOf(room), nick);
    if (!target) return { type: "cancel", condition: "item-not-found", text: `nobody is known as ${nick} in this room` };
    // XEP-0045 8.2: a moderator kicking themself is a conflict.
    if (sameAddress(target, kicker.address)) return { type: "cancel", condition: "conflict", text: "leave the room instead of kicking yourself" };
    try {
      await this.context.kickFromRoom(room, kicker.address, target, reason);
      return undefined;
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      // Someone the room shows who is not its member: in a bridged room of another network.
      if (gatewayError.code === "GW_ERR_NOT_FOUND") return { type: "cancel", condition: "not-allowed", text: `${nick} is in a bridged room of another network: its operators kick them there` };
      return { ...stanzaConditionFor(gatewayError.code), text: gatewayError.message };
    }
  }

  /**
   * XEP-0425: the occupant `from` removes the room message of stanza-id (gateway id) `messageId` as a moderator; the
   * core checks her rights (the room's owner or an admin of the gateway) and the message, and every occupant then gets
   * the moderated retraction (RoomMessages.deliver). Undefined when done, else the error to answer with.
   */
  async moderate(from: string, room: Address, messageId: string, reason: string | undefined): Promise<{ readonly type: StanzaErrorType; readonly condition: string; readonly text: string } | undefined> {
    const moderator = this.occupancy.occupant(room, from);
    if (!moderator) return { type: "auth", condition: "forbidden", text: "join the room before moderating it" };
    const origin = { protocol: "xmpp" as const, account: this.context.account };
    const moderate = reason === undefined ? {} : { reason };
    try {
      await this.context.submit({ origin, scope: "room", kind: "text", from: moderator.address, to: this.occupancy.hubOf(room), senderName: moderator.nick, body: "", retracts: messageId, moderate });
      return undefined;
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      return { ...stanzaConditionFor(gatewayError.code), text: gatewayError.message };
    }
  }

  /** Whoever has `nick` in the room (an occupant, or a member of any network), as the room knows them now. */
  personByNick(room: Address, nick: string): Address | undefined {
    return this.occupancy.nicks.find(this.occupancy.hubOf(room), nick);
  }

  /**
   * Whether `person` may moderate the room as far as its MUC shows (an owner's session in it, or an admin of the
   * gateway): a refusal of theirs is then about whom they act on (not-allowed), not about them (forbidden).
   */
  moderates(room: Address, from: string, person: Address): boolean {
    return this.context.bridges.isAdmin(person) || this.occupancy.occupant(room, from)?.role === "owner";
  }

  /**
   * XEP-0410 (MUC self-ping): a client pings its own occupant JID to learn whether it is still in the room (a
   * restart of the gateway forgets every occupant). Joined: the ping is answered; not joined: `not-acceptable`,
   * after which the client joins again; joined, but the nick pinged is nobody's: `item-not-found`.
   */
  pingAnswer(from: string, room: Address, nick: string): "joined" | "not-joined" | "no-such-nick" {
    const occupant = this.occupancy.occupant(room, from);
    if (!occupant) return "not-joined";
    if (occupant.nick.toLowerCase() === nick.toLowerCase() || this.occupancy.nicks.find(this.occupancy.hubOf(room), nick)) return "joined";
    return "no-such-nick";
  }

  /**
   * The hub whose archive `from` may read by querying `room` (XEP-0313): only while one of their sessions is in the
   * room by that JID. A MUC archive is for those who may enter (XEP-0313 5.1.2); the gateway asks, as native history
   * does, that they be in, which is also what clients do before they query.
   */
  archiveReader(from: string, room: Address): Address | undefined {
    const hub = this.occupancy.hubOf(room);
    const roomJid = this.occupancy.roomJid(room);
    const bare = withoutResource(from).toLowerCase();
    for (const occupant of this.occupancy.occupantsIn(hub)?.values() ?? []) {
      if (occupant.roomJid === roomJid && withoutResource(occupant.jid).toLowerCase() === bare) return hub;
    }
    return undefined;
  }

  /**
   * A member joined or left (from any network): tell the occupants, except the member's own sessions, which are told
   * only when the member was put out (`removal`, a kick or a ban), and are then out of the room.
   */
  async membership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    const nick = member.nick;
    if (event === "joined") this.occupancy.nicks.seen(room, nick, member.address);
    else this.occupancy.nicks.left(room, nick);
    const occupants = this.occupancy.occupantsIn(room);
    if (!occupants) return;
    // Put out (XEP-0045 sections 8.2 and 9.1): the member's own sessions are told, with status 110 and 307 (301 for a
    // ban), and are out.
    if (removal !== undefined) await this.removeSessions(room, member.address, removal);
    const shown = event === "joined" ? this.occupancy.showOf(room, member.address) : {};
    const kicked = removal === undefined ? {} : { codes: [removalCode(removal)], removal };
    const occupantId = this.ids.of(room, member.address);
    const told: Element[] = [];
    for (const occupant of occupants.values()) {
      if (sameAddress(occupant.address, member.address)) continue;
      told.push(occupantPresence(`${occupant.roomJid}/${nick}`, occupant.jid, { role: this.shownRole(member), occupantId, unavailable: event === "left", ...shown, ...kicked }));
    }
    await this.output.writeAll(told);
  }

  /** Every session of `person` in the room was put out: each gets its own unavailable presence (110, 307 or 301) and is forgotten. */
  private async removeSessions(room: Address, person: Address, removal: RoomRemoval): Promise<void> {
    const occupantId = this.ids.of(room, person);
    for (const occupant of [...(this.occupancy.occupantsIn(room)?.values() ?? [])]) {
      if (!sameAddress(occupant.address, person)) continue;
      this.occupancy.forget(room, occupant);
      await this.output.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { codes: [110, removalCode(removal)], occupantId, unavailable: true, removal })).catch(() => undefined);
    }
  }

  /**
   * An occupant's presence to the room changed (away, a new status text): the other occupants see it (XEP-0045
   * section 7.7), the person's other sessions with status 110. Only among XMPP occupants: other networks' members
   * see a person's presence as their contact, not in rooms.
   */
  private async presenceUpdate(hub: Address, current: Occupant, presence: ParsedPresence): Promise<void> {
    if (current.show === presence.show && current.status === presence.status) return;
    const occupants = this.occupancy.occupantsOf(hub);
    occupants.set(occupantKey(current.jid, current.roomJid), { ...current, show: presence.show, status: presence.status });
    const occupantId = this.ids.of(hub, current.address);
    const told: Element[] = [];
    for (const occupant of occupants.values()) {
      if (occupant.jid === current.jid) continue;
      const own = sameAddress(occupant.address, current.address);
      told.push(occupantPresence(`${occupant.roomJid}/${current.nick}`, occupant.jid, { role: this.shownRole(current), occupantId, codes: own ? [110] : [], show: presence.show, status: presence.status }));
    }
    await this.output.writeAll(told);
  }

  /**
   * A member took another nick (XEP-0045 section 7.6): every occupant gets the old nick's unavailable presence
   * with status 303 and the new nick, then the new nick's presence; the member's own sessions get both with
   * status 110 too, and are in the room under the new nick from now on. Another role only (an IRC operator
   * made or unmade, section 9.6): the presence with the new role.
   */
  async memberChanged(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    const [before, after] = [member.nick, changed.nick];
    const renamed = before !== after;
    if (renamed) this.occupancy.nicks.left(room, before);
    this.occupancy.nicks.seen(room, after, changed.address);
    const occupants = this.occupancy.occupantsIn(room);
    if (!occupants) return;
    const shown = this.occupancy.showOf(room, member.address);
    const [idBefore, idAfter] = [this.ids.of(room, member.address), this.ids.of(room, changed.address)];
    const told: Element[] = [];
    for (const [key, occupant] of occupants) {
      const own = sameAddress(occupant.address, member.address);
      if (own) occupants.set(key, { ...occupant, address: changed.address, nick: changed.nick, role: changed.role });
      const self = own ? [110] : [];
      if (renamed) told.push(occupantPresence(`${occupant.roomJid}/${before}`, occupant.jid, { role: this.shownRole(member), occupantId: idBefore, codes: [303, ...self], unavailable: true, newNick: after }));
      told.push(occupantPresence(`${occupant.roomJid}/${after}`, occupant.jid, { role: this.shownRole(changed), occupantId: idAfter, codes: self, ...shown }));
    }
    await this.output.writeAll(told);
  }

  /** The service is stopping: every occupant gets its own unavailable presence with status 332 (system shutdown). */
  async shutdown(): Promise<void> {
    for (const { hub, occupant } of this.occupancy.everyone()) {
      await this.output.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { occupantId: this.ids.of(hub, occupant.address), codes: [110, 332], unavailable: true }));
    }
  }

  /** The room was destroyed (XEP-0045 section 10.9): each occupant gets its own unavailable presence with <destroy/>, and is forgotten. */
  async destroyed(room: Address, members: readonly RoomMember[], reason: string): Promise<void> {
    for (const member of members) this.occupancy.nicks.left(room, member.nick);
    for (const occupant of [...(this.occupancy.occupantsIn(room)?.values() ?? [])]) {
      this.occupancy.forget(room, occupant);
      await this.output.write(destroyedPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, reason, this.ids.of(room, occupant.address))).catch(() => undefined);
    }
  }

  /** The connection is gone: every XMPP occupant has left (their clients join again once it is back). */
  reset(): void {
    for (const { room, people } of this.occupancy.clear()) {
      for (const person of people) void this.context.leaveRoom(room, person).catch((error: unknown) => this.context.log.warn({ err: error }, "room leave failed"));
    }
  }

  private async leave(room: Address, occupant: Occupant): Promise<void> {
    const stillIn = this.occupancy.forget(room, occupant);
    await this.output.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { occupantId: this.ids.of(room, occupant.address), codes: [110], unavailable: true })).catch(() => undefined);
    if (stillIn) return;
    await this.context.leaveRoom(room, occupant.address).catch((error: unknown) => this.context.log.warn({ err: error }, "room leave failed"));
  }
}
