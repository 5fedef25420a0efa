/**
 * A person's buddy list offered to their linked XMPP JID (core/buddy-offers.ts, docs/xmpp.md "Your buddy list
 * on XMPP"). Each contact is offered the way a gateway (XEP-0100 section 4.1.2) adds contacts to a user's
 * roster: a subscription request from the contact's gateway JID, with the contact's name as a nick (XEP-0172)
 * and a status saying whose contact it is. Once the user approves (and, as clients do, asks back), the gateway
 * answers with the person's rights and sends the contact's presence (core/buddy-offers.ts). A withdrawn contact
 * is unavailable and both subscriptions are cancelled (RFC 6121 sections 3.2 and 3.3); the server keeps the
 * roster item without subscription (a component cannot edit a user's roster: XEP-0321 is not implemented).
 * Pure: stanzas only.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { ContactShowChange } from "../../core/adapter.js";
import { presence, subscription } from "./stanzas.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NICK_NS = "http://jabber.org/protocol/nick";
const MAX_NICK = 256;

export interface OfferedContact {
  /** The contact's bare gateway JID. */
  readonly contactJid: string;
  /** The linked JID (bare). */
  readonly viewerJid: string;
  /** The person's name for the contact. */
  readonly name: string;
  /** The resource the gateway's contacts appear with. */
  readonly resource: string;
}

/** The stanzas that show (or stop showing) one contact to the linked JID: none for "kept" (the server remembers). */
export function offerStanzas(offer: OfferedContact, change: ContactShowChange): Element[] {
  switch (change) {
    case "offered": {
      const request = subscription(offer.contactJid, offer.viewerJid, "subscribe");
      request.append(xml("nick", { xmlns: NICK_NS }, stripInvalidXmlChars(offer.name).slice(0, MAX_NICK)));
      request.append(xml("status", {}, stripInvalidXmlChars(`${offer.name}, from your Switchboard buddy list`).slice(0, 1024)));
      return [request];
    }
    case "withdrawn":
      return [
        presence({ from: `${offer.contactJid}/${offer.resource}`, to: offer.viewerJid, show: "offline", status: "", priority: 0 }),
        subscription(offer.contactJid, offer.viewerJid, "unsubscribed"),
        subscription(offer.contactJid, offer.viewerJid, "unsubscribe"),
      ];
    case "kept":
      return [];
    default:
      return assertNever(change);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected change ${String(value)}`);
}
