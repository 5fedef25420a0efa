/**
 * A user's own messages shown to their other sessions, so that their several clients (a phone, a desktop) show the
 * same conversations, as XMPP clients do with message carbons (XEP-0280) and a MUC's reflection.
 *
 * - A direct message is a `message` marked `carbon: "sent"`: the one the user wrote from another session (any
 *   recipient, any network), as the one they wrote from another client of their linked XMPP account
 *   (Router.sentElsewhere) is. Corrections and actions alike.
 * - A room message is the room's line, as every other member gets it (room messages carry no `carbon`).
 *
 * The session that sent it is left out: it has the message's id from the answer. Sessions connected later read it
 * in `history`.
 */
import type { Message } from "../../core/model/message.js";
import { isNative, isRoomId } from "./native-addresses.js";
import { frames } from "./server-frames.js";
import type { SessionDirectory } from "./session-directory.js";
import type { NativeSession } from "./session.js";

export function showOwnMessage(sessions: SessionDirectory, message: Message, sentFrom?: NativeSession): void {
  if (!isNative(message.from) || isRoomId(message.from.id) || !hasOtherSession(sessions, message.from.id, sentFrom)) return;
  const shown: Message = message.scope === "direct" ? { ...message, sentElsewhere: true } : message;
  sessions.pushTo(message.from.id, frames.message(shown), sentFrom);
}

/** Most users have one session: the frame is built only for a user with another one open (a message's hot path). */
function hasOtherSession(sessions: SessionDirectory, user: string, sentFrom: NativeSession | undefined): boolean {
  for (const session of sessions.of(user)) if (session !== sentFrom && session.isOpen) return true;
  return false;
}
