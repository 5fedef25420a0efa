/**
 * Who is in the bridged channels, in their rooms: JOIN, PART, KICK, QUIT in a bridged channel -> member-joined /
 * member-left of the native room, NICK -> member-changed (a leave and a join where the damper cannot show it as
 * one), a MODE that changes someone's role -> member-changed, unless `membership.relay` is off; leaves held and
 * flapping nicks damped by util/flap-damper.ts, netsplit quits by netsplit-damper.ts; NAMES (at every join of the
 * gateway's connection: at connect, after a reconnect or a kick) -> the joins, leaves and role changes since the
 * room was last told (util/shown-members.ts). QUIT, NICK and extended-join also tell the contact and account
 * watches (contact-watch.ts, account-watch.ts) and the line senders (line-senders.ts) what they concern.
 */
import type { Address } from "../../core/model/address.js";
import type { RoomMember, RoomRemoval, RoomRole } from "../../core/model/room.js";
import type { IrcChannelConfig } from "../../config/config-types.js";
import type { IrcConnection } from "./irc-connection.js";
import type { InboundParts } from "./irc-inbound.js";
import { ircAddress, nativeRoom } from "./irc-addresses.js";
import { ChannelRoster, type ChannelMember } from "./channel-roster.js";
import { roleOfPrefixes, withHigherRole } from "./member-roles.js";
import { MembershipDamper, type Membership } from "../../util/flap-damper.js";
import { ShownMembers } from "../../util/shown-members.js";
import { NetsplitDamper } from "./netsplit-damper.js";

/** How long after a netsplit heal's rejoin its role is looked at: its burst's MODEs come within milliseconds. */
const HEAL_MODES_GRACE_MS = 2000;

function flapKey(channel: string, nick: string): string {
  return `${channel.toLowerCase()} ${nick.toLowerCase()}`;
}

export class ChannelMembership {
  /** Quits held while they may be a netsplit's (netsplit-damper.ts). */
  readonly netsplits: NetsplitDamper;
  private readonly flaps: MembershipDamper;
  /** The KICK being relayed (by channel and nick), for the leave it makes to say who and why. */
  private readonly kicks = new Map<string, RoomRemoval>();
  /** Who is in each bridged channel, so that a QUIT or NICK reaches only the rooms of the channels it concerns. */
  private readonly roster = new ChannelRoster();
  /**
   * Whom each channel's room was told is in the channel (by channel, lower case): kept when the connection is
   * lost or kicked, so that the NAMES of the next join show what changed meanwhile.
   */
  private readonly shown = new ShownMembers<RoomMember>(
    (nick) => nick.toLowerCase(),
    (a, b) => a.role === b.role,
  );
  /** Nicks back from a held netsplit quit: their rejoins are not shown either (cleared with the next hold period). */
  private readonly healed = new Set<string>();
  /** The server's membership prefixes, highest first (ISUPPORT PREFIX), read from the gateway's connection. */
  private prefixOrder: () => string = () => "~&@%+";

  constructor(private readonly parts: InboundParts) {
    const config = parts.config;
    const { leave_hold_seconds: hold, flap_changes: flapChanges, flap_window_seconds: window } = config.membership;
    this.flaps = new MembershipDamper({ leaveHoldMs: hold * 1000, flapChanges, flapWindowMs: window * 1000 }, (channel, nick, event) => this.relayMembership(channel, nick, event));
    const netsplitHoldMs = config.netsplit_hold_seconds * 1000;
    this.netsplits = new NetsplitDamper(netsplitHoldMs);
    if (netsplitHoldMs > 0) setInterval(() => this.healed.clear(), netsplitHoldMs).unref();
  }

  /**
   * The gateway's connection was lost: held quits are moot (everything is watched again on reconnect). What the
   * rooms were shown stays, to be compared with the NAMES of the next joins.
   */
  reset(): void {
    this.roster.clear();
    this.netsplits.clear();
    this.healed.clear();
    this.flaps.clear();
  }

  /**
   * The people in a bridged channel as its room was told (not the gateway's own nicks nor ignored ones; while the
   * gateway is out of the channel, as last known): none where its joins and leaves are not relayed, since the
   * list would not be kept current.
   */
  peopleIn(channelName: string): RoomMember[] {
    const channel = this.relayedChannel(channelName);
    if (!channel) return [];
    return this.shown.list(channel.channel.toLowerCase());
  }

