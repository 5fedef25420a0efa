/**
 * Messages in the gateway's rooms (gateway-rooms.ts): an occupant's groupchat lines to the core, with their XEP-0308
 * corrections and XEP-0085 chat states; the core's room messages to every occupant; private messages to an
 * occupant's nick (XEP-0045 section 7.5); the subject (section 8.1); and the history a joining occupant gets.
 */
import { isBlockRefusal } from "../../core/blocklist.js";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { RoomMember } from "../../core/model/room.js";
import { resourceOf } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import type { ParsedMessage } from "./parse.js";
import { directDraft } from "./drafts.js";
import { historyMessage, historyRequest } from "./room-history.js";
import { CorrectionIds, RecentMap } from "./message-memory.js";
import { occupantIdElement, withOccupantId, type OccupantIds } from "./occupant-ids.js";
import type { Occupant, RoomOccupancy } from "./room-occupancy.js";
import type { RoomOutput } from "./room-output.js";
import { subjectMessage } from "./room-stanzas.js";
import { isModeration } from "./retraction-stanzas.js";
import type { ParsedReactions } from "./reaction-stanzas.js";
import { roomLine } from "./room-line.js";
import { chatMessage, chatState, isRelayed, markRelayed, stanzaId, type ChatState } from "./stanzas.js";
import { deliveredLate, saidAt } from "../../core/model/sent-at.js";
import { CORRECTABLE_AFTER_RESTART } from "./logged-originals.js";


export class RoomMessages {
  /** The gateway ids of occupants' recent room messages, by their stanza ids, for their corrections (XEP-0308). */
  private readonly corrections = new CorrectionIds();
  /** The other way: the stanza id an occupant's client gave each of their recent room messages, by gateway id. */
  private readonly ownStanzaIds = new RecentMap<string>();

  constructor(
    private readonly context: AdapterContext,
    private readonly occupancy: RoomOccupancy,
    private readonly output: RoomOutput,
    /** Who is behind each occupant (XEP-0421): on every message from one. */
    private readonly ids: OccupantIds,
    /** xmpp.component.room_history: the most messages of history a joining user gets. */
    private readonly historyLimit: number,
  ) {}

  /** The history a join asks for (as much as it asks, within the configured limit), to the occupant who joined. */
  async sendHistory(hub: Address, join: Element, to: Occupant): Promise<void> {
    const wanted = historyRequest(join, this.historyLimit);
    if (wanted.maxStanzas === 0) return;
    const messages = await this.context.roomHistory(hub, wanted.maxStanzas);
    // An own correction's original is mostly in the same history: its client's id is there after a restart too.
    const sent = new Map(messages.map((message) => [message.id, message]));
    const lines: Element[] = [];
    for (const message of messages) {
      if (wanted.since !== undefined && message.timestamp < wanted.since) continue;
      const ids = this.idsSeenBy(message, to.address, (id) => sent.get(id)?.origin.id);
      lines.push(historyMessage(message, to.roomJid, to.jid, ids, this.ids.of(hub, message.from)));
    }
    await this.output.writeAll(lines);
  }

