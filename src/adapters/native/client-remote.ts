/**
 * The address a connection comes from, as login limiting and logs count it. Behind a reverse proxy every
 * connection comes from the proxy, so the proxy's X-Forwarded-For header names the client; it is believed only
 * from the configured trusted proxies (native.trusted_proxies), else anyone could pick their own address.
 */

/** "::ffff:127.0.0.1" and "127.0.0.1" are the same IPv4 peer. */
export function normalizeIp(address: string): string {
  const trimmed = address.trim().toLowerCase();
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice("::ffff:".length) : trimmed;
}

/**
 * The client's address: the TCP peer, unless that peer is a trusted proxy; then the rightmost address of
 * X-Forwarded-For that is not a trusted proxy itself (the proxy nearest the gateway appends last, so the
 * entries to the left of the first untrusted one may have been written by the client and are not believed).
 */
export function clientRemote(peer: string, forwardedFor: string | readonly string[] | undefined, trusted: ReadonlySet<string>): string {
  const direct = normalizeIp(peer);
  if (!trusted.has(direct) || forwardedFor === undefined) return direct;
  const hops = (typeof forwardedFor === "string" ? [forwardedFor] : forwardedFor)
    .flatMap((header) => header.split(","))
    .map(normalizeIp)
    .filter((hop) => hop !== "");
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index] as string;
    if (!trusted.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}
