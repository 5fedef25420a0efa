/**
 * message.react and room.react: the session's user sets her reactions (XEP-0444's "👍" under a line) to a message of a
 * conversation she is in. The frame carries her whole set, as XEP-0444 does; it becomes a message of that conversation
 * naming the reacted one (`reactsTo`, `reactions`, no body), so it goes the way of a reply: the router checks the
 * message is of the conversation and says what the set adds (core/message-reactions.ts), the log keeps it, and every
 * recipient, her other sessions included, is sent it. In a MUC she joined through her own account it goes out from
 * that account (account-muc-lines.ts), refused up front (GW_ERR_NOT_FOUND) for a line the room gave no id it knows.
 */
import { GatewayError } from "../../../core/errors.js";
import { sameAddress, type Address } from "../../../core/model/address.js";
import type { MessageScope } from "../../../core/model/message.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { MessageReactFrame, RoomReactFrame } from "../client-frames.js";
import type { NativeSession } from "../session.js";
import type { Release } from "../frame-sequencer.js";
import { chatPeerAddress } from "../native-addresses.js";
import { self } from "./contact-handlers.js";
import { roomAsMember } from "./room-refs.js";
import { ownRoomOf } from "./own-room-handlers.js";
import { showOwnMessage } from "../own-messages.js";

interface Reaction {
  readonly scope: MessageScope;
  readonly to: Address;
  readonly messageId: string;
  readonly reactions: readonly string[];
  readonly senderName?: string;
}

async function react(session: NativeSession, env: HandlerEnvironment, reaction: Reaction, release: Release): Promise<Record<string, unknown>> {
  const from = self(session);
  const { scope, to, messageId, reactions } = reaction;
  const message = await env.context.submit(
    { origin: { protocol: "native", account: env.context.account }, scope, kind: "text", from, to, senderName: reaction.senderName ?? session.user ?? from.id, body: "", reactsTo: { id: messageId }, reactions },
    { onOrdered: release, onAccepted: (accepted) => showOwnMessage(env.sessions, accepted, session) },
  );
  return { message_id: message.id, timestamp: message.timestamp };
}

export const messageReact: Handler<MessageReactFrame> = async (session, frame, env, release) => {
  const to = chatPeerAddress(frame.to);
  if (sameAddress(self(session), to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you have no conversation with yourself");
  return react(session, env, { scope: "direct", to, messageId: frame.message_id, reactions: frame.reactions }, release);
};

export const roomReact: Handler<RoomReactFrame> = async (session, frame, env, release) => {
  const own = ownRoomOf(env, frame.room);
  if (own !== undefined) {
    // A MUC joined through her own account: her reaction goes out from it (as her lines do, own-room-handlers.ts),
    // refused at once for a line it gave no id the account knows (it could not be named there).
    await env.context.ownRooms.checkLine(own, self(session), frame.message_id, "react to");
    const nick = env.context.ownRooms.get(own, self(session)).members.find((member) => sameAddress(member.address, self(session)))?.nick;
    return react(session, env, { scope: "room", to: own, messageId: frame.message_id, reactions: frame.reactions, ...(nick === undefined ? {} : { senderName: nick }) }, release);
  }
  const { room, member } = await roomAsMember(env, frame.room, self(session), "join the room before reacting to anything in it");
  return react(session, env, { scope: "room", to: room, messageId: frame.message_id, reactions: frame.reactions, senderName: member.nick }, release);
};
