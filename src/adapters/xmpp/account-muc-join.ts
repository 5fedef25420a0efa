/**
 * How a linked account joins a MUC (account-mucs.ts), XEP-0045 section 7.2: the presence to room/nick, and what
 * the room's refusal means to the user who asked; and the mark of her private messages to occupants (7.5). Pure: no I/O.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import { hasUnsafeCharacters } from "../../core/model/text.js";
import { NS } from "./stanzas.js";

/** How long a join waits for the room's self-presence (status 110) or its refusal. */
export const MUC_JOIN_TIMEOUT_MS = 10_000;

/** Whether `muc` is a room's bare JID (room@service), lower case, with nothing that would break a stanza. */
export function isMucJid(muc: string): boolean {
  return /^[^\s@/]+@[^\s@/]+$/.test(muc) && !hasUnsafeCharacters(muc);
}

/** GW_ERR_BAD_ADDRESS for what cannot be a nick in a MUC (her occupant JID's resource): empty, or with a slash. */
export function checkMucNick(nick: string): void {
  if (nick === "" || nick.includes("/")) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${nick} is no nick for a MUC`);
}

/**
 * The join presence: no history (`maxstanzas="0"`: the user's view starts at her join, and a rejoin after a reconnect
 * replays nothing she saw already), with the room's password when she gave one (section 7.2.6).
 */
export function mucJoinPresence(muc: string, nick: string, password: string | undefined): Element {
  const children = [xml("history", { maxstanzas: "0" }), ...(password === undefined || password === "" ? [] : [xml("password", {}, password)])];
  return xml("presence", { to: `${muc}/${nick}` }, xml("x", { xmlns: NS.muc }, ...children));
}

/** Leaving (section 7.14): unavailable presence to her occupant JID. */
export function mucLeavePresence(muc: string, nick: string): Element {
  return xml("presence", { to: `${muc}/${nick}`, type: "unavailable" });
}

/** A room's refusal of a join (sections 7.2.6-7.2.10, 7.2.8 for a full room) as the code the user is answered with. */
export function mucJoinRefusal(condition: string, muc: string, text?: string): GatewayError {
  const why = text === undefined ? condition : `${condition}: ${text}`;
  switch (condition) {
    case "not-authorized":
      return new GatewayError("GW_ERR_KEY_NEEDED", `${muc} needs a password, and none or a wrong one was given (${why})`, { condition });
    case "conflict":
      return new GatewayError("GW_ERR_NICK_IN_USE", `someone in ${muc} has that nick (${why})`, { condition });
    case "registration-required":
    case "forbidden":
      return new GatewayError("GW_ERR_FORBIDDEN", `${muc} does not let this account in (${why})`, { condition });
    case "item-not-found":
    case "remote-server-not-found":
      return new GatewayError("GW_ERR_NOT_FOUND", `no room ${muc} (${why})`, { condition });
    case "service-unavailable":
      return new GatewayError("GW_ERR_UNAVAILABLE", `${muc} takes nobody more now (${why})`, { condition });
    default:
      return new GatewayError("GW_ERR_UNAVAILABLE", `${muc} refused the join (${why})`, { condition });
  }
}

/**
 * A chat to an occupant (room@service/nick) marked as a private message in the room, as section 7.5 recommends:
 * clients, and servers deciding what to copy to her other clients (carbons), then know it for one.
 */
export function markedMucPrivate(chat: Element): Element {
  chat.append(xml("x", { xmlns: NS.mucUser }));
  return chat;
}
