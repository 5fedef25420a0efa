/** Rooms hosted on this gateway: create, join, leave, list, members, subject and room messages. */
import { GatewayError } from "../../../core/errors.js";
import { formatAddress, sameAddress, type Address } from "../../../core/model/address.js";
import { refuseNickHeld } from "../../../core/room-joins.js";
import { checkNick } from "../../../core/rooms.js";
import type { RoomMember } from "../../../core/model/room.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { RoomCreateFrame, RoomKickFrame, RoomListFrame, RoomNickFrame, RoomRefFrame, RoomSendFrame, RoomSubjectFrame } from "../client-frames.js";
import { clientAddress, isNative, roomRef } from "../native-addresses.js";
import { frames, memberView, roomSummaryView, roomView, type ServerFrame } from "../server-frames.js";
import type { NativeSession } from "../session.js";
import { self } from "./contact-handlers.js";
import { submitFrom } from "./message-handlers.js";
import { localRoom, roomAsMember, roomByRef } from "./room-refs.js";
import { joinOwnRoom, kickFromOwnRoom, leaveOwnRoom, ownRoomMembers, ownRoomOf, renameInOwnRoom, sendToOwnRoom, setOwnRoomSubject } from "./own-room-handlers.js";

/**
 * Pushes a frame to every connected member of the room, except one session, or except one member entirely
 * (the sender of a room message, who has the message id from the answer to room.send).
 */
export async function pushToMembers(
  env: HandlerEnvironment,
  room: Address,
  frame: ServerFrame,
  skip: { readonly session?: NativeSession; readonly member?: Address; readonly hiddenFrom?: (member: Address) => boolean } = {},
): Promise<void> {
  // A room reached through someone's own account (own-room-handlers.ts) is that person's view alone.
  const owner = env.context.ownRooms.ownerOf(room);
  const members = owner === undefined ? (await env.services.rooms.members(room)).map((member) => member.address) : [owner];
  for (const member of members) {
    if (!isNative(member) || (skip.member && sameAddress(member, skip.member)) || skip.hiddenFrom?.(member) === true) continue;
    env.sessions.pushTo(member.id, frame, skip.session);
  }
}

export const roomCreate: Handler<RoomCreateFrame> = async (session, frame, env) => {
  const me = self(session);
  const room = localRoom(frame.name);
  const creator: RoomMember = { address: me, nick: session.user ?? me.id, role: "owner" };
  const record = await env.services.rooms.create(room, frame.name.toLowerCase(), frame.subject ?? "", creator, env.services.limits.roomsCreatedBy(me));
  return { room: roomView(record) };
};

/**
 * Joins, unless someone else in a room bridged to this one (an IRC user in the channel, not the member's own linked
 * nick) has the nick: GW_ERR_NICK_IN_USE.
 */
async function joinUnlessNickBridged(env: HandlerEnvironment, room: Address, member: RoomMember, password: string | undefined): Promise<boolean> {
  checkNick(member.nick);
  refuseNickHeld(await env.context.bridgedPeople(room), room, member, (address) => env.services.identities.personOf(address));
  return env.services.rooms.join(room, member, password === undefined ? {} : { password });
}

export const roomJoin: Handler<RoomRefFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return joinOwnRoom(session, env, own, frame);
  const me = self(session);
  // A channel of an IRC network is joined at its bridge's hub, bridged now on a network with open_channels.
  const ref = roomRef(frame.room);
  const room = isNative(ref) ? localRoom(frame.room) : await env.context.bridges.hubFor(ref, me, frame.key);
  const member: RoomMember = { address: me, nick: frame.nick ?? session.user ?? me.id, role: "member" };
  const password = frame.password ?? frame.key;
  const joined = await joinUnlessNickBridged(env, room, member, password).catch(async (error: unknown) => {
    await env.context.bridges.closeIfIdle(room); // a room bridged for this join alone is not kept
    throw error;
  });
  // Read before the join is told: a linked account of the joiner shown under the nick they took is shown as
  // nick%network from now on, and everyone is told that first (core/shown-names.ts).
  const answer = await roomWithPeople(env, room);
  if (joined) {
    await pushToMembers(env, room, frames.roomMember(room, "joined", member), { session });
    env.context.dispatch({ type: "member-joined", room, member });
  }
  return answer;
};

