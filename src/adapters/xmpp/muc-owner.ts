/**
 * The gateway's rooms answer XEP-0045 owner requests (`http://jabber.org/protocol/muc#owner`), by the room's owner or
 * an admin of the gateway: the configuration form (section 10.2: an iq get answered with the muc#roomconfig form,
 * room-config-form.ts; a set with the form submitted applies it, one with a cancelled form changes nothing) and the
 * room's destruction (section 10.9: a set with <destroy/>, done as a native room.destroy: core/room-destruction.ts,
 * every occupant then gets the destroy presence). Anyone else is forbidden. Only rooms hosted by the gateway: the JID
 * of a bridged IRC channel is configured by the channel's own modes (feature-not-implemented).
 */
import type { Component } from "@xmpp/component";
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { withoutResource, xmppUserAddress } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { roomAtJid } from "./room-addresses.js";
import { NS_DATA, parseRoomConfigForm, roomConfigForm } from "./room-config-form.js";
import { errorCondition } from "./stanzas.js";

export const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";

type IqContext = { readonly stanza: Element; readonly element: Element };

function refusal(error: unknown): Element {
  const gatewayError = toGatewayError(error);
  const { type, condition } = stanzaConditionFor(gatewayError.code);
  return errorCondition(type, condition, gatewayError.message);
}

export function registerMucOwner(connection: Component, domain: string, context: AdapterContext): void {
  /** The gateway room the iq is to, and who asks; undefined for a JID that is no room (service-unavailable, from @xmpp/iq). */
  const target = (stanza: Element): { readonly room: Address; readonly by: Address } | undefined => {
    const room = roomAtJid(String(stanza.attrs["to"] ?? ""), domain);
    return room && { room, by: xmppUserAddress(withoutResource(String(stanza.attrs["from"] ?? "")), context.account) };
  };
  const notHosted = (): Element => errorCondition("cancel", "feature-not-implemented", "a bridged channel is configured by its own network's modes");

  connection.iqCallee.get(NS_MUC_OWNER, "query", async ({ stanza }: IqContext) => {
    const asked = target(stanza);
    if (asked === undefined) return undefined;
    if (asked.room.protocol !== "native") return notHosted();
    try {
      const settings = await context.roomSettings.configure(asked.room, asked.by, {});
      return xml("query", { xmlns: NS_MUC_OWNER }, roomConfigForm(settings, asked.room.id));
    } catch (error: unknown) {
      return refusal(error);
    }
  });

  connection.iqCallee.set(NS_MUC_OWNER, "query", async ({ stanza, element }: IqContext) => {
    const asked = target(stanza);
    if (asked === undefined) return undefined;
    if (asked.room.protocol !== "native") return notHosted();
    try {
      const destroy = element.getChild("destroy");
      if (destroy !== undefined) {
        await context.roomSettings.destroy(asked.room, asked.by, destroy.getChildText("reason") ?? "");
        return true;
      }
      const form = element.getChild("x", NS_DATA);
      if (form === undefined) return errorCondition("modify", "bad-request", "send the configuration form (jabber:x:data) or <destroy/>");
      // The rights are checked first, also for a cancelled form: only an owner's "cancel" is an answer (section 10.1.3).
      const current = await context.roomSettings.configure(asked.room, asked.by, {});
      if (form.attrs["type"] === "cancel") return true;
      await context.roomSettings.configure(asked.room, asked.by, parseRoomConfigForm(form, current));
      return true;
    } catch (error: unknown) {
      return refusal(error);
    }
  });
}
