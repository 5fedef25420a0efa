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
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { RoomMember, RoomRemoval, RoomRole } from "../../core/model/room.js";
import type { Show } from "../../core/model/presence.js";
import { addressToJid, jidToAddress, resourceOf, withoutResource } from "./addressing.js";
import { showToXmpp } from "./presence-map.js";
import { stripInvalidXmlChars as safe } from "./xml-safety.js";
import { stanzaConditionFor, type StanzaErrorType } from "./error-conditions.js";
import type { ParsedMessage, ParsedPresence } from "./parse.js";
import { directDraft } from "./drafts.js";
import { historyMessage, historyRequest } from "./room-history.js";
import { RoomNicks } from "./room-nicks.js";
import type { StanzaWriter } from "./stanza-writer.js";
import { CorrectionIds, RecentMap } from "./message-memory.js";
import { chatMessage, chatState, errorCondition, isRelayed, markRelayed, NS, stanzaId, type ChatState } from "./stanzas.js";

/** How far back in a room's log an occupant's correction looks for its original when the ids' memory lacks it. */
const CORRECTABLE_AFTER_RESTART = 200;

interface Occupant {
  readonly jid: string;
  readonly address: Address;
  readonly nick: string;
  /** The person's role in the room, as the core has it (shown through GatewayRooms.shownRole). */
  readonly role: RoomRole;
  /** The room's bare JID as this occupant joined it: the hub's own, or a bridged room's (#dev%libera@gateway). */
  readonly roomJid: string;
  /** The show and status of the session's last presence to the room, shown to the other occupants. */
  readonly show: Show;
  readonly status: string;
}

/** Occupants of one hub are keyed by session and the room JID they joined by (a session may be in both). */
function occupantKey(jid: string, roomJid: string): string {
  return `${jid}\n${roomJid}`;
}

