/**
 * Whether an address is someone to write to, or to keep as a contact, where it is: the checks that message.send,
 * typing, contact.add and the presence requests share, so that what would go nowhere, or come back to the gateway as
 * from a stranger, is refused at once with GW_ERR_BAD_ADDRESS. Pure: they ask the adapter's pure isRoom and standsFor.
 */
import type { Adapter } from "./adapter.js";
import { GatewayError } from "./errors.js";
import { addressKey, formatAddress, type Address } from "./model/address.js";

/**
 * A person's address that only stands for someone the gateway reaches on another network (a JID of the XMPP
 * component's own domain: Adapter.standsFor). A message, typing notification or subscription to it would leave through
 * the XMPP server and come back to the gateway as from an XMPP user named after the sender's own gateway JID.
 */
export function checkNotStandIn(target: Adapter | undefined, address: Address): void {
  const standsFor = target?.standsFor?.(address);
  if (standsFor === undefined) return;
  throw new GatewayError("GW_ERR_BAD_ADDRESS", `${addressKey(address)} is the gateway's own XMPP address of ${formatAddress(standsFor)}: write to ${formatAddress(standsFor)}`);
}

/**
 * The recipient of a direct message or typing notification: a person, not a room of its network (Adapter.isRoom: an
 * IRC channel, a MUC, a room JID of the gateway's domain), which takes room messages only and has no typing
 * notifications; and no stand-in (checkNotStandIn).
 */
export function checkChatPeer(target: Adapter | undefined, address: Address): void {
  if (target?.isRoom?.(address) === true) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${addressKey(address)} is a room, not a person: rooms take room messages (join the gateway room it is bridged to)`);
  }
  checkNotStandIn(target, address);
}
