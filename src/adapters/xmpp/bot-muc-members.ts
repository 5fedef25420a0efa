/**
 * The occupants of a bridge bot's MUCs as members of their native rooms (bot-adapter.ts): each occupant presence in
 * a bridged MUC is read (the bot's own, someone joining, leaving, renamed, their role changed) and relayed to the
 * native room as a member joining, leaving or changing (the bot's membership.relay and the room's membership),
 * through the flap damper (util/flap-damper.ts); what the room was shown is kept (util/shown-members.ts), so that a
 * rejoin's occupant list shows who came and left meanwhile, and an occupant's rejoin the damper hid shows the role
 * they came back with.
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { makeAddress } from "../../core/model/address.js";
import type { RoomMember, RoomRole } from "../../core/model/room.js";
import type { XmppBotConfig, XmppBotRoomConfig } from "../../config/config-types.js";
import { ShownMembers } from "../../util/shown-members.js";
import { MembershipDamper } from "../../util/flap-damper.js";
import { roleOfItem, type MucOccupants } from "./muc-occupants.js";
import { bridgedRoom } from "./bot-addresses.js";
import { NS } from "./stanzas.js";

/** What the members' relay needs of its bot. */
export interface MembersBot {
  online(): boolean;
  /** The bridged MUC of a bare JID, in any case. */
  roomOf(muc: string): XmppBotRoomConfig | undefined;
  /** The bot's own occupant left the MUC (its unavailable presence): asked to, kicked, banned, the MUC destroyed. */
  ownOccupantLeft(room: XmppBotRoomConfig, codes: readonly string[], x: Element | undefined): void;
  /** The MUC listed its occupants (the bot's join is complete). */
  listed(muc: string): void;
}

export class BotMucMembers {
  private readonly membership: MembershipDamper;
  /**
   * Whom each bridged MUC's room was told is in the MUC (by MUC, lower case): kept when the bot loses the MUC,
   * so that the occupant list of its next join shows what changed meanwhile.
   */
  private readonly shown = new ShownMembers<RoomMember>(
    (nick) => nick,
    (a, b) => a.role === b.role,
  );

  constructor(
    private readonly config: XmppBotConfig,
    private readonly context: AdapterContext,
    private readonly occupants: MucOccupants,
    private readonly bot: MembersBot,
  ) {
    const { leave_hold_seconds: hold, flap_changes: flapChanges, flap_window_seconds: window } = config.membership;
    this.membership = new MembershipDamper({ leaveHoldMs: hold * 1000, flapChanges, flapWindowMs: window * 1000 }, (muc, nick, event) =>
      this.relayMembership(muc, nick, event),
    );
  }

