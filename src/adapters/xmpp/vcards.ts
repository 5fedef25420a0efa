/**
 * XEP-0054 vcard-temp on the component (vcard-temp.ts builds and reads them), beside service-discovery.ts:
 *
 * - a vCard get to the gateway's domain: its configured name (FN);
 * - to a person's JID (bob%libera@D, alice@D): what core/contact-info.ts gives the asker (an IRC WHOIS; a native user's
 *   name and nothing her contacts could not see, with her avatar as PHOTO to those who see her presence: XEP-0153),
 *   rate-limited per asker; its refusals as stanza errors
 *   (error-conditions.ts: nobody with the nick is item-not-found, the IRC network down recipient-unavailable, too many
 *   lookups resource-constraint, no answer in time recipient-unavailable);
 * - to a room (#lobby@D) or an occupant (#lobby@D/bob): service-unavailable, as Prosody's own MUC answers a room
 *   without the community module mod_vcard_muc. A room has no vCard here (its name is its disco#info identity), and
 *   clients ask one (Conversations: a room's avatar, XEP-0486; an occupant's, XEP-0153) only where a presence or the
 *   room's disco#info names an avatar's hash, which the gateway never gives;
 * - a vCard set to any JID of the gateway: not-allowed (nobody edits the gateway's people from XMPP).
 *
 * The other way, askVcard() gets an XMPP user's vCard (from the domain to their bare JID: their server answers for
 * them, Prosody with mod_vcard or mod_vcard_legacy) for a native user's contact.info, and askAvatar() their avatar,
 * published with PEP (XEP-0084) or else their vCard's PHOTO, for avatar.get.
 */
import type { Component } from "@xmpp/component";
import xml from "@xmpp/xml";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { ContactInfo } from "../../core/model/contact-info.js";
import type { Avatar } from "../../core/model/avatar.js";
import type { Element } from "ltx";
import { avatarOfVcard } from "./avatar-stanzas.js";
import { askedJidOnly, askPepAvatar, type IqRequest } from "./pep-avatars.js";
import { jidToAddress, withoutResource, xmppUserAddress } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { isRoomAddress } from "./room-addresses.js";
import { errorCondition } from "./stanzas.js";
import { gatewayVcard, infoOfVcard, ircPersonVcard, NS_VCARD, nativeUserVcard, vcardElement } from "./vcard-temp.js";

/** How long an XMPP user's server has to answer a vCard get. */
export const VCARD_TIMEOUT_MS = 10_000;

export function registerVcards(connection: Component, domain: string, name: string, context: AdapterContext): void {
  connection.iqCallee.get(NS_VCARD, "vCard", async ({ stanza }) => {
    const to = String(stanza.attrs["to"]);
    if (to === domain) return gatewayVcard(name);
    try {
      const subject = jidToAddress(withoutResource(to), domain);
      // An occupant's JID (#lobby@D/bob) is its room's with a resource: both are answered alike.
      if (isRoomAddress(subject)) {
        return errorCondition("cancel", "service-unavailable", "rooms and their occupants have no vCard here");
      }
      const asker = xmppUserAddress(withoutResource(String(stanza.attrs["from"])), context.account);
      const info = await context.contactInfo(asker, subject);
      if (subject.protocol === "irc") return ircPersonVcard(info, subject.account);
      if (subject.protocol === "native") return nativeUserVcard(info, await photoFor(context, asker, subject));
      return vcardElement({ ...(info.fullName === undefined ? {} : { fn: info.fullName }), ...(info.nick === undefined ? {} : { nickname: info.nick }) });
    } catch (error: unknown) {
      const refusal = toGatewayError(error);
      if (refusal.code === "GW_ERR_INTERNAL") context.log.error({ err: error, to }, "vCard not answered");
      const { type, condition } = stanzaConditionFor(refusal.code);
      return errorCondition(type, condition, refusal.message);
    }
  });
  connection.iqCallee.set(NS_VCARD, "vCard", () => errorCondition("cancel", "not-allowed", "the gateway's vCards are not edited over XMPP"));
}

