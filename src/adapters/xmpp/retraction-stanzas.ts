/**
 * XEP-0424 Message Retraction (version 0.4, namespace urn:xmpp:message-retract:1): a retraction names the message it
 * retracts by the id its recipient knows it by (in a direct chat the message's own id, in a MUC the room's stanza-id,
 * section 5), and carries a fallback body with a XEP-0428 fallback marker for clients without it, and a XEP-0334
 * store hint so servers archive it. An archive (and a joining occupant's history) shows a retracted message as a
 * tombstone, a <retracted/> element in place of its body (section 7). Older clients (Conversations, Gajim before 2023)
 * send version 0 inside a XEP-0422 <apply-to/>: taken too, never sent.
 *
 * XEP-0425 Moderated Message Retraction (version 0.3, urn:xmpp:message-moderate:1): a moderator's retraction in a
 * MUC comes from the room itself, its <retract/> holding a <moderated by="room/moderator"/> (with the moderator's
 * XEP-0421 occupant id when known) and the <reason/>; its tombstone's <retracted/> holds the same.
 */
import type { Element } from "ltx";
import xml from "@xmpp/xml";
import type { Message, MessageModeration } from "../../core/model/message.js";
import { occupantIdElement } from "./occupant-ids.js";
import { chatMessage, type ChatMessageOptions } from "./stanzas.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import { reactionStanza } from "./reaction-stanzas.js";

export const NS_RETRACT = "urn:xmpp:message-retract:1";
const NS_RETRACT_0 = "urn:xmpp:message-retract:0";
const NS_FASTEN = "urn:xmpp:fasten:0";
const NS_FALLBACK = "urn:xmpp:fallback:0";
const NS_HINTS = "urn:xmpp:hints";
export const NS_MODERATE = "urn:xmpp:message-moderate:1";

/** XEP-0424 section 4's example fallback, for clients that show the body of what they do not understand. */
export const RETRACTION_FALLBACK = "/me retracted a previous message, but it's unsupported by your client.";

/** The id of the message a stanza retracts (version 1, or version 0 in an <apply-to/>); undefined when it retracts none. */
export function retractedId(stanza: Element): string | undefined {
  const retract = stanza.getChild("retract", NS_RETRACT);
  const id = retract === undefined ? fastenedRetraction(stanza) : retract.attrs["id"];
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

const NS_MODERATE_0 = "urn:xmpp:message-moderate:0";

/** A moderator's retraction as a MUC sends it: the line's stanza-id, the moderator's nick where `by` names one, and why. */
export interface HeardModeration {
  readonly retracts: string;
  readonly by?: string;
  readonly reason?: string;
}

/**
 * A XEP-0425 moderation in a stanza (the caller checks it comes from the room's bare JID): version 0.3's
 * `<retract id><moderated by/><reason/></retract>`, or version 0.2's `<apply-to id><moderated by><retract/><reason/>`
 * (mod_muc_moderation before 2023). `by` is the moderator's nick, the resource of an occupant JID of `muc`.
 */
export function moderationOf(stanza: Element, muc: string): HeardModeration | undefined {
  const retract = stanza.getChild("retract", NS_RETRACT);
  const current = retract?.getChild("moderated", NS_MODERATE);
  const applyTo = stanza.getChild("apply-to", NS_FASTEN);
  const older = applyTo?.getChild("moderated", NS_MODERATE_0);
  const [id, moderated, reason] = current !== undefined ? [retract?.attrs["id"], current, retract?.getChildText("reason")] : older?.getChild("retract", NS_RETRACT_0) !== undefined ? [applyTo?.attrs["id"], older, older.getChildText("reason")] : [];
  if (typeof id !== "string" || id === "" || moderated === undefined) return undefined;
  const by = String(moderated.attrs["by"] ?? "");
  const nick = by.toLowerCase().startsWith(`${muc.toLowerCase()}/`) ? by.slice(muc.length + 1) : "";
  const why = reason?.trim() ?? "";
  return { retracts: id, ...(nick === "" ? {} : { by: nick }), ...(why === "" ? {} : { reason: why }) };
}

function fastenedRetraction(stanza: Element): unknown {
  const applyTo = stanza.getChild("apply-to", NS_FASTEN);
  return applyTo?.getChild("retract", NS_RETRACT_0) === undefined ? undefined : applyTo.attrs["id"];
}

/**
 * The stanza a message of the core becomes on XMPP: a retraction (`retracts`, naming it as the recipient knows it:
 * the gateway id, which is the id a direct message went out with and the room's stanza-id alike), a tombstone
 * (`retracted`, in history and archives), a set of reactions (`reactsTo`, reaction-stanzas.ts), or else the chat message itself.
 */
export function messageStanza(message: Pick<Message, "retracts" | "retracted" | "moderated" | "reactsTo" | "reactions">, options: ChatMessageOptions, room?: ModerationRoom): Element {
  // XEP-0444: a reaction names the line as a retraction does, unless the caller knows the recipient's own id for it.
  if (message.reactsTo !== undefined) return reactionStanza(envelope(options), options.reactedId ?? message.reactsTo.id, message.reactions ?? []);
  const moderation = message.moderated === undefined || room === undefined ? [] : moderationElements(message.moderated, room);
  if (message.retracts !== undefined) return retraction(options, message.retracts, moderation);
  if (message.retracted === true) return tombstone(options, moderation);
  return chatMessage(options);
}

/** Whether a message is a moderator's retraction (XEP-0425): it comes from the room, her occupant id inside it. */
export function isModeration(message: Pick<Message, "retracts" | "moderated">): boolean {
  return message.retracts !== undefined && message.moderated !== undefined;
}

/** Where a moderation was made: the room's JID (the moderator is `room/nick`) and her occupant id, when known. */
export interface ModerationRoom {
  readonly roomJid: string;
  readonly occupantId?: string;
}

function moderationElements(moderated: MessageModeration, room: ModerationRoom): Element[] {
  const by = xml("moderated", { xmlns: NS_MODERATE, by: stripInvalidXmlChars(`${room.roomJid}/${moderated.by}`) });
  if (room.occupantId !== undefined) by.append(occupantIdElement(room.occupantId));
  return moderated.reason === undefined ? [by] : [by, xml("reason", {}, stripInvalidXmlChars(moderated.reason))];
}

function retraction(options: ChatMessageOptions, retracts: string, moderation: readonly Element[]): Element {
  return xml(
    "message",
    envelope(options),
    xml("retract", { xmlns: NS_RETRACT, id: stripInvalidXmlChars(retracts) }, ...moderation),
    xml("fallback", { xmlns: NS_FALLBACK, for: NS_RETRACT }),
    xml("body", {}, RETRACTION_FALLBACK),
    xml("store", { xmlns: NS_HINTS }),
  );
}

/** Section 7: the message without its words, marked retracted. */
function tombstone(options: ChatMessageOptions, moderation: readonly Element[]): Element {
  return xml("message", envelope(options), xml("retracted", { xmlns: NS_RETRACT }, ...moderation));
}

/** As chatMessage's: characters XML cannot carry are left out of the addresses and ids. */
function envelope(options: ChatMessageOptions): Record<string, string> {
  const attrs: Record<string, string> = { id: stripInvalidXmlChars(options.id), type: options.type ?? "chat" };
  if (options.from !== undefined) attrs["from"] = stripInvalidXmlChars(options.from);
  if (options.to !== undefined) attrs["to"] = stripInvalidXmlChars(options.to);
  return attrs;
}
