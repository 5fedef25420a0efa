/**
 * The checks of a message that refers to an earlier one (a correction, `replaces`): the earlier message must be of
 * the same conversation, and of the same sender. Kept apart from the router, which only calls them.
 */
import { GatewayError } from "./errors.js";
import { sameAddress } from "./model/address.js";
import type { MessageDraft } from "./model/message.js";
import type { RouterDependencies } from "./router-dependencies.js";

/** A correction must replace a message of the same sender in the same conversation: nobody edits another's words. */
export async function checkCorrection(deps: Pick<RouterDependencies, "recent" | "history">, draft: MessageDraft): Promise<void> {
  const id = draft.replaces;
  const original = id === undefined ? undefined : (deps.recent?.get(id) ?? (await deps.history.get(id)));
  // A message of another conversation is not found, whoever sent it: the answer must not tell that it exists.
  const seen =
    original !== undefined &&
    (draft.scope === "room"
      ? sameAddress(original.to, draft.to)
      : (sameAddress(original.from, draft.from) && sameAddress(original.to, draft.to)) || (sameAddress(original.from, draft.to) && sameAddress(original.to, draft.from)));
  if (!seen) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${id} in this conversation to correct`);
  if (!sameAddress(original.from, draft.from)) throw new GatewayError("GW_ERR_FORBIDDEN", "only the sender of a message can correct it");
}
