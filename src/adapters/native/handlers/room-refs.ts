/** Rooms named in frames: a room of this gateway by name or address, or a bridged room of another network by its own. */
import { GatewayError } from "../../../core/errors.js";
import { sameAddress, type Address } from "../../../core/model/address.js";
import type { RoomMember } from "../../../core/model/room.js";
import type { HandlerEnvironment } from "../handler-environment.js";
import { isNative, roomRef } from "../native-addresses.js";

/** A room on this gateway (GW_ERR_NOT_FOUND for any other reference). */
export function localRoom(text: string): Address {
  const room = roomRef(text);
  if (!isNative(room) || !room.id.startsWith("#")) throw new GatewayError("GW_ERR_NOT_FOUND", "only rooms on this gateway can be used here");
  return room;
}

/** A room on this gateway, or a bridged room of another network (an IRC channel) by its own address: its hub. */
export async function roomByRef(env: HandlerEnvironment, text: string): Promise<Address> {
  const room = roomRef(text);
  if (isNative(room)) return localRoom(text);
  const hub = await env.context.bridges.hubOf(room);
  if (!hub) throw new GatewayError("GW_ERR_NOT_FOUND", `${text} is not bridged to a room of this gateway`);
  return hub;
}

/**
 * The room `text` names (roomByRef) and `me` as its member, for what only members do there (write, retract, react):
 * GW_ERR_NOT_FOUND for no such room, GW_ERR_NOT_MEMBER (saying `notMember`) when she is not in it.
 */
export async function roomAsMember(env: HandlerEnvironment, text: string, me: Address, notMember: string): Promise<{ readonly room: Address; readonly member: RoomMember }> {
  const room = await roomByRef(env, text);
  await env.services.rooms.get(room);
  const member = (await env.services.rooms.members(room)).find((entry) => sameAddress(entry.address, me));
  if (!member) throw new GatewayError("GW_ERR_NOT_MEMBER", notMember);
  return { room, member };
}
