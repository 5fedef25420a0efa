/**
 * Where a user's linked XMPP account may make the gateway connect: xmpp.link's service, checked against internal
 * networks by util/internal-hosts.ts unless the operator lists its host in xmpp.user_accounts.internal_hosts.
 */
import { GatewayError } from "../../core/errors.js";
import { checkInternalHost } from "../../util/internal-hosts.js";

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

/** Refuses (GW_ERR_FORBIDDEN) a service on an internal network that the operator did not list (util/internal-hosts.ts). */
export async function checkServiceHost(service: string, internalHosts: readonly string[]): Promise<void> {
  const { host } = serviceHost(service);
  await checkInternalHost(host, internalHosts, { what: "the XMPP server's host", key: "xmpp.user_accounts.internal_hosts" });
}