  /**
   * An occupant's presence in a bridged MUC: the bot's own (kicked?), or someone joining or leaving, relayed to
   * the native room as a member joining or leaving (the bot's membership.relay and the room's membership),
   * through the flap damper.
   */
  presence(stanza: Element): void {
    const from = String(stanza.attrs["from"] ?? "");
    const slash = from.indexOf("/");
    const type = stanza.attrs["type"];
    if (slash < 0 || (type !== undefined && type !== "unavailable")) return;
    const muc = from.slice(0, slash);
    const nick = from.slice(slash + 1);
    const room = this.bot.roomOf(muc);
    if (!room || nick === "") return;
    const x = stanza.getChild("x", NS.mucUser);
    const codes = (x?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
    const own = nick === room.nick || codes.includes("110");
    if (nick === room.nick && type === "unavailable") this.bot.ownOccupantLeft(room, codes, x);
    const item = x?.getChild("item");
    const newNick = item?.attrs["nick"];
    const realJid = item?.attrs["jid"];
    const role = roleOfItem(item?.attrs["affiliation"] as string | undefined, item?.attrs["role"] as string | undefined);
    const changes = this.occupants.presence(
      muc,
      { nick, available: type === undefined, codes, role, ...(typeof newNick === "string" ? { newNick } : {}), ...(typeof realJid === "string" ? { realJid } : {}) },
      own,
    );
    if (changes.some((change) => change.event === "listed")) this.bot.listed(muc);
    if (!this.config.membership.relay || !room.membership) return;
    for (const change of changes) {
      if (change.event === "listed") this.resync(room);
      else if (change.event === "renamed") this.renamed(room, change.nick, change.newNick, change.role);
      else if (change.event === "role") this.roleChanged(room, change.nick, change.previous, change.role);
      else {
        this.membership.change(room.muc, change.nick, change.event);
        if (change.event === "joined") this.rejoined(room, change.nick);
      }
    }
  }

  /** The members the MUC's room was told of (the MUC lower case), as last known. */
  shownIn(muc: string): readonly RoomMember[] {
    return this.shown.list(muc);
  }

  /** A runtime bridge ended: what its room was shown is forgotten (the MUC lower case). */
  unbridged(muc: string): void {
    this.shown.forget(muc);
  }

  /** Banned from a MUC, or it was destroyed: the room no longer shows its people. */
  lost(room: XmppBotRoomConfig): void {
    const key = room.muc.toLowerCase();
    const hub = bridgedRoom(room);
    for (const member of this.shown.list(key)) this.context.dispatch({ type: "member-left", room: hub, member });
    this.shown.forget(key);
    this.membership.forgetChannel(room.muc);
  }

  /** The connection is gone: changes held by the damper are moot. */
  clear(): void {
    this.membership.clear();
  }

  /** An occupant made or unmade a moderator, admin or owner of the MUC (XEP-0045 section 9): the room is told. */
  private roleChanged(room: XmppBotRoomConfig, nick: string, previous: RoomRole, role: RoomRole): void {
    if (!this.bot.online()) return;
    // Not shown yet (a flapping occupant's join held): shown with their role when their join is.
    if (!this.shown.changed(room.muc.toLowerCase(), nick, this.occupantMember(room.muc, nick, role))) return;
    this.context.dispatch({ type: "member-changed", room: bridgedRoom(room), member: this.occupantMember(room.muc, nick, previous), changed: this.occupantMember(room.muc, nick, role) });
  }

  /**
   * A join of someone the room still shows in the MUC: their leave was held (flap-damper.ts) and this join dropped
   * it unseen. They may be back with another role (a moderator role given for a session is gone with it, XEP-0045
   * section 5.1), so the room is told their role now where it differs, as one role change; else it would go on
   * showing them a moderator for as long as they stay.
   */
  private rejoined(room: XmppBotRoomConfig, nick: string): void {
    if (!this.bot.online()) return;
    const key = room.muc.toLowerCase();
    const shown = this.shown.get(key, nick);
    const role = this.occupants.occupantsOf(room.muc).find((occupant) => occupant.nick === nick)?.role;
    if (shown === undefined || role === undefined || shown.role === role) return;
    this.roleChanged(room, nick, shown.role, role);
  }

  /**
   * An occupant's nick change (status 303): one rename of the native room's member, unless the damper holds or
   * hid the old nick's last change; then a leave and a join, at once (a nick change is no flap).
   */
  private renamed(room: XmppBotRoomConfig, nick: string, newNick: string, role: RoomRole): void {
    if (!this.membership.renamed(room.muc, nick, newNick)) {
      this.membership.change(room.muc, nick, "left", true);
      this.membership.change(room.muc, newNick, "joined", true);
      return;
    }
    if (!this.bot.online()) return;
    // Never shown under the old nick (the list of a rejoin already showed them gone): shown as a join.
    if (!this.shown.changed(room.muc.toLowerCase(), nick, this.occupantMember(room.muc, newNick, role))) return this.relayMembership(room.muc, newNick, "joined");
    this.context.dispatch({ type: "member-changed", room: bridgedRoom(room), member: this.occupantMember(room.muc, nick, role), changed: this.occupantMember(room.muc, newNick, role) });
  }

  /** A join or leave the damper lets through: the native room's members hear of it, unless they were told already. */
  private relayMembership(muc: string, nick: string, event: "joined" | "left"): void {
    const room = this.bot.roomOf(muc);
    if (!room || !this.bot.online()) return;
    const key = muc.toLowerCase();
    if (event === "joined") {
      const role = this.occupants.occupantsOf(muc).find((occupant) => occupant.nick === nick)?.role;
      const member = this.occupantMember(muc, nick, role);
      if (this.shown.joined(key, member)) this.context.dispatch({ type: "member-joined", room: bridgedRoom(room), member });
      return;
    }
    const shown = this.shown.left(key, nick);
    if (shown) this.context.dispatch({ type: "member-left", room: bridgedRoom(room), member: shown });
  }

  /**
   * The bot's join of a MUC is complete (its self-presence, after the occupant list): the room is told who came,
   * who left and whose role changed since it was last told; the first time, everyone is a join.
   */
  private resync(room: XmppBotRoomConfig): void {
    if (!this.bot.online()) return;
    const people = this.occupants
      .occupantsOf(room.muc)
      .filter((occupant) => occupant.nick !== room.nick)
      .map((occupant) => this.occupantMember(room.muc, occupant.nick, occupant.role));
    const { joined, left, changed } = this.shown.resync(room.muc.toLowerCase(), people);
    // The list is what the room shows now: changes held from before are moot, and the next ones are taken against it.
    this.membership.forgetChannel(room.muc);
    const hub = bridgedRoom(room);
    for (const member of left) this.context.dispatch({ type: "member-left", room: hub, member });
    for (const member of joined) this.context.dispatch({ type: "member-joined", room: hub, member });
    for (const { before, after } of changed) this.context.dispatch({ type: "member-changed", room: hub, member: before, changed: after });
  }

  /** An occupant of a bridged MUC as a member of the native room: its address is the MUC's occupant JID. */
  private occupantMember(muc: string, nick: string, role: RoomRole = "member"): RoomMember {
    return { address: makeAddress("xmpp", this.context.account, `${muc.toLowerCase()}/${nick}`), nick, role };
  }
}
