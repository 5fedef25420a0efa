/**
 * What a linked account (user-adapter.ts) hears from its contacts: chats (with their chat states, corrections,
 * XEP-0424 retractions, XEP-0461 replies, XEP-0444 reactions, receipts and carbon copies, carbons.ts) become the owner's direct messages, refused ones answered with an error
 * to their sender; so do private messages from an occupant of a MUC she joined through the account (XEP-0045 7.5,
 * account-mucs.ts), from the occupant's address under its nick; presence per resource is aggregated (account-contact-presence.ts), an inbound subscribe (RFC
 * 6121 3.1) asks the owner; subscribed, unsubscribe and unsubscribed need no answer here, since the server follows
 * each with a roster push that carries the new state.
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { accountPeer, resourceOf } from "./addressing.js";
import type { AccountContactPresence } from "./account-contact-presence.js";
import type { AvatarCache } from "./avatar-cache.js";
import { heardPhoto } from "./avatar-stanzas.js";
import type { AwaitedReceipts } from "./awaited-receipts.js";
import type { Carbons } from "./carbons.js";
import { directDraft } from "./drafts.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { isBlockRefusal } from "../../core/blocklist.js";
import { CorrectionIds, RecentMap } from "./message-memory.js";
import { directOriginal } from "./logged-originals.js";
import { occupantIdOf } from "./muc-line-ids.js";
import { appendedDelayStamp, parseMessageStanza, parsePresenceStanza, type ParsedMessage } from "./parse.js";
import type { ParsedReactions } from "./reaction-stanzas.js";
import { stanzaError } from "./stanzas.js";
import type { OfflineDelivery } from "./offline-delivery.js";
import { avatarNotification, type PepMetadata } from "./pep-avatars.js";

/**
 * When her server's offline storage says a chat was said (XEP-0160 with XEP-0203: the delay it adds is `from` its
 * domain), for the line's `sentAt`. Any other delay is the sender's client's word, which could backdate her line; so is
 * one `from` her domain on a live chat (a client writes any `from`): read only while kept chats arrive (offline-delivery.ts),
 * and only the one her server appended, the last (a kept chat also holds whatever delay its sender's client wrote).
 */
function serverDelay(stanza: Element, ownJid: string): { readonly sentAt?: number } {
  const domain = ownJid.split("/", 1)[0]?.split("@").pop() ?? "";
  const stamp = appendedDelayStamp(stanza, domain);
  return stamp === undefined ? {} : { sentAt: stamp };
}

/** What the inbound side needs of its account. */
export interface InboundAccount {
  readonly context: AdapterContext;
  readonly owner: Address;
  /** The account's bare JID, lower case. */
  readonly ownJid: string;
  readonly carbons: Carbons;
  readonly awaited: AwaitedReceipts;
  readonly contactPresence: AccountContactPresence;
  /** Her contacts' avatars fetched (avatar-cache.ts): a presence's XEP-0153 hash drops a picture of another. */
  readonly photos?: Pick<AvatarCache, "heard">;
  /** The occupant a full JID names in one of the MUCs she joined through the account (account-mucs.ts). */
  occupantAt(jid: string): { readonly address: Address; readonly nick: string; readonly occupantIds: boolean } | undefined;
  write(element: Element): Promise<void>;
  /** Whether her server is handing over the chats it kept for her (offline-delivery.ts). */
  readonly offline: Pick<OfflineDelivery, "delivering">;
}

export class AccountInbound {
  private readonly corrections = new CorrectionIds();
  /** Contacts' recent lines that their client gave a XEP-0359 origin-id: gateway id -> that origin-id (originIdOf). */
  private readonly originIds = new RecentMap<string>();

  constructor(private readonly account: InboundAccount) {}

  /** The contact a stanza comes from; undefined for the account itself or a JID that is no person. */
  contactFrom(jid: string): Address | undefined {
    const peer = accountPeer(jid, this.account.context.account, this.account.ownJid);
    return peer.kind === "contact" ? peer.address : undefined;
  }

