/**
 * Rooms reached through the user's own account (core/own-rooms.ts: a MUC her linked XMPP account joins,
 * `xmpp://u.alice/room@conference.example.org`): her view of it, answered as a bridged channel's room is. She is
 * its only member; its occupants are its bridged people. Nobody else may use it (GW_ERR_FORBIDDEN).
 */
import { formatAddress, sameAddress, type Address } from "../../../core/model/address.js";
import type { Room } from "../../../core/model/room.js";
import type { HandlerEnvironment } from "../handler-environment.js";
import type { Release } from "../frame-sequencer.js";
import type { RoomRefFrame, RoomSendFrame } from "../client-frames.js";
import { roomRef } from "../native-addresses.js";
import { memberView } from "../server-frames.js";
import type { NativeSession } from "../session.js";
import { self } from "./contact-handlers.js";
import { submitFrom } from "./message-handlers.js";

/** The room a frame names, when it is one reached through someone's own account (whoever's: the core refuses anyone else). */
export function ownRoomOf(env: HandlerEnvironment, text: string): Address | undefined {
  if (!text.includes(":")) return undefined;
  const room = roomRef(text);
  return env.context.ownRooms.ownerOf(room) === undefined ? undefined : room;
}

/** The answer to room.join and room.members: the user as its member, the room's occupants as its bridged people. */
function ownRoomView(room: Room, me: Address): Record<string, unknown> {
  const members = room.members.filter((member) => sameAddress(member.address, me));
  const people = room.members.filter((member) => !sameAddress(member.address, me));
  return { room: { address: formatAddress(room.address), name: room.name, subject: room.subject }, members: members.map(memberView), bridged_people: people.map(memberView) };
}

export async function joinOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomRefFrame): Promise<Record<string, unknown>> {
  const me = self(session);
  const joined = await env.context.ownRooms.join(room, { address: me, nick: frame.nick ?? session.user ?? me.id, role: "member" }, frame.key);
  return ownRoomView(joined, me);
}

export async function leaveOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address): Promise<Record<string, unknown>> {
  await env.context.ownRooms.leave(room, self(session));
  return {};
}

export function ownRoomMembers(session: NativeSession, env: HandlerEnvironment, room: Address): Record<string, unknown> {
  const me = self(session);
  return ownRoomView(env.context.ownRooms.get(room, me), me);
}

/** Her line goes out from her account as groupchat; the room's reflection of it is not shown to her again. */
export async function sendToOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomSendFrame, release: Release): Promise<Record<string, unknown>> {
  const me = self(session);
  const nick = env.context.ownRooms.get(room, me).members.find((member) => sameAddress(member.address, me))?.nick;
  return submitFrom(session, env, "room", room, frame, release, nick);
}
