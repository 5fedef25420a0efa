/** Invitations into rooms (core/room-invitations.ts): a member invites anyone, an invited user declines. */
import { GatewayError } from "../../../core/errors.js";
import type { RoomDeclineFrame, RoomInviteFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { personAddress } from "../native-addresses.js";
import { self } from "./contact-handlers.js";
import { roomByRef } from "./room-refs.js";
import { inviteToOwnRoom, ownRoomOf } from "./own-room-handlers.js";

/**
 * A member invites someone of any network into the room: `ok` once the invitation went out (a native user's sessions
 * pushed `room.invitation`, an XMPP user's mediated invitation written, an IRC INVITE the server took).
 */
export const roomInvite: Handler<RoomInviteFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return inviteToOwnRoom(session, env, own, frame.to, frame.reason ?? "");
  const room = await roomByRef(env, frame.room);
  await env.context.inviteToRoom({ room, from: self(session), to: personAddress(frame.to), reason: frame.reason ?? "" });
  return {};
};

/**
 * The user declines an invitation of the last hour: the inviter is told in their network's way (a native
 * `room.invitation.declined`, a XEP-0045 decline from the room), once. GW_ERR_NOT_FOUND when there is no such
 * invitation to decline (none made, declined already, or over an hour old): nobody is told anything.
 */
export const roomDecline: Handler<RoomDeclineFrame> = async (session, frame, env) => {
  const room = await roomByRef(env, frame.room);
  const inviter = personAddress(frame.inviter);
  const told = await env.context.declineInvitation({ room, from: self(session), to: inviter, reason: frame.reason ?? "" });
  if (!told) throw new GatewayError("GW_ERR_NOT_FOUND", `no invitation from ${frame.inviter} into ${frame.room} to decline`);
  return {};
};
