/**
 * Native addresses: users are native:<name>, rooms native:#<name> (URI form native:%23<name>).
 * Names are case-insensitive and kept in lower case.
 */
import { GatewayError } from "../../core/errors.js";
import { DEFAULT_ACCOUNT, makeAddress, parseAddress, type Address } from "../../core/model/address.js";
import { nativeRoomAddress } from "../../core/model/room.js";
import { linkedAccountOwner } from "../../core/linked-accounts.js";
import { memoizeStrings } from "../../util/string-memo.js";

export function userAddress(name: string): Address {
  return makeAddress("native", DEFAULT_ACCOUNT, name.toLowerCase());
}

export function isNative(address: Address): boolean {
  return address.protocol === "native" && address.account === DEFAULT_ACCOUNT;
}

export function isRoomId(id: string): boolean {
  return id.startsWith("#");
}

/**
 * Parses an address a client wrote, folding what the network treats case-insensitively: native names, XMPP
 * bare JIDs (servers fold them, RFC 7622; so `xmpp:Juliet@Example.org` is `xmpp:juliet@example.org`), and IRC
 * nicks and channels (`irc://libera/Bob` is `irc://libera/bob`: docs/irc.md, "Addresses"). An XMPP address with a
 * resource (an occupant of a MUC joined through a linked account, `xmpp://u.alice/room@conf.example.org%2FJuliet`)
 * keeps the resource's case: a MUC nick is case-sensitive.
 */
export function clientAddress(text: string): Address {
  return clientAddresses(text);
}

// Parsed once per text (util/string-memo.ts): a client names the same few addresses frame after frame, and the
// same frozen Address each time lets everything downstream (addressKey, JIDs) find its work already done.
const clientAddresses = memoizeStrings((text: string): Address => {
  const address = parseAddress(text);
  if (address.protocol === "xmpp") return makeAddress("xmpp", address.account, foldBareJid(address.id));
  if (isNative(address) || address.protocol === "irc") return makeAddress(address.protocol, address.account, address.id.toLowerCase());
  return address;
});

/** A JID folded as servers fold it in its bare part; the resource (after the first "/") as written. */
function foldBareJid(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid.toLowerCase() : `${jid.slice(0, slash).toLowerCase()}${jid.slice(slash)}`;
}

/** The address of a person (not a room of this gateway), for contacts, subscriptions and invitations. */
export function personAddress(text: string): Address {
  return checkedPerson(text, clientAddress(text), false);
}

/**
 * The address of someone to chat with (message.send, typing): a person, or an occupant of a MUC joined through a
 * linked account (`xmpp://u.alice/room@conf.example.org%2FJuliet`, a private message: XEP-0045 7.5), whom that
 * account knows while it is in the room.
 */
export function chatPeerAddress(text: string): Address {
  const address = clientAddress(text);
  return checkedPerson(text, address, linkedAccountOwner(address) !== undefined);
}

function checkedPerson(text: string, address: Address, occupantAllowed: boolean): Address {
  if (isNative(address) && isRoomId(address.id)) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} is a room: use the room.* frames for rooms`);
  }
  if (address.protocol === "xmpp" && address.id.includes("/") && !occupantAllowed) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} names one XMPP session: write to the bare JID (without /resource)`);
  }
  return address;
}

/** A room reference: a full address, or the name of a room on this gateway ("lobby" or "#lobby"). */
export function roomRef(text: string): Address {
  if (text.includes(":")) return clientAddress(text);
  return nativeRoomAddress(text.startsWith("#") ? text.slice(1) : text);
}
