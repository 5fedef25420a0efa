/**
 * XEP-0100 section 6.3 (jabber:iq:gateway): a client asks the gateway how to write a contact of another network,
 * and the gateway gives the JID, escaped (XEP-0106) as the addressing scheme wants it. Gajim, Psi and Movim offer
 * this in their "add contact" dialogs; without it, a user would have to escape `bob\away` by hand.
 */
import type { Component } from "@xmpp/component";
import xml from "@xmpp/xml";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { makeAddress, parseAddress, type Address } from "../../core/model/address.js";
import { addressToJid } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { errorCondition } from "./stanzas.js";

export const NS_GATEWAY = "jabber:iq:gateway";

const DESCRIPTION =
  "Enter an IRC nick as nick%network (bob%libera), a native user's name (alice), or an address (irc://libera/bob): you get the contact's JID on this gateway.";

/**
 * The address a user typed: `nick%network` is an IRC nick, an address URI (`irc://libera/bob`, `native:alice`) is
 * itself, anything else a native user's name. GW_ERR_BAD_ADDRESS for nothing at all, a channel, or a JID.
 */
export function promptToAddress(typed: string): Address {
  const text = typed.trim();
  if (text === "") throw new GatewayError("GW_ERR_BAD_ADDRESS", "enter a nick%network, a user name or an address");
  if (/^(irc|native):/i.test(text)) {
    const address = parseAddress(text);
    if (address.protocol === "irc" && address.id.startsWith("#")) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} is a channel: join it as a chat room`);
    return address;
  }
  if (/^xmpp:/i.test(text) || (!text.includes("%") && text.includes("@"))) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} looks like a JID: an XMPP user is added by their own JID, not through the gateway`);
  }
  const percent = text.lastIndexOf("%");
  if (percent > 0) return makeAddress("irc", text.slice(percent + 1), text.slice(0, percent));
  if (percent === 0) throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${text}" has no nick before "%"`);
  return makeAddress("native", "default", text.toLowerCase());
}

/** Answers jabber:iq:gateway queries to the gateway's domain. */
export function registerContactPrompt(connection: Component, domain: string): void {
  const toGateway = (stanza: { attrs: Record<string, unknown> }): boolean => stanza.attrs["to"] === domain;
  connection.iqCallee.get(NS_GATEWAY, "query", ({ stanza }) => {
    if (!toGateway(stanza)) return undefined;
    return xml("query", { xmlns: NS_GATEWAY }, xml("desc", {}, DESCRIPTION), xml("prompt", {}, "Contact"));
  });
  connection.iqCallee.set(NS_GATEWAY, "query", ({ stanza, element }) => {
    if (!toGateway(stanza)) return undefined;
    try {
      const jid = addressToJid(promptToAddress(element.getChildText("prompt") ?? ""), domain);
      // <jid/> as XEP-0100 1.0 has it, <prompt/> as clients written for its earlier versions read it.
      return xml("query", { xmlns: NS_GATEWAY }, xml("jid", {}, jid), xml("prompt", {}, jid));
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(gatewayError.code);
      return errorCondition(type, condition, gatewayError.message);
    }
  });
}
