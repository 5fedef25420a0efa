/**
 * Presence between the core model and IRC, where availability is only "away with a message" or not
 * (RFC 2812 section 4.1 AWAY, RPL_AWAY 301, RPL_UNAWAY 305, RPL_NOWAWAY 306; IRCv3 away-notify;
 * MONITOR, modern.ircdocs.horse / IRCv3 "monitor", RPL_MONONLINE 730 and RPL_MONOFFLINE 731).
 *
 *   core -> IRC                                   IRC -> core
 *   online, chat   AWAY (no parameter: back)       not away (RPL_UNAWAY, AWAY without text)   online
 *   away, xa, dnd  AWAY :<status text>, or when    away (RPL_AWAY, AWAY :text)               away, status = the text
 *                  there is none "Away",                                                      without formatting
 *                  "Extended away", "Do not disturb"
 *   offline        the puppet QUITs                QUIT, RPL_MONOFFLINE, not on the network   offline
 *
 * What is lost: IRC has one kind of away and no "chat", so xa and dnd come back as away (with our
 * word, "Extended away", as their status when they had no text of their own) and chat comes back as
 * online; priority does not exist on IRC. The status text loses its line breaks (each becomes a space,
 * see line-safety.ts) and is cut to the server's AWAYLEN bytes, between grapheme clusters. An away
 * message is never empty: "AWAY :" would mean "back" on most servers.
 */
import { MAX_STATUS_LENGTH, type Show } from "../../core/model/presence.js";
import { GatewayError } from "../../core/errors.js";
import { stripFormatting } from "./formatting.js";
import { stripLineBreaks } from "./line-safety.js";
import { truncateUtf8 } from "./split-message.js";

/** The away message sent for a show without a status text. */
export const AWAY_WORDS = Object.freeze({ away: "Away", xa: "Extended away", dnd: "Do not disturb" });

/** What a puppet does on IRC for a core presence. */
export type IrcPresenceAction =
  /** AWAY with no parameter: no longer away. */
  | { readonly kind: "back" }
  /** AWAY :message */
  | { readonly kind: "away"; readonly message: string }
  /** The puppet leaves the network: QUIT :reason (reason may be empty). */
  | { readonly kind: "quit"; readonly reason: string };

/** What the gateway knows about an IRC user's availability. */
export type IrcUserState =
  | { readonly kind: "away"; readonly message: string }
  | { readonly kind: "here" }
  | { readonly kind: "offline" };

/** The same state: the same kind, and for away the same message. */
export function sameUserState(a: IrcUserState, b: IrcUserState): boolean {
  return a.kind === b.kind && (a.kind !== "away" || (b.kind === "away" && a.message === b.message));
}

export interface AwayOptions {
  /** The server's AWAYLEN in bytes; unlimited when absent. */
  readonly awayLen?: number;
}

export interface CorePresenceState {
  readonly show: Show;
  readonly status: string;
}

function cleanText(text: string): string {
  return stripLineBreaks(text).trim();
}

function awayMessage(status: string, word: string, awayLen: number | undefined): string {
  const text = cleanText(status) || word;
  if (awayLen === undefined) return text;
  if (!Number.isInteger(awayLen) || awayLen < 1) throw new GatewayError("GW_ERR_INTERNAL", `AWAYLEN must be a positive integer, not ${awayLen}`);
  return truncateUtf8(text, awayLen).trimEnd() || truncateUtf8(word, awayLen);
}

/** The IRC action for a core presence (see the table in the header). */
export function presenceToIrc(presence: CorePresenceState, options: AwayOptions = {}): IrcPresenceAction {
  switch (presence.show) {
    case "online":
    case "chat":
      return { kind: "back" };
    case "away":
    case "xa":
    case "dnd":
      return { kind: "away", message: awayMessage(presence.status, AWAY_WORDS[presence.show], options.awayLen) };
    case "offline":
      return { kind: "quit", reason: cleanText(presence.status) };
  }
}

function clampStatus(text: string): string {
  if (text.length <= MAX_STATUS_LENGTH) return text;
  const cut = text.slice(0, MAX_STATUS_LENGTH);
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd();
}

/** The core show and status of an IRC user's state (see the table in the header). */
export function presenceFromIrc(state: IrcUserState): CorePresenceState {
  switch (state.kind) {
    case "away":
      return { show: "away", status: clampStatus(stripFormatting(state.message).trim()) };
    case "here":
      return { show: "online", status: "" };
    case "offline":
      return { show: "offline", status: "" };
  }
}
