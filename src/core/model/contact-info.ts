/**
 * "Who is this?": what a network tells about a person (native `contact.info`, an XMPP vCard of a gateway JID), as
 * BitlBee's `info` and Spectrum 2's vCards of legacy contacts do. Every field is optional: each network fills those it
 * has (docs/protocol.md "Contact information" lists which). Strings come from other people and other networks, so
 * cleanInfo() makes them text every network carries, bounded in length, before anyone is shown them.
 */
import { avatarRef, isAvatarType, type AvatarRef } from "./avatar.js";

export interface ContactInfo {
  /** The name the person goes by there: an IRC nick, a native user name, an XMPP NICKNAME. */
  readonly nick?: string;
  /** A full name: an IRC realname (the WHOIS "real name", free text), an XMPP vCard's FN. */
  readonly fullName?: string;
  /** The IRC services account they are logged in to (WHOIS 330). */
  readonly account?: string;
  /** The IRC server they are connected to (WHOIS 312). */
  readonly server?: string;
  /** Their away message (IRC WHOIS 301), when away. */
  readonly away?: string;
  /** Seconds since they last spoke (IRC WHOIS 317). */
  readonly idleSeconds?: number;
  /** When they connected, in milliseconds since the epoch (IRC WHOIS 317). */
  readonly signonAt?: number;
  /** The channels WHOIS shows them in (319), with their prefixes ("@#dev"); secret channels are the server's to hide. */
  readonly channels?: readonly string[];
  /** Connected with TLS (IRC WHOIS 671). */
  readonly secure?: boolean;
  /** An IRC operator (WHOIS 313). */
  readonly operator?: boolean;
  /** Presence as the asker may see it (never shown to someone who may not: AdapterContext.probe). */
  readonly show?: string;
  readonly status?: string;
  /** A web page (vCard URL). */
  readonly url?: string;
  /** Free text about them (vCard NOTE or DESC). */
  readonly note?: string;
  /** Birthday as the vCard gives it (BDAY). */
  readonly birthday?: string;
  /** E-mail address as the vCard gives it (EMAIL USERID). */
  readonly email?: string;
  /** A native user's avatar, its type and SHA-1 (to those who see her presence); its bytes are avatar.get's. */
  readonly avatar?: AvatarRef;
}

/** Longest text field kept (a vCard NOTE can be long; more is cut, not refused). */
export const MAX_INFO_TEXT = 1024;
/** Most channels kept of a WHOIS (someone in hundreds of channels is shown the first ones). */
export const MAX_INFO_CHANNELS = 100;

const TEXT_FIELDS = ["nick", "fullName", "account", "server", "away", "show", "status", "url", "note", "birthday", "email"] as const;

/**
 * `text` as text every network carries, on one line unless `multiline`: control characters (C0 but line breaks, DEL,
 * C1), U+FFFE/U+FFFF and lone surrogates removed, runs of white space at the ends trimmed, at most MAX_INFO_TEXT
 * characters (never cutting a surrogate pair). IRC formatting codes are the IRC adapter's to strip first: removing
 * their control characters alone would leave a colour's digits in the text.
 */
export function cleanInfoText(text: string, multiline = false): string {
  const kept = text
    .replace(/\r\n?/g, "\n")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    .replace(/\n/g, multiline ? "\n" : " ")
    .trim();
  if (kept.length <= MAX_INFO_TEXT) return kept;
  const cut = kept.slice(0, MAX_INFO_TEXT);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** `info` with every string cleaned (cleanInfoText; only a note keeps its line breaks), empty ones and bad numbers left out. */
export function cleanInfo(info: ContactInfo): ContactInfo {
  const out: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) {
    const value = info[field];
    if (value === undefined) continue;
    const cleaned = cleanInfoText(value, field === "note");
    if (cleaned !== "") out[field] = cleaned;
  }
  for (const field of ["idleSeconds", "signonAt"] as const) {
    const value = info[field];
    if (value !== undefined && Number.isSafeInteger(value) && value >= 0) out[field] = value;
  }
  for (const field of ["secure", "operator"] as const) if (info[field] === true) out[field] = true;
  if (info.avatar !== undefined && isAvatarType(info.avatar.type) && /^[0-9a-f]{40}$/.test(info.avatar.hash)) out["avatar"] = avatarRef(info.avatar);
  if (info.channels !== undefined) {
    const channels = info.channels.map((channel) => cleanInfoText(channel).replace(/ /g, "")).filter((channel) => channel !== "");
    if (channels.length > 0) out["channels"] = channels.slice(0, MAX_INFO_CHANNELS);
  }
  return out as ContactInfo;
}
