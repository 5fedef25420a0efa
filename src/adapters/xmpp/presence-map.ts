/**
 * Presence between XMPP and the core model: RFC 6121 section 4.7 (syntax of presence).
 *
 *   XMPP (section 4.7.1 type, 4.7.2.1 show)         core Show
 *   type="unavailable"                               offline
 *   type="error"                                     offline (the presence could not be delivered)
 *   available, no <show/>                            online
 *   <show>chat|away|xa|dnd</show>                    chat | away | xa | dnd
 *   <show> with any other value                      online: section 4.7.2.1 defines no other value; the
 *                                                    stanza still says "available", so we keep that part
 *   subscribe, subscribed, unsubscribe, unsubscribed, probe: no availability; reported as offline so a
 *   subscription request never shows anybody online (callers should not use it for these types).
 *
 * Priority (section 4.7.2.3): an integer -128..127, default 0; anything else (not an integer, out of
 * range) counts as 0. Status (section 4.7.2.2): the first <status/> without xml:lang (or with the
 * stanza's own xml:lang), else the first one; trimmed and cut to MAX_STATUS_LENGTH characters.
 */
import type { Element } from "ltx";
import { MAX_STATUS_LENGTH, type Show } from "../../core/model/presence.js";

export type XmppShow = "chat" | "away" | "xa" | "dnd";

export const MIN_PRIORITY = -128;
export const MAX_PRIORITY = 127;

const XMPP_SHOWS: readonly string[] = ["chat", "away", "xa", "dnd"];

function isXmppShow(value: string): value is XmppShow {
  return XMPP_SHOWS.includes(value);
}

/** The core Show of a presence stanza's type attribute and <show/> text (see the table above). */
export function showFromXmpp(type: string | undefined, show: string | undefined): Show {
  if (type !== undefined && type !== "available") return "offline";
  const value = show?.trim();
  return value !== undefined && isXmppShow(value) ? value : "online";
}

/** How a core Show goes out: offline as type="unavailable", online as no <show/>, the rest as <show/>. */
export function showToXmpp(show: Show): { type?: "unavailable"; show?: XmppShow } {
  switch (show) {
    case "offline":
      return { type: "unavailable" };
    case "online":
      return {};
    case "chat":
    case "away":
    case "xa":
    case "dnd":
      return { show };
  }
}

/** The priority in a <priority/> text; 0 when absent or invalid. */
export function parsePriority(text: string | null | undefined): number {
  const value = text?.trim() ?? "";
  if (!/^[+-]?\d{1,10}$/.test(value)) return 0;
  const number = Number(value);
  return number >= MIN_PRIORITY && number <= MAX_PRIORITY ? number : 0;
}

/** A priority forced into -128..127 (integers only), for stanzas the gateway sends. */
export function clampPriority(priority: number): number {
  if (!Number.isFinite(priority)) return 0;
  return Math.min(MAX_PRIORITY, Math.max(MIN_PRIORITY, Math.trunc(priority)));
}

/** Trims a status text and cuts it to MAX_STATUS_LENGTH characters, never inside a surrogate pair. */
export function clampStatus(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_STATUS_LENGTH) return trimmed;
  let cut = trimmed.slice(0, MAX_STATUS_LENGTH);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

/**
 * The child `name` (in the stanza's namespace) meant for the default language: the first without
 * xml:lang or with the stanza's own xml:lang, else the first one (RFC 6120 section 8.1.5, RFC 6121 5.2.3, 4.7.2.2).
 */
export function pickLocalized(stanza: Element, name: string): Element | undefined {
  // One pass over the children, without the arrays of getChildren and filter: this runs for every message body.
  const ns = stanza.getNS();
  const stanzaLang: unknown = stanza.attrs["xml:lang"];
  let first: Element | undefined;
  for (const child of stanza.children) {
    if (typeof child === "string" || child.getName() !== name || child.getNS() !== ns) continue;
    const lang: unknown = child.attrs["xml:lang"];
    if (lang === undefined || lang === stanzaLang) return child;
    first ??= child;
  }
  return first;
}

/** The status text of a presence stanza, "" when it has none. */
export function statusOf(presence: Element): string {
  const status = pickLocalized(presence, "status");
  return status === undefined ? "" : clampStatus(status.getText());
}
