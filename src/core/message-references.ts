/**
 * The checks of a message that refers to an earlier one, a correction (`replaces`) or a retraction (`retracts`): the
 * earlier message must be of the same conversation, and of the same sender, but that a room's moderator may retract
 * anyone's message there (XEP-0425's moderation). Kept apart from the router, which only calls them.
 */
import { GatewayError } from "./errors.js";
import { isOnDemandHub } from "./bridges.js";
import { idBoundAt } from "./message-id.js";
import { sameAddress, type Address } from "./model/address.js";
import { MAX_MODERATION_REASON_LENGTH, type Message, type MessageDraft, type MessageModeration } from "./model/message.js";
import { hasUnsafeCharacters } from "./model/text.js";
import type { RouterDependencies } from "./router-dependencies.js";

export type Lookup = Pick<RouterDependencies, "recent" | "history" | "moderator"> & {
  /** The gateway's rooms, whose making dates what was said in them (absent: not asked). */
  readonly rooms?: Pick<RouterDependencies["rooms"], "exists" | "get">;
};

/**
 * Whether a room's line predates the room: one of a room destroyed before another of its name was made (a line kept
 * for its delivery or a failure report, or in memory with the log off), which its people never saw. Gateway ids begin
 * with the time of acceptance (message-id.ts). The hub of a channel joined on demand is made again at each opening,
 * keeping its log: its lines stay answerable.
 */
async function predatesRoom(deps: Lookup, room: Address, id: string): Promise<boolean> {
  if (deps.rooms === undefined || isOnDemandHub(room) || !(await deps.rooms.exists(room))) return false;
  return id < idBoundAt((await deps.rooms.get(room)).createdAt);
}

/** A correction must replace a message of the same sender in the same conversation: nobody edits another's words. */
export async function checkCorrection(deps: Lookup, draft: MessageDraft): Promise<void> {
  const original = await originalOf(deps, draft, draft.replaces, "correct");
  if (!sameAddress(original.from, draft.from)) throw new GatewayError("GW_ERR_FORBIDDEN", "only the sender of a message can correct it");
  // A retracted message is gone: a correction would show its words again (XEP-0424 section 7).
  if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `message ${draft.replaces} was retracted: nothing to correct`);
  // A reaction has no words: "corrected", it would turn into a line of text under the reacted one's sender's eyes.
  if (original.reactsTo !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${draft.replaces} in this conversation to correct`);
}

/** The message a retraction removes, and its moderation when a moderator removes it (else undefined). */
export interface CheckedRetraction {
  readonly original: Message;
  readonly moderated?: MessageModeration;
}

/**
 * A retraction must name a message of the same conversation, neither retracted already nor a retraction itself, and
 * of the same sender, unless a room's moderator (its owner or an admin of the gateway: the rights of a kick) retracts
 * it: nobody else unsays another's words. A moderator's retraction asked as one (`moderate`) is one even of her own.
 */
export async function checkRetraction(deps: Lookup, draft: MessageDraft): Promise<CheckedRetraction> {
  if (draft.replaces !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", "a retraction corrects nothing");
  const reason = draft.moderate?.reason;
  if (reason !== undefined && (reason.length > MAX_MODERATION_REASON_LENGTH || hasUnsafeCharacters(reason))) {
    throw new GatewayError("GW_ERR_BAD_FRAME", `a moderation's reason is one line of at most ${MAX_MODERATION_REASON_LENGTH} characters, without control characters`);
  }
  const original = await originalOf(deps, draft, draft.retracts, "retract");
  const own = sameAddress(original.from, draft.from);
  const told = draft.moderate?.by;
  const moderated = told !== undefined ? moderatedThere(draft, told, reason) : own && draft.moderate === undefined ? undefined : await moderation(deps, draft, reason);
  if (original.retracted === true || original.retracts !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${draft.retracts} in this conversation to retract`);
  return moderated === undefined ? { original } : { original, moderated };
}

/**
 * A moderation the room's own network made (MessageDraft.moderate.by): the room there decided, so the gateway checks no
 * rights of its own; taken only from an adapter of that network (its origin), never from a native client.
 */
function moderatedThere(draft: MessageDraft, by: string, reason: string | undefined): MessageModeration {
  const there = draft.scope === "room" && draft.origin.protocol !== "native" && draft.origin.protocol === draft.to.protocol && draft.origin.account === draft.to.account;
  if (!there || by === "" || hasUnsafeCharacters(by)) throw new GatewayError("GW_ERR_FORBIDDEN", "only the room's own network tells of its moderations");
  return reason === undefined || reason === "" ? { by } : { by, reason };
}

/** The rights of a kick in the room (RoomJoins.moderation); anyone else is refused as before moderation was. */
async function moderation(deps: Lookup, draft: MessageDraft, reason: string | undefined): Promise<MessageModeration> {
  const forbidden = new GatewayError("GW_ERR_FORBIDDEN", "only the sender of a message, or the room's owner or an admin of the gateway, can retract it");
  if (draft.scope !== "room" || deps.moderator === undefined) throw forbidden;
  let by: string;
  try {
    by = await deps.moderator(draft.to, draft.from);
  } catch (error: unknown) {
    throw error instanceof GatewayError && (error.code === "GW_ERR_FORBIDDEN" || error.code === "GW_ERR_NOT_MEMBER") ? forbidden : error;
  }
  return reason === undefined || reason === "" ? { by } : { by, reason };
}

/** The message `id` names in the draft's conversation, or GW_ERR_NOT_FOUND (also for one of another conversation). */
export async function originalOf(deps: Lookup, draft: MessageDraft, id: string | undefined, verb: string): Promise<Message> {
  const original = id === undefined ? undefined : (deps.recent?.get(id) ?? (await deps.history.get(id)));
  // A message of another conversation is not found, whoever sent it: the answer must not tell that it exists.
  const seen =
    original !== undefined &&
    (draft.scope === "room"
      ? sameAddress(original.to, draft.to)
      : (sameAddress(original.from, draft.from) && sameAddress(original.to, draft.to)) || (sameAddress(original.from, draft.to) && sameAddress(original.to, draft.from)));
  if (!seen || (draft.scope === "room" && (await predatesRoom(deps, draft.to, original.id)))) throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${id} in this conversation to ${verb}`);
  return original;
}
