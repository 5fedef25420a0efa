/**
 * Where a user may make the gateway connect. When a user names the server (a linked XMPP account's service, an IRC
 * server on demand), without a check any user could make the gateway open connections to its own loopback services
 * (the component port, the metrics endpoint) or to machines of the operator's internal network, and read from the
 * answers which ports are open (server-side request forgery). A host that is, or resolves to, a loopback, private,
 * link-local or otherwise unroutable address is refused unless the operator lists that host (the configuration key
 * named by the caller). (A name that resolves differently by the time of the connection is not caught: list nothing
 * that a user's DNS could point at instead.)
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { GatewayError } from "../core/errors.js";

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 96], // unspecified, loopback and IPv4-compatible (::7f00:1)
  ["64:ff9b::", 96], // NAT64: an IPv4 address behind it
  ["2002::", 16], // 6to4: likewise
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, "ipv6");
}

/** Whether an IP address is one of this machine's or of a private network (IPv4-mapped IPv6 as its IPv4). */
export function isInternalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, "ipv4");
  const family = isIP(ip);
  if (family === 0) return true; // not an address: nothing to connect to safely
  return INTERNAL.check(ip, family === 4 ? "ipv4" : "ipv6");
}

/** What is checked, for the errors: the host's role ("the XMPP server's host") and the key that lists internal hosts. */
export interface InternalHostRule {
  readonly what: string;
  readonly key: string;
}

/**
 * Refuses (GW_ERR_FORBIDDEN) a host on an internal network that is not in `internalHosts` (see the header);
 * GW_ERR_UNAVAILABLE (retryable) when it cannot be resolved.
 */
export async function checkInternalHost(host: string, internalHosts: readonly string[], rule: InternalHostRule): Promise<void> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (internalHosts.some((allowed) => allowed.replace(/^\[(.*)\]$/, "$1").toLowerCase() === bare.toLowerCase())) return;
  let addresses: readonly string[];
  try {
    addresses = isIP(bare) !== 0 ? [bare] : (await lookup(bare, { all: true })).map((entry) => entry.address);
  } catch {
    throw new GatewayError("GW_ERR_UNAVAILABLE", `${rule.what} ${bare} could not be resolved`, { retryable: true });
  }
  if (addresses.length === 0 || addresses.some(isInternalAddress)) {
    throw new GatewayError("GW_ERR_FORBIDDEN", `${bare} is on an internal network: the gateway connects there only for hosts its operator lists (${rule.key})`);
  }
}
