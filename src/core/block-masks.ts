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

/**
 * The longest mask kept: a sender's prefix is part of an IRC line of at most 512 bytes, its host at most 255 (RFC 2812,
 * 1035). Also bounds what matching one mask can cost (maskMatches).
 */
export const MAX_MASK_LENGTH = 255;

/** The mask in its compared form; GW_ERR_BAD_ADDRESS when it is not `nick!user@host`, or longer than MAX_MASK_LENGTH. */
export function maskForm(id: string): string {
  const parts = id.length > MAX_MASK_LENGTH ? null : MASK.exec(id);
  if (parts?.[1] === undefined || parts[2] === undefined || parts[3] === undefined) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${id.slice(0, 64)}" is neither a nick nor a mask of the form nick!user@host (* and ? as wildcards, at most ${MAX_MASK_LENGTH} characters)`);
  }
  return `${foldNick(parts[1])}!${parts[2].toLowerCase()}@${parts[3].toLowerCase()}`;
}

/**
 * `*` and `?` matched without backtracking into earlier stars: a star's match only grows from where the last star
 * stopped, so one comparison costs at most mask length x text length steps, whatever the mask (a RegExp of `.*`s
 * backtracks through every split of the text: seconds or hours for a few stars, every line, holding up the gateway).
 */
function globMatches(mask: string, text: string): boolean {
  let at = 0;
  let pos = 0;
  let star = -1;
  let resume = 0;
  while (pos < text.length) {
    const wanted = mask[at];
    if (wanted === "*") {
      star = at++;
      resume = pos;
    } else if (wanted !== undefined && (wanted === "?" || wanted === text[pos])) {
      at++;
      pos++;
    } else if (star >= 0) {
      at = star + 1;
      pos = ++resume;
    } else {
      return false;
    }
  }
  while (mask[at] === "*") at++;
  return at === mask.length;
}

/** Whether `mask` (in its compared form) matches `prefix` (`nick!user@host`, as the sender has it). */
export function maskMatches(mask: string, prefix: string): boolean {
  const parts = MASK.exec(prefix);
  return parts?.[1] !== undefined && parts[2] !== undefined && parts[3] !== undefined && globMatches(mask, `${foldNick(parts[1])}!${parts[2].toLowerCase()}@${parts[3].toLowerCase()}`);
}
