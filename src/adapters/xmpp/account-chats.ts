/**
 * The stanza a linked account (user-adapter.ts) sends for its owner's direct message: a chat to a contact's bare JID
 * or, marked as private (XEP-0045 section 7.5), to an occupant of one of her MUCs. Its id is the gateway id, so a
 * correction (XEP-0308) or a retraction (XEP-0424, retraction-stanzas.ts) names the line by the id the contact got
 * it with: that, or for a line she wrote from another client of the account (a sent carbon), that client's id. A reply
 * (XEP-0461) names the answered line so too, or a line of the contact's by the id their client gave it, and so does a
 * XEP-0444 reaction (messageStanza writes it, reaction-stanzas.ts).
 */
import type { Element } from "ltx";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import { markedMucPrivate } from "./account-muc-join.js";
import type { ReplyOut } from "./reply-stanzas.js";
import { messageStanza } from "./retraction-stanzas.js";

export interface AccountChatTarget {
  /** The contact's bare JID, or the occupant's full JID. */
  readonly jid: string;
  /** An occupant of one of her MUCs: a private message in the room. */
  readonly occupant: boolean;
  readonly requestReceipt: boolean;
  /** XEP-0461: the line it answers as the contact knows it (accountReply). */
  readonly reply?: ReplyOut | undefined;
  /** XEP-0444: the id the contact's client knows the reacted line by (accountReactedId). */
  readonly reactedId?: string | undefined;
}

/** Who she is and how her lines are named at the contact, for accountReply. */
export interface AccountReplyNames {
  readonly owner: Address;
  /** The account's bare JID. */
  readonly ownJid: string;
  /** The id the contact got her line under (Carbons.idAtContact). */
  idAtContact(gatewayId: string): Promise<string>;
}

/**
 * XEP-0461 in her chat: the answered line as the contact's client knows it: hers by the id the contact got it under
 * and her JID, the contact's by the id their client gave it and the JID she writes to. None for a line the contact's
 * client gave no id (nothing it could find), nor for a line the core does not know the sender of.
 */
export async function accountReply(message: Message, contactJid: string, names: AccountReplyNames): Promise<ReplyOut | undefined> {
  const answered = message.replyTo;
  if (answered?.to === undefined) return undefined;
  const hers = sameAddress(answered.to, names.owner);
  const id = hers ? await names.idAtContact(answered.id) : answered.originId;
  if (id === undefined) return undefined;
  const quote = replyQuote(answered);
  return { to: hers ? names.ownJid : contactJid, id, ...(quote === undefined ? {} : { quote }) };
}

/**
 * XEP-0444 in her chat (its business rule "Using the correct ID": a chat's line by the XEP-0359 origin-id its sender's client
 * gave it, else its id): her own line by the id the contact got it under, the contact's by the origin-id their client
 * gave it (`originIdOf`, while remembered), else their id. Undefined for no reaction.
 */
export async function accountReactedId(message: Message, names: Pick<AccountReplyNames, "owner" | "idAtContact"> & { originIdOf(gatewayId: string): string | undefined }): Promise<string | undefined> {
  const reacted = message.reactsTo;
  if (reacted === undefined) return undefined;
  if (reacted.to === undefined || sameAddress(reacted.to, names.owner)) return names.idAtContact(reacted.id);
  return names.originIdOf(reacted.id) ?? reacted.originId ?? reacted.id;
}

/** `message` with the line it corrects or retracts named by the id the contact got it under (Carbons.namedAtContact). */
export function accountChat(message: Message, target: AccountChatTarget): Element {
  const stanza = messageStanza(message, {
    to: target.jid,
    id: message.id,
    body: message.body,
    attachments: message.attachments,
    kind: message.kind,
    type: "chat",
    ...(message.replaces === undefined ? {} : { replaces: message.replaces }),
    requestReceipt: target.requestReceipt,
    reply: target.reply,
    reactedId: target.reactedId,
  });
  return target.occupant ? markedMucPrivate(stanza) : stanza;
}
