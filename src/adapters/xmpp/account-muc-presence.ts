/**
 * What a presence from one of the linked account's MUCs (account-mucs.ts) says of an occupant, read from its
 * XEP-0045 `<x xmlns="http://jabber.org/protocol/muc#user"/>`: the status codes (110 her own, 303 a nick change,
 * 301 a ban...), the item with the role, the new nick and the real JID where the room shows it, and whether the room
 * was destroyed. Pure.
 */
import type { Element } from "ltx";
import type { RoomRole } from "../../core/model/room.js";
import { roleOfItem, type OccupantPresence } from "./muc-occupants.js";
import { NS } from "./stanzas.js";

export interface RoomPresence {
  readonly codes: readonly string[];
  readonly item: Element | undefined;
  readonly role: RoomRole;
  /** Status 110: the presence is of her own occupant. */
  readonly own: boolean;
  /** A `<destroy/>`: the room is gone. */
  readonly destroyed: boolean;
  /** The item's new nick (status 303) and real JID, as muc-occupants.ts takes them. */
  readonly given: Pick<OccupantPresence, "newNick" | "realJid">;
}

export function readRoomPresence(stanza: Element): RoomPresence {
  const x = stanza.getChild("x", NS.mucUser);
  const codes = (x?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
  const item = x?.getChild("item");
  const role = roleOfItem(item?.attrs["affiliation"] as string | undefined, item?.attrs["role"] as string | undefined);
  const { nick: newNick, jid: realJid } = (item?.attrs ?? {}) as { nick?: unknown; jid?: unknown }; // the real JID: moderators, or all in a non-anonymous room, see it
  const given = { ...(typeof newNick === "string" ? { newNick } : {}), ...(typeof realJid === "string" ? { realJid } : {}) };
  return { codes, item, role, own: codes.includes("110"), destroyed: x?.getChild("destroy") !== undefined, given };
}