/**
 * A room's record, its members (a bridged channel or MUC among them, as the member that relays it) and the people
 * in its bridged channels and MUCs as their networks show them now: not members (their channel's operators, not the
 * room's owner, put them out), but in the conversation, and announced by `room.member` as they come and go.
 */
async function roomWithPeople(env: HandlerEnvironment, room: Address): Promise<Record<string, unknown>> {
  const record = await env.services.rooms.get(room);
  const members = await env.services.rooms.members(room);
  const people = await env.context.bridgedPeople(room);
  return { room: roomView(record), members: members.map(memberView), bridged_people: people.map(memberView) };
}

export const roomLeave: Handler<RoomRefFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return leaveOwnRoom(session, env, own);
  const me = self(session);
  const room = await roomByRef(env, frame.room);
  const member = (await env.services.rooms.members(room)).find((entry) => entry.address.id === me.id && isNative(entry.address));
  await env.services.rooms.leave(room, me);
  if (member) {
    await pushToMembers(env, room, frames.roomMember(room, "left", member));
    env.context.dispatch({ type: "member-left", room, member });
  }
  await env.context.bridges.closeIfIdle(room);
  return {};
};

/**
 * Another nick in a room: unique in the room and in the rooms bridged to it (GW_ERR_NICK_IN_USE). Every member
 * is told, this user's sessions too (`room.member` `renamed`), and XMPP occupants see a MUC nick change.
 */
export const roomNick: Handler<RoomNickFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return renameInOwnRoom(session, env, own, frame);
  const me = self(session);
  const room = await roomByRef(env, frame.room);
  return { member: memberView(await env.context.renameInRoom(room, me, frame.nick)) };
};

/** The owner (or an admin) puts a member out (core/room-joins.ts kick): everyone is told, the member too, and the host says so. */
export const roomKick: Handler<RoomKickFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return kickFromOwnRoom(session, env, own, frame);
  const room = await roomByRef(env, frame.room);
  await env.context.kickFromRoom(room, self(session), clientAddress(frame.member), frame.reason ?? "");
  return {};
};

/**
 * The room and its members, to its members only: the list holds every member's address (an XMPP occupant's real
 * JID), which the room's MUC keeps from its occupants (semi-anonymous) and nobody outside should read.
 */
export const roomMembers: Handler<RoomRefFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return ownRoomMembers(session, env, own);
  const me = self(session);
  const room = await roomByRef(env, frame.room);
  if (!(await env.services.rooms.isMember(room, me))) throw new GatewayError("GW_ERR_NOT_MEMBER", `join ${frame.room} to see its members`);
  return roomWithPeople(env, room);
};

/**
 * The gateway's rooms (a hidden one only to its members, its owner and the admins), then the rooms the user is in
 * through her own account (her view: listed to her alone).
 */
export const roomList: Handler<RoomListFrame> = async (session, _frame, env) => {
  const me = self(session);
  const own = env.context.ownRooms.listOf(me).map((room) => ({ address: formatAddress(room.address), name: room.name, subject: room.subject, members: room.members.length }));
  const rooms = await env.services.rooms.list();
  const listed = await Promise.all(rooms.map((room) => env.context.roomSettings.listedTo(room, me)));
  return { rooms: [...rooms.filter((_, index) => listed[index]).map(roomSummaryView), ...own] };
};

export const roomSend: Handler<RoomSendFrame> = async (session, frame, env, release) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return sendToOwnRoom(session, env, own, frame, release);
  const { room, member } = await roomAsMember(env, frame.room, self(session), "join the room before writing to it");
  return submitFrom(session, env, "room", room, frame, release, member.nick);
};

export const roomSubject: Handler<RoomSubjectFrame> = async (session, frame, env) => {
  const own = ownRoomOf(env, frame.room);
  if (own) return setOwnRoomSubject(session, env, own, frame.subject);
  const me = self(session);
  const room = await roomByRef(env, frame.room);
  await env.services.rooms.setSubject(room, frame.subject, me);
  await pushToMembers(env, room, frames.roomSubject(room, frame.subject, me), { session });
  env.context.dispatch({ type: "topic", room, topic: frame.subject, by: me });
  return {};
};
