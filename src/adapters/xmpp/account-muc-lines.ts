/**
 * The lines of the MUCs a linked account is in for its owner (account-mucs.ts), both ways: hers go out as groupchat
 * with the gateway id as stanza id, and the room's reflection of one of them (her nick, that id) is not shown to her
 * again; the occupants' lines reach her as room messages from their occupant addresses (account-muc-occupants.ts),
 * the room's own messages left out (its history at her join too: account-muc-messages.ts); a line of the room's
 * archive given at a catch-up keeps its time (the archive's delay) as the message's `sentAt`, a live line none of the
 * delay its sender's client may have written. XEP-0461 replies name lines by the room's stanza-id
 * both ways: the ids of lines, hers (from their reflections) and the occupants', are kept, in memory and in the store
 * across restarts (muc-line-ids.ts); a reply of hers to a line the account does not know there goes without <reply/>
 * and quote. XEP-0444 reactions name lines so too, both ways: hers to a line the account does not know there is
 * refused up front (known, core/own-rooms.ts checkLine), as is her XEP-0424 retraction of one. Her retraction of her
 * own line names it so too (the core lets her retract no one else's: she moderates no MUC through the gateway); it is
 * sent whether or not the MUC announces urn:xmpp:message-retract:1 (Prosody 0.12 does not), as section 5 lets the
 * author's client: the MUC passes it on, occupants' clients with XEP-0424 hide the line, others show the fallback
 * body. An occupant's retraction of a line of theirs (saidBy: by occupant id where the MUC gives them, else by nick)
 * reaches her sessions as one; so does a moderator's (XEP-0425, from the room's bare JID only: an occupant cannot
 * send one), of anyone's line the account knows there, with the moderator's nick and reason (moderated).
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import { MucArrivalOrder } from "./muc-arrival-order.js";
import type { MucFeatures } from "./muc-features.js";
import { MucLineIds, saidBy, type MucSpeaker } from "./muc-line-ids.js";
import { parseMessageStanza } from "./parse.js";
import type { ReplyOut } from "./reply-stanzas.js";
import { chatMessage } from "./stanzas.js";
import { reactionStanza, type ParsedReactions } from "./reaction-stanzas.js";
import { messageStanza, moderationOf } from "./retraction-stanzas.js";
import { makeAddress, type Address } from "../../core/model/address.js";
import { MAX_MODERATION_REASON_LENGTH, type Message } from "../../core/model/message.js";
import { hasUnsafeCharacters } from "../../core/model/text.js";
import { GatewayError } from "../../core/errors.js";

/** How many of her own lines' ids are remembered, to know their reflections. */
const OWN_LINES_KEPT = 200;

export class AccountMucLines {
  /** Ids of her own recent lines: their reflections are not shown to her again. */
  private readonly ownLines = new Set<string>();
  /** The rooms' stanza-ids of recent lines, hers and the occupants', by gateway id and back. */
  private readonly ids: MucLineIds;
  /** Each room's lines submitted in their order of arrival, also when one waits for the store. */
  private readonly order = new MucArrivalOrder();

  constructor(
    private readonly context: AdapterContext,
    private readonly write: (element: Element) => Promise<void>,
    /** What each room announced: whether its occupant ids and stanza-ids are its own (muc-features.ts). */
    private readonly features: MucFeatures,
  ) {
    this.ids = new MucLineIds(context.mucLines);
  }

  /** Her line to `muc`, as groupchat; her reaction as XEP-0444's (react). */
  async send(muc: string, message: Message): Promise<void> {
    this.ownLines.add(message.id);
    if (this.ownLines.size > OWN_LINES_KEPT) this.ownLines.delete(this.ownLines.values().next().value as string);
    if (message.reactsTo !== undefined) return this.react(muc, message, message.reactsTo.id);
    if (message.retracts !== undefined) return this.retract(muc, message, message.retracts);
    const replaces = message.replaces === undefined ? {} : { replaces: message.replaces };
    const reply = await this.reply(muc, message);
    this.ids.sent(muc, message.id);
    await this.write(chatMessage({ to: muc, id: message.id, body: message.body, attachments: message.attachments, kind: message.kind, type: "groupchat", ...replaces, reply }));
  }

