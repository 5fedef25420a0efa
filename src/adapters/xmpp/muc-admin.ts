/**
 * The gateway's rooms answer XEP-0045 admin requests (`http://jabber.org/protocol/muc#admin`) for what the core can
 * do, by the room's owner or an admin of the gateway: a kick (section 8.2, an item with a nick and role "none"), a
 * ban and its end (section 9.1, an item with affiliation "outcast" or "none": muc-outcasts.ts) and the ban list (9.2,
 * an iq get of affiliation "outcast"). Other role and affiliation changes and lists are feature-not-implemented:
 * rooms' roles come from their owners and from IRC channel modes.
 */
import type { Component } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { roomAtJid } from "./room-addresses.js";
import { MucOutcasts } from "./muc-outcasts.js";
import { errorCondition, NS } from "./stanzas.js";

export const NS_MUC_ADMIN = NS.mucAdmin;

type IqContext = { readonly stanza: Element; readonly element: Element };

export function registerMucAdmin(connection: Component, domain: string, rooms: GatewayRooms, context: AdapterContext): void {
  const outcasts = new MucOutcasts(domain, context, rooms);
  connection.iqCallee.set(NS_MUC_ADMIN, "query", async ({ stanza, element }: IqContext) => {
    const room = roomAtJid(String(stanza.attrs["to"] ?? ""), domain);
    if (room === undefined) return undefined; // not a room's JID: service-unavailable, from @xmpp/iq
    const from = String(stanza.attrs["from"] ?? "");
    const items = element.getChildren("item");
    const item = items[0];
    const affiliation = item?.attrs["affiliation"];
    if (items.length === 1 && item !== undefined && (affiliation === "outcast" || affiliation === "none") && item.attrs["role"] === undefined) {
      const refusal = await outcasts.set(from, room, item);
      return refusal === undefined ? true : errorCondition(refusal.type, refusal.condition, refusal.text);
    }
    const nick = item?.attrs["nick"];
    if (items.length !== 1 || item?.attrs["role"] !== "none" || affiliation !== undefined || typeof nick !== "string" || nick === "") {
      return errorCondition("cancel", "feature-not-implemented", "the gateway's rooms take kicks (one item with a nick and role none) and bans (one item with a jid and affiliation outcast, or none to lift it) only");
    }
    const refusal = await rooms.kick(from, room, nick, item.getChildText("reason") ?? "");
    return refusal === undefined ? true : errorCondition(refusal.type, refusal.condition, refusal.text);
  });
  connection.iqCallee.get(NS_MUC_ADMIN, "query", async ({ stanza, element }: IqContext) => {
    const room = roomAtJid(String(stanza.attrs["to"] ?? ""), domain);
    if (room === undefined) return undefined;
    const items = element.getChildren("item");
    if (items.length !== 1 || items[0]?.attrs["affiliation"] !== "outcast") {
      return errorCondition("cancel", "feature-not-implemented", "the gateway's rooms list their outcasts (bans) only");
    }
    const answer = await outcasts.list(String(stanza.attrs["from"] ?? ""), room);
    return "condition" in answer ? errorCondition(answer.type, answer.condition, answer.text) : answer;
  });
}
