/**
 * XEP-0084 User Avatar, read: the avatar an XMPP user published with PEP (Conversations, Dino, Gajim, Monal do, often
 * with no vCard PHOTO). Two pubsub items gets to her bare JID, which her server answers for her (Prosody's mod_pep):
 *
 * - the metadata node `urn:xmpp:avatar:metadata`, its last item: `<metadata><info id=SHA-1 type bytes/>...</metadata>`,
 *   an empty <metadata/> when she turned her avatar off (XEP-0084 section 4.5: no avatar, not "ask elsewhere");
 * - the data node `urn:xmpp:avatar:data`, the item whose id is the chosen <info/>'s: `<data>base64</data>`.
 *
 * The <info/> chosen is the first of a type the gateway takes (core/model/avatar.ts) held in the data node (one with a
 * `url` is elsewhere, on the web: not fetched). Its bytes must hash to its id (the SHA-1 a client was told, the same as
 * XEP-0153's), be of its type and within the size: else GW_ERR_UNAVAILABLE (the publisher's doing, nothing to show).
 *
 * Her server's refusal of the metadata (no such node: item-not-found; no PEP: service-unavailable,
 * feature-not-implemented; the access model, "presence" by default: forbidden, not-authorized,
 * presence-subscription-required) is "nothing by PEP": the caller asks her vCard instead. No answer in time is
 * GW_ERR_UNAVAILABLE, and so is an answer from any JID but the one asked (the iq caller matches answers by id alone:
 * RFC 6120 section 8.1.2.1, the response comes from the request's `to`; askedJidOnly).
 */
import type { Element } from "ltx";
import xml from "@xmpp/xml";
import { GatewayError } from "../../core/errors.js";
import { avatarHash, checkedAvatarBytes, isAvatarType, MAX_AVATAR_BYTES, type Avatar, type AvatarType } from "../../core/model/avatar.js";

export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";
export const NS_AVATAR_METADATA = "urn:xmpp:avatar:metadata";
export const NS_AVATAR_DATA = "urn:xmpp:avatar:data";
/** How long her server has to answer each of the two gets. */
export const PEP_TIMEOUT_MS = 10_000;

/** What a metadata item says: the avatar to fetch (its SHA-1 and type), or none (turned off, or none of a type taken). */
export type PepMetadata = { readonly kind: "none" } | { readonly kind: "avatar"; readonly hash: string; readonly type: AvatarType };

/** Sends an iq and resolves with the answer; rejects with the error's `condition`, or without one for no answer in time. */
export type IqRequest = (iq: Element, timeoutMs: number) => Promise<Element>;

/** The pubsub items get of `node` (the item `id` only, where given) from `from` (none: a client's own session) to `to`. */
export function itemsRequest(from: string | undefined, to: string, node: string, id?: string): Element {
  const items = id === undefined ? xml("items", { node, max_items: "1" }) : xml("items", { node }, xml("item", { id }));
  return xml("iq", { type: "get", ...(from === undefined ? {} : { from }), to }, xml("pubsub", { xmlns: NS_PUBSUB }, items));
}

/** What the <metadata/> of an item (an items answer's or a notification's) says. */
export function metadataOf(metadata: Element | undefined): PepMetadata {
  for (const info of metadata?.getChildren("info") ?? []) {
    const id = String(info.attrs["id"] ?? "").trim().toLowerCase();
    const type = String(info.attrs["type"] ?? "").trim().toLowerCase();
    if (info.attrs["url"] === undefined && /^[0-9a-f]{40}$/.test(id) && isAvatarType(type)) return { kind: "avatar", hash: id, type };
  }
  return { kind: "none" };
}

/** The <metadata/> of the first item of a pubsub items answer (or of a pubsub#event's <items/>). */
export function metadataElement(items: Element | undefined): Element | undefined {
  return items?.getChild("item")?.getChild("metadata", NS_AVATAR_METADATA);
}

/** The avatar of a data item's base64 text, checked against the metadata's hash and type (see the header). */
export function avatarOfData(base64: string | undefined, expected: { readonly hash: string; readonly type: string }): Avatar {
  const bad = (why: string): GatewayError => new GatewayError("GW_ERR_UNAVAILABLE", `the published avatar is no avatar: ${why}`);
  const text = (base64 ?? "").replace(/\s+/g, "");
  if (text === "") throw bad("its data is missing");
  if (text.length > Math.ceil(MAX_AVATAR_BYTES / 3) * 4) throw bad(`larger than ${MAX_AVATAR_BYTES} bytes`);
  const bytes = Buffer.from(text, "base64");
  if (avatarHash(bytes) !== expected.hash) throw bad(`its data's SHA-1 is not ${expected.hash}, the one published`);
  return checkedAvatarBytes(expected.type, bytes, bad);
}

