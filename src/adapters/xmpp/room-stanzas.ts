/**
 * The stanzas the gateway's rooms (gateway-rooms.ts) build for their occupants as a MUC does (XEP-0045): an
 * occupant's presence with its affiliation, role, status codes and occupant id (XEP-0421), and the room's subject.
 * Pure: no I/O.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { RoomRemoval, RoomRole } from "../../core/model/room.js";
import type { Show } from "../../core/model/presence.js";
import { occupantIdElement } from "./occupant-ids.js";
import { showToXmpp } from "./presence-map.js";
import { stripInvalidXmlChars as safe } from "./xml-safety.js";
import { NS } from "./stanzas.js";

/**
 * A member's role as a MUC affiliation and role (XEP-0045 section 5), as Biboumi shows IRC channel modes: the
 * room's owner is its owner, an admin (an IRC operator) an admin, both moderators; a moderator (an IRC
 * half-operator) a member and moderator; everyone else a member (the room is open) and participant.
 */
function mucItem(role: RoomRole): { readonly affiliation: string; readonly role: string } {
  switch (role) {
    case "owner":
      return { affiliation: "owner", role: "moderator" };
    case "admin":
      return { affiliation: "admin", role: "moderator" };
    case "moderator":
      return { affiliation: "member", role: "moderator" };
    case "member":
      return { affiliation: "member", role: "participant" };
  }
}

export interface OccupantPresenceOptions {
  /** The XEP-0421 id of the person behind the occupant (occupant-ids.ts), on every occupant presence. */
  readonly occupantId: string;
  readonly role?: RoomRole;
  readonly codes?: readonly number[];
  readonly unavailable?: boolean;
  /** The unavailable half of a nick change (XEP-0045 section 7.6, status 303): the occupant keeps their role, and the item names the nick they take. */
  readonly newNick?: string;
  /** An XMPP occupant's own show and status text. */
  readonly show?: Show;
  readonly status?: string;
  /**
   * Put out of the room (XEP-0045 section 8.2, a kick: status 307; section 9.1, a ban: 301, affiliation outcast): who
   * did it and why, in the item.
   */
  readonly removal?: RoomRemoval;
}

/** An occupant's presence in a gateway room. */
export function occupantPresence(from: string, to: string, options: OccupantPresenceOptions): Element {
  const item = options.removal?.ban === true ? { affiliation: "outcast", role: "none" } : mucItem(options.role ?? "member");
  const gone = options.unavailable === true && options.newNick === undefined;
  const removal = options.removal === undefined ? [] : [xml("actor", { nick: safe(options.removal.by) }), ...(options.removal.reason === "" ? [] : [xml("reason", {}, safe(options.removal.reason))])];
  const x = xml("x", { xmlns: NS.mucUser }, xml("item", { affiliation: item.affiliation, role: gone ? "none" : item.role, ...(options.newNick === undefined ? {} : { nick: safe(options.newNick) }) }, ...removal));
  for (const code of options.codes ?? []) x.append(xml("status", { code: String(code) }));
  const show = options.show === undefined ? undefined : showToXmpp(options.show).show;
  const children = [...(show === undefined ? [] : [xml("show", {}, show)]), ...(options.status ? [xml("status", {}, safe(options.status))] : []), x, occupantIdElement(options.occupantId)];
  return xml("presence", options.unavailable === true ? { from: safe(from), to, type: "unavailable" } : { from: safe(from), to }, ...children);
}

/**
 * An occupant's last presence in a destroyed room (XEP-0045 section 10.9, example 200): unavailable, affiliation and
 * role none, with <destroy/> and the reason, and status 110 (it is the occupant's own).
 */
export function destroyedPresence(from: string, to: string, reason: string, occupantId: string): Element {
  const destroy = xml("destroy", {}, ...(reason === "" ? [] : [xml("reason", {}, safe(reason))]));
  const x = xml("x", { xmlns: NS.mucUser }, xml("item", { affiliation: "none", role: "none" }), destroy, xml("status", { code: "110" }));
  return xml("presence", { from: safe(from), to, type: "unavailable" }, x, occupantIdElement(occupantId));
}

/** The status code of someone put out of a room (XEP-0045): 301 banned (section 9.1), 307 kicked (section 8.2). */
export function removalCode(removal: RoomRemoval): number {
  return removal.ban === true ? 301 : 307;
}

/** A room's subject (XEP-0045 section 8.1), from the room or the member who set it (then with their occupant id). */
export function subjectMessage(from: string, to: string, subject: string, occupantId?: string): Element {
  return xml("message", { from: safe(from), to, type: "groupchat" }, xml("subject", {}, safe(subject)), ...(occupantId === undefined ? [] : [occupantIdElement(occupantId)]));
}