  /**
   * XEP-0444 in a MUC names the line by the room's stanza-id (its business rule "Using the correct ID"): only a line of this MUC
   * known so is reacted to; any other cannot be named there, and the reaction is reported failed.
   */
  private async react(muc: string, message: Message, reacted: string): Promise<void> {
    const line = await this.ids.lineOf(muc, reacted);
    if (line === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `${muc} gave that line no id to react to`);
    await this.write(reactionStanza({ to: muc, id: message.id, type: "groupchat" }, line.roomId, message.reactions ?? []));
  }

  /** Whether line `gatewayId` of `muc` has an id there the account knows (a reaction or retraction names it by it). */
  async known(muc: string, gatewayId: string): Promise<boolean> {
    return (await this.ids.lineOf(muc, gatewayId)) !== undefined;
  }

  /**
   * XEP-0424 section 5: her retraction of her own line names it by the room's stanza-id (her line's own id where the
   * MUC gives none: muc-line-ids.ts); the core checked the line is hers. A moderation is no retraction of hers.
   */
  private async retract(muc: string, message: Message, retracted: string): Promise<void> {
    if (message.moderated !== undefined) throw new GatewayError("GW_ERR_FORBIDDEN", `you moderate ${muc} on your own account only, not here`);
    const line = await this.ids.lineOf(muc, retracted);
    if (line === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `${muc} gave that line no id to retract it by`);
    await this.write(messageStanza({ retracts: line.roomId }, { to: muc, id: message.id, type: "groupchat", body: "", kind: "text" }));
  }

  /** XEP-0461: the line she answers by the room's stanza-id of it and the nick that said it there, when known (see the header). */
  private async reply(muc: string, message: Message): Promise<ReplyOut | undefined> {
    const answered = message.replyTo;
    const line = answered === undefined ? undefined : await this.ids.lineOf(muc, answered.id);
    if (answered === undefined || line === undefined) return undefined;
    const quote = replyQuote(answered);
    return { to: `${muc}/${line.nick}`, id: line.roomId, ...(quote === undefined ? {} : { quote }) };
  }

  /**
   * A groupchat line (no subject) from `nick` ("" for the room) of `room`, where her nick is `ownNick`: submitted as a
   * room message from `from`. `archived`: a line of the room's archive (account-muc-catch-up.ts), which may carry a delay.
   */
  heard(stanza: Element, room: Address, nick: string, ownNick: string, from: Address, archived = false): void {
    if (nick === "") return this.moderated(stanza, room); // the room itself: nothing but its moderations is carried
    const id = stanza.attrs["id"] as string | undefined;
    if (nick === ownNick && id !== undefined && this.ownLines.delete(id)) return this.ids.echoed(stanza, room.id, nick); // the reflection of her line
    const parsed = parseMessageStanza(stanza, archived ? { to: room.id } : {}); // the archive's copy has no `to`
    if (parsed.ok && parsed.value.reactions !== undefined) return this.reaction(parsed.value.reactions, room, nick, from);
    if (parsed.ok && parsed.value.retracts !== undefined) return this.retraction(parsed.value.retracts, room, { nick, occupantId: this.features.occupantIdOf(stanza, room.id) }, from);
    if (!parsed.ok || parsed.value.body === undefined) return;
    const line = parsed.value;
    const roomId = this.features.stanzaIdOf(stanza, room.id);
    const occupantId = this.features.occupantIdOf(stanza, room.id);
    // A line of this MUC known neither in memory nor in the store is no reply: the line goes on as a plain message.
    const answering = line.reply === undefined ? undefined : this.ids.answered(room.id, line.reply.id);
    // Until it is logged, a retraction or reaction naming it by the room's id waits for its gateway id (muc-line-ids.ts).
    let accepted: (gatewayId: string | undefined) => void = () => undefined;
    if (roomId !== undefined) this.ids.accepting(room.id, roomId, new Promise((resolve) => (accepted = resolve)));
    const submit = (answeredId: string | undefined): Promise<unknown> => this.context
      .submit({
        origin: { protocol: "xmpp", account: this.context.account, ...(line.id === undefined ? {} : { id: line.id }) },
        scope: "room",
        kind: line.messageKind,
        from,
        to: room,
        senderName: nick,
        body: line.body ?? "",
        ...(line.attachments === undefined ? {} : { attachments: line.attachments }),
        // An archived line's time (the archive's delay, account-muc-catch-up.ts). A live one keeps none: a delay it
        // carries is its sender's client's word, which could backdate it (muc-history-gate.ts).
        ...(!archived || line.sentAt === undefined ? {} : { sentAt: line.sentAt }),
        ...(answeredId === undefined ? {} : { replyTo: { id: answeredId } }),
      }, {
        // Known by the room's id before she sees it: her reply to it names it so.
        onAccepted: (message) => {
          if (roomId !== undefined) this.ids.received(room.id, roomId, message.id, { nick, occupantId });
        },
      })
      .then((message) => accepted(message.id))
      .catch((error: unknown) => this.context.log.warn({ err: error, muc: room.id }, "MUC line not taken"))
      .finally(() => accepted(undefined));
    // Submitted at once unless it answers a line the memory does not have (then after the store's answer, and the
    // room's later lines after it: muc-arrival-order.ts).
    this.order.run(room.id, answering, (answeredId) => {
      void submit(answeredId);
    });
  }

