/**
 * Where many askers come from at no cost to whoever runs them: an XMPP server makes JIDs at will, so a limit per
 * JID (per person) alone lets one server keep the gateway busy by asking under ever new names. Services that spend
 * another network's goodwill per request (a WHOIS, a LIST on the gateway's own IRC connection) count such askers a
 * second time, per server (core/contact-info.ts, core/room-directory.ts). Native users are accounts the gateway
 * made, limited where they are made; an IRC nick asks nothing of these services.
 *
 * One who runs a server for `*.evil.example` makes servers at will too (DNS names cost nothing under a domain of
 * one's own), so guesses of a secret (a room's password: core/room-settings.ts) are counted a third time, per
 * registrable domain (registrableDomain below).
 */
import type { Address } from "./model/address.js";
import { formatIpv6, parseIpv6 } from "../util/ipv6-prefix.js";

/** How many persons' allowance one origin gets in all. */
export const ORIGIN_FACTOR = 5;
/** How many servers' allowance one registrable domain gets in all. */
export const DOMAIN_FACTOR = 4;

/**
 * Second-level labels that registries under two-letter country TLDs hand out beneath (example.co.uk, example.com.au,
 * example.ne.jp): a domain under one of these is registered one label deeper.
 */
const COUNTRY_SECOND_LEVELS = new Set(["co", "com", "net", "org", "ac", "gov", "edu", "ne", "or"]);

/** The XMPP domain of `asker` (its JID's domainpart, lower-cased), or undefined for other networks. */
function xmppDomain(asker: Address): string | undefined {
  if (asker.protocol !== "xmpp") return undefined;
  const bare = asker.id.split("/", 1)[0] ?? "";
  return bare.slice(bare.lastIndexOf("@") + 1).toLowerCase();
}

/** The origin of `asker` to count apart ("xmpp-server:example.org"), or undefined when the person limit is enough. */
export function askerOrigin(asker: Address): string | undefined {
  const domain = xmppDomain(asker);
  return domain === undefined ? undefined : `xmpp-server:${domain}`;
}

/** The registrable domain `asker`'s server is under ("xmpp-domain:evil.example"), or undefined for other networks. */
export function askerDomainOrigin(asker: Address): string | undefined {
  const domain = xmppDomain(asker);
  return domain === undefined ? undefined : `xmpp-domain:${registrableDomain(domain)}`;
}

/**
 * The domain one registers to own every name under `domain`, by a short rule rather than the Public Suffix List (no
 * list to ship and keep fresh): the last two labels, or the last three when the last is a two-letter country TLD and
 * the one before it a common second level (COUNTRY_SECOND_LEVELS: a.b.example.co.uk -> example.co.uk). Its limits:
 * suffixes the rule does not know (a country's other second levels, blogspot.com-like shared hosts) put several
 * owners under one count, which only shares their allowance; none splits one owner's names further. An IP literal
 * is counted by the network one owner gets at least: an IPv6 one (in brackets) by its /48, as a site is given (its
 * /64 alone would be 2^64 domains to whoever has one), an IPv4 one by its /24.
 */
export function registrableDomain(domain: string): string {
  const name = domain.toLowerCase().replace(/\.$/, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return `${name.split(".").slice(0, 3).join(".")}.0/24`;
  if (name.startsWith("[")) {
    const address = name.endsWith("]") ? parseIpv6(name.slice(1, -1)) : undefined;
    return address === undefined ? name : `[${formatIpv6(address & ~((1n << 80n) - 1n))}]/48`;
  }
  const labels = name.split(".");
  const last = labels[labels.length - 1] ?? "";
  const secondLevel = labels[labels.length - 2] ?? "";
  const kept = last.length === 2 && COUNTRY_SECOND_LEVELS.has(secondLevel) ? 3 : 2;
  return labels.slice(-kept).join(".");
}