  async message(received: Element): Promise<void> {
    const { context, owner, ownJid, carbons } = this.account;
    // XEP-0084 by PEP: her server sends these since the account's caps ask for them (account-caps.ts).
    const avatar = received.attrs["type"] === "error" ? undefined : avatarNotification(received);
    if (avatar !== undefined) return this.avatarNotified(received, avatar);
    const copy = carbons.copyIn(received);
    // Her reaction from another client names a contact's line by their client's id, which only this side maps (lineNamed).
    if (copy.kind === "sent") return carbons.sent(copy.message, (contact, id) => this.original(this.corrections.known(contact, id), contact, id, false));
    const copied = copy.kind === "received";
    const stanza = copied ? copy.message : received;
    // Read as it arrives, before anything is awaited: the window may close meanwhile. A carbon copy was live.
    const delay = !copied && this.account.offline.delivering ? serverDelay(stanza, ownJid) : {};
    const parsed = parseMessageStanza(stanza, { from: ownJid, to: ownJid });
    if (!parsed.ok) {
      // A contact's chat the gateway cannot take (a body too long): the contact hears why, as from the component.
      if (stanza.attrs["type"] === "error" || this.contactFrom(String(stanza.attrs["from"] ?? "")) === undefined) return;
      const { condition, text } = parsed.problem;
      context.log.info({ from: stanza.attrs["from"], condition, reason: text }, "XMPP message refused");
      await this.account.write(stanzaError(stanza, parsed.problem.type, condition, text)).catch(() => undefined);
      return;
    }
    const message = parsed.value;
    if (message.type === "error") {
      context.log.info({ from: message.from, id: message.id, error: message.error }, "XMPP delivery error");
      return;
    }
    if (message.type === "groupchat") return;
    // From room@service/nick of a room she is in: that occupant, not the room's bare JID (which refuses chats).
    const occupant = this.account.occupantAt(message.from);
    const from = occupant?.address ?? this.contactFrom(message.from);
    if (!from) return;
    // An occupant's address is the room and her nick, which someone else may take after she left: where the room gives
    // occupant ids (XEP-0421), her lines' ids are kept under hers, so that a newcomer with the nick cannot correct,
    // retract or answer as hers what she said. Without them the nick alone tells (the weaker rule).
    // Only where the room announces them (muc-features.ts): a room that does not would reflect a forged one unchanged.
    const speaker = occupant?.occupantIds === true ? (occupantIdOf(stanza) ?? "") : "";
    if (message.receivedId !== undefined) this.account.awaited.received(from, owner, message.receivedId);
    if (message.retracts !== undefined) return this.retraction(message, message.retracts, from, occupant?.nick, speaker);
    if (message.reactions !== undefined) return this.reaction(message, message.reactions, from, occupant?.nick, speaker);
    if (message.body === undefined) {
      if (message.chatState === "composing" || message.chatState === "paused" || message.chatState === "active") {
        context.dispatch({ type: "typing", typing: { from, to: owner, state: message.chatState } });
      }
      return;
    }
    if (!carbons.once(from, message.id, message.body)) return; // a second copy of it (carbons.ts)
    const acceptance = this.corrections.begin(from, message, speaker);
    let acceptedId: string | undefined;
    try {
      const draft = { ...directDraft(context.account, message, from, owner, await this.original(acceptance.original, from, message.replaces, occupant !== undefined)), ...(await this.replyTo(message, from, occupant !== undefined, speaker)), ...delay };
      const accepted = await context.submit(occupant === undefined ? draft : { ...draft, senderName: occupant.nick });
      acceptedId = accepted.id;
      if (message.originId !== undefined) this.originIds.set(accepted.id, message.originId);
    } catch (error: unknown) {
      // Her own server delivered it to her other clients as well: the gateway's session just does not show it (core/blocklist.ts).
      if (isBlockRefusal(error)) return context.log.debug({ from: message.from }, "XMPP message from a blocked JID not shown");
      const gatewayError = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(gatewayError.code);
      context.log.info({ from: message.from, condition, reason: gatewayError.message }, "XMPP message refused");
      // A copy (carbons.ts) reached another client of the user: its sender is told nothing of the gateway's refusal.
      if (!copied) await this.account.write(stanzaError(stanza, type, condition, gatewayError.message)).catch(() => undefined);
    } finally {
      acceptance.done(acceptedId);
    }
  }

  /**
   * A contact retracts her message (XEP-0424), named by the id her client gave it, mapped as a correction's is: the
   * owner's sessions get the retraction; one from before a restart is found in the message log (logged-originals.ts),
   * not an occupant's (see original). One the gateway does not know (older, or the log off) is left alone.
   */
  private async retraction(message: ParsedMessage, retracts: string, from: Address, nick: string | undefined, speaker: string): Promise<void> {
    const { context, owner } = this.account;
    const acceptance = this.corrections.begin(from, { replaces: retracts }, speaker);
    try {
      const original = await this.original(acceptance.original, from, retracts, nick !== undefined);
      if (original === undefined) return;
      const draft = { ...directDraft(context.account, message, from, owner), body: "", retracts: original };
      await context.submit(nick === undefined ? draft : { ...draft, senderName: nick });
    } catch (error: unknown) {
      context.log.info({ from: message.from, reason: toGatewayError(error).message }, "XMPP retraction not carried");
    } finally {
      acceptance.done(undefined);
    }
  }

  /**
   * A contact's XEP-0084 avatar notification (from her bare JID): her new hash, told to the owner as her presence's
   * XEP-0153 hash is, where she is the owner's contact (AdapterContext.related); from anyone else, ignored.
   */
  private async avatarNotified(stanza: Element, avatar: PepMetadata): Promise<void> {
    const from = String(stanza.attrs["from"] ?? "");
    const contact = from.includes("/") ? undefined : this.contactFrom(from);
    const { context, owner } = this.account;
    if (contact === undefined || !(await context.related(contact, owner))) {
      context.log.debug({ from }, "avatar notification from no contact: ignored");
      return;
    }
    this.account.photos?.heard(contact.id, avatar.kind === "none" ? "" : avatar.hash);
    await context.avatars.heard(contact, avatar.kind === "none" ? null : { hash: avatar.hash, type: avatar.type });
  }

