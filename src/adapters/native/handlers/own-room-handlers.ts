/**
 * Rooms reached through the user's own account (core/own-rooms.ts: a MUC her linked XMPP account joins,
 * `xmpp://u.alice/room@conference.example.org`): her view of it, answered as a bridged channel's room is. She is
 * its only member; its occupants are its bridged people. Nobody else may use it (GW_ERR_FORBIDDEN). Her nick,
 * the subject, invitations, kicks and bans there are asked of the room through her account, which answers for it.
 */
import { formatAddress, sameAddress, type Address } from "../../../core/model/address.js";
import type { Room } from "../../../core/model/room.js";
import type { HandlerEnvironment } from "../handler-environment.js";
import type { Release } from "../frame-sequencer.js";
import type { RoomBanFrame, RoomKickFrame, RoomNickFrame, RoomRefFrame, RoomSendFrame, RoomUnbanFrame } from "../client-frames.js";
import { clientAddress, personAddress, roomRef } from "../native-addresses.js";
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

/**
 * Joins; in a room she is in already, a `nick` other than hers there is a nick change (as room.nick), and the
 * answer is the room as it is (a `key` then changes nothing).
 */
export async function joinOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomRefFrame): Promise<Record<string, unknown>> {
  const me = self(session);
  const current = env.context.ownRooms.find(room, me);
  if (current !== undefined) {
    const nick = current.members.find((member) => sameAddress(member.address, me))?.nick;
    if (frame.nick !== undefined && frame.nick !== nick) await env.context.ownRooms.rename(room, me, frame.nick);
    return ownRoomView(env.context.ownRooms.get(room, me), me);
  }
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

/** Another nick in the room: answered once the room shows her under it. */
export async function renameInOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomNickFrame): Promise<Record<string, unknown>> {
  return { member: memberView(await env.context.ownRooms.rename(room, self(session), frame.nick)) };
}

/** The room's subject, set from her account: answered once the room shows it (or with its refusal). */
export async function setOwnRoomSubject(session: NativeSession, env: HandlerEnvironment, room: Address, subject: string): Promise<Record<string, unknown>> {
  await env.context.ownRooms.setSubject(room, self(session), subject);
  return {};
}

/** An invitation from her account, the room's network's way (a XEP-0045 mediated invitation). */
export async function inviteToOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, to: string, reason: string): Promise<Record<string, unknown>> {
  await env.context.ownRooms.invite(room, self(session), personAddress(to), reason);
  return {};
}

/** A kick by her account, where the room lets her (a MUC's moderator). */
export async function kickFromOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomKickFrame): Promise<Record<string, unknown>> {
  await env.context.ownRooms.kick(room, self(session), clientAddress(frame.member), frame.reason ?? "");
  return {};
}

/** A ban by her account, where the room lets her (a MUC's admin): of an occupant (by the real JID the room shows her) or anyone of its network. */
export async function banFromOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomBanFrame): Promise<Record<string, unknown>> {
  await env.context.ownRooms.ban(room, self(session), clientAddress(frame.member), frame.reason ?? "");
  return {};
}

export async function unbanFromOwnRoom(session: NativeSession, env: HandlerEnvironment, room: Address, frame: RoomUnbanFrame): Promise<Record<string, unknown>> {
  await env.context.ownRooms.unban(room, self(session), clientAddress(frame.member));
  return {};
}

/** The room's bans as it gives them: whom and why (a MUC tells neither who banned them nor when: no `by`, no `banned_at`). */
export async function ownRoomBans(session: NativeSession, env: HandlerEnvironment, room: Address): Promise<Record<string, unknown>> {
  const bans = await env.context.ownRooms.bans(room, self(session));
  return { bans: bans.map((ban) => ({ address: formatAddress(ban.person), reason: ban.reason })) };
}