/**
 * What a PEP notification says of the sender's avatar (`<event xmlns="…pubsub#event"><items node="urn:xmpp:avatar:metadata">`
 * with an item, XEP-0084 section 4.2; empty metadata: none), or undefined for any other message.
 */
export function avatarNotification(stanza: Element): PepMetadata | undefined {
  const items = stanza.getChild("event", NS_PUBSUB_EVENT)?.getChildren("items").find((each) => each.attrs["node"] === NS_AVATAR_METADATA);
  if (items?.getChild("item") === undefined) return undefined;
  return metadataOf(metadataElement(items));
}

const NOTHING_BY_PEP = new Set(["item-not-found", "service-unavailable", "feature-not-implemented", "forbidden", "not-authorized", "presence-subscription-required", "not-allowed", "remote-server-not-found", "recipient-unavailable"]);

/**
 * `subject`'s XEP-0084 avatar, asked from `from` (a JID her server may let read it; none: a client's own session): the avatar, null when she
 * published that she has none, undefined when her server gives nothing by PEP (the caller asks her vCard).
 */
export async function askPepAvatar(request: IqRequest, from: string | undefined, subject: string): Promise<Avatar | null | undefined> {
  const metadataAnswer = await ask(request, itemsRequest(from, subject, NS_AVATAR_METADATA), subject);
  if (metadataAnswer === undefined) return undefined;
  const items = metadataAnswer.getChild("pubsub", NS_PUBSUB)?.getChild("items");
  if (items?.getChild("item") === undefined) return undefined; // a node without items: nothing published
  const metadata = metadataOf(metadataElement(items));
  if (metadata.kind === "none") return null;
  const dataAnswer = await ask(request, itemsRequest(from, subject, NS_AVATAR_DATA, metadata.hash), subject);
  const item = dataAnswer?.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChildren("item").find((each) => String(each.attrs["id"] ?? "").toLowerCase() === metadata.hash);
  if (item === undefined) throw new GatewayError("GW_ERR_UNAVAILABLE", `${subject}'s server has no data of the avatar ${metadata.hash} she published`);
  return avatarOfData(item.getChildText("data", NS_AVATAR_DATA) ?? undefined, metadata);
}

/**
 * `request`, but an answer from another JID than the request's `to` (in any case or compatibility form) is refused with GW_ERR_UNAVAILABLE:
 * whoever learned or guessed the request's id would else answer for her.
 */
export function askedJidOnly(request: IqRequest): IqRequest {
  return async (iq, timeoutMs) => {
    const answer = await request(iq, timeoutMs);
    // As a server compares JIDs (stringprep: compatibility forms and case folded), not as a string.
    const prepped = (jid: string): string => jid.normalize("NFKC").toLowerCase();
    const to = String(iq.attrs["to"] ?? "");
    const from = String(answer.attrs["from"] ?? "");
    if (prepped(from) !== prepped(to)) throw new GatewayError("GW_ERR_UNAVAILABLE", `${from || "a JID not named"} answered a request to ${to}: not taken`);
    return answer;
  };
}

/** The answer, or undefined for a refusal that means "nothing by PEP"; other refusals and no answer as GatewayErrors. */
async function ask(request: IqRequest, iq: Element, subject: string): Promise<Element | undefined> {
  try {
    return await askedJidOnly(request)(iq, PEP_TIMEOUT_MS);
  } catch (error: unknown) {
    if (error instanceof GatewayError) throw error;
    const condition = (error as { condition?: unknown }).condition;
    if (typeof condition === "string" && NOTHING_BY_PEP.has(condition)) return undefined;
    if (typeof condition === "string") throw new GatewayError("GW_ERR_UNAVAILABLE", `${subject}'s server refused her avatar: ${condition}`, { cause: error, condition, retryable: true });
    throw new GatewayError("GW_ERR_UNAVAILABLE", `${subject}'s server did not answer for her avatar in ${PEP_TIMEOUT_MS / 1000} s`, { cause: error, condition: "timeout", retryable: true });
  }
}
