/** Room: a group conversation on any network, with its members. */
import { DEFAULT_ACCOUNT, makeAddress, type Address } from "./address.js";

/** A member's standing in a room: "admin" and "moderator" come from other networks (an IRC operator). */
export type RoomRole = "owner" | "admin" | "moderator" | "member";

export interface RoomMember {
  readonly address: Address;
  /** The name shown in the room (a nick on IRC and MUC). */
  readonly nick: string;
  readonly role: RoomRole;
}

/** A member put out of a room by someone else (an IRC KICK of their puppet): who did it, and why. */
export interface RoomRemoval {
  /** The nick of whoever removed them, as their network shows it. */
  readonly by: string;
  readonly reason: string;
  /** Kept out too (core/room-bans.ts): a ban, not a kick; networks show it as one (XEP-0045 status 301). */
  readonly ban?: boolean;
  /**
   * Not put out by anyone: the room refused to take the member back (a room joined through their own account, joined
   * again after a restart or reconnect: core/kept-own-rooms.ts), with the refusal's code (GW_ERR_FORBIDDEN for a ban,
   * GW_ERR_NOT_FOUND, GW_ERR_KEY_NEEDED...). `by` is then the room, `reason` the refusal.
   */
  readonly refused?: string;
}

/**
 * An invitation into a gateway room from one person to another (`from` invites `to`), or its answer back when
 * declined (`from` is then the one invited, `to` the one who invited them). `room` is the gateway room (the hub of
 * its bridges); `reason` is "" for none.
 */
export interface RoomInvitation {
  readonly room: Address;
  readonly from: Address;
  readonly to: Address;
  readonly reason: string;
}

export interface Room {
  readonly address: Address;
  readonly name: string;
  readonly subject: string;
  readonly members: readonly RoomMember[];
}

export const ROOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The address of the gateway's own (native) room of that name: `native:#<name>`, the name in lower case. */
export function nativeRoomAddress(name: string): Address {
  return makeAddress("native", DEFAULT_ACCOUNT, `#${name.toLowerCase()}`);
}
