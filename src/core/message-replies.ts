/**
 * The check of a reply ("reply to this message", XEP-0461 and the like): the answered message must be one of the same
 * conversation that the sender may see, found as a correction's original is (message-references.ts: the memory of
 * recent messages, else the log). A native client is told GW_ERR_NOT_FOUND; a line from another network is kept as a
 * plain message, since its sender's client showed it already and the network cannot take it back. The quote is of
 * the answered message's words as its sender last corrected them (XEP-0308 sends the whole text again), found among
 * the log's next CORRECTIONS_LOOKED_AT messages of the conversation: the words she took back are not quoted again.
 */
import { GatewayError } from "./errors.js";
import { sameAddress } from "./model/address.js";
import type { Message, MessageDraft } from "./model/message.js";
import { originalOf, type Lookup } from "./message-references.js";
import { replyExcerpt } from "./model/reply-quote.js";

/** How many of a conversation's messages after the answered one are looked at for its last correction. */
export const CORRECTIONS_LOOKED_AT = 200;

/** The answered message's words as last corrected by its sender (see the header); its own with the log off. */
async function currentWords(deps: Lookup, original: Message): Promise<string> {
  const first = original.replaces ?? original.id;
  const conversation = original.scope === "room" ? { room: original.to } : { between: [original.from, original.to] as const };
  const later = await deps.history.history(conversation, { after: original.id, limit: CORRECTIONS_LOOKED_AT });
  const corrections = later.filter((message) => message.replaces === first && sameAddress(message.from, original.from) && message.retracted !== true);
  return corrections.at(-1)?.body ?? original.body;
}

/** The draft with its `replyTo` checked and naming the answered message's sender, or without it (see above). */
export async function checkedReply(deps: Lookup, draft: MessageDraft): Promise<MessageDraft> {
  const asked = draft.replyTo;
  if (asked === undefined) return draft;
  try {
    const original = await originalOf(deps, draft, asked.id, "answer");
    // A tombstone's words are gone, and a reaction has none: a reply to either would quote nothing.
    if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `message ${asked.id} was retracted: nothing to answer`);
    if (original.reactsTo !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${asked.id} in this conversation to answer`);
    const excerpt = replyExcerpt(await currentWords(deps, original));
    return {
      ...draft,
      replyTo: { id: original.id, to: original.from, senderName: original.senderName, excerpt, ...(original.origin.id === undefined ? {} : { originId: original.origin.id }) },
    };
  } catch (error: unknown) {
    if (draft.origin.protocol === "native" || !(error instanceof GatewayError) || error.code !== "GW_ERR_NOT_FOUND") throw error;
    const { replyTo: _dropped, ...plain } = draft;
    return plain;
  }
}
