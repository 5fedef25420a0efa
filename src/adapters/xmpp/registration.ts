/**
 * In-band registration with the gateway's domain (XEP-0077, as XEP-0100 section 4.1 has transports use it;
 * docs/xmpp.md "Registering with the gateway"): an XMPP user links her JID to her existing Switchboard account by
 * its user name and password, from her client's "register with transport". The XMPP server stamped the sender's
 * JID (the proof of the JID) and the password proves the native account (core/password-links.ts, which checks it
 * under the native login limits). No account is made here.
 *
 * - get: the fields (instructions, username, password) and the same as a data form (XEP-0077 section 4, XEP-0004);
 *   to a JID linked already, `<registered/>` with its user name.
 * - set with username and password (plain fields or the submitted form): linked as a code would link it; then the
 *   domain asks her for a subscription (XEP-0100 4.1 step 6), so the gateway shows in her roster (gateway-contact.ts).
 *   A wrong name or password is not-authorized, a limit reached resource-constraint (wait).
 * - set with `<remove/>`: unlinked at once, and the domain leaves her roster (XEP-0100 4.3).
 *
 * The password is never sent back: an error reply carries the query (@xmpp/iq echoes it), from which it is removed.
 */
import type { Component } from "@xmpp/component";
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { parseJid, withoutResource, xmppUserAddress } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import type { GatewayContact } from "./gateway-contact.js";
import { errorCondition } from "./stanzas.js";

export const NS_REGISTER = "jabber:iq:register";
const NS_DATA = "jabber:x:data";

const INSTRUCTIONS =
  "Link this XMPP account to your Switchboard account: enter its user name and password. Your contacts on every network then see one of you. No account is made here: make one with a Switchboard client, or ask the gateway's operator.";
const REGISTERED =
  "This XMPP account is linked to the Switchboard account below. Unregister to unlink it; to link it to another account, unregister first.";

/** Answers jabber:iq:register queries to the gateway's domain (registered only while xmpp.component.registration is on). */
export function registerInBandRegistration(connection: Component, domain: string, context: AdapterContext, gateway: GatewayContact): void {
  const toGateway = (stanza: Element): boolean => stanza.attrs["to"] === domain;
  connection.iqCallee.get(NS_REGISTER, "query", ({ stanza }) => {
    if (!toGateway(stanza)) return undefined;
    const asker = askerOf(stanza, context.account);
    if (asker === undefined) return errorCondition("modify", "bad-request", "register from a user's JID");
    const user = context.passwordLinks.linkedUser(asker.address);
    return user === undefined ? form() : registered(user);
  });
  connection.iqCallee.set(NS_REGISTER, "query", async ({ stanza, element }) => {
    if (!toGateway(stanza)) return undefined;
    const asker = askerOf(stanza, context.account);
    const fields = submitted(element);
    removePasswords(element);
    if (asker === undefined) return errorCondition("modify", "bad-request", "register from a user's JID");
    try {
      if (element.getChild("remove") !== undefined) {
        const user = await context.passwordLinks.unlink(asker.address);
        context.log.info({ jid: asker.address.id, user }, "unregistered from the gateway: unlinked");
        await gateway.forget(asker.address.id).catch((error: unknown) => context.log.warn({ err: error }, "the gateway not taken out of a roster"));
        return true;
      }
      if (fields.username === undefined || fields.password === undefined || fields.username === "" || fields.password === "") {
        return errorCondition("modify", "not-acceptable", "give the user name and the password of your Switchboard account");
      }
      const { linked } = await context.passwordLinks.link(asker.address, `xmpp:${asker.server}`, fields.username, fields.password);
      if (linked) await gateway.ask(asker.address.id).catch((error: unknown) => context.log.warn({ err: error }, "the gateway's subscription not asked for"));
      return true;
    } catch (error: unknown) {
      return refusal(error);
    }
  });
}

/** The sender: a user's bare JID (a server or a service registers nothing), and its server's domain. */
function askerOf(stanza: Element, account: string): { readonly address: Address; readonly server: string } | undefined {
  try {
    const jid = parseJid(withoutResource(String(stanza.attrs["from"] ?? "")));
    if (jid.local === undefined) return undefined;
    const address = xmppUserAddress(withoutResource(String(stanza.attrs["from"])), account);
    return { address, server: jid.domain.toLowerCase() };
  } catch {
    return undefined;
  }
}

/** XEP-0077's errors for the refusals of core/password-links.ts: a wrong password not-authorized, a linked JID conflict. */
function refusal(error: unknown): Element {
  const refused = toGatewayError(error);
  switch (refused.code) {
    case "GW_ERR_AUTH_FAILED":
      return errorCondition("auth", "not-authorized", "wrong user name or password");
    case "GW_ERR_ALREADY_LINKED":
      return errorCondition("cancel", "conflict", `${refused.message}: unregister first`);
    case "GW_ERR_ACCOUNT_DISABLED":
      return errorCondition("cancel", "not-allowed", refused.message);
    case "GW_ERR_NOT_FOUND":
      // <remove/> from a JID that is linked to nobody.
      return errorCondition("auth", "registration-required", "this XMPP account is not registered with the gateway");
    default: {
      const { type, condition } = stanzaConditionFor(refused.code);
      return errorCondition(type, condition, refused.message);
    }
  }
}

function form(): Element {
  return xml(
    "query",
    { xmlns: NS_REGISTER },
    xml("instructions", {}, INSTRUCTIONS),
    xml("username"),
    xml("password"),
    xml(
      "x",
      { xmlns: NS_DATA, type: "form" },
      xml("title", {}, "Link your Switchboard account"),
      xml("instructions", {}, INSTRUCTIONS),
      xml("field", { type: "hidden", var: "FORM_TYPE" }, xml("value", {}, NS_REGISTER)),
      xml("field", { type: "text-single", var: "username", label: "Switchboard user name" }, xml("required")),
      xml("field", { type: "text-private", var: "password", label: "Password" }, xml("required")),
    ),
  );
}

/** XEP-0077 section 3.1: the JID is registered; its user name is told, the password never. */
function registered(user: string): Element {
  return xml("query", { xmlns: NS_REGISTER }, xml("registered"), xml("instructions", {}, REGISTERED), xml("username", {}, user), xml("password"));
}

/** The user name and password of a set: the submitted form's fields when there is one, else the plain fields. */
function submitted(query: Element): { readonly username?: string; readonly password?: string } {
  const data = query.getChild("x", NS_DATA);
  if (data !== undefined) {
    const value = (name: string): string | undefined => data.getChildren("field").find((field) => field.attrs["var"] === name)?.getChildText("value") ?? undefined;
    return withDefined({ username: value("username"), password: value("password") });
  }
  return withDefined({ username: query.getChildText("username") ?? undefined, password: query.getChildText("password") ?? undefined });
}

function withDefined(fields: { username: string | undefined; password: string | undefined }): { readonly username?: string; readonly password?: string } {
  return { ...(fields.username === undefined ? {} : { username: fields.username.trim() }), ...(fields.password === undefined ? {} : { password: fields.password }) };
}

/** Empties every password of the query in place: an error reply echoes the query to its sender. */
function removePasswords(query: Element): void {
  for (const password of query.getChildren("password")) password.children = [];
  for (const field of query.getChild("x", NS_DATA)?.getChildren("field") ?? []) {
    if (field.attrs["var"] === "password") field.children = field.children.filter((child) => typeof child !== "string" && child.name !== "value");
  }
}
