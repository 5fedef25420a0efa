/**
 * The checks of a message that refers to an earlier one, a correction (`replaces`) or a retraction (`retracts`): the
 * earlier message must be of the same conversation, and of the same sender. Kept apart from the router, which only
 * calls them.
 */
import { GatewayError } from "./errors.js";
import { sameAddress } from "./model/address.js";
import type { Message, MessageDraft } from "./model/message.js";
import type { RouterDependencies } from "./router-dependencies.js";

type Lookup = Pick<RouterDependencies, "recent" | "history">;

/** A correction must replace a message of the same sender in the same conversation: nobody edits another's words. */
export async function checkCorrection(deps: Lookup, draft: MessageDraft): Promise<void> {
  const original = await ownOriginal(deps, draft, draft.replaces, "correct");
  // A retracted message is gone: a correction would show its words again (XEP-0424 section 7).
  if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `message ${draft.replaces} was retracted: nothing to correct`);
}

/**
 * A retraction must name a message of the same sender in the same conversation, neither retracted already nor a
 * retraction itself: nobody unsays another's words.
 */
export async function checkRetraction(deps: Lookup, draft: MessageDraft): Promise<Message> {
  if (draft.replaces !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", "a retraction corrects nothing");
  const original = await ownOriginal(deps, draft, draft.retracts, "retract");
  if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${draft.retracts} in this conversation to retract`);
  return original;
}

async function ownOriginal(deps: Lookup, draft: MessageDraft, id: string | undefined, verb: string): Promise<Message> {
  const original = id === undefined ? undefined : (deps.recent?.get(id) ?? (await deps.history.get(id)));
  // A message of another conversation is not found, whoever sent it: the answer must not tell that it exists.
  const seen =
    original !== undefined &&
    (draft.scope === "room"
      ? sameAddress(original.to, draft.to)
      : (sameAddress(original.from, draft.from) && sameAddress(original.to, draft.to)) || (sameAddress(original.from, draft.to) && sameAddress(original.to, draft.from)));
  if (!seen) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${id} in this conversation to ${verb}`);
  if (!sameAddress(original.from, draft.from)) throw new GatewayError("GW_ERR_FORBIDDEN", `only the sender of a message can ${verb} it`);
  return original;
}