  /**
   * XEP-0425: the room retracted a line (a moderator's doing), named by its stanza-id: her sessions get the retraction,
   * from the moderator's occupant address where the room names one (else the room's), with the moderator and reason
   * (a reason the native protocol cannot carry is left out). A line the account does not know there is left alone.
   */
  private moderated(stanza: Element, room: Address): void {
    const moderation = moderationOf(stanza, room.id);
    if (moderation === undefined) return;
    const reason = moderation.reason !== undefined && moderation.reason.length <= MAX_MODERATION_REASON_LENGTH && !hasUnsafeCharacters(moderation.reason) ? { reason: moderation.reason } : {};
    const by = moderation.by ?? room.id;
    const from = moderation.by === undefined ? room : makeAddress("xmpp", this.context.account, `${room.id}/${moderation.by}`);
    this.order.run(room.id, this.ids.answered(room.id, moderation.retracts), (retracted) => {
      if (retracted === undefined) return this.context.log.info({ muc: room.id }, "MUC moderation of a line the account does not know: left alone");
      void this.context
        .submit({ origin: { protocol: "xmpp", account: this.context.account }, scope: "room", kind: "text", from, to: room, senderName: by, body: "", retracts: retracted, moderate: { by, ...reason } })
        .catch((error: unknown) => this.context.log.info({ err: error, muc: room.id }, "MUC moderation not taken"));
    });
  }

  /**
   * XEP-0444: an occupant's reactions to a line, named by the room's stanza-id, mapped as a reply's answered line is,
   * only for a line of this MUC (muc-line-ids.ts): one not known as such is logged and left alone.
   */
  private reaction(reactions: ParsedReactions, room: Address, nick: string, from: Address): void {
    this.order.run(room.id, this.ids.answered(room.id, reactions.id), (reacted) => {
      if (reacted === undefined) return this.context.log.info({ muc: room.id }, "MUC reaction to a line the account does not know: left alone");
      void this.context
        .submit({ origin: { protocol: "xmpp", account: this.context.account }, scope: "room", kind: "text", from, to: room, senderName: nick, body: "", reactsTo: { id: reacted }, reactions: reactions.reactions })
        .catch((error: unknown) => this.context.log.info({ err: error, muc: room.id }, "MUC reaction not taken"));
    });
  }

  /**
   * XEP-0424: an occupant retracts a line of this MUC named by the room's stanza-id, mapped as a reaction's is; only a
   * line they said (saidBy) is retracted for her (the core checks the sender too), any other is logged and left alone.
   */
  private retraction(retracts: string, room: Address, speaker: MucSpeaker, from: Address): void {
    this.order.run(room.id, this.ids.answered(room.id, retracts), (retracted) => {
      const theirs = async (): Promise<boolean> => {
        const line = retracted === undefined ? undefined : await this.ids.lineOf(room.id, retracted);
        return line !== undefined && saidBy(line, speaker);
      };
      void theirs()
        .then(async (yes) => {
          if (!yes || retracted === undefined) return this.context.log.info({ muc: room.id }, "MUC retraction of a line not known as the sender's: left alone");
          await this.context.submit({ origin: { protocol: "xmpp", account: this.context.account }, scope: "room", kind: "text", from, to: room, senderName: speaker.nick, body: "", retracts: retracted });
        })
        .catch((error: unknown) => this.context.log.info({ err: error, muc: room.id }, "MUC retraction not taken"));
    });
  }
}
