/** Rooms named in frames: a room of this gateway by name or address, or a bridged room of another network by its own. */
import { GatewayError } from "../../../core/errors.js";
import type { Address } from "../../../core/model/address.js";
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
