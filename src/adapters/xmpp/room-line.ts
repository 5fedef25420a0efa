/**
 * A gateway room's message as one occupant's client gets it, built the same way live (room-messages.ts), in the
 * history at join (room-history.ts) and in the archive (muc-archive.ts), so that a client catching up sees what it
 * would have seen live: from the sender's occupant JID (a moderator's retraction from the room, XEP-0425), the text
 * or action, XEP-0066 attachments, the XEP-0308 correction under the id the occupant knows the original by, and the
 * XEP-0461 reply naming the answered line by the room's stanza-id with its quote as the XEP-0428 fallback. Pure.
 */
import type { Element } from "ltx";
import type { Message } from "../../core/model/message.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import type { ReplyOut } from "./reply-stanzas.js";
import { isModeration, messageStanza } from "./retraction-stanzas.js";
import type { Delay } from "./stanzas.js";

/** Who gets the line, and the ids under which they know it and the message it corrects (RoomMessages.idsSeenBy). */
export interface RoomLineView {
  /** The room's JID as the occupant knows it (its bare JID, `#lobby@D`). */
  readonly roomJid: string;
  /** The occupant's JID; absent in a copy forwarded from the archive (XEP-0313 5.1.2). */
  readonly to?: string;
  readonly ids: { readonly id: string; readonly replaces?: string };
  /**
   * The sender's occupant id (XEP-0421), which a moderator's retraction carries inside its <moderated/>; not a
   * tombstone's, whose sender is the retracted line's author, not the moderator.
   */
  readonly occupantId: string;
  /** A live line that comes late (lateDelay): stamped in the message; history and archive stamp their own way. */
  readonly delay?: Delay;
}

/** The line, without the room's stanza-id, delay of history or occupant-id, which each caller adds where it goes. */
export function roomLine(message: Message, view: RoomLineView): Element {
  const moderation = isModeration(message);
  const from = moderation ? view.roomJid : `${view.roomJid}/${message.senderName}`;
  const options = {
    from,
    ...(view.to === undefined ? {} : { to: view.to }),
    body: message.body,
    attachments: message.attachments,
    kind: message.kind,
    type: "groupchat" as const,
    ...view.ids,
    ...(view.delay === undefined ? {} : { delay: view.delay }),
    ...roomReply(message, view.roomJid),
  };
  return messageStanza(message, options, { roomJid: view.roomJid, ...(moderation ? { occupantId: view.occupantId } : {}) });
}

/**
 * XEP-0461 in a MUC: the answered line by the room's stanza-id (its gateway id, the same for every occupant and in the
 * archive) and its sender's occupant JID, with the quote line when the log still has its words (a retraction blanks
 * them, sqlite-message-log.ts).
 */
function roomReply(message: Message, roomJid: string): { readonly reply?: ReplyOut } {
  const answered = message.replyTo;
  if (answered?.senderName === undefined) return {};
  const quote = replyQuote(answered);
  return { reply: { to: `${roomJid}/${answered.senderName}`, id: answered.id, ...(quote === undefined ? {} : { quote }) } };
}
