/**
 * The gateway's rooms answer XEP-0045 admin requests (`http://jabber.org/protocol/muc#admin`) for what the core can
 * do: a kick (section 8.2, an item with a nick and role "none") by the room's owner or an admin of the gateway, as
 * MUC clients send it from their occupant list. Other role and affiliation changes, and the lists of section 9
 * (an iq get), are feature-not-implemented: rooms' roles come from their owners and from IRC channel modes.
 */
import type { Component } from "@xmpp/component";
import type { Element } from "ltx";
import { roomAtJid, type GatewayRooms } from "./gateway-rooms.js";
import { errorCondition } from "./stanzas.js";

export const NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin";

type IqContext = { readonly stanza: Element; readonly element: Element };

export function registerMucAdmin(connection: Component, domain: string, rooms: GatewayRooms): void {
  connection.iqCallee.set(NS_MUC_ADMIN, "query", async ({ stanza, element }: IqContext) => {
    const room = roomAtJid(String(stanza.attrs["to"] ?? ""), domain);
    if (room === undefined) return undefined; // not a room's JID: service-unavailable, from @xmpp/iq
    const items = element.getChildren("item");
    const item = items[0];
    const nick = item?.attrs["nick"];
    if (items.length !== 1 || item?.attrs["role"] !== "none" || typeof nick !== "string" || nick === "") {
      return errorCondition("cancel", "feature-not-implemented", "the gateway's rooms take kicks only (one item with a nick and role none)");
    }
    const refusal = await rooms.kick(String(stanza.attrs["from"] ?? ""), room, nick, item.getChildText("reason") ?? "");
    return refusal === undefined ? true : errorCondition(refusal.type, refusal.condition, refusal.text);
  });
  connection.iqCallee.get(NS_MUC_ADMIN, "query", ({ stanza }: IqContext) =>
    roomAtJid(String(stanza.attrs["to"] ?? ""), domain) === undefined ? undefined : errorCondition("cancel", "feature-not-implemented", "the gateway's rooms keep no affiliation lists"),
  );
}
