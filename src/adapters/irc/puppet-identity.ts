/**
 * Who a person's puppet is to an IRC server beyond its nick: its user name (ident) and, where the network gave the
 * gateway a WEBIRC block (irc.networks[].webirc), the host and IP the server shows and applies its per-IP limits and
 * bans to. Without them every puppet shares the gateway's user name, host and IP, so that a per-IP connection limit
 * caps how many people may take part and a ban of one abuser (K-line, `*!*@host`) bans everybody.
 *
 * Each part is an HMAC-SHA256 of the person's address under a secret of the gateway's own (core/gateway-secrets.ts,
 * kept in the store): the same across reconnects and restarts, unguessable from the name (nobody can tell whose
 * address an IP is by hashing candidate names), and telling nothing the nick does not already tell.
 * - user name: up to 5 letters and digits of the person's name, then 5 hex digits of the hash: [a-z0-9], at most
 *   10 characters (InspIRCd's default maxuser), starting with a letter, so `*!alice3f9a2@*` bans one person.
 * - IP: the configured prefix (a /64 or shorter) with its host bits from the hash: 2^64 or more addresses, so two
 *   people share one only by chance (about 1 in 2^64 for a pair).
 * - host: `<label>.<host_suffix>`, the label a DNS-safe form of the person's name (RFC 1123: a-z, 0-9, '-') with
 *   6 hex digits of the hash after it, so that two names that fold to the same label still differ
 *   (`alice-3f9a2c.users.example.org`); the whole within 63 characters, the host length IRC servers keep. Without
 *   a suffix the host is the IP.
 */
import { createHmac } from "node:crypto";
import { addressKey, type Address } from "../../core/model/address.js";
import type { IrcWebircConfig } from "../../config/config-types.js";
import { addressInPrefix, formatIpv6, parseIpv6Prefix } from "../../util/ipv6-prefix.js";
import { personName } from "./irc-addresses.js";

/** The name of the gateway secret (core/gateway-secrets.ts) the identities are made with. */
export const PUPPET_IDENTITY_SECRET = "irc-puppet-identities";

/** Longest host IRC servers keep (InspIRCd's maxhost 64 with the terminator, ngIRCd's CLIENT_HOST_LEN 64). */
export const MAX_HOST_LENGTH = 63;
const MAX_LABEL_LENGTH = 63;
const LABEL_HASH_DIGITS = 6;
const USERNAME_NAME_CHARS = 5;
const USERNAME_HASH_DIGITS = 5;

/** What WEBIRC tells the server of a person (WEBIRC <password> <gateway> <host> <ip>). */
export interface WebircIdentity {
  readonly password: string;
  readonly gateway: string;
  readonly host: string;
  readonly ip: string;
}

export interface PuppetIdentity {
  readonly username: string;
  /** Set where the network has a webirc block. */
  readonly webirc?: WebircIdentity;
}

/** The person's name lower-cased, accents dropped (Ålice: alice), for the readable parts. */
function foldedName(person: Address): string {
  return personName(person).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function hash(key: Buffer, purpose: string, person: Address): Buffer {
  return createHmac("sha256", key).update(`${purpose}\n${addressKey(person)}`).digest();
}

/** The person's user name (see the header). */
export function puppetUsername(key: Buffer, person: Address): string {
  const letters = foldedName(person).replace(/[^a-z0-9]/g, "");
  const start = /^[a-z]/.test(letters) ? letters : `u${letters}`;
  return start.slice(0, USERNAME_NAME_CHARS) + hash(key, "username", person).toString("hex").slice(0, USERNAME_HASH_DIGITS);
}

/** The person's address in `prefix` (an IPv6 prefix "<address>/<length>", checked by the configuration). */
export function puppetIp(key: Buffer, person: Address, prefix: string): string {
  const parsed = parseIpv6Prefix(prefix, 64);
  if (parsed === undefined) throw new Error(`not an IPv6 prefix of /64 or shorter: ${prefix}`);
  const bits = BigInt(`0x${hash(key, "ip", person).subarray(0, 16).toString("hex")}`);
  return formatIpv6(addressInPrefix(parsed, bits));
}

/** The person's DNS label, at most `maxLength` characters (see the header). */
export function puppetHostLabel(key: Buffer, person: Address, maxLength = MAX_LABEL_LENGTH): string {
  const suffix = hash(key, "host", person).toString("hex").slice(0, LABEL_HASH_DIGITS);
  const room = Math.max(0, Math.min(MAX_LABEL_LENGTH, maxLength) - LABEL_HASH_DIGITS - 1);
  const name = foldedName(person)
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, room)
    .replace(/^-+|-+$/g, "");
  return name === "" ? `u-${suffix}` : `${name}-${suffix}`;
}

/** The person's host: `<label>.<host_suffix>`, or the IP without a suffix. */
export function puppetHost(key: Buffer, person: Address, config: IrcWebircConfig, ip: string): string {
  if (config.host_suffix === "") return ip;
  return `${puppetHostLabel(key, person, MAX_HOST_LENGTH - config.host_suffix.length - 1)}.${config.host_suffix}`;
}

/** Everything a puppet of `person` is besides its nick, with the network's webirc block in use (a password) or not. */
export function puppetIdentity(key: Buffer, person: Address, webirc: IrcWebircConfig): PuppetIdentity {
  const username = puppetUsername(key, person);
  if (webirc.password === "") return { username };
  const ip = puppetIp(key, person, webirc.ipv6_prefix);
  return { username, webirc: { password: webirc.password, gateway: webirc.gateway, host: puppetHost(key, person, webirc, ip), ip } };
}
