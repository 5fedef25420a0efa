/**
 * IRC addresses in the core model: irc://<network>/<nick> for a person, irc://<network>/<channel> for a
 * channel (`%23dev` in the URI form). Ids are kept in ASCII lower case, so that `Bob` and `bob` are one
 * person as the server sees them; the nick as written is the sender name. ASCII folding, not RFC 1459's,
 * because servers differ (ngIRCd announces CASEMAPPING=ascii, InspIRCd rfc1459): `nick[a]` and `nick{a}` stay
 * two addresses, which on an rfc1459 server are one person (docs/irc.md, "Addresses").
 */
import { makeAddress, type Address } from "../../core/model/address.js";
import { nativeRoomAddress } from "../../core/model/room.js";
import { DEFAULT_CHANTYPES, isChannelName } from "./nicks.js";

export function ircAddress(network: string, name: string): Address {
  return makeAddress("irc", network, name.toLowerCase());
}

/** Every channel prefix RFC 2812 1.3 knows: for a server not connected yet, whose CHANTYPES is not known. */
export const ANY_CHANTYPES = "#&+!";

export function isChannelId(id: string, chanTypes = "#&"): boolean {
  return id.length > 1 && chanTypes.includes(id.charAt(0));
}

/**
 * The longest channel name taken, in UTF-8 bytes: RFC 2812 says 50, servers announce up to 64 or so (CHANNELLEN),
 * and a JOIN line with its key must fit 512 bytes whatever a joiner asked for.
 */
export const MAX_CHANNEL_BYTES = 200;

/** A channel name the gateway can JOIN: a channel (RFC 2812 1.3, nicks.ts isChannelName) without any white space, not too long. */
export function isJoinableChannel(id: string): boolean {
  return isChannelName(id, DEFAULT_CHANTYPES, MAX_CHANNEL_BYTES) && !/\s/.test(id);
}

/** The native room a channel is bridged to (`native:#<room>`). */
export function nativeRoom(room: string): Address {
  return nativeRoomAddress(room);
}

/**
 * The name a person goes by on IRC, from their address: a native user name, a JID's local part, a nick; for an
 * occupant of a MUC (room@service/nick), their nick in the room.
 */
export function personName(address: Address): string {
  if (address.protocol !== "xmpp") return address.id;
  const slash = address.id.indexOf("/");
  if (slash >= 0 && slash < address.id.length - 1) return address.id.slice(slash + 1);
  return address.id.split("@")[0] || address.id;
}
