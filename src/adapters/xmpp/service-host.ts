/**
 * Where a user's linked XMPP account may make the gateway connect. The user names the server (xmpp.link's
 * service): without a check, any user could make the gateway open connections to its own loopback services
 * (the component port, the metrics endpoint) or to machines of the operator's internal network, and read from
 * the answers which ports are open. A service whose host is, or resolves to, a loopback, private, link-local or
 * otherwise unroutable address is refused unless the operator lists that host in xmpp.user_accounts.internal_hosts.
 * (A name that resolves differently by the time of the connection is not caught: list nothing that a user's DNS
 * could point at instead.)
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { GatewayError } from "../../core/errors.js";

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

/** The host and port of xmpp(s)://host[:port]; GW_ERR_BAD_ADDRESS when it is none. */
export function serviceHost(service: string): { readonly host: string; readonly port: number } {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${service} is not an XMPP service: write xmpp://host:port or xmpps://host:port`);
  }
  const port = url.port === "" ? (url.protocol === "xmpps:" ? 5223 : 5222) : Number(url.port);
  if ((url.protocol !== "xmpp:" && url.protocol !== "xmpps:") || url.hostname === "" || port < 1 || port > 65535 || url.pathname !== "") {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${service} is not an XMPP service: write xmpp://host:port (port 1 to 65535) or xmpps://host:port`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

/** Refuses (GW_ERR_FORBIDDEN) a service on an internal network that the operator did not list (see the header). */
export async function checkServiceHost(service: string, internalHosts: readonly string[]): Promise<void> {
  const { host } = serviceHost(service);
  if (internalHosts.some((allowed) => allowed.replace(/^\[(.*)\]$/, "$1").toLowerCase() === host.toLowerCase())) return;
  let addresses: readonly string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    throw new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP server's host ${host} could not be resolved`, { retryable: true });
  }
  if (addresses.length === 0 || addresses.some(isInternalAddress)) {
    throw new GatewayError("GW_ERR_FORBIDDEN", `${host} is on an internal network: the gateway connects there only for hosts its operator lists (xmpp.user_accounts.internal_hosts)`);
  }
}
