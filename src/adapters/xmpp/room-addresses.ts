/** Which addresses and JIDs of the gateway's domain are rooms (native rooms, IRC channels) rather than people. */
import type { Address } from "../../core/model/address.js";
import { jidToAddress, onGatewayDomain, resourceOf } from "./addressing.js";

/** Native rooms and IRC channels are rooms; everything else on the gateway domain is a person. */
export function isRoomAddress(address: Address): boolean {
  if (address.protocol === "native") return address.id.startsWith("#");
  if (address.protocol === "irc") return /^[#&+!]/.test(address.id);
  return false;
}

/** The room a bare JID of the gateway's domain names (an iq to the room itself), or undefined. */
export function roomAtJid(jid: string, domain: string): Address | undefined {
  if (resourceOf(jid) !== "" || jid === domain || !onGatewayDomain(jid, domain)) return undefined;
  try {
    const address = jidToAddress(jid, domain);
    return isRoomAddress(address) ? address : undefined;
  } catch {
    return undefined;
  }
}
