/**
 * The check of a reaction (XEP-0444 and the like): the sender's whole set of reactions to one earlier message of the
 * same conversation that she may see, found as a reply's answered message is (message-references.ts), neither retracted
 * nor a reaction or a retraction itself. A native client's bad reaction is refused (GW_ERR_BAD_FRAME); another network's
 * is left out of the set, logged, and a set of nothing but bad ones refused, since it would read as "none left". The
 * accepted reaction names the reacted message's sender, name, excerpt and network id (as a reply does), and what it
 * adds to every set the sender gave it before, both found among the log's next REACTIONS_LOOKED_AT messages of the
 * conversation (the excerpt is of the words as last corrected, as a reply's). Every earlier set, not only the last:
 * networks without reactions show what is added as a line (IRC), and a sender toggling 👍 off and on must not have her
 * puppet say it again each time; each emoji is said once per sender and message.
 */
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { sameAddress } from "./model/address.js";
import type { Message, MessageDraft } from "./model/message.js";
import { addedReactions, reactionsProblem, validReactions } from "./model/reactions.js";
import { replyExcerpt } from "./model/reply-quote.js";
import { originalOf, type Lookup } from "./message-references.js";

/** How many of a conversation's messages after the reacted one are looked at for the sender's earlier sets. */
export const REACTIONS_LOOKED_AT = 200;

/**
 * From the log's next REACTIONS_LOOKED_AT messages of the conversation after `original`: every reaction the sender
 * gave it in any earlier set (undefined when she gave none there), and its words as its own sender last corrected them.
 */
async function laterState(deps: Lookup, draft: MessageDraft, original: Message): Promise<{ readonly before?: readonly string[]; readonly words: string }> {
  const conversation = original.scope === "room" ? { room: original.to } : { between: [original.from, original.to] as const };
  const later = await deps.history.history(conversation, { after: original.id, limit: REACTIONS_LOOKED_AT });
  const first = original.replaces ?? original.id;
  const words = later.filter((message) => message.replaces === first && sameAddress(message.from, original.from) && message.retracted !== true).at(-1)?.body ?? original.body;
  const sets = later.filter((message) => message.reactsTo?.id === original.id && sameAddress(message.from, draft.from));
  return sets.length === 0 ? { words } : { before: sets.flatMap((message) => message.reactions ?? []), words };
}

/** The draft's reactions as the gateway takes them (see the header). */
function checkedSet(draft: MessageDraft, asked: readonly string[], log: Logger): string[] {
  if (draft.origin.protocol === "native") {
    const problem = reactionsProblem(asked);
    if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
    return [...new Set(asked)];
  }
  const valid = validReactions(asked);
  if (valid.length < new Set(asked).size) log.info({ from: draft.from.protocol, left: asked.length - valid.length }, "reactions that are no emoji left out");
  if (valid.length === 0 && asked.length > 0) throw new GatewayError("GW_ERR_BAD_FRAME", "a reaction is one emoji: none of these is one");
  return valid;
}

/** The draft with its reaction checked and its target named (see the header); a draft that reacts to nothing as it is. */
export async function checkedReaction(deps: Lookup & { readonly log: Logger }, draft: MessageDraft): Promise<MessageDraft> {
  const asked = draft.reactsTo;
  if (asked === undefined) {
    if (draft.reactions === undefined) return draft;
    const { reactions: _stray, ...plain } = draft;
    return plain;
  }
  if (draft.replaces !== undefined || draft.retracts !== undefined || draft.replyTo !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", "a reaction is neither a correction, a retraction nor a reply");
  const reactions = checkedSet(draft, draft.reactions ?? [], deps.log);
  const original = await originalOf(deps, draft, asked.id, "react to");
  if (original.retracted === true || original.retracts !== undefined || original.reactsTo !== undefined) {
    throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${asked.id} in this conversation to react to`);
  }
  const { before, words } = await laterState(deps, draft, original);
  const { attachments: _none, ...rest } = draft;
  return {
    ...rest,
    kind: "text",
    body: "",
    reactions,
    reactsTo: {
      id: original.id,
      to: original.from,
      senderName: original.senderName,
      excerpt: replyExcerpt(words),
      ...(original.origin.id === undefined ? {} : { originId: original.origin.id }),
      added: addedReactions(before ?? [], reactions),
    },
  };
}
