/**
 * The checks of the owner's message sent from another client of her own account (Router.sentElsewhere, a sent carbon),
 * as one from a session of hers has them: a correction must be of her line, a retraction removes a line of the chat
 * (kept as a tombstone), a reaction (XEP-0444) names a line of the chat and keeps only emoji (message-reactions.ts).
 * Kept apart from the router, which only calls them.
 */
import type { Logger } from "./logger.js";
import { acceptedAttachments } from "./model/attachments.js";
import type { MessageDraft } from "./model/message.js";
import { checkCorrection, checkRetraction, type CheckedRetraction, type Lookup } from "./message-references.js";
import { checkedReaction } from "./message-reactions.js";

/** What is kept of a message she sent elsewhere, and the line it retracts, if it retracts one. */
export interface CheckedSentElsewhere {
  readonly said: MessageDraft;
  readonly retracted?: CheckedRetraction;
}

export async function checkedSentElsewhere(deps: Lookup & { readonly log: Logger }, asked: MessageDraft): Promise<CheckedSentElsewhere> {
  if (asked.replaces !== undefined) await checkCorrection(deps, asked);
  const draft = await checkedReaction(deps, asked);
  const retracted = draft.retracts === undefined ? undefined : await checkRetraction(deps, draft);
  if (retracted !== undefined) return { said: { ...draft, body: "", kind: "text" }, retracted };
  return { said: draft.reactsTo === undefined ? acceptedAttachments(draft, deps.log) : draft };
}