  /** A bridge of the channel ended (its room was told everyone left): nothing of it is shown any more. */
  forgetChannel(channelName: string): void {
    this.shown.forget(channelName.toLowerCase());
  }

  private get network(): string {
    return this.parts.context.account;
  }

  /** The gateway's connection's NAMES, MODEs, JOINs, PARTs, KICKs, QUITs and NICKs. */
  attach(main: IrcConnection): void {
    this.prefixOrder = () => main.server.prefixes;
    const accounts = this.parts.hooks.accounts;
    main.on("names", (event) => {
      this.roster.names(event.channel, event.nicks, event.prefixes);
      this.resync(event.channel);
    });
    main.on("member-mode", (event) => {
      for (const change of event.changes) {
        const member = this.roster.prefixChanged(event.channel, change.nick, change.prefix, change.adding, main.server.prefixes);
        if (member) this.roleChanged(event.channel, member.before, member.after);
      }
    });
    main.on("join", (event) => {
      this.roster.joined(event.channel, event.nick);
      // With extended-join every JOIN says the account ("*", no account, is none); without it a JOIN says nothing.
      if (main.caps.has("extended-join")) accounts.loggedIn(event.nick, event.account);
      // Back from a netsplit whose quit was held: the leave was never shown, so neither is this join.
      if (this.netsplits.returned(event.nick)) this.healed.add(event.nick.toLowerCase());
      // (Unless the room was told they left meanwhile: a NAMES after the gateway's own rejoin showed them gone.)
      if (!this.healed.has(event.nick.toLowerCase())) this.membership(event.channel, event.nick, "joined");
      else if (this.relaysMembership(event.channel, event.nick)) this.relayMembership(event.channel, event.nick, "joined");
      // A netsplit's heal gives back the modes the servers agree on with MODEs right after the JOINs of its burst
      // (ngIRCd: from the healed server): the role is looked at once they are in, so that a heal shows no flapping.
      if (this.healed.has(event.nick.toLowerCase())) setTimeout(() => this.rejoined(event.channel, event.nick), HEAL_MODES_GRACE_MS).unref();
      else this.rejoined(event.channel, event.nick);
    });
    main.on("part", (event) => {
      this.roster.left(event.channel, event.nick, event.nick.toLowerCase() === main.nick.toLowerCase());
      this.membership(event.channel, event.nick, "left");
    });
    main.on("kick", (event) => {
      this.roster.left(event.channel, event.nick, event.nick.toLowerCase() === main.nick.toLowerCase());
      // A kick is no flap: shown at once, as a kick (who and why), where the damper lets it through.
      this.kicks.set(flapKey(event.channel, event.nick), { by: event.by, reason: event.reason });
      this.membership(event.channel, event.nick, "left", true);
      this.kicks.delete(flapKey(event.channel, event.nick));
    });
    main.on("quit", (event) => {
      accounts.gone(event.nick); // at once, netsplit or not: whoever has the nick next is someone to ask about
      this.parts.senders.quit(event.nick);
      // Only the channels the nick was in (channel-roster.ts): a QUIT names none.
      const channels = this.roster.quit(event.nick);
      this.netsplits.quit(event.nick, event.reason, () => {
        this.parts.hooks.watch.gone(event.nick);
        for (const channel of channels) this.membership(channel, event.nick, "left");
      });
    });
    main.on("nick", (event) => {
      accounts.renamed(event.from, event.to);
      this.parts.senders.renamed(event.from, event.to);
      this.parts.hooks.watch.gone(event.from);
      // In the channels the nick is in (channel-roster.ts): a NICK names none.
      for (const channel of this.roster.renamed(event.from, event.to)) this.renamed(channel, event.from, event.to);
      this.parts.hooks.watch.online([event.to]);
    });
  }

  /**
   * A membership change in a channel: relayed (when the network's membership.relay and the channel's membership
   * say so) through the flap damper; at once when `immediate`.
   */
  private membership(channelName: string, nick: string, event: Membership, immediate = false): void {
    const channel = this.relaysMembership(channelName, nick);
    if (channel) this.flaps.change(channel.channel, nick, event, immediate);
  }

  /** The bridged channel, when its joins and leaves are relayed and the nick is someone's (not a bridge's). */
  private relaysMembership(channelName: string, nick: string): IrcChannelConfig | undefined {
    return this.parts.bridges.isBridge(nick) ? undefined : this.relayedChannel(channelName);
  }