  /** A groupchat message from an occupant to the room. */
  async message(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    const occupant = this.occupancy.occupant(room, message.from);
    if (!occupant) return this.output.refuse(stanza, "modify", "not-acceptable", "join the room before writing to it");
    if (isRelayed(stanza)) return; // a bridge's relayed line (another Switchboard's bot): never relayed again
    const hub = this.occupancy.hubOf(room);
    if (message.retracts !== undefined) return this.retraction(stanza, message, message.retracts, person, hub, occupant.nick);
    if (message.reactions !== undefined) return this.reaction(stanza, message, message.reactions, person, hub, occupant.nick);
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
      // XEP-0461: the room's stanza-id is the gateway id; her own line's id her client gave it is taken too.
      const answered = message.reply?.id;
      const replyTo = answered === undefined ? undefined : ((await this.corrections.known(person, answered, addressKey(hub))) ?? (await this.loggedOriginal(hub, person, answered)) ?? answered);
      const accepted = await this.context.submit({
        origin: { protocol: "xmpp", account: this.context.account, ...(message.id === undefined ? {} : { id: message.id }) },
        scope: "room",
        kind: message.messageKind,
        from: person,
        to: hub,
        senderName: occupant.nick,
        body: message.body,
        ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
        ...(replaces === undefined ? {} : { replaces }),
        ...(replyTo === undefined ? {} : { replyTo: { id: replyTo } }),
      });
      acceptedId = accepted.id;
      if (message.id !== undefined) this.ownStanzaIds.set(accepted.id, message.id);
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.output.refuse(stanza, type, condition, toGatewayError(error).message);
    } finally {
      acceptance.done(acceptedId);
    }
  }

  /**
   * XEP-0424 section 5: an occupant retracts her line by the room's stanza-id, which is its gateway id; the id her
   * client gave it (older clients) is taken too while the memory of ids has it. Checked by the core as her own.
   */
  private async retraction(stanza: Element, message: ParsedMessage, retracts: string, person: Address, hub: Address, nick: string): Promise<void> {
    const acceptance = this.corrections.begin(person, { replaces: retracts }, addressKey(hub));
    try {
      const original = (await acceptance.original) ?? retracts;
      const origin = { protocol: "xmpp" as const, account: this.context.account, ...(message.id === undefined ? {} : { id: message.id }) };
      await this.context.submit({ origin, scope: "room", kind: "text", from: person, to: hub, senderName: nick, body: "", retracts: original });
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.output.refuse(stanza, type, condition, toGatewayError(error).message);
    } finally {
      acceptance.done(undefined);
    }
  }

  /**
   * XEP-0444 in a MUC: an occupant's reactions to a line, named by the room's stanza-id, which is its gateway id (her own
   * line's id her client gave it is taken too while the memory of ids has it). The core checks it is of this room.
   */
  private async reaction(stanza: Element, message: ParsedMessage, reactions: ParsedReactions, person: Address, hub: Address, nick: string): Promise<void> {
    try {
      const reacted = (await this.corrections.known(person, reactions.id, addressKey(hub))) ?? reactions.id;
      const origin = { protocol: "xmpp" as const, account: this.context.account, ...(message.id === undefined ? {} : { id: message.id }) };
      await this.context.submit({ origin, scope: "room", kind: "text", from: person, to: hub, senderName: nick, body: "", reactsTo: { id: reacted }, reactions: reactions.reactions });
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.output.refuse(stanza, type, condition, toGatewayError(error).message);
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
    const occupantId = this.ids.of(hub, from.address);
    const states: Element[] = [];
    for (const occupant of this.occupancy.occupantsIn(hub)?.values() ?? []) {
      if (sameAddress(occupant.address, from.address)) continue;
      states.push(withOccupantId(chatState(`${occupant.roomJid}/${from.nick}`, occupant.jid, state, "groupchat"), occupantId));
    }
    await this.output.writeAll(states);
  }

  /**
   * A chat message from an occupant to another occupant's nick (XEP-0045 section 7.5): to an XMPP occupant it
   * is passed on from the room, as a MUC does; to anyone else it is sent as a direct message to the person
   * behind the nick, whose answers then come from that person's own JID on the gateway (bob%libera@gateway).
   * Room members may write to each other so whatever `messages_from` says about strangers.
   */
  async privateMessage(stanza: Element, message: ParsedMessage, person: Address, room: Address): Promise<void> {
    const sender = this.occupancy.occupant(room, message.from);
    if (!sender) return this.output.refuse(stanza, "modify", "not-acceptable", "join the room before writing to its occupants");
    const hub = this.occupancy.hubOf(room);
    const nick = resourceOf(message.to);
    const target = this.occupancy.nicks.find(hub, nick);
    if (!target) return this.output.refuse(stanza, "cancel", "item-not-found", `nobody is known as ${nick} in this room`);
    if (message.body === undefined) return; // chat states to an occupant: not carried
    if (target.protocol === "xmpp" && target.account === this.context.account) {
      const occupantId = this.ids.of(hub, sender.address);
      for (const occupant of this.occupancy.occupantsOf(hub).values()) {
        if (!sameAddress(occupant.address, target)) continue;
        const line = chatMessage({ from: `${occupant.roomJid}/${sender.nick}`, to: occupant.jid, id: message.id ?? `pm-${Date.now().toString(36)}`, body: message.body, attachments: message.attachments, kind: message.messageKind, type: "chat" });
        await this.output.write(withOccupantId(line, occupantId));
      }
      return;
    }
    try {
      await this.context.submit({ ...directDraft(this.context.account, message, person, target), senderName: sender.nick });
    } catch (error: unknown) {
      // The room shows her there: any error would tell the sender of the block (core/blocklist.ts). Dropped, as on IRC.
      if (isBlockRefusal(error)) return this.context.log.debug({ room: room.id }, "private message from a blocked occupant dropped");
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      await this.output.refuse(stanza, type, condition, toGatewayError(error).message);
    }
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
    this.occupancy.nicks.seen(message.to, sender, message.from);
    const occupants = this.occupancy.occupantsIn(message.to);
    if (!occupants || occupants.size === 0) return;
    const fromHere = message.origin.protocol === "xmpp" && message.origin.account === this.context.account;
    // XEP-0421: the sender's id, made once for everyone (each stanza gets its own element).
    const occupantId = this.ids.of(message.to, message.from);
    // Late (an IRC line played back by a bouncer, say): delayed by the room to when it was said (XEP-0203).
    const late = deliveredLate(message, Date.now());
    // One write each, each awaited before the next: written together (stanza-writer.ts), the IRC -> XMPP burst of
    // the bridge benchmark fell by about 40% (the servers' Nagle and delayed ACKs, docs/performance.md).
    for (const occupant of occupants.values()) {
      // XEP-0425: a moderator's retraction comes from the room, naming her inside (retraction-stanzas.ts).
      const moderated = isModeration(message);
      const delay = late ? { delay: { from: occupant.roomJid, stamp: saidAt(message) } } : {};
      const line = roomLine(message, { roomJid: occupant.roomJid, to: occupant.jid, ids: this.idsSeenBy(message, occupant.address), occupantId, ...delay });
      // XEP-0359: the room's id of the message, which is its archive id (XEP-0313), so clients can page on from it.
      line.append(stanzaId(message.id, occupant.roomJid));
      if (!moderated) line.append(occupantIdElement(occupantId));
      // Relayed from another network: marked, so that another bridge sitting in this MUC does not relay it back.
      await this.output.write(fromHere ? line : markRelayed(line));
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
    const occupants = this.occupancy.occupantsIn(room);
    if (!occupants) return;
    const occupantId = by === undefined ? undefined : this.ids.of(room, by.address);
    await this.output.writeAll([...occupants.values()].map((occupant) => subjectMessage(by === undefined ? occupant.roomJid : `${occupant.roomJid}/${by.nick}`, occupant.jid, topic, occupantId)));
  }
}