/** A native user's avatar for her vCard's PHOTO, where the asker may see it: none otherwise, the rest of the vCard stays. */
async function photoFor(context: AdapterContext, asker: Address, subject: Address): Promise<Avatar | undefined> {
  try {
    return await context.avatars.get(asker, subject);
  } catch (error: unknown) {
    const code = toGatewayError(error).code;
    if (code !== "GW_ERR_FORBIDDEN") context.log.warn({ err: error }, "avatar left out of a vCard");
    return undefined;
  }
}

/**
 * The vCard of `subject`, an XMPP user (xmpp://<account>/<bare JID>), asked from the component's domain: its text
 * fields as contact information. Their server's refusal keeps its condition: item-not-found is GW_ERR_NOT_FOUND (Prosody's
 * mod_vcard says so both of a user who set no vCard and of no such user), service-unavailable or
 * feature-not-implemented an empty answer (the server keeps no vCards); no answer in time is GW_ERR_UNAVAILABLE with
 * condition "timeout".
 */
export async function askVcard(connection: Component | undefined, domain: string, subject: Address): Promise<ContactInfo> {
  return infoOfVcard(await fetchVcard(requestOf(connection), domain, subject, "vCard"));
}

/**
 * `subject`'s avatar (native avatar.get): the one she published with PEP (XEP-0084, pep-avatars.ts), asked from `from`
 * (the asker's JID on the gateway, which her server's access model may let read it; none: a linked account's own
 * session, whose server sets it), else her vCard's PHOTO (avatar-stanzas.ts avatarOfVcard), asked from `vcardFrom`.
 * PEP first: a client that publishes both keeps the PEP one current (the vCard's may be an old picture or one her server
 * made of it), and a modern client publishes only that. The vCard get goes through `vcardOnce`. Undefined when she has
 * none; refusals as askVcard's.
 */
export async function askAvatar(request: IqRequest | undefined, from: { readonly pep?: string; readonly vcard?: string }, subject: Address, vcardOnce: VcardOnce): Promise<Avatar | undefined> {
  if (!request) throw new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP server is not connected", { retryable: true });
  const published = await askPepAvatar(request, from.pep, subject.id);
  if (published !== undefined) return published ?? undefined;
  return avatarOfVcard(await vcardOnce(() => fetchVcard(request, from.vcard, subject, "avatar")));
}

/** Asks a vCard unless her server said a while ago it keeps none (avatar-cache.ts `vcard`). */
export type VcardOnce = <T>(ask: () => Promise<T>) => Promise<T>;

/** The component's iq requests, while it is connected. */
export function requestOf(connection: Component | undefined): IqRequest | undefined {
  return connection === undefined ? undefined : (iq, timeoutMs) => connection.iqCaller.request(iq, timeoutMs);
}

async function fetchVcard(request: IqRequest | undefined, from: string | undefined, subject: Address, what: string): Promise<Element | undefined> {
  if (!request) throw new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP server is not connected", { retryable: true });
  const iq = xml("iq", { type: "get", ...(from === undefined ? {} : { from }), to: subject.id }, xml("vCard", { xmlns: NS_VCARD }));
  try {
    // Only from the JID asked (pep-avatars.ts askedJidOnly): the iq caller matches answers by their id alone.
    const answer = await askedJidOnly(request)(iq, VCARD_TIMEOUT_MS);
    return answer.getChild("vCard", NS_VCARD);
  } catch (error: unknown) {
    if (error instanceof GatewayError) throw error;
    const condition = (error as { condition?: unknown }).condition;
    if (condition === "item-not-found") throw new GatewayError("GW_ERR_NOT_FOUND", `${subject.id}'s server has no vCard of them (or no such user)`, { cause: error, condition });
    if (condition === "service-unavailable" || condition === "feature-not-implemented") return undefined;
    if (typeof condition === "string") throw new GatewayError("GW_ERR_UNAVAILABLE", `${subject.id}'s server refused the ${what}: ${condition}`, { cause: error, condition, retryable: true });
    throw new GatewayError("GW_ERR_UNAVAILABLE", `${subject.id}'s server did not answer the ${what} in ${VCARD_TIMEOUT_MS / 1000} s`, { cause: error, condition: "timeout", retryable: true });
  }
}
