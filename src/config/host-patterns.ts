/**
 * Which IRC servers may be reached on demand (irc.servers_on_demand.allow and deny): host names matched against
 * patterns with `*` (any run of characters, dots too: `*.libera.chat` is every host under libera.chat, not
 * libera.chat itself) and `?` (one character), ASCII case-insensitively. Deny wins over allow. Pure: the runtime
 * (src/irc-servers-on-demand.ts) and the configuration's checks use the same rules.
 */
import { wildcardPattern } from "../util/wildcard.js";

/** A DNS host name (labels of letters, digits and `-`, not starting or ending with `-`) or a dotted IPv4 address. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  if (IPV4.test(host)) return true;
  const labels = host.split(".");
  // All digits in the last label would read as an (incomplete or odd) IPv4 address: refused rather than guessed at.
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1] ?? "");
}

/** What the patterns say of a host: let through, matched by no allow pattern, or matched by a deny pattern. */
export type HostVerdict = "allowed" | "not-allowed" | "denied";

export class HostPatterns {
  private readonly allow: readonly RegExp[];
  private readonly deny: readonly RegExp[];

  constructor(allow: readonly string[], deny: readonly string[]) {
    this.allow = allow.map(wildcardPattern);
    this.deny = deny.map(wildcardPattern);
  }

  verdict(host: string): HostVerdict {
    if (this.deny.some((pattern) => pattern.test(host))) return "denied";
    return this.allow.some((pattern) => pattern.test(host)) ? "allowed" : "not-allowed";
  }
}
