/**
 * Who is in the MUCs a bridge bot has joined, as its presence stanzas tell (XEP-0045 sections 7.2.2-7.2.3, 7.6,
 * 9.7), and which of their changes are joins and leaves worth relaying. The occupants a MUC lists when the bot
 * joins (before the bot's own self-presence, status 110) are the room as it was: they are recorded, not relayed.
 * After that a presence from a new nick is a join, an unavailable one a leave; a presence from a known occupant
 * only changes their status, or their role (an affiliation or role the MUC gave or took, section 9). A nick change
 * (unavailable with status 303 and the new nick) is one change, a rename, announced by that presence; the new
 * nick's presence that follows is its second half, not a join.
 */
import type { RoomRole } from "../../core/model/room.js";

export type OccupantChange =
  /** The bot's own self-presence ended its join's list: the occupants are the MUC's now. */
  | { readonly event: "listed" }
  | { readonly event: "joined" | "left"; readonly nick: string }
  | { readonly event: "renamed"; readonly nick: string; readonly newNick: string; readonly role: RoomRole }
  | { readonly event: "role"; readonly nick: string; readonly previous: RoomRole; readonly role: RoomRole };

/**
 * An occupant's affiliation and role (XEP-0045 section 5) as a room role: the MUC's owners and admins are the room's,
 * its other moderators moderators, everyone else a member (the inverse of the gateway's own MUCs).
 */
export function roleOfItem(affiliation: string | undefined, role: string | undefined): RoomRole {
  if (affiliation === "owner") return "owner";
  if (affiliation === "admin") return "admin";
  return role === "moderator" ? "moderator" : "member";
}

export interface OccupantPresence {
  readonly nick: string;
  readonly available: boolean;
  /** The MUC status codes of the presence (110 self, 303 nick change...). */
  readonly codes: readonly string[];
  /** With status 303: the occupant's new nick. */
  readonly newNick?: string;
  /** Their role in the room, from the presence's item (roleOfItem); member when not given. */
  readonly role?: RoomRole;
}

interface RoomState {
  /** True once the bot's own self-presence arrived: the initial list is complete. */
  listed: boolean;
  /** Nick -> role. */
  readonly nicks: Map<string, RoomRole>;
  /** New nicks announced by a 303, whose available presence is the second half of the change. */
  readonly renamed: Set<string>;
}

export class MucOccupants {
  private readonly rooms = new Map<string, RoomState>();

  /** The bot joins (again): the MUC's list is rebuilt from the presences that follow. */
  joining(muc: string): void {
    this.rooms.set(muc.toLowerCase(), { listed: false, nicks: new Map(), renamed: new Set() });
  }

  /** The bot left, or its connection is gone. */
  forget(muc?: string): void {
    if (muc === undefined) this.rooms.clear();
    else this.rooms.delete(muc.toLowerCase());
  }

  /** The occupants of a MUC now, with their roles (the bot's own presence is not recorded; none for a MUC the bot is not in). */
  occupantsOf(muc: string): { readonly nick: string; readonly role: RoomRole }[] {
    return [...(this.rooms.get(muc.toLowerCase())?.nicks ?? [])].map(([nick, role]) => ({ nick, role }));
  }

  /** The nicks in a MUC now. */
  nicksIn(muc: string): string[] {
    return this.occupantsOf(muc).map((occupant) => occupant.nick);
  }

  /** A presence from `muc/nick`; `own` when it is the bot's own occupant. */
  presence(muc: string, presence: OccupantPresence, own: boolean): OccupantChange[] {
    const room = this.rooms.get(muc.toLowerCase());
    if (!room) return [];
    if (own) {
      if (room.listed || !presence.available || !presence.codes.includes("110")) return [];
      room.listed = true;
      return [{ event: "listed" }];
    }
    const { nick } = presence;
    if (!presence.available) {
      const role = room.nicks.get(nick);
      room.nicks.delete(nick);
      if (!room.listed || role === undefined) return [];
      const newNick = presence.codes.includes("303") ? presence.newNick : undefined;
      if (newNick === undefined || newNick === "") return [{ event: "left", nick }];
      room.renamed.add(newNick);
      return [{ event: "renamed", nick, newNick, role }];
    }
    const role = presence.role ?? "member";
    const previous = room.nicks.get(nick);
    room.nicks.set(nick, role);
    if (previous !== undefined) return room.listed && previous !== role ? [{ event: "role", nick, previous, role }] : [];
    if (!room.listed || room.renamed.delete(nick)) return [];
    return [{ event: "joined", nick }];
  }
}
