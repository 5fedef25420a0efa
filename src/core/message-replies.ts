/**
 * The check of a reply ("reply to this message", XEP-0461 and the like): the answered message must be one of the same
 * conversation that the sender may see, found as a correction's original is (message-references.ts: the memory of
 * recent messages, else the log). A native client is told GW_ERR_NOT_FOUND; a line from another network is kept as a
 * plain message, since its sender's client showed it already and the network cannot take it back.
 */
import { GatewayError } from "./errors.js";
import type { MessageDraft } from "./model/message.js";
import { originalOf, type Lookup } from "./message-references.js";
import { replyExcerpt } from "./model/reply-quote.js";

/** The draft with its `replyTo` checked and naming the answered message's sender, or without it (see above). */
export async function checkedReply(deps: Lookup, draft: MessageDraft): Promise<MessageDraft> {
  const asked = draft.replyTo;
  if (asked === undefined) return draft;
  try {
    const original = await originalOf(deps, draft, asked.id, "answer");
    // A tombstone's words are gone: a reply to it would quote nothing.
    if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `message ${asked.id} was retracted: nothing to answer`);
    const excerpt = replyExcerpt(original.body);
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
