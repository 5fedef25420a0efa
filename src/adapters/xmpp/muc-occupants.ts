/**
 * Who is in the MUCs a bridge bot has joined, as its presence stanzas tell (XEP-0045 sections 7.2.2-7.2.3, 7.6,
 * 9.7), and which of their changes are joins and leaves worth relaying. The occupants a MUC lists when the bot
 * joins (before the bot's own self-presence, status 110) are the room as it was: they are recorded, not relayed.
 * After that a presence from a new nick is a join, an unavailable one a leave; a presence from a known occupant
 * only changes their status, or their role (an affiliation or role the MUC gave or took, section 9). A nick change
 * (unavailable with status 303 and the new nick) is one change, a rename, announced by that presence; the new
 * nick's presence that follows is its second half, not a join, but when it carries another role than the old nick's
 * had (the MUC changed it meanwhile, or takes the change as the moment to) that is a role change after the rename.
 *
 * It also tells occupants apart, for the failure reports a bot sends one of them privately (bot-failure-reports.ts): a nick
 * names whoever holds it now, and after a leave someone else may take it. Each occupant gets a serial when they
 * come (kept through a nick change, new at each of the bot's joins) and, where the MUC reveals it (a non-anonymous
 * room, or the bot a moderator: XEP-0045 section 7.2.3, the item's jid), their real bare JID.
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
  /** Their real JID, when the MUC reveals it (the item's jid). */
  readonly realJid?: string;
}

/** One occupant as the bot can tell them apart from whoever holds their nick later. */
export interface OccupantIdentity {
  readonly nick: string;
  /** Given when they came into the MUC's list, kept through their nick changes; never given twice. */
  readonly serial: number;
  /** Their real bare JID, lower case, when the MUC revealed it. */
  readonly realJid?: string;
  /** The XEP-0421 occupant id of their line, where the MUC gives them (bot-muc-lines.ts adds it). */
  readonly occupantId?: string;
}

interface OccupantState {
  role: RoomRole;
  readonly serial: number;
  realJid?: string;
}

interface RoomState {
  /** True once the bot's own self-presence arrived: the initial list is complete. */
  listed: boolean;
  /** Nick -> who holds it. */
  readonly nicks: Map<string, OccupantState>;
  /** New nicks announced by a 303, whose available presence is the second half of the change: the occupant who takes them. */
  readonly renamed: Map<string, OccupantState>;
}

/** A real JID as the bot compares them: bare, lower case (a person's resources are one person). */
function bareJid(jid: string): string {
  return (jid.split("/")[0] ?? jid).toLowerCase();
}

export class MucOccupants {
  private readonly rooms = new Map<string, RoomState>();
  private serials = 0;

  /** The bot joins (again): the MUC's list is rebuilt from the presences that follow. */
  joining(muc: string): void {
    this.rooms.set(muc.toLowerCase(), { listed: false, nicks: new Map(), renamed: new Map() });
  }

  /** Whether the bot is in the MUC and has its list: "joining" while the list comes, undefined when it is not in it. */
  state(muc: string): "listed" | "joining" | undefined {
    const room = this.rooms.get(muc.toLowerCase());
    if (!room) return undefined;
    return room.listed ? "listed" : "joining";
  }

  /** Who holds `nick` in the MUC now; undefined when nobody does (as far as the bot knows). */
  identify(muc: string, nick: string): OccupantIdentity | undefined {
    const state = this.rooms.get(muc.toLowerCase())?.nicks.get(nick);
    if (!state) return undefined;
    return { nick, serial: state.serial, ...(state.realJid === undefined ? {} : { realJid: state.realJid }) };
  }

  /**
   * The nick under which `occupant` (identified earlier) is in the MUC now: the same occupant (their serial, under
   * any nick they changed to), else someone with the same real JID (they left and came back, or the bot rejoined
   * meanwhile), their old nick first; undefined when they are not in it, or the bot cannot tell. Never whoever
   * merely took their nick.
   */
  nickOf(muc: string, occupant: OccupantIdentity): string | undefined {
    const room = this.rooms.get(muc.toLowerCase());
    if (!room) return undefined;
    for (const [nick, state] of room.nicks) if (state.serial === occupant.serial) return nick;
    const realJid = occupant.realJid;
    if (realJid === undefined) return undefined;
    if (room.nicks.get(occupant.nick)?.realJid === realJid) return occupant.nick;
    for (const [nick, state] of room.nicks) if (state.realJid === realJid) return nick;
    return undefined;
  }

  /** The bot left, or its connection is gone. */
  forget(muc?: string): void {
    if (muc === undefined) this.rooms.clear();
    else this.rooms.delete(muc.toLowerCase());
  }

  /** The occupants of a MUC now, with their roles (the bot's own presence is not recorded; none for a MUC the bot is not in). */
  occupantsOf(muc: string): { readonly nick: string; readonly role: RoomRole }[] {
    return [...(this.rooms.get(muc.toLowerCase())?.nicks ?? [])].map(([nick, state]) => ({ nick, role: state.role }));
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
      const state = room.nicks.get(nick);
      room.nicks.delete(nick);
      if (!room.listed || state === undefined) return [];
      const newNick = presence.codes.includes("303") ? presence.newNick : undefined;
      if (newNick === undefined || newNick === "") return [{ event: "left", nick }];
      room.renamed.set(newNick, state);
      return [{ event: "renamed", nick, newNick, role: state.role }];
    }
    const role = presence.role ?? "member";
    const realJid = presence.realJid === undefined || presence.realJid === "" ? undefined : bareJid(presence.realJid);
    const known = room.nicks.get(nick);
    if (known !== undefined) {
      const previous = known.role;
      known.role = role;
      if (realJid !== undefined) known.realJid = realJid;
      return room.listed && previous !== role ? [{ event: "role", nick, previous, role }] : [];
    }
    // The second half of a nick change is the same occupant; anyone else taking a nick is someone new.
    const renamedFrom = room.renamed.get(nick);
    room.renamed.delete(nick);
    const serial = renamedFrom?.serial ?? ++this.serials;
    const knownJid = realJid ?? renamedFrom?.realJid;
    room.nicks.set(nick, { role, serial, ...(knownJid === undefined ? {} : { realJid: knownJid }) });
    if (!room.listed) return [];
    if (renamedFrom === undefined) return [{ event: "joined", nick }];
    return renamedFrom.role === role ? [] : [{ event: "role", nick, previous: renamedFrom.role, role }];
  }
}
