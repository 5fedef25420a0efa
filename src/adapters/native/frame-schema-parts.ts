/**
 * The pieces the client frames' JSON Schemas are built of (frame-schemas.ts): addresses, ids, bodies, nicks, the
 * characters no network carries, and the frame envelope every schema shares.
 */
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_NAME_PATTERN } from "../../core/model/account-rules.js";
import type { ClientFrameType } from "./client-frames.js";
import { MAX_ROOM_PASSWORD } from "../../core/room-settings.js";
import { ANNOUNCEMENT_BODY_MAX_LENGTH, ANNOUNCEMENT_SUBJECT_MAX_LENGTH } from "../../core/announcements.js";
import { MAX_REACTION_LENGTH, MAX_REACTIONS } from "../../core/model/reactions.js";
import { MAX_ATTACHMENT_DESCRIPTION_LENGTH, MAX_ATTACHMENT_URL_LENGTH, MAX_ATTACHMENTS } from "../../core/model/attachments.js";

export type Schema = Record<string, unknown>;

export const requestId: Schema = { type: "string", minLength: 1, maxLength: 64, description: "Request id, echoed in the answer" };
export const address: Schema = { type: "string", minLength: 3, maxLength: 1100, description: "An address URI, e.g. native:bob or irc://libera/bob" };
/** Characters no network carries as text (core/model/text.ts): C0 and C1 controls, DEL, U+FFFE, U+FFFF, lone surrogates. */
export const UNSAFE = "\\u0000-\\u001f\\u007f-\\u009f\\ufffe\\uffff\\ud800-\\udfff";
/** The same, but tab and line feed (\t, \n): text of several lines. */
export const UNSAFE_BUT_LINE_BREAKS = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\ufffe\\uffff\\ud800-\\udfff";
/** A nick in a room: shown as a MUC occupant's JID resource and in stanzas, so no control characters. */
export const roomNick: Schema = { type: "string", minLength: 1, maxLength: 64, pattern: `^[^${UNSAFE}]+$`, description: "The name shown in the room, without control characters" };
/** A gateway room's password (core/room-settings.ts): kept only as a hash. */
export const roomPassword: Schema = { type: "string", minLength: 1, maxLength: MAX_ROOM_PASSWORD, pattern: `^[^${UNSAFE}]+$` };
export const room: Schema = { type: "string", minLength: 1, maxLength: 1100, description: "A room address (native:%23lobby) or the name of a room on this gateway (lobby)" };
/** The rules of core/model/account-rules.ts, which the operator's `switchboard user` commands apply too. */
export const userName: Schema = { type: "string", pattern: USER_NAME_PATTERN, description: "1-32 letters, digits, '.', '_', '-'; case-insensitive" };
export const password: Schema = { type: "string", minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH };
/** A message's body: empty only beside attachments (the gateway then makes it their URLs, core/model/attachments.ts). */
export const body: Schema = { type: "string", maxLength: 65536, description: "The text; may be empty (\"\") only when attachments are given" };
/** Links to files and images (core/model/attachments.ts attachmentProblem checks the same at acceptance). */
export const attachments: Schema = {
  type: "array",
  minItems: 1,
  maxItems: MAX_ATTACHMENTS,
  description: "Links to files or images the message carries (XMPP: XEP-0066 out-of-band data); the gateway hosts no files",
  items: {
    type: "object",
    properties: {
      url: { type: "string", minLength: 8, maxLength: MAX_ATTACHMENT_URL_LENGTH, pattern: `^[hH][tT][tT][pP][sS]?://[^\\s${UNSAFE}]+$`, description: "An http or https URL, without spaces or control characters" },
      description: { type: "string", maxLength: MAX_ATTACHMENT_DESCRIPTION_LENGTH, pattern: `^[^${UNSAFE}]*$`, description: "One line saying what it is" },
    },
    required: ["url"],
    additionalProperties: false,
  },
};
/** A message frame's body is not empty unless it has attachments. */
export const bodyOrAttachments: Schema = { anyOf: [{ properties: { body: { type: "string", minLength: 1 } } }, { properties: { attachments: { type: "array" } }, required: ["attachments"] }] };
export const kind: Schema = { enum: ["text", "action", "notice"], default: "text" };
export const messageId: Schema = { type: "string", minLength: 1, maxLength: 64 };
export const replyTo: Schema = { ...messageId, description: "The gateway id of the message of this conversation that this one answers (a reply)" };

export function frame(type: ClientFrameType, properties: Schema = {}, required: string[] = [], description = ""): Schema {
  return {
    type: "object",
    ...(description === "" ? {} : { description }),
    properties: { type: { const: type }, id: requestId, ...properties },
    required: ["type", ...required],
    additionalProperties: false,
  };
}

/** The text of an announcement and of the message of the day: core/announcements.ts announcementProblem says the same. */
export const announcementText: Record<string, Schema> = {
  body: {
    type: "string",
    minLength: 1,
    maxLength: ANNOUNCEMENT_BODY_MAX_LENGTH,
    // Lines and tabs, as a notice of several paragraphs needs: no other control character.
    pattern: `^[^${UNSAFE_BUT_LINE_BREAKS}]+$`,
    description: "The text: lines and tabs allowed, no other control characters",
  },
  subject: { type: "string", maxLength: ANNOUNCEMENT_SUBJECT_MAX_LENGTH, pattern: `^[^${UNSAFE}]*$`, description: "A subject shown above it, one line (\"\" for none)" },
};

/** A sender's whole set of reactions to a message (core/model/reactions.ts reactionsProblem checks each is one emoji). */
export const reactions: Schema = {
  type: "array",
  maxItems: MAX_REACTIONS,
  items: { type: "string", minLength: 1, maxLength: MAX_REACTION_LENGTH, pattern: `^[^${UNSAFE}]+$` },
  description: "The sender's whole set of reactions to the message now, each one emoji (e.g. \"👍\"); [] takes them all away",
};
