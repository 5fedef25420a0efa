/**
 * The occupants of the MUCs a linked account is in for its owner (account-mucs.ts), as her sessions are shown them:
 * the room's bridged people, `xmpp://u.alice/room@conference.example.org/<nick>`. Presences (muc-occupants.ts) become
 * `member-joined`, `member-left` and `member-changed` (a rename, a role); a join's list, once complete, is compared
 * with what she was shown before (a rejoin after a reconnect or a restart), which tells who came, left and changed
 * meanwhile. Her own occupant is not among them: account-mucs.ts shows her.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { makeAddress, type Address } from "../../core/model/address.js";
import type { RoomMember, RoomRole } from "../../core/model/room.js";
import { ShownMembers, type MembersResync } from "../../util/shown-members.js";
import { MucOccupants, type OccupantIdentity, type OccupantPresence } from "./muc-occupants.js";

export class AccountMucOccupants {
  private readonly occupants = new MucOccupants();
  /** Whom her view was told is in each room: a rejoin's list then shows who came and went meanwhile. */
  private readonly shown = new ShownMembers<RoomMember>(
    (nick) => nick,
    (a, b) => a.role === b.role,
  );

  constructor(private readonly context: AdapterContext) {}

  roomAddress(muc: string): Address {
    return makeAddress("xmpp", this.context.account, muc);
  }

  occupantAddress(muc: string, nick: string): Address {
    return makeAddress("xmpp", this.context.account, `${muc}/${nick}`);
  }

  /** The account joins (again): the room's list is rebuilt from the presences that follow. */
  joining(muc: string): void {
    this.occupants.joining(muc);
  }

  /** The occupants as shown to her. */
  list(muc: string): RoomMember[] {
    return this.shown.list(muc);
  }

  /** An occupant's presence (`own`: hers) is shown as a change; true when it was her self-presence that completes the join's list. */
  presence(muc: string, presence: OccupantPresence, own: boolean): boolean {
    let listed = false;
    for (const change of this.occupants.presence(muc, presence, own)) {
      if (change.event === "listed") listed = true;
      else if (change.event === "renamed") this.showChange(muc, change.nick, change.newNick, change.role);
      else if (change.event === "role") this.showChange(muc, change.nick, change.nick, change.role);
      else if (change.event === "joined") this.showJoin(muc, presence.nick, presence.role ?? "member");
      else this.showLeave(muc, presence.nick);
    }
    return listed;
  }

  /** The occupant under `nick` now, with their real JID where the room shows it to her; undefined for nobody there. */
  identify(muc: string, nick: string): OccupantIdentity | undefined {
    return this.occupants.identify(muc, nick);
  }

  /** The join's list is complete: who came, left and changed since she was last shown the room (all of them the first time). */
  resync(muc: string): MembersResync<RoomMember> {
    const people = this.occupants.occupantsOf(muc).map((occupant) => this.member(muc, occupant.nick, occupant.role));
    return this.shown.resync(muc, people);
  }

  /** She is out of `muc`, or of every room (`muc` undefined: the connection is gone, but what she was shown is kept). */
  forget(muc?: string): void {
    this.occupants.forget(muc);
    if (muc !== undefined) this.shown.forget(muc);
  }

  private showJoin(muc: string, nick: string, role: RoomRole): void {
    const member = this.member(muc, nick, role);
    if (this.shown.joined(muc, member)) this.context.dispatch({ type: "member-joined", room: this.roomAddress(muc), member });
  }

  private showLeave(muc: string, nick: string): void {
    const member = this.shown.left(muc, nick);
    if (member) this.context.dispatch({ type: "member-left", room: this.roomAddress(muc), member });
  }

  private showChange(muc: string, nick: string, newNick: string, role: RoomRole): void {
    const before = this.shown.get(muc, nick);
    const after = this.member(muc, newNick, role);
    if (before && this.shown.changed(muc, nick, after)) this.context.dispatch({ type: "member-changed", room: this.roomAddress(muc), member: before, changed: after });
  }

  private member(muc: string, nick: string, role: RoomRole): RoomMember {
    return { address: this.occupantAddress(muc, nick), nick, role };
  }
}

/** The room (bare JID, lower case) and the occupant's nick (all of the resource; "" for the room itself). */
export function occupantOf(jid: string): { muc: string; nick: string } {
  const slash = jid.indexOf("/");
  return slash < 0 ? { muc: jid.toLowerCase(), nick: "" } : { muc: jid.slice(0, slash).toLowerCase(), nick: jid.slice(slash + 1) };
}
