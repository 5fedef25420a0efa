/**
 * IRC hostmasks in block lists (core/blocklist.ts), as IRC's /ignore takes them: `nick!user@host`, each part with `*`
 * (any run of characters) and `?` (any one), matched against a sender's whole prefix as the IRC adapter saw it
 * (core/sender-hosts.ts). `*!*@evil.example.org` is everyone from that host, `*!~eve@*` that user name anywhere.
 * Kept as the id of an IRC address (`irc://libera/*!*@evil.example.org`): a nick holds neither `!` nor `@` (RFC 2812
 * section 2.3.1), so a mask is never taken for a nick.
 *
 * Compared in one form: the nick part folded as nicks are (foldNick), the user and host parts lower-cased (servers
 * match masks without regard to case).
 *
 * Nicks are folded by every IRC case mapping at once (foldNick), not by the one the network announces (ISUPPORT
 * CASEMAPPING, which the IRC adapter reads: adapters/irc/nicks.ts): a block is made, kept in the store and compared
 * whether or not the gateway is connected to that network, or has ever been (a server on demand), and the form kept
 * must not change with what a server says at its next connection. The widest fold never misses a nick the server
 * takes for the blocked one, whatever its mapping: ascii folds A-Z, strict-rfc1459 also []\, rfc1459 also ~ (with ^),
 * rfc7613 Unicode letters and full-width forms, and foldNick does all of these. On a server with a narrower mapping it
 * also covers a nick that server keeps apart from the blocked one only by such a character (`eve[` and `eve{` on an
 * ascii server): a block errs towards blocking.
 */
import { GatewayError } from "./errors.js";
import { foldName } from "./model/name-fold.js";

const MASK = /^([^!@\s]+)!([^!@\s]+)@([^!@\s]+)$/;
/** Full-width and half-width forms (U+FF01-U+FFEE), mapped to their normal forms by rfc7613 (as adapters/irc/nicks.ts). */
const WIDTH_FORMS = /[\uFF01-\uFFEE]/g;

/** A nick folded by every case mapping at once (see the header): rfc7613's width forms and NFC, rfc1459's lower case. */
export function foldNick(nick: string): string {
  return foldName(nick.replace(WIDTH_FORMS, (char) => char.normalize("NFKC"))).normalize("NFC");
}

/** Whether an IRC address id is meant as a mask (it holds a character no nick has). */
export function isMaskId(id: string): boolean {
  return /[!@*?]/.test(id);
}

/** The mask in its compared form; GW_ERR_BAD_ADDRESS when it is not `nick!user@host`. */
export function maskForm(id: string): string {
  const parts = MASK.exec(id);
  if (parts?.[1] === undefined || parts[2] === undefined || parts[3] === undefined) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${id}" is neither a nick nor a mask of the form nick!user@host (* and ? as wildcards)`);
  }
  return `${foldNick(parts[1])}!${parts[2].toLowerCase()}@${parts[3].toLowerCase()}`;
}

const patterns = new Map<string, RegExp>();

/** Whether `mask` (in its compared form) matches `prefix` (`nick!user@host`, as the sender has it). */
export function maskMatches(mask: string, prefix: string): boolean {
  let pattern = patterns.get(mask);
  if (pattern === undefined) {
    const source = mask.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".");
    pattern = new RegExp(`^${source}$`, "s");
    if (patterns.size >= 10_000) patterns.clear();
    patterns.set(mask, pattern);
  }
  const parts = MASK.exec(prefix);
  return parts?.[1] !== undefined && parts[2] !== undefined && parts[3] !== undefined && pattern.test(`${foldNick(parts[1])}!${parts[2].toLowerCase()}@${parts[3].toLowerCase()}`);
}
