/**
 * Avatars on XMPP, pure: XEP-0153 (vCard-based avatars) and the PHOTO of XEP-0054 vcard-temp, which every client reads
 * (Conversations, Gajim, Dino fall back to it where there is no XEP-0084 PEP avatar, and a component has no PEP).
 *
 * - A native user's available presence from the gateway carries <x xmlns="vcard-temp:x:update"><photo>SHA-1</photo></x>
 *   (XEP-0153 section 3.1), an empty <photo/> when she has none (section 3.2: "no avatar", as opposed to no <x/>,
 *   "not ready to say"). A client that sees a hash it has not cached asks her vCard, whose PHOTO holds the bytes.
 * - Her vCard's PHOTO: <PHOTO><TYPE>image/png</TYPE><BINVAL>base64</BINVAL></PHOTO> (XEP-0153 section 3.1).
 * - An XMPP user's PHOTO read from their vCard (native avatar.get), checked as a native user's picture is
 *   (core/model/avatar.ts): a PHOTO with an EXTVAL (a URL) only is no avatar here; one of a type not taken, too
 *   large, or whose bytes are not its type is refused (avatarOfVcard).
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import { checkedAvatarBytes, type Avatar, type AvatarRef, MAX_AVATAR_BYTES } from "../../core/model/avatar.js";
import type { Address } from "../../core/model/address.js";
import { GatewayError } from "../../core/errors.js";

export const NS_VCARD_UPDATE = "vcard-temp:x:update";

/** XEP-0153's <x/> of a presence: `hash` the SHA-1 of the picture, "" for none (an empty <photo/>). */
export function photoUpdate(hash: string): Element {
  return xml("x", { xmlns: NS_VCARD_UPDATE }, hash === "" ? xml("photo") : xml("photo", {}, hash));
}

/** The PHOTO of a vCard with the picture's bytes. */
export function photoElement(avatar: Pick<Avatar, "type" | "data">): Element {
  return xml("PHOTO", {}, xml("TYPE", {}, avatar.type), xml("BINVAL", {}, avatar.data.toString("base64")));
}

/**
 * The avatar of a vCard's PHOTO, or undefined when it has none it could be; GW_ERR_UNAVAILABLE when the picture is
 * not what it says or too large (the vCard's owner's doing: nothing to show).
 */
export function avatarOfVcard(vcard: Element | undefined): Avatar | undefined {
  const photo = vcard?.getChild("PHOTO");
  const binval = photo?.getChildText("BINVAL")?.replace(/\s+/g, "");
  if (photo === undefined || binval === undefined || binval === "") return undefined;
  const bad = (why: string): GatewayError => new GatewayError("GW_ERR_UNAVAILABLE", `the vCard's PHOTO is no avatar: ${why}`);
  // base64 of more than MAX_AVATAR_BYTES is refused before it is decoded.
  if (binval.length > Math.ceil(MAX_AVATAR_BYTES / 3) * 4) throw bad(`larger than ${MAX_AVATAR_BYTES} bytes`);
  const type = (photo.getChildText("TYPE") ?? "").trim().toLowerCase();
  return checkedAvatarBytes(type, Buffer.from(binval, "base64"), bad);
}

/**
 * The XEP-0153 hash an XMPP user's available presence says her avatar has: a SHA-1 in hex (lower case), "" for none
 * (an empty <photo/>); undefined where it says nothing, or something that is no hash (ignored).
 */
export function heardPhoto(stanza: Element): string | undefined {
  const photo = stanza.getChild("x", NS_VCARD_UPDATE)?.getChildText("photo")?.trim().toLowerCase();
  return photo !== undefined && (photo === "" || /^[0-9a-f]{40}$/.test(photo)) ? photo : undefined;
}

/**
 * The `photo` of a presence from `from` (stanzas.ts presence): a native user's hash, "" when she has none; nothing for
 * anyone else (an IRC person has no avatar the gateway knows of, and no <x/> says so rather than "none").
 */
export function photoOf(from: Address, refOf: (owner: Address) => AvatarRef | undefined): { photo?: string } {
  return from.protocol === "native" ? { photo: refOf(from)?.hash ?? "" } : {};
}
