/**
 * Bans in the rooms hosted on this gateway (core/room-bans.ts): the room's owner or an admin keeps a person out
 * (`room.ban`, their linked accounts with them), lets them back (`room.unban`) and lists who is kept out (`room.bans`).
 * In a MUC joined through her linked XMPP account, her account asks the MUC (own-room-handlers.ts).
 */
import type { RoomBanFrame, RoomBansFrame, RoomUnbanFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { clientAddress } from "../native-addresses.js";
import { roomBanView } from "../server-frames.js";
import { self } from "./contact-handlers.js";
import { roomByRef } from "./room-refs.js";
import { banFromOwnRoom, ownRoomBans, ownRoomOf, unbanFromOwnRoom } from "./own-room-handlers.js";

/** Banned and put out if in the room: everyone is told with `room.member` `left`, `kicked.banned`, the member too. */
export const roomBan: Handler<RoomBanFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return banFromOwnRoom(session, env, own, frame);
  const room = await roomByRef(env, frame.room);
  await env.context.roomBans.ban(room, self(session), clientAddress(frame.member), frame.reason ?? "");
  return {};
};

export const roomUnban: Handler<RoomUnbanFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return unbanFromOwnRoom(session, env, own, frame);
  const room = await roomByRef(env, frame.room);
  await env.context.roomBans.unban(room, self(session), clientAddress(frame.member));
  return {};
};

export const roomBans: Handler<RoomBansFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return ownRoomBans(session, env, own);
  const room = await roomByRef(env, frame.room);
  return { bans: (await env.context.roomBans.list(room, self(session))).map(roomBanView) };
};
