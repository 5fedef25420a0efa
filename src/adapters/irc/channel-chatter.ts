/**
 * Someone else's PRIVMSG or NOTICE to a channel, recognised in the raw line before anything parses it. A
 * puppet is in the bridged channels only to speak there: the gateway's own connection reads and relays what
 * is said in them, so a puppet drops these lines at its socket instead of having irc-framework and our
 * middleware parse each channel line once more per puppet (in a busy channel with many puppets, most of the
 * IRC work). Its own lines (echo-message confirmations) and everything else still reach it.
 */

import { isChannelId } from "./irc-addresses.js";

/** The channel prefixes of RFC 2812 (its CHANTYPES): a target starting with one of them is a channel. */
const CHANNEL_PREFIXES = "#&+!";

/**
 * True for ":<nick>[!user@host] PRIVMSG|NOTICE <channel> ..." (after optional "@tags ") from a nick other than
 * `ownNick` (ASCII case-insensitively, as the echo-message confirmation compares them). Lines without a source,
 * or that do not parse this far, are not chatter: they are kept.
 */
export function isOthersChannelChatter(raw: string, ownNick: string): boolean {
  let at = 0;
  if (raw.startsWith("@")) {
    at = raw.indexOf(" ") + 1;
    if (at === 0) return false;
    while (raw.charCodeAt(at) === 32) at++;
  }
  if (raw.charCodeAt(at) !== 58 /* ":" */) return false;
  const sourceEnd = raw.indexOf(" ", at);
  if (sourceEnd < 0) return false;
  const source = raw.slice(at + 1, sourceEnd);
  const nickEnd = source.search(/[!@]/);
  const nick = nickEnd < 0 ? source : source.slice(0, nickEnd);
  let commandStart = sourceEnd + 1;
  while (raw.charCodeAt(commandStart) === 32) commandStart++;
  const commandEnd = raw.indexOf(" ", commandStart);
  if (commandEnd < 0) return false;
  const command = raw.slice(commandStart, commandEnd).toUpperCase();
  if (command !== "PRIVMSG" && command !== "NOTICE") return false;
  let targetStart = commandEnd + 1;
  while (raw.charCodeAt(targetStart) === 32) targetStart++;
  const targetEnd = raw.indexOf(" ", targetStart);
  if (!isChannelId(raw.slice(targetStart, targetEnd < 0 ? undefined : targetEnd), CHANNEL_PREFIXES)) return false;
  return nick.toLowerCase() !== ownNick.toLowerCase();
}
