/**
 * XEP-0054 vcard-temp, both ways, pure: the vCards the component gives of its JIDs (an IRC person's from WHOIS, a
 * native user's, the gateway's own), and the contact information read from an XMPP user's vCard. The text fields, and
 * a native user's PHOTO (her avatar, avatar-stanzas.ts; an XMPP user's is read there too). Strings are cleaned (core/model/contact-info.ts cleanInfo) before
 * they are put in or after they are read.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import { cleanInfo, cleanInfoText, type ContactInfo } from "../../core/model/contact-info.js";
import type { Avatar } from "../../core/model/avatar.js";
import { photoElement } from "./avatar-stanzas.js";

export const NS_VCARD = "vcard-temp";

/** The text fields of a vCard the gateway writes, in the order of XEP-0054's DTD. */
export interface VcardFields {
  readonly fn?: string;
  readonly nickname?: string;
  readonly url?: string;
  readonly desc?: string;
  readonly note?: string;
}

/** A <vCard xmlns="vcard-temp"/> with the fields given (empty ones left out): an empty vCard is a valid answer. */
export function vcardElement(fields: VcardFields): Element {
  const vcard = xml("vCard", { xmlns: NS_VCARD });
  const add = (name: string, value: string | undefined, multiline = false): void => {
    const text = value === undefined ? "" : cleanInfoText(value, multiline);
    if (text !== "") vcard.append(xml(name, {}, text));
  };
  add("FN", fields.fn);
  add("NICKNAME", fields.nickname);
  add("URL", fields.url);
  add("DESC", fields.desc, true);
  add("NOTE", fields.note, true);
  return vcard;
}

/**
 * An IRC person's vCard (Spectrum 2 and Biboumi give one alike): FN the WHOIS realname, NICKNAME the nick, and what
 * else WHOIS said as lines of NOTE, which every client shows as text.
 */
export function ircPersonVcard(info: ContactInfo, network: string): Element {
  const lines = [
    `IRC user on ${network}`,
    info.account === undefined ? undefined : `Logged in as: ${info.account}`,
    info.away === undefined ? undefined : `Away: ${info.away}`,
    info.server === undefined ? undefined : `Server: ${info.server}`,
    info.idleSeconds === undefined ? undefined : `Idle: ${info.idleSeconds} s`,
    info.signonAt === undefined ? undefined : `Connected since: ${new Date(info.signonAt).toISOString()}`,
    info.channels === undefined ? undefined : `Channels: ${info.channels.join(" ")}`,
    info.secure === true ? "Secure connection (TLS)" : undefined,
    info.operator === true ? "IRC operator" : undefined,
  ];
  return vcardElement({ ...(info.fullName === undefined ? {} : { fn: info.fullName }), ...(info.nick === undefined ? {} : { nickname: info.nick }), note: lines.filter((line) => line !== undefined).join("\n") });
}

/**
 * A native user's vCard: NICKNAME her name and, to those who may see it, her avatar as PHOTO (XEP-0153), nothing else
 * (nothing a contact of hers could not see: her presence is presence's).
 */
export function nativeUserVcard(info: ContactInfo, avatar?: Pick<Avatar, "type" | "data">): Element {
  const vcard = vcardElement(info.nick === undefined ? {} : { nickname: info.nick });
  // PHOTO follows NICKNAME in XEP-0054's DTD, and nothing else is written after it here.
  if (avatar !== undefined) vcard.append(photoElement(avatar));
  return vcard;
}

/** The gateway's own vCard: its configured name. */
export function gatewayVcard(name: string): Element {
  return vcardElement({ fn: name });
}

/** The contact information an XMPP user's vCard gives (FN, NICKNAME, URL, NOTE or else DESC, BDAY, EMAIL), cleaned. */
export function infoOfVcard(vcard: Element | undefined): ContactInfo {
  if (vcard === undefined) return {};
  const text = (name: string): string | undefined => {
    const child = vcard.getChild(name);
    return child === undefined ? undefined : child.getText();
  };
  const email = vcard.getChild("EMAIL")?.getChildText("USERID") ?? undefined;
  const fields = {
    fullName: text("FN"),
    nick: text("NICKNAME"),
    url: text("URL"),
    note: text("NOTE") ?? text("DESC"),
    birthday: text("BDAY"),
    email: email ?? undefined,
  };
  return cleanInfo(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as ContactInfo);
}