/** Native rooms and IRC channels are rooms; everything else on the gateway domain is a person. */
export function isRoomAddress(address: Address): boolean {
  if (address.protocol === "native") return address.id.startsWith("#");
  if (address.protocol === "irc") return /^[#&+!]/.test(address.id);
  return false;
}

/** The room a bare JID of the gateway's domain names (an iq to the room itself), or undefined. */
export function roomAtJid(jid: string, domain: string): Address | undefined {
  if (resourceOf(jid) !== "" || jid === domain) return undefined;
  try {
    const address = jidToAddress(jid, domain);
    return isRoomAddress(address) ? address : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A member's role as a MUC affiliation and role (XEP-0045 section 5), as Biboumi shows IRC channel modes: the
 * room's owner is its owner, an admin (an IRC operator) an admin, both moderators; a moderator (an IRC
 * half-operator) a member and moderator; everyone else a member (the room is open) and participant.
 */
function mucItem(role: RoomRole): { readonly affiliation: string; readonly role: string } {
  switch (role) {
    case "owner":
      return { affiliation: "owner", role: "moderator" };
    case "admin":
      return { affiliation: "admin", role: "moderator" };
    case "moderator":
      return { affiliation: "member", role: "moderator" };
    case "member":
      return { affiliation: "member", role: "participant" };
  }
}

interface OccupantPresenceOptions {
  readonly role?: RoomRole;
  readonly codes?: readonly number[];
  readonly unavailable?: boolean;
  /** The unavailable half of a nick change (XEP-0045 section 7.6, status 303): the occupant keeps their role, and the item names the nick they take. */
  readonly newNick?: string;
  /** An XMPP occupant's own show and status text. */
  readonly show?: Show;
  readonly status?: string;
  /** Put out of the room (XEP-0045 section 8.2, a kick: status 307): who did it and why, in the item. */
  readonly removal?: RoomRemoval;
}

/** An occupant's presence in a gateway room. */
function occupantPresence(from: string, to: string, options: OccupantPresenceOptions = {}): Element {
  const item = mucItem(options.role ?? "member");
  const gone = options.unavailable === true && options.newNick === undefined;
  const removal = options.removal === undefined ? [] : [xml("actor", { nick: safe(options.removal.by) }), ...(options.removal.reason === "" ? [] : [xml("reason", {}, safe(options.removal.reason))])];
  const x = xml("x", { xmlns: NS.mucUser }, xml("item", { affiliation: item.affiliation, role: gone ? "none" : item.role, ...(options.newNick === undefined ? {} : { nick: safe(options.newNick) }) }, ...removal));
  for (const code of options.codes ?? []) x.append(xml("status", { code: String(code) }));
  const show = options.show === undefined ? undefined : showToXmpp(options.show).show;
  const children = [...(show === undefined ? [] : [xml("show", {}, show)]), ...(options.status ? [xml("status", {}, safe(options.status))] : []), x];
  return xml("presence", options.unavailable === true ? { from: safe(from), to, type: "unavailable" } : { from: safe(from), to }, ...children);
}

/** A room's subject (XEP-0045 section 8.1), from the room or the member who set it. */
function subjectMessage(from: string, to: string, subject: string): Element {
  return xml("message", { from: safe(from), to, type: "groupchat" }, xml("subject", {}, safe(subject)));
}

export class GatewayRooms {
  private readonly occupants = new Map<string, Map<string, Occupant>>();
  /** Each room with occupants, and the distinct people in it, for leaving them all when the connection drops. */
  private readonly rooms = new Map<string, { readonly room: Address; readonly people: Address[] }>();
  /** Who is behind each nick, for private messages. */
  private readonly nicks = new RoomNicks();
  /** The hub each bridged room joined by its own JID stands for (that room's bare JID -> hub). */
  private readonly hubs = new Map<string, Address>();
  /** The gateway ids of occupants' recent room messages, by their stanza ids, for their corrections (XEP-0308). */
  private readonly corrections = new CorrectionIds();
  /** The other way: the stanza id an occupant's client gave each of their recent room messages, by gateway id. */
  private readonly ownStanzaIds = new RecentMap<string>();

  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
    private readonly writer: StanzaWriter,
    /** xmpp.component.room_history: the most messages of history a joining user gets. */
    private readonly historyLimit = 0,
  ) {}

  private write(element: Element): Promise<void> {
    return this.writer.one(element);
  }

  /** Stanzas made together (one event to every occupant): written in order, with one system call. */
  private writeAll(elements: readonly Element[]): Promise<void> {
    return elements.length === 0 ? Promise.resolve() : this.writer.all(elements);
  }

  /**
   * How a member is shown in the MUC: an admin of the gateway may kick anyone from any room (muc-admin.ts), so is shown
   * as an admin of every room (as Prosody shows its server's admins as every room's owners), for clients to offer
   * them the kick; everyone else as their role in the room.
   */
  private shownRole(member: { readonly address: Address; readonly role: RoomRole }): RoomRole {
    return (member.role === "member" || member.role === "moderator") && this.context.bridges.isAdmin(member.address) ? "admin" : member.role;
  }

  private roomJid(room: Address): string {
    return addressToJid(room, this.domain);
  }

  /** The room whose occupants a stanza to `room` concerns: the hub of a bridged room joined by its own JID. */
  private hubOf(room: Address): Address {
    return this.hubs.get(this.roomJid(room)) ?? room;
  }

  /** How many XMPP sessions are in the gateway's rooms, and in how many rooms. */
  counts(): { readonly occupants: number; readonly rooms_with_occupants: number } {
    let occupants = 0;
    for (const ofRoom of this.occupants.values()) occupants += ofRoom.size;
    return { occupants, rooms_with_occupants: this.occupants.size };
  }

  /** Looks only: a stanza to a room nobody joined keeps nothing. */
  private occupant(room: Address, jid: string): Occupant | undefined {
    return this.occupants.get(addressKey(this.hubOf(room)))?.get(occupantKey(jid, this.roomJid(room)));
  }

  private occupantsOf(room: Address): Map<string, Occupant> {
    let occupants = this.occupants.get(addressKey(room));
    if (!occupants) {
      occupants = new Map();
      this.occupants.set(addressKey(room), occupants);
    }
    return occupants;
  }

  /** Presence to a room JID: a join (available, with a nick) or a leave (unavailable). */
  async presence(stanza: Element, presence: ParsedPresence, person: Address, room: Address): Promise<void> {
    const current = this.occupant(room, presence.from);
    if (presence.type === "unavailable") {
      if (current) await this.leave(this.hubOf(room), current);
      return;
    }
    const asked = resourceOf(presence.to);
    if (asked === "") return this.refuse(stanza, "modify", "jid-malformed", "join with a nick: room@domain/nick");
    if (current && current.nick !== asked) return this.changeNick(stanza, room, person, asked);
    if (current) return this.presenceUpdate(this.hubOf(room), current, presence);
    try {
      // A password in the join (XEP-0045 7.2.6) is the key of an IRC channel joined on demand, as with Biboumi.
      const password = stanza.getChild("x", NS.muc)?.getChildText("password") ?? "";
      const joined = await this.context.joinRoom(room, { address: person, nick: asked, role: "member" }, password === "" ? {} : { key: password });
      const hub = joined.address;
      if (!sameAddress(hub, room)) this.hubs.set(this.roomJid(room), hub);
      const roomJid = this.roomJid(room);
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
        this.nicks.seen(hub, member.nick, member.address);
        if (!sameAddress(member.address, person)) others.push(occupantPresence(`${roomJid}/${member.nick}`, occupant.jid, { role: this.shownRole(member), ...this.showOf(hub, member.address) }));
      }
      await this.writeAll(others);
      this.nicks.seen(hub, nick, person);
      this.occupantsOf(hub).set(occupantKey(occupant.jid, roomJid), occupant);
      const entry = this.rooms.get(addressKey(hub)) ?? { room: hub, people: [] };
      if (!entry.people.some((known) => sameAddress(known, person))) entry.people.push(person);
      this.rooms.set(addressKey(hub), entry);
      await this.write(occupantPresence(`${roomJid}/${nick}`, occupant.jid, { role: this.shownRole(occupant), codes: nick === asked ? [110] : [110, 210] }));
      // Section 7.2.15: the history (as much as the join asks for, within the configured limit), then the subject.
      await this.sendHistory(hub, stanza, occupant);
      await this.write(subjectMessage(roomJid, occupant.jid, joined.subject));
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

  /** A join or nick change refused: a nick someone has is `conflict` (XEP-0045 sections 7.2.9 and 7.6). */
  private async refuseFor(stanza: Element, error: unknown): Promise<void> {
    const gatewayError = toGatewayError(error);
    const { type, condition } = gatewayError.code === "GW_ERR_NICK_IN_USE" ? { type: "cancel" as const, condition: "conflict" } : stanzaConditionFor(gatewayError.code);
    await this.refuse(stanza, type, condition, gatewayError.message);
  }

  private async sendHistory(hub: Address, join: Element, to: Occupant): Promise<void> {
    const wanted = historyRequest(join, this.historyLimit);
    if (wanted.maxStanzas === 0) return;
    const messages = await this.context.roomHistory(hub, wanted.maxStanzas);
    // An own correction's original is mostly in the same history: its client's id is there after a restart too.
    const sent = new Map(messages.map((message) => [message.id, message]));
    const lines: Element[] = [];
    for (const message of messages) {
      if (wanted.since !== undefined && message.timestamp < wanted.since) continue;
      const ids = this.idsSeenBy(message, to.address, (id) => sent.get(id)?.origin.id);
      lines.push(historyMessage(message, to.roomJid, to.jid, ids));
    }
    await this.writeAll(lines);
  }

  /** A groupchat message from an occupant to the room. */
  async message(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    const occupant = this.occupant(room, message.from);
    if (!occupant) return this.refuse(stanza, "modify", "not-acceptable", "join the room before writing to it");
    if (isRelayed(stanza)) return; // a bridge's relayed line (another Switchboard's bot): never relayed again
    const hub = this.hubOf(room);
    if (message.body === undefined) {
      if (message.subject !== undefined) await this.changeSubject(hub, message.subject, { address: person, nick: occupant.nick, role: "member" });
      else if (message.chatState !== undefined) await this.passChatState(hub, occupant, message.chatState);
      return;
    }
    // XEP-0308: a correction names the stanza id the occupant's client gave the message; the core names it by gateway id.
    const acceptance = this.corrections.begin(person, message, addressKey(hub));
    let acceptedId: string | undefined;
    try {
      const replaces = message.replaces === undefined ? undefined : ((await acceptance.original) ?? (await this.loggedOriginal(hub, person, message.replaces)));
      const accepted = await this.context.submit({
        origin: { protocol: "xmpp", account: this.context.account, ...(message.id === undefined ? {} : { id: message.id }) },
        scope: "room",
        kind: message.messageKind,
        from: person,
        to: hub,
        senderName: occupant.nick,
        body: message.body,
        ...(replaces === undefined ? {} : { replaces }),
      });
      acceptedId = accepted.id;
      if (message.id !== undefined) this.ownStanzaIds.set(accepted.id, message.id);
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.refuse(stanza, type, condition, toGatewayError(error).message);
    } finally {
      acceptance.done(acceptedId);
    }
  }

  /**
   * The gateway id of the occupant's message with this stanza id among the room's last logged messages: one sent before
   * the gateway restarted (the memory of ids is gone, the log keeps each message's own id), whose correction is then
   * still a correction. Undefined with the log off, or when it is older.
   */
  private async loggedOriginal(hub: Address, person: Address, stanzaId: string): Promise<string | undefined> {
    const logged = await this.context.roomArchive?.sentWithOriginId(hub, person, stanzaId, CORRECTABLE_AFTER_RESTART);
    const original = logged?.origin.protocol === "xmpp" && logged.origin.account === this.context.account ? logged : undefined;
    // Its sender's own sessions then see the correction name the id their client gave it.
    if (original) this.ownStanzaIds.set(original.id, stanzaId);
    return original?.id;
  }

  /**
   * An occupant's chat state in the room (XEP-0085; MUC clients show "composing" as typing): passed to
   * the other XMPP occupants, as a MUC does. Other networks have no typing in rooms (IRC, native rooms): not carried.
   */
  private async passChatState(hub: Address, from: Occupant, state: ChatState): Promise<void> {
    const states: Element[] = [];
    for (const occupant of this.occupants.get(addressKey(hub))?.values() ?? []) {
      if (sameAddress(occupant.address, from.address)) continue;
      states.push(chatState(`${occupant.roomJid}/${from.nick}`, occupant.jid, state, "groupchat"));
    }
    await this.writeAll(states);
  }

  /**
   * A chat message from an occupant to another occupant's nick (XEP-0045 section 7.5): to an XMPP occupant it
   * is passed on from the room, as a MUC does; to anyone else it is sent as a direct message to the person
   * behind the nick, whose answers then come from that person's own JID on the gateway (bob%libera@gateway).
   * Room members may write to each other so whatever `messages_from` says about strangers.
   */
  async privateMessage(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    const sender = this.occupant(room, message.from);
    if (!sender) return this.refuse(stanza, "modify", "not-acceptable", "join the room before writing to its occupants");
    const hub = this.hubOf(room);
    const nick = resourceOf(message.to);
    const target = this.nicks.find(hub, nick);
    if (!target) return this.refuse(stanza, "cancel", "item-not-found", `nobody is known as ${nick} in this room`);
    if (message.body === undefined) return; // chat states to an occupant: not carried
    if (target.protocol === "xmpp" && target.account === this.context.account) {
      for (const occupant of this.occupantsOf(hub).values()) {
        if (!sameAddress(occupant.address, target)) continue;
        await this.write(chatMessage({ from: `${occupant.roomJid}/${sender.nick}`, to: occupant.jid, id: message.id ?? `pm-${Date.now().toString(36)}`, body: message.body, kind: message.messageKind, type: "chat" }));
      }
      return;
    }
    try {
      await this.context.submit({ ...directDraft(this.context.account, message, person, target), senderName: sender.nick });
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.refuse(stanza, type, condition, toGatewayError(error).message);
    }
  }

  /**
   * A moderator's kick (XEP-0045 section 8.2: a muc#admin item with role "none") from one of `from`'s sessions in the
   * room: the core's kick (the room's owner or an admin of the gateway may; core/room-joins.ts), after which every
   * occupant sees the kicked one go with status 307, as after a native room.kick. The people of a bridged channel
   * are not the room's members: their kick is not-allowed here (the channel's operators kick them on IRC).
   * Undefined when done, else the error to answer with.
   */
  async kick(from: string, room: Address, nick: string, reason: string): Promise<{ readonly type: StanzaErrorType; readonly condition: string; readonly text: string } | undefined> {
    const kicker = this.occupant(room, from);
    if (!kicker) return { type: "auth", condition: "forbidden", text: "join the room before kicking anyone from it" };
    const target = this.nicks.find(this.hubOf(room), nick);
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
   * XEP-0410 (MUC self-ping): a client pings its own occupant JID to learn whether it is still in the room (a
   * restart of the gateway forgets every occupant). Joined: the ping is answered; not joined: `not-acceptable`,
   * after which the client joins again; joined, but the nick pinged is nobody's: `item-not-found`.
   */
  pingAnswer(from: string, room: Address, nick: string): "joined" | "not-joined" | "no-such-nick" {
    const occupant = this.occupant(room, from);
    if (!occupant) return "not-joined";
    if (occupant.nick.toLowerCase() === nick.toLowerCase() || this.nicks.find(this.hubOf(room), nick)) return "joined";
    return "no-such-nick";
  }

  /**
   * The hub whose archive `from` may read by querying `room` (XEP-0313): only while one of their sessions is in the
   * room by that JID. A MUC archive is for those who may enter (XEP-0313 5.1.2); the gateway asks, as native history
   * does, that they be in, which is also what clients do before they query.
   */
  archiveReader(from: string, room: Address): Address | undefined {
    const hub = this.hubOf(room);
    const roomJid = this.roomJid(room);
    const bare = withoutResource(from).toLowerCase();
    for (const occupant of this.occupants.get(addressKey(hub))?.values() ?? []) {
      if (occupant.roomJid === roomJid && withoutResource(occupant.jid).toLowerCase() === bare) return hub;
    }
    return undefined;
  }

  /**
   * The ids under which `viewer` knows a room message and the message it corrects (XEP-0308): an XMPP occupant's own
   * messages under the stanza ids their client gave them (the reflection keeps its id, as MUC clients expect),
   * everyone else's under gateway ids. `loggedOriginId` gives the original's own id where the memory of ids lacks it
   * (after a restart), from the log.
   */
  idsSeenBy(message: Message, viewer: Address, loggedOriginId?: (gatewayId: string) => string | undefined): { readonly id: string; readonly replaces?: string } {
    const own = sameAddress(viewer, message.from) && message.origin.protocol === "xmpp" && message.origin.id !== undefined;
    const replaces = message.replaces === undefined ? undefined : own ? (this.ownStanzaIds.get(message.replaces) ?? loggedOriginId?.(message.replaces) ?? message.replaces) : message.replaces;
    return { id: own ? (message.origin.id ?? message.id) : message.id, ...(replaces === undefined ? {} : { replaces }) };
  }

  /** A room message from the core: to every occupant, the sender's own sessions included (MUC reflection). */
  async deliver(message: Message): Promise<void> {
    const sender = message.senderName;
    this.nicks.seen(message.to, sender, message.from);
    const occupants = this.occupants.get(addressKey(message.to));
    if (!occupants || occupants.size === 0) return;
    const fromHere = message.origin.protocol === "xmpp" && message.origin.account === this.context.account;
    // One write each, each awaited before the next: written together (stanza-writer.ts), the IRC -> XMPP burst of
    // the bridge benchmark fell by about 40% (the servers' Nagle and delayed ACKs, docs/performance.md).
    for (const occupant of occupants.values()) {
      const from = `${occupant.roomJid}/${sender}`;
      const line = chatMessage({ from, to: occupant.jid, body: message.body, kind: message.kind, type: "groupchat", ...this.idsSeenBy(message, occupant.address) });
      // XEP-0359: the room's id of the message, which is its archive id (XEP-0313), so clients can page on from it.
      line.append(stanzaId(message.id, occupant.roomJid));
      // Relayed from another network: marked, so that another bridge sitting in this MUC does not relay it back.
      await this.write(fromHere ? line : markRelayed(line));
    }
  }

  /**
   * An occupant changes the subject (XEP-0045 section 8.1; any occupant may, as in a room whose configuration
   * lets participants change it): every occupant gets it, the changer included, and the core stores it and
   * tells the room's other networks.
   */
  private async changeSubject(room: Address, topic: string, by: RoomMember): Promise<void> {
    await this.subject(room, topic, by);
    this.context.dispatch({ type: "topic", room, topic, by: by.address });
  }

  /** The subject changed (XEP-0045 section 8.1): a groupchat <subject/> from the member who set it, or the room. */
  async subject(room: Address, topic: string, by?: RoomMember): Promise<void> {
    const occupants = this.occupants.get(addressKey(room));
    if (!occupants) return;
    await this.writeAll([...occupants.values()].map((occupant) => subjectMessage(by === undefined ? occupant.roomJid : `${occupant.roomJid}/${by.nick}`, occupant.jid, topic)));
  }

  /**
   * A member joined or left (from any network): tell the occupants, except the member's own sessions, which are told
   * only when the member was put out (`removal`, a kick), and are then out of the room.
   */
  async membership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    const nick = member.nick;
    if (event === "joined") this.nicks.seen(room, nick, member.address);
    else this.nicks.left(room, nick);
    const occupants = this.occupants.get(addressKey(room));
    if (!occupants) return;
    // Put out (XEP-0045 section 8.2): the member's own sessions are told, with status 110 and 307, and are out.
    if (removal !== undefined) await this.removeSessions(room, member.address, removal);
    const shown = event === "joined" ? this.showOf(room, member.address) : {};
    const kicked = removal === undefined ? {} : { codes: [307], removal };
    const told: Element[] = [];
    for (const occupant of occupants.values()) {
      if (sameAddress(occupant.address, member.address)) continue;
      told.push(occupantPresence(`${occupant.roomJid}/${nick}`, occupant.jid, { role: this.shownRole(member), unavailable: event === "left", ...shown, ...kicked }));
    }
    await this.writeAll(told);
  }

  /** Every session of `person` in the room was put out: each gets its own unavailable presence (110, 307) and is forgotten. */
  private async removeSessions(room: Address, person: Address, removal: RoomRemoval): Promise<void> {
    for (const occupant of [...(this.occupants.get(addressKey(room))?.values() ?? [])]) {
      if (!sameAddress(occupant.address, person)) continue;
      this.forget(room, occupant);
      await this.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { codes: [110, 307], unavailable: true, removal })).catch(() => undefined);
    }
  }

  /**
   * An occupant's presence to the room changed (away, a new status text): the other occupants see it (XEP-0045
   * section 7.7), the person's other sessions with status 110. Only among XMPP occupants: other networks' members
   * see a person's presence as their contact, not in rooms.
   */
  private async presenceUpdate(hub: Address, current: Occupant, presence: ParsedPresence): Promise<void> {
    if (current.show === presence.show && current.status === presence.status) return;
    const occupants = this.occupantsOf(hub);
    occupants.set(occupantKey(current.jid, current.roomJid), { ...current, show: presence.show, status: presence.status });
    const told: Element[] = [];
    for (const occupant of occupants.values()) {
      if (occupant.jid === current.jid) continue;
      const own = sameAddress(occupant.address, current.address);
      told.push(occupantPresence(`${occupant.roomJid}/${current.nick}`, occupant.jid, { role: this.shownRole(current), codes: own ? [110] : [], show: presence.show, status: presence.status }));
    }
    await this.writeAll(told);
  }

  /** The show and status an XMPP occupant last gave the room (one of their sessions'), for others to see. */
  private showOf(hub: Address, member: Address): { show?: Show; status?: string } {
    for (const occupant of this.occupants.get(addressKey(hub))?.values() ?? []) {
      if (sameAddress(occupant.address, member)) return { show: occupant.show, status: occupant.status };
    }
    return {};
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
    if (renamed) this.nicks.left(room, before);
    this.nicks.seen(room, after, changed.address);
    const occupants = this.occupants.get(addressKey(room));
    if (!occupants) return;
    const shown = this.showOf(room, member.address);
    const told: Element[] = [];
    for (const [key, occupant] of occupants) {
      const own = sameAddress(occupant.address, member.address);
      if (own) occupants.set(key, { ...occupant, address: changed.address, nick: changed.nick, role: changed.role });
      const self = own ? [110] : [];
      if (renamed) told.push(occupantPresence(`${occupant.roomJid}/${before}`, occupant.jid, { role: this.shownRole(member), codes: [303, ...self], unavailable: true, newNick: after }));
      told.push(occupantPresence(`${occupant.roomJid}/${after}`, occupant.jid, { role: this.shownRole(changed), codes: self, ...shown }));
    }
    await this.writeAll(told);
  }

  /** The service is stopping: every occupant gets its own unavailable presence with status 332 (system shutdown). */
  async shutdown(): Promise<void> {
    for (const occupants of this.occupants.values()) {
      for (const occupant of occupants.values()) {
        await this.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { codes: [110, 332], unavailable: true }));
      }
    }
  }

  /** The connection is gone: every XMPP occupant has left (their clients join again once it is back). */
  reset(): void {
    const rooms = [...this.rooms.values()];
    this.occupants.clear();
    this.rooms.clear();
    this.hubs.clear();
    for (const { room, people } of rooms) {
      for (const person of people) void this.context.leaveRoom(room, person).catch((error: unknown) => this.context.log.warn({ err: error }, "room leave failed"));
    }
  }

  private async leave(room: Address, occupant: Occupant): Promise<void> {
    const stillIn = this.forget(room, occupant);
    await this.write(occupantPresence(`${occupant.roomJid}/${occupant.nick}`, occupant.jid, { codes: [110], unavailable: true })).catch(() => undefined);
    if (stillIn) return;
    await this.context.leaveRoom(room, occupant.address).catch((error: unknown) => this.context.log.warn({ err: error }, "room leave failed"));
  }

  /** The session is out of the room; true while another session of the same person is still in. */
  private forget(room: Address, occupant: Occupant): boolean {
    const occupants = this.occupantsOf(room);
    occupants.delete(occupantKey(occupant.jid, occupant.roomJid));
    // Nobody left in by that JID: its hub is asked again at the next join (the room's bridge may have changed).
    if (![...occupants.values()].some((other) => other.roomJid === occupant.roomJid)) this.hubs.delete(occupant.roomJid);
    if (occupants.size === 0) this.occupants.delete(addressKey(room));
    const stillIn = [...occupants.values()].some((other) => sameAddress(other.address, occupant.address));
    if (stillIn) return true;
    this.nicks.left(room, occupant.nick);
    const entry = this.rooms.get(addressKey(room));
    const index = entry?.people.findIndex((known) => sameAddress(known, occupant.address)) ?? -1;
    if (entry && index >= 0) entry.people.splice(index, 1);
    if (entry?.people.length === 0) this.rooms.delete(addressKey(room));
    return false;
  }

  private async refuse(stanza: Element, type: "cancel" | "modify" | "auth" | "wait" | "continue", condition: string, text: string): Promise<void> {
    this.context.log.info({ from: stanza.attrs["from"], to: stanza.attrs["to"], condition, reason: text }, "XMPP room stanza refused");
    if (stanza.attrs["type"] === "error") return;
    const reply = xml(stanza.name, { from: String(stanza.attrs["to"]), to: String(stanza.attrs["from"]), type: "error", ...(stanza.attrs["id"] ? { id: String(stanza.attrs["id"]) } : {}) }, errorCondition(type, condition, text));
    await this.write(reply).catch(() => undefined);
  }
}
