/**
 * message.retract and room.retract: the session's user unsays one of her own messages (XEP-0424's "unsend"), or a
 * room's moderator (its owner, an admin of the gateway) removes anyone's message there (XEP-0425's moderation). The
 * retraction is a message of the same conversation naming the retracted one (`retracts`, no body), so it goes the
 * way of a correction: the router checks it is her own (core/message-references.ts), the log keeps a tombstone, and
 * every recipient, her other sessions included, is sent it. In a MUC she joined through her own account she retracts
 * her own lines only, and the retraction goes out from that account (account-muc-lines.ts).
 */
import { GatewayError } from "../../../core/errors.js";
import { sameAddress, type Address } from "../../../core/model/address.js";
import type { MessageScope } from "../../../core/model/message.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { MessageRetractFrame, RoomRetractFrame } from "../client-frames.js";
import type { NativeSession } from "../session.js";
import type { Release } from "../frame-sequencer.js";
import { chatPeerAddress } from "../native-addresses.js";
import { predates } from "../account-epoch.js";
import { self } from "./contact-handlers.js";
import { roomAsMember } from "./room-refs.js";
import { ownRoomOf } from "./own-room-handlers.js";
import { showOwnMessage } from "../own-messages.js";

interface RetractOptions {
  readonly senderName?: string;
  /** A moderator's retraction (room.retract's `reason`); another's message is moderated anyway (core/message-references.ts). */
  readonly moderate?: { readonly reason: string };
}

async function retract(session: NativeSession, env: HandlerEnvironment, scope: MessageScope, to: Address, messageId: string, release: Release, options: RetractOptions = {}): Promise<Record<string, unknown>> {
  const from = self(session);
  // A message of the name's deleted account is not this account's to retract (account-epoch.ts): not found, as another's.
  if (session.accountCreatedAt !== undefined && predates(messageId, session.accountCreatedAt)) {
    throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${messageId} in this conversation to retract`);
  }
  const message = await env.context.submit(
    { origin: { protocol: "native", account: env.context.account }, scope, kind: "text", from, to, senderName: options.senderName ?? session.user ?? from.id, body: "", retracts: messageId, ...(options.moderate === undefined ? {} : { moderate: options.moderate }) },
    { onOrdered: release, onAccepted: (accepted) => showOwnMessage(env.sessions, accepted, session) },
  );
  return { message_id: message.id, timestamp: message.timestamp };
}

export const messageRetract: Handler<MessageRetractFrame> = async (session, frame, env, release) => {
  const to = chatPeerAddress(frame.to);
  if (sameAddress(self(session), to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you have no conversation with yourself");
  return retract(session, env, "direct", to, frame.message_id, release);
};

export const roomRetract: Handler<RoomRetractFrame> = async (session, frame, env, release) => {
  const own = ownRoomOf(env, frame.room);
  if (own !== undefined) {
    // A MUC joined through her own account: she retracts her own lines there (XEP-0424, account-muc-lines.ts), named
    // by the room's id of each (refused at once for a line it gave none the account knows); she moderates none here.
    if (frame.reason !== undefined) throw new GatewayError("GW_ERR_FORBIDDEN", "you moderate a room joined through your own account on that account, not here");
    const me = self(session);
    await env.context.ownRooms.checkLine(own, me, frame.message_id, "retract");
    const nick = env.context.ownRooms.get(own, me).members.find((member) => sameAddress(member.address, me))?.nick;
    return retract(session, env, "room", own, frame.message_id, release, nick === undefined ? {} : { senderName: nick });
  }
  const { room, member } = await roomAsMember(env, frame.room, self(session), "join the room before retracting anything in it");
  return retract(session, env, "room", room, frame.message_id, release, { senderName: member.nick, ...(frame.reason === undefined ? {} : { moderate: { reason: frame.reason } }) });
};
