/**
 * The stanza a linked account (user-adapter.ts) sends for its owner's direct message: a chat to a contact's bare JID
 * or, marked as private (XEP-0045 section 7.5), to an occupant of one of her MUCs. Its id is the gateway id, so a
 * correction (XEP-0308) or a retraction (XEP-0424, retraction-stanzas.ts) names the line by the id the contact got
 * it with: that, or for a line she wrote from another client of the account (a sent carbon), that client's id.
 */
import type { Element } from "ltx";
import type { Message } from "../../core/model/message.js";
import { markedMucPrivate } from "./account-muc-join.js";
import { messageStanza } from "./retraction-stanzas.js";

export interface AccountChatTarget {
  /** The contact's bare JID, or the occupant's full JID. */
  readonly jid: string;
  /** An occupant of one of her MUCs: a private message in the room. */
  readonly occupant: boolean;
  readonly requestReceipt: boolean;
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
  });
  return target.occupant ? markedMucPrivate(stanza) : stanza;
}
