/**
 * Who is in the MUCs a bridge bot has joined, as its presence stanzas tell (XEP-0045 sections 7.2.2-7.2.3, 7.6,
 * 9.7), and which of their changes are joins and leaves worth relaying. The occupants a MUC lists when the bot
 * joins (before the bot's own self-presence, status 110) are the room as it was: they are recorded, not relayed.
 * After that a presence from a new nick is a join, an unavailable one a leave; a presence from a known occupant
 * only changes their status. A nick change (unavailable with status 303 and the new nick) is one change, a
 * rename, announced by that presence; the new nick's presence that follows is its second half, not a join.
 */

export type OccupantChange =
  | { readonly event: "joined" | "left"; readonly nick: string }
  | { readonly event: "renamed"; readonly nick: string; readonly newNick: string };

export interface OccupantPresence {
  readonly nick: string;
  readonly available: boolean;
  /** The MUC status codes of the presence (110 self, 303 nick change...). */
  readonly codes: readonly string[];
  /** With status 303: the occupant's new nick. */
  readonly newNick?: string;
}

interface RoomState {
  /** True once the bot's own self-presence arrived: the initial list is complete. */
  listed: boolean;
  readonly nicks: Set<string>;
  /** New nicks announced by a 303, whose available presence is the second half of the change. */
  readonly renamed: Set<string>;
}

export class MucOccupants {
  private readonly rooms = new Map<string, RoomState>();

  /** The bot joins (again): the MUC's list is rebuilt from the presences that follow. */
  joining(muc: string): void {
    this.rooms.set(muc.toLowerCase(), { listed: false, nicks: new Set(), renamed: new Set() });
  }

  /** The bot left, or its connection is gone. */
  forget(muc?: string): void {
    if (muc === undefined) this.rooms.clear();
    else this.rooms.delete(muc.toLowerCase());
  }

  /** The nicks in a MUC now (the bot's own presence is not recorded; none for a MUC the bot is not in). */
  nicksIn(muc: string): string[] {
    return [...(this.rooms.get(muc.toLowerCase())?.nicks ?? [])];
  }

  /** A presence from `muc/nick`; `own` when it is the bot's own occupant. */
  presence(muc: string, presence: OccupantPresence, own: boolean): OccupantChange[] {
    const room = this.rooms.get(muc.toLowerCase());
    if (!room) return [];
    if (own) {
      if (presence.available && presence.codes.includes("110")) room.listed = true;
      return [];
    }
    const { nick } = presence;
    if (!presence.available) {
      const known = room.nicks.delete(nick);
      if (!room.listed || !known) return [];
      const newNick = presence.codes.includes("303") ? presence.newNick : undefined;
      if (newNick === undefined || newNick === "") return [{ event: "left", nick }];
      room.renamed.add(newNick);
      return [{ event: "renamed", nick, newNick }];
    }
    if (room.nicks.has(nick)) return [];
    room.nicks.add(nick);
    if (!room.listed || room.renamed.delete(nick)) return [];
    return [{ event: "joined", nick }];
  }
}
