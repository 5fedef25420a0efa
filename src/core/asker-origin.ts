/**
 * Where many askers come from at no cost to whoever runs them: an XMPP server makes JIDs at will, so a limit per
 * JID (per person) alone lets one server keep the gateway busy by asking under ever new names. Services that spend
 * another network's goodwill per request (a WHOIS, a LIST on the gateway's own IRC connection) count such askers a
 * second time, per server (core/contact-info.ts, core/room-directory.ts). Native users are accounts the gateway
 * made, limited where they are made; an IRC nick asks nothing of these services.
 */
import type { Address } from "./model/address.js";

/** How many persons' allowance one origin gets in all. */
export const ORIGIN_FACTOR = 5;

/** The origin of `asker` to count apart ("xmpp-server:example.org"), or undefined when the person limit is enough. */
export function askerOrigin(asker: Address): string | undefined {
  if (asker.protocol !== "xmpp") return undefined;
  const bare = asker.id.split("/", 1)[0] ?? "";
  return `xmpp-server:${bare.slice(bare.lastIndexOf("@") + 1).toLowerCase()}`;
}
