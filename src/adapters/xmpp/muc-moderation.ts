/**
 * XEP-0425 Moderated Message Retraction (version 0.3, urn:xmpp:message-moderate:1) in the gateway's rooms: an
 * occupant who is the room's owner or an admin of the gateway (the rights of a kick, core/room-joins.ts) removes
 * anyone's message by the room's stanza-id, with an optional reason:
 *
 *   <iq type="set" to="room@gateway"><moderate id="stanza-id" xmlns="urn:xmpp:message-moderate:1">
 *     <retract xmlns="urn:xmpp:message-retract:1"/><reason>spam</reason></moderate></iq>
 *
 * Answered with a result once the core accepted it (every occupant then gets the room's moderated retraction,
 * retraction-stanzas.ts), else forbidden (not a moderator, not in the room), item-not-found (no such message in the
 * room, or one retracted already) or bad-request. Other moderations than a retraction are feature-not-implemented.
 */
import type { Component } from "@xmpp/component";
import type { Element } from "ltx";
import { MAX_MODERATION_REASON_LENGTH } from "../../core/model/message.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { roomAtJid } from "./room-addresses.js";
import { NS_MODERATE, NS_RETRACT } from "./retraction-stanzas.js";
import { errorCondition } from "./stanzas.js";

type IqContext = { readonly stanza: Element; readonly element: Element };

export function registerMucModeration(connection: Component, domain: string, rooms: GatewayRooms): void {
  connection.iqCallee.set(NS_MODERATE, "moderate", async ({ stanza, element }: IqContext) => {
    const room = roomAtJid(String(stanza.attrs["to"] ?? ""), domain);
    if (room === undefined) return undefined; // not a room's JID: service-unavailable, from @xmpp/iq
    const id = element.attrs["id"];
    if (typeof id !== "string" || id === "") return errorCondition("modify", "bad-request", "name the message by its stanza-id in the id attribute");
    if (element.getChild("retract", NS_RETRACT) === undefined) return errorCondition("cancel", "feature-not-implemented", "the gateway's rooms moderate by retraction only");
    const reason = element.getChildText("reason") ?? undefined;
    // One short line (as the core takes it): a client's long or multi-line reason still removes the message.
    // eslint-disable-next-line no-control-regex
    const line = reason?.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim().slice(0, MAX_MODERATION_REASON_LENGTH);
    const shortReason = line === undefined || line === "" ? undefined : line;
    const refusal = await rooms.moderate(String(stanza.attrs["from"] ?? ""), room, id, shortReason);
    return refusal === undefined ? true : errorCondition(refusal.type, refusal.condition, refusal.text);
  });
}
