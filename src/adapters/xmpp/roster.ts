/**
 * Roster items (RFC 6121 section 2): a linked account's buddy list as its XMPP server keeps it. Pure.
 *
 *   <query xmlns="jabber:iq:roster" ver="..."><item jid="juliet@example.org" name="Juliet" subscription="both"
 *     ask="subscribe"><group>Friends</group></item></query>
 *
 * - jid (section 2.1.2.2) is required; the bare JID is kept, folded to lower case like every XMPP address
 *   (addressing.ts). An item without a usable JID is skipped and reported.
 * - subscription (2.1.2.5): none, to, from, both, or remove (only in a roster push); absent or any other value
 *   is none.
 * - ask="subscribe" (2.1.2.1) is a request the user sent that the contact has not answered: pendingOut.
 * - name (2.1.2.3) is the user's name for the contact; groups (2.1.2.4) are read only to be written back unchanged
 *   when the gateway edits the item (a roster set replaces the whole item, 2.3.2): the buddy list has no groups.
 * A roster push (section 2.1.6) is accepted only from the user's own account: no 'from', or the user's bare JID.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { Address } from "../../core/model/address.js";
import type { Contact, Subscription } from "../../core/model/contact.js";
import { parseJid, xmppUserAddress } from "./addressing.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NS_ROSTER = "jabber:iq:roster";

export interface RosterItem {
  /** Bare, folded. */
  readonly jid: string;
  readonly name?: string;
  readonly subscription: Subscription | "remove";
  readonly ask: boolean;
  readonly groups: readonly string[];
}

export interface ParsedRoster {
  readonly items: readonly RosterItem[];
  /** What was skipped, and why (for the log). */
  readonly skipped: readonly string[];
}

const SUBSCRIPTIONS: readonly string[] = ["none", "to", "from", "both", "remove"];

function attr(element: Element, name: string): string | undefined {
  const value: unknown = element.attrs[name];
  return typeof value === "string" ? value : undefined;
}

/** The items of a roster <query/> (a result or a push). */
export function parseRosterQuery(query: Element): ParsedRoster {
  const items: RosterItem[] = [];
  const skipped: string[] = [];
  for (const item of query.getChildren("item")) {
    const jid = attr(item, "jid");
    if (jid === undefined) {
      skipped.push("an item without a jid");
      continue;
    }
    let bare: string;
    try {
      const parsed = parseJid(jid);
      if (parsed.local === undefined) throw new Error("a server, not a person");
      bare = xmppUserAddress(jid, "roster").id;
    } catch (error: unknown) {
      skipped.push(`${jid}: ${(error as Error).message}`);
      continue;
    }
    const raw = attr(item, "subscription") ?? "none";
    const subscription = (SUBSCRIPTIONS.includes(raw) ? raw : "none") as RosterItem["subscription"];
    const name = attr(item, "name")?.trim();
    const groups = item.getChildren("group").map((group) => group.getText());
    items.push({ jid: bare, ...(name === undefined || name === "" ? {} : { name }), subscription, ask: attr(item, "ask") === "subscribe", groups });
  }
  return { items, skipped };
}

/** Whether a roster push comes from the user's own account (RFC 6121 section 2.1.6): no 'from', or the bare JID. */
export function isOwnRosterPush(from: string | undefined, ownBareJid: string): boolean {
  if (from === undefined || from === "") return true;
  try {
    return xmppUserAddress(from, "roster").id === ownBareJid.toLowerCase() && !from.includes("/");
  } catch {
    return false;
  }
}

/**
 * A roster set (section 2.3) that adds or updates the item of `jid`, named `name` (none: the server keeps no name), in
 * `groups`; or, with `remove`, removes it (section 2.5), which also cancels the subscriptions both ways (2.5.2).
 */
export function rosterSet(jid: string, change: { readonly name?: string | undefined; readonly groups: readonly string[] } | "remove"): Element {
  const item =
    change === "remove"
      ? xml("item", { jid, subscription: "remove" })
      : xml("item", change.name === undefined ? { jid } : { jid, name: stripInvalidXmlChars(change.name) }, ...change.groups.map((group) => xml("group", {}, group)));
  return xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, item));
}

/** A roster item as a contact of `owner`, whose account on this network is `account`. */
export function rosterContact(item: RosterItem, owner: Address, account: string): Contact {
  return {
    owner,
    address: xmppUserAddress(item.jid, account),
    name: item.name ?? item.jid,
    subscription: item.subscription === "remove" ? "none" : item.subscription,
    pendingOut: item.ask,
    pendingIn: false,
  };
}
