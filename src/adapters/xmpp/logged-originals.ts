/**
 * The original a direct correction (XEP-0308) or retraction (XEP-0424) names, found in the message log when the memory
 * of ids (message-memory.ts) no longer has it: a line sent before the gateway restarted. The log keeps each message's
 * own stanza id (its origin id); the lookup is by the sender and the conversation, so an id of someone else's line, or
 * of a line in another conversation, matches nothing. Bounded as a room's (room-messages.ts): corrections and
 * retractions are of recent lines. A MUC occupant's private lines are not looked up (account-inbound.ts: a nick is no
 * person). With the log off (store.message_log) nothing is found: such a correction is carried
 * as a new message, and such a retraction is refused (the component) or dropped (a linked account).
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { Address } from "../../core/model/address.js";

/** How far back in a conversation's log (a direct one's, a room's) a correction or retraction looks for its original. */
export const CORRECTABLE_AFTER_RESTART = 200;

/** The gateway id of the line `from` sent to `to` with this stanza id, through this adapter, or undefined. */
export async function loggedDirectOriginal(context: Pick<AdapterContext, "directLog">, from: Address, to: Address, stanzaId: string): Promise<string | undefined> {
  const logged = await context.directLog?.sentWithOriginId(from, to, stanzaId, CORRECTABLE_AFTER_RESTART);
  return logged?.id;
}

/** The original that the memory of ids found (`remembered`), or else the logged one. */
export async function directOriginal(context: Pick<AdapterContext, "directLog">, remembered: Promise<string | undefined>, from: Address, to: Address, stanzaId: string | undefined): Promise<string | undefined> {
  const known = await remembered;
  if (known !== undefined || stanzaId === undefined) return known;
  return loggedDirectOriginal(context, from, to, stanzaId);
}