  /** The bridged channel, when its joins and leaves are relayed (the network's membership.relay and its own). */
  private relayedChannel(channelName: string): IrcChannelConfig | undefined {
    const channel = this.parts.hooks.channel(channelName);
    return channel && this.parts.config.membership.relay && channel.membership ? channel : undefined;
  }

  /**
   * A nick change in a channel (when its joins and leaves are relayed): one rename, which gateway MUCs show as
   * a nick change (status 303). A leave and a join, at once (a nick change is no flap), where one of the nicks is
   * the gateway's own or ignored, or the damper holds or hid the old nick's last change.
   */
  private renamed(channelName: string, from: string, to: string): void {
    const channel = this.relayedChannel(channelName);
    if (!channel) return;
    // The gateway's own connection taking its nick back (own-nick.ts; its nick is the new one by now): nobody's.
    if (this.parts.hooks.isOwnNick(to) || this.parts.hooks.isOwnNick(from)) return;
    if (this.parts.bridges.isBridge(from) || this.parts.bridges.isBridge(to) || !this.flaps.renamed(channel.channel, from, to)) {
      this.membership(channelName, from, "left", true);
      this.membership(channelName, to, "joined", true);
      return;
    }
    // The roster renamed the nick already: its prefixes, kept, are the role under both nicks.
    const role = roleOfPrefixes(this.roster.member(channel.channel, to)?.prefixes ?? "", this.prefixOrder());
    // In two channels of the room: one rename, told for the first channel the NICK is applied to.
    const before = this.inRoom(channel, from);
    const renamedElsewhere = this.inOtherChannels(channel, to) !== undefined;
    // Never shown under the old nick (a NAMES after a rejoin already showed them gone): shown as a join.
    if (!this.shown.changed(channel.channel.toLowerCase(), from, { address: ircAddress(this.network, to), nick: to, role })) {
      return this.relayMembership(channelName, to, "joined");
    }
    if (renamedElsewhere || !before) return;
    // Their role in the room is the higher of this channel's and that of the others, not renamed yet.
    const shownRole = withHigherRole<{ readonly role: RoomRole }>(before, { role })?.role ?? role;
    this.parts.context.dispatch({
      type: "member-changed",
      room: nativeRoom(channel.room),
      member: { address: ircAddress(this.network, from), nick: from, role: before.role },
      changed: { address: ircAddress(this.network, to), nick: to, role: shownRole },
    });
  }

  /**
   * A MODE gave or took someone's prefix in a channel (when its joins and leaves are relayed): when that changes
   * their role (member-roles.ts: an operator is an admin), the room is told (a MUC shows the new role).
   */
  private roleChanged(channelName: string, before: ChannelMember, after: ChannelMember): void {
    const channel = this.relaysMembership(channelName, after.nick);
    if (!channel) return;
    const was = roleOfPrefixes(before.prefixes, this.prefixOrder());
    const now = roleOfPrefixes(after.prefixes, this.prefixOrder());
    if (was === now) return;
    const address = ircAddress(this.network, after.nick);
    const shownBefore = this.inRoom(channel, after.nick);
    if (!this.shown.changed(channel.channel.toLowerCase(), after.nick, { address, nick: after.nick, role: now })) return; // shown with their role when their join is
    this.showChange(nativeRoom(channel.room), shownBefore, this.inRoom(channel, after.nick));
  }

  /**
   * A JOIN of someone the room still shows in the channel: their leave was held (flap-damper.ts) or their quit
   * was a netsplit's (netsplit-damper.ts), and this rejoin dropped it unseen. A JOIN carries no prefix: whatever
   * op they had is gone on IRC, so the room is told their role as the roster has it now (member, until a MODE or
   * NAMES says otherwise), as a role change; else it would show them an admin for as long as they stay. After a
   * netsplit heal, the servers' MODEs that gave the op back are in the roster by then: nothing changed.
   */
  private rejoined(channelName: string, nick: string): void {
    const channel = this.relaysMembership(channelName, nick);
    if (!channel) return;
    const inChannel = this.roster.member(channel.channel, nick);
    if (!inChannel) return; // gone again (a netsplit heal's grace): their leave tells the room
    const key = channel.channel.toLowerCase();
    const now = this.asRoomMember(inChannel);
    if (this.shown.get(key, nick)?.role === now.role) return;
    const before = this.inRoom(channel, nick);
    if (this.shown.changed(key, nick, now)) this.showChange(nativeRoom(channel.room), before, this.inRoom(channel, nick));
  }