  /**
   * The original a correction or retraction names: the memory's, else the message log's (logged-originals.ts), but never
   * the log's for a MUC occupant. Her address is the room's JID and a nick, which another person may have taken since
   * the line was said (the session left, the gateway restarted): the log could not tell them apart, and would let the
   * new holder of the nick unsay or rewrite the old one's private messages.
   */
  private async original(remembered: Promise<string | undefined>, from: Address, stanzaId: string | undefined, occupant: boolean): Promise<string | undefined> {
    return occupant ? remembered : directOriginal(this.account.context, remembered, from, this.account.owner, stanzaId);
  }

  /**
   * The XEP-0359 origin-id a contact's client gave its line `gatewayId`, by which XEP-0444 has a reaction name it in a
   * chat; undefined when it gave none other than the stanza id, or the line is no longer remembered (not after a restart).
   */
  originIdOf(gatewayId: string): string | undefined {
    return this.originIds.get(gatewayId);
  }

  /**
   * XEP-0444: a contact's reactions to a line of the chat, named as a reply names its answered line (lineNamed): her
   * sessions get them as a reaction. One the core refuses (no line of this chat, no emoji) is logged and left alone: her
   * own server delivered it to her other clients too, so her account answers nothing.
   */
  private async reaction(message: ParsedMessage, reactions: ParsedReactions, from: Address, nick: string | undefined, speaker: string): Promise<void> {
    const { context, owner, carbons } = this.account;
    if (!carbons.once(from, message.id, "")) return; // a second copy of it (carbons.ts)
    try {
      const reacted = await this.lineNamed(from, reactions.id, nick !== undefined, speaker);
      const draft = { ...directDraft(context.account, message, from, owner), body: "", reactsTo: { id: reacted }, reactions: reactions.reactions };
      await context.submit(nick === undefined ? draft : { ...draft, senderName: nick });
    } catch (error: unknown) {
      context.log.info({ from: message.from, reason: toGatewayError(error).message }, "XMPP reaction not carried");
    }
  }

  /**
   * XEP-0461: the line a contact's reply answers, by the id her client knows (lineNamed). The core checks it is of this
   * conversation.
   */
  private async replyTo(message: ParsedMessage, from: Address, occupant: boolean, speaker: string): Promise<{ readonly replyTo?: { readonly id: string } }> {
    const id = message.reply?.id;
    if (id === undefined) return {};
    return { replyTo: { id: await this.lineNamed(from, id, occupant, speaker) } };
  }

  /**
   * The gateway id of the line a contact's reply or reaction names by the id her client knows: a line of the contact's by
   * the id (or XEP-0359 origin-id) their client gave it (as a correction's original), one of hers by the id the contact
   * got it under: the gateway id, or the id her other client sent it with (Carbons.sentAs).
   */
  private async lineNamed(from: Address, id: string, occupant: boolean, speaker: string): Promise<string> {
    const theirs = await this.original(this.corrections.known(from, id, speaker), from, id, occupant);
    return theirs ?? (await this.account.carbons.sentAs(from, id)) ?? id;
  }

  async presence(stanza: Element): Promise<void> {
    const { context, owner, ownJid } = this.account;
    const parsed = parsePresenceStanza(stanza, { from: ownJid, to: ownJid });
    if (!parsed.ok) return;
    const presence = parsed.value;
    const from = this.contactFrom(presence.from);
    if (!from || presence.type === "error" || presence.mucUser !== undefined) return;
    switch (presence.type) {
      case "subscribe":
        context.dispatch({ type: "subscription", subscription: { from, to: owner, action: "request" } });
        return;
      case "subscribed":
      case "unsubscribe":
      case "unsubscribed":
      case "probe":
        // The server follows a subscription change with a roster push, and answers probes itself.
        return;
      case "available":
      case "unavailable": {
        const show = presence.type === "unavailable" ? "offline" : presence.show;
        // XEP-0153: the hash of her avatar (an empty <photo/>: none), told to the owner with this presence itself, once.
        const photo = presence.type === "available" ? heardPhoto(stanza) : undefined;
        const avatarHeard = (): boolean => {
          if (photo === undefined) return false;
          this.account.photos?.heard(from.id, photo);
          return context.avatars.heardInPresence(from, photo === "" ? null : { hash: photo });
        };
        const taken = this.account.contactPresence.update(resourceOf(presence.from), { from, show, status: presence.status, priority: presence.priority, since: Date.now() }, avatarHeard);
        if (!taken) context.log.debug({ jid: ownJid, from: presence.from }, "presence from someone not on the account's roster: ignored");
        return;
      }
    }
  }
}
