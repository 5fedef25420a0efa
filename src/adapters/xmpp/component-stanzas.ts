/**
 * Stanzas the component (component-adapter.ts) writes from its domain for the core's direct traffic: a chat to an
 * XMPP user, the error reply to an XMPP sender whose message failed (RFC 6120 section 8.3), the gateway's own chat
 * from the bare domain, and the request that a person's linked JID share its presence (RFC 6121 3.1.1). Pure.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { addressToJid, addressToXmppJid } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import type { ReplyOut } from "./reply-stanzas.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import { messageStanza } from "./retraction-stanzas.js";
import { chatMessage, lateDelay, stanzaError, subscription as subscriptionStanza } from "./stanzas.js";

/** A direct message to an XMPP user, from the JID of its sender (or of the person a linked account is). */
export function directChat(message: Message, recipient: Address, domain: string, requestReceipt: boolean): Element {
  // A retraction names the message by the id the recipient got it with: its gateway id (retraction-stanzas.ts).
  return messageStanza(message, {
    // A linked account's message comes from its person's JID (docs/bridging.md, "One sender").
    from: addressToJid(message.person ?? message.from, domain),
    to: addressToXmppJid(recipient),
    id: message.id,
    body: message.body,
    attachments: message.attachments,
    kind: message.kind,
    type: "chat",
    ...(message.replaces === undefined ? {} : { replaces: message.replaces }),
    ...directReply(message, recipient, domain),
    // XEP-0444: her own line by the id her client gave it; anyone else's by its gateway id, as a reply names it.
    ...(message.reactsTo?.to !== undefined && sameAddress(message.reactsTo.to, recipient) ? { reactedId: message.reactsTo.originId ?? message.reactsTo.id } : {}),
    requestReceipt,
    ...lateDelay(message, domain),
  });
}

/**
 * XEP-0461: the answered message as the recipient knows it: a line of her own by the id her client gave it and her
 * JID, anyone else's by its gateway id (the id it reached her with) and their JID on the gateway's domain.
 */
function directReply(message: Message, recipient: Address, domain: string): { readonly reply?: ReplyOut } {
  const answered = message.replyTo;
  if (answered?.to === undefined) return {};
  const hers = sameAddress(answered.to, recipient);
  const quote = replyQuote(answered);
  return {
    reply: {
      to: hers ? addressToXmppJid(recipient) : addressToJid(answered.to, domain),
      id: hers ? (answered.originId ?? answered.id) : answered.id,
      ...(quote === undefined ? {} : { quote }),
    },
  };
}

/** The XMPP sender learns of the failure as an error reply to its message (RFC 6120 section 8.3). */
export function failureReply(message: Message, recipient: Address, domain: string, error: GatewayError): Element {
  const { type, condition } = stanzaConditionFor(error.code);
  const original = chatMessage({
    from: addressToXmppJid(message.from),
    to: addressToJid(recipient, domain),
    id: message.origin.id ?? message.id,
    body: message.body,
    kind: message.kind,
    type: "chat",
  });
  return stanzaError(original, type, condition, error.message);
}

/** The gateway speaks as itself: a chat from the component's bare domain, to an XMPP account that is not the gateway's own. */
export function serviceChat(domain: string, to: Address, text: string): Element {
  const folded = domain.toLowerCase();
  if (to.protocol !== "xmpp" || to.id.toLowerCase().endsWith(`@${folded}`) || to.id.toLowerCase() === folded) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is served by this gateway itself, not an account of its own`);
  }
  return chatMessage({ from: domain, to: addressToXmppJid(to), id: `gw-${Date.now().toString(36)}`, body: text, kind: "text", type: "chat" });
}

/** The person's JID asks the linked JID `subject` to share its presence, saying why. */
export function shareRequest(domain: string, subject: Address, watcher: Address): Element {
  const request = subscriptionStanza(addressToJid(watcher, domain), addressToXmppJid(subject), "subscribe");
  request.append(xml("status", {}, `Switchboard: approve, and this account's presence counts as ${watcher.id}'s, whose account you linked it to`));
  return request;
}