  /** A join or leave the dampers let through: shown in the room, unless it is what the room was told already. */
  private relayMembership(channelName: string, nick: string, event: Membership): void {
    const channel = this.parts.hooks.channel(channelName);
    if (!channel) return;
    const key = channel.channel.toLowerCase();
    const before = this.inRoom(channel, nick);
    const changed = event === "joined" ? this.shown.joined(key, this.roomMember(channel.channel, nick)) : this.shown.left(key, nick) !== undefined;
    if (changed) this.showChange(nativeRoom(channel.room), before, this.inRoom(channel, nick), this.kicks.get(flapKey(channelName, nick)));
  }

  /**
   * What the room shows of someone changed from `before` to `after` (each undefined where it shows them not at all):
   * a join, a leave (`removal`: a kick's who and why) or a new role. Someone in two channels of one bridge is one
   * member of its room, who joins it with the first channel, leaves it with the last, and has the higher of their
   * roles there (inRoom).
   */
  private showChange(room: Address, before: RoomMember | undefined, after: RoomMember | undefined, removal?: RoomRemoval): void {
    if (before === undefined && after !== undefined) this.parts.context.dispatch({ type: "member-joined", room, member: after });
    else if (before !== undefined && after === undefined) this.parts.context.dispatch({ type: "member-left", room, member: before, ...(removal === undefined ? {} : { removal }) });
    else if (before !== undefined && after !== undefined && (before.role !== after.role || before.nick !== after.nick)) {
      this.parts.context.dispatch({ type: "member-changed", room, member: before, changed: after });
    }
  }

  /** Someone of the channel as its room shows them: with the higher role where another channel of the room shows them too. */
  private inRoom(channel: IrcChannelConfig, nick: string): RoomMember | undefined {
    return withHigherRole(this.shown.get(channel.channel.toLowerCase(), nick), this.inOtherChannels(channel, nick));
  }

  /** Someone as the room's other channels (of this network, bridged to the same room) show them, the highest role first. */
  private inOtherChannels(channel: IrcChannelConfig, nick: string): RoomMember | undefined {
    const room = channel.room.toLowerCase();
    const name = channel.channel.toLowerCase();
    let shown: RoomMember | undefined;
    for (const other of this.parts.hooks.channels()) {
      if (other.room.toLowerCase() !== room || other.channel.toLowerCase() === name) continue;
      shown = withHigherRole(shown, this.shown.get(other.channel.toLowerCase(), nick));
    }
    return shown;
  }

  /** Someone in a channel as a member of its room, with the role their prefixes give (member when not known). */
  private roomMember(channelName: string, nick: string): RoomMember {
    return this.asRoomMember(this.roster.member(channelName, nick) ?? { nick, prefixes: "" });
  }

  private asRoomMember(member: ChannelMember): RoomMember {
    return { address: ircAddress(this.network, member.nick), nick: member.nick, role: roleOfPrefixes(member.prefixes, this.prefixOrder()) };
  }

  /**
   * The channel's NAMES came (the gateway's connection joined it: at connect, after a reconnect, after a kick): the
   * room is told who came, who left and whose role changed since it was last told; the first time, everyone is
   * a join. Where joins and leaves are not relayed, nothing.
   */
  private resync(channelName: string): void {
    const channel = this.relayedChannel(channelName);
    if (!channel) return;
    const people = this.roster
      .membersIn(channel.channel)
      .filter((member) => !this.parts.bridges.isBridge(member.nick))
      .map((member) => this.asRoomMember(member));
    const { joined, left, changed } = this.shown.resync(channel.channel.toLowerCase(), people);
    // The list is what the room shows now: changes held from before are moot, and the next ones are taken against it.
    this.flaps.forgetChannel(channel.channel);
    const room = nativeRoom(channel.room);
    const elsewhere = (nick: string): RoomMember | undefined => this.inOtherChannels(channel, nick);
    for (const member of left) this.showChange(room, withHigherRole(member, elsewhere(member.nick)), elsewhere(member.nick));
    for (const member of joined) this.showChange(room, elsewhere(member.nick), withHigherRole(member, elsewhere(member.nick)));
    for (const { before, after } of changed) this.showChange(room, withHigherRole(before, elsewhere(before.nick)), withHigherRole(after, elsewhere(after.nick)));
    if (left.length + joined.length + changed.length > 0) {
      this.parts.context.log.debug({ channel: channel.channel, joined: joined.length, left: left.length, changed: changed.length }, "bridged channel's members as NAMES listed them");
    }
  }
}
