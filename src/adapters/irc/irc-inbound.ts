/**
 * What IRC says, in the core model. From the gateway's own connection (the listener):
 *   PRIVMSG/NOTICE/ACTION in a bridged channel -> a room message of the bridged native room, from
 *     irc://<network>/<nick> under the nick (formatting codes stripped); lines from the gateway's own nicks
 *     (the listener, puppets) are its own echo and ignored;
 *   a query to the listener -> a NOTICE explaining how to reach people;
 *   JOIN, PART, QUIT, KICK in a bridged channel -> member-joined / member-left of the native room, NICK ->
 *     member-changed (a leave and a join where the damper cannot show it as one), unless `membership.relay`
 *     is off; leaves held and flapping nicks damped by util/flap-damper.ts, netsplit quits by netsplit-damper.ts;
 *     NAMES (at every join of the gateway's connection: at connect, after a reconnect or a kick) -> the joins,
 *     leaves and role changes since the room was last told (util/shown-members.ts);
 *   TOPIC (and RPL_TOPIC at join) -> the room's subject;
 *   away-notify, MONITOR, ISON, WHO -> contacts' presence (contact-watch.ts);
 *   account-notify, extended-join, WHOIS 330/318, and MONITOR, ISON, QUIT, NICK -> the services accounts of
 *     watched nicks (account-watch.ts);
 *   error numerics -> the adapter (JOIN and TOPIC refusals; a refused message line fails on its own connection: irc-confirmer.ts).
 * From a puppet: a query to it -> a direct message to its person; a KICK of it -> it rejoins on demand.
 * CTCP VERSION, PING, TIME and CLIENTINFO queries are answered; other CTCP is ignored.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import { addressKey, type Address } from "../../core/model/address.js";
import type { MessageKind } from "../../core/model/message.js";
import type { RoomMember, RoomRemoval, RoomRole } from "../../core/model/room.js";
import type { IrcChannelConfig, IrcNetworkConfig } from "../../config/config-types.js";
import type { AccountWatch } from "./account-watch.js";
import type { ContactWatch } from "./contact-watch.js";
import { ctcpReply, type CtcpQueryCommand } from "./ctcp.js";
import { stripFormatting } from "./formatting.js";
import type { IrcConnection, IrcMessageEvent } from "./irc-connection.js";
import { ircAddress, nativeRoom } from "./irc-addresses.js";
import { failureFromNumeric } from "./numerics.js";
import { ChannelRoster, type ChannelMember } from "./channel-roster.js";
import { roleOfPrefixes, withHigherRole } from "./member-roles.js";
import { oneLineText } from "./outgoing-text.js";
import { MembershipDamper, type Membership } from "../../util/flap-damper.js";
import { ShownMembers } from "../../util/shown-members.js";
import { wildcardPattern } from "../../util/wildcard.js";
import { NetsplitDamper } from "./netsplit-damper.js";
import { OrderedSubmitter } from "./ordered-submit.js";
import type { Puppet } from "./puppet-pool.js";
import { LineSenders } from "./line-senders.js";

const VERSION = "Switchboard gateway";

export interface InboundHooks {
  isOwnNick(nick: string): boolean;
  channel(name: string): IrcChannelConfig | undefined;
  /** Every bridged channel now (configured and added at runtime). */
  channels(): readonly IrcChannelConfig[];
  readonly watch: ContactWatch;
  readonly accounts: AccountWatch;
  /** An error numeric about `target`; `operations` says which requests can draw it (numerics.ts). */
  /** An error numeric naming a target; `own` when it came on the gateway's own connection (not a puppet's). */
  failure(target: string, error: GatewayError, operations: readonly string[], own: boolean): void;
  mainNick(): string;
  /** The answer (NOTICE lines) to a command in a query to the gateway's nick, or undefined when it is none. */
  gatewayCommand?(nick: string, text: string): string[] | undefined;
}

/**
 * A `*`/`?` pattern, or a nick template ("{name}[sb]"), as an anchored ASCII case-insensitive regular
 * expression. A template's nicks may carry the suffix of a resolved collision ("alice[sb]_", "alice[sb]_2").
 */
export function nickPattern(pattern: string, template = false): RegExp {
  if (!template) return wildcardPattern(pattern);
  let source = "";
  for (const part of pattern.split(/(\{name\}|\{network\})/)) {
    if (part === "{name}" || part === "{network}") source += ".+";
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}(?:_\\d*)?$`, "i");
}

function flapKey(channel: string, nick: string): string {
  return `${channel.toLowerCase()} ${nick.toLowerCase()}`;
}

function coreKind(kind: IrcMessageEvent["kind"]): MessageKind {
  return kind === "privmsg" ? "text" : kind;
}

export class IrcInbound {
  private readonly submitter: OrderedSubmitter;
  private readonly damper: NetsplitDamper;
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
  /** Other bridges' nicks (ignore_nicks) and anyone's puppets made from our template: never relayed (no loops). */
  private readonly ignored: readonly RegExp[];
  /** Nicks told once that their lines are not relayed because they look like puppets (ASCII lower case). */
  private readonly toldLookalikes = new Set<string>();
  /** The server's membership prefixes, highest first (ISUPPORT PREFIX), read from the gateway's connection. */
  private prefixOrder: () => string = () => "~&@%+";
  /** Who said each recent line taken from IRC: its failure report is for them, not for their nick's next holder. */
  readonly senders = new LineSenders();

  constructor(
    private readonly config: IrcNetworkConfig,
    private readonly context: AdapterContext,
    private readonly hooks: InboundHooks,
  ) {
    this.submitter = new OrderedSubmitter((draft, options) => context.submit(draft, options));
    const { leave_hold_seconds: hold, flap_changes: flapChanges, flap_window_seconds: window } = config.membership;
    this.flaps = new MembershipDamper({ leaveHoldMs: hold * 1000, flapChanges, flapWindowMs: window * 1000 }, (channel, nick, event) => this.relayMembership(channel, nick, event));
    this.ignored = [nickPattern(config.puppets.nick_template, true), ...config.ignore_nicks.map((pattern) => nickPattern(pattern))];
    const netsplitHoldMs = config.netsplit_hold_seconds * 1000;
    this.damper = new NetsplitDamper(netsplitHoldMs);
    if (netsplitHoldMs > 0) setInterval(() => this.healed.clear(), netsplitHoldMs).unref();
  }

  /**
   * The gateway's connection was lost: held quits are moot (everything is watched again on reconnect). What the
   * rooms were shown stays, to be compared with the NAMES of the next joins.
   */
  reset(): void {
    this.roster.clear();
    this.damper.clear();
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

  /** Our own nicks, another bridge's bots, and puppets made from our template (ours or another instance's). */
  private isBridge(nick: string): boolean {
    return this.hooks.isOwnNick(nick) || this.ignored.some((pattern) => pattern.test(nick));
  }

  private get network(): string {
    return this.context.account;
  }

  attachMain(main: IrcConnection): void {
    this.prefixOrder = () => main.server.prefixes;
    main.on("message", (event) => this.mainMessage(main, event));
    main.on("ctcp", (event) => this.answerCtcp(main, event.from.nick, event.command, event.args));
    const accounts = this.hooks.accounts;
    main.on("account", (event) => accounts.loggedIn(event.nick, event.account));
    main.on("whois-account", (event) => accounts.whoisAccount(event.nick, event.account));
    main.on("whois-end", (event) => accounts.whoisEnd(event.nick));
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
      if (this.damper.returned(event.nick)) this.healed.add(event.nick.toLowerCase());
      // (Unless the room was told they left meanwhile: a NAMES after the gateway's own rejoin showed them gone.)
      if (!this.healed.has(event.nick.toLowerCase())) this.membership(event.channel, event.nick, "joined");
      else if (this.relaysMembership(event.channel, event.nick)) this.relayMembership(event.channel, event.nick, "joined");
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
      // Only the channels the nick was in (channel-roster.ts): a QUIT names none.
      const channels = this.roster.quit(event.nick);
      this.damper.quit(event.nick, event.reason, () => {
        this.hooks.watch.gone(event.nick);
        for (const channel of channels) this.membership(channel, event.nick, "left");
      });
    });
    main.on("nick", (event) => {
      accounts.renamed(event.from, event.to);
      this.senders.renamed(event.from, event.to);
      this.hooks.watch.gone(event.from);
      // In the channels the nick is in (channel-roster.ts): a NICK names none.
      for (const channel of this.roster.renamed(event.from, event.to)) this.renamed(channel, event.from, event.to);
      this.hooks.watch.online([event.to]);
    });
    main.on("topic", (event) => this.topic(event.channel, event.topic, event.by));
    main.on("away", (event) => this.hooks.watch.away(event.nick, event.message));
    main.on("back", (event) => this.hooks.watch.back(event.nick));
    main.on("who", (event) => this.hooks.watch.whoFlag(event.nick, event.away));
    main.on("monitor", (event) => {
      for (const nick of event.online) this.damper.returned(nick);
      accounts.online(event.online);
      for (const nick of event.offline) accounts.gone(nick);
      this.hooks.watch.online(event.online);
      // A nick whose netsplit quit is held stays as it was until the hold ends.
      this.hooks.watch.offline(event.offline.filter((nick) => !this.damper.isHeld(nick)));
    });
    main.on("ison", (event) => {
      accounts.online(event.online);
      // Seen gone: whoever holds the nick next is asked about (WHOIS) before it counts as its person again.
      for (const nick of this.hooks.watch.isonReply(event.online)) accounts.gone(nick);
    });
    main.on("failure", (event) => this.failure(event.numeric, event.params, true));
  }

  attachPuppet(puppet: Puppet): void {
    const connection = puppet.connection;
    connection.on("message", (event) => {
      if (event.target.toLowerCase() !== connection.nick.toLowerCase() || this.hooks.isOwnNick(event.from.nick)) return;
      if (event.kind === "notice") return; // RFC 2812 section 3.3.2: never answered automatically; often a service's chatter
      this.submitDirect(event, puppet.person, (text) => connection.send("NOTICE", [event.from.nick, oneLineText(text)]));
    });
    connection.on("ctcp", (event) => this.answerCtcp(connection, event.from.nick, event.command, event.args));
    connection.on("kick", (event) => {
      if (event.nick.toLowerCase() !== connection.nick.toLowerCase()) return;
      puppet.channels.delete(event.channel.toLowerCase());
      this.puppetKicked(puppet, event.channel, event.by, event.reason);
    });
    connection.on("failure", (event) => this.failure(event.numeric, event.params, false));
  }

  /**
   * A person's puppet was kicked from a bridged channel: the person is put out of the channel's room, as a kicked
   * IRC user is out of the channel (told on their own network who did it and why), instead of their puppet joining
   * again at their next line. They may join the room again; a ban then keeps their lines out of the channel.
   */
  private puppetKicked(puppet: Puppet, channelName: string, by: string, reason: string): void {
    const channel = this.hooks.channel(channelName);
    if (!channel) return;
    this.context
      .leaveRoom(nativeRoom(channel.room), puppet.person, { by, reason })
      .catch((error: unknown) => this.context.log.info({ err: error, channel: channelName }, "kicked puppet's person not put out of the room"));
  }

  private mainMessage(main: IrcConnection, event: IrcMessageEvent): void {
    const channel = this.hooks.channel(event.target);
    if (this.isBridge(event.from.nick)) {
      if (channel && event.kind !== "notice") this.tellLookalike(main, event.from.nick, channel.channel);
      return;
    }
    if (channel) {
      // A line of formatting codes alone shows nothing on IRC either: not passed on as an empty message.
      if (stripFormatting(event.text) === "") return;
      // Who said it, taken now: by the time a failure is reported, someone else may hold the nick.
      const sender = this.senders.said(event.from, event.tags["account"]);
      void this.submitter
        .offer({
          origin: { protocol: "irc", account: this.network, ...(event.tags["msgid"] === undefined ? {} : { id: event.tags["msgid"] }) },
          scope: "room",
          kind: coreKind(event.kind),
          from: ircAddress(this.network, event.from.nick),
          to: nativeRoom(channel.room),
          // The channel it was said in: never sent back there, and relayed to the room's other channels of this network.
          hops: [addressKey(ircAddress(this.network, channel.channel))],
          senderName: event.from.nick,
          body: stripFormatting(event.text),
        })
        .then((accepted) => sender && this.senders.accepted(accepted.id, sender))
        .catch((error: unknown) => this.context.log.warn({ err: error, channel: event.target }, "IRC channel message not relayed"));
      return;
    }
    if (event.target.toLowerCase() === main.nick.toLowerCase() && event.kind !== "notice") void this.toGateway(main, event);
  }

  /**
   * Someone not of this gateway whose nick fits the puppet template said something in a bridged channel: not
   * relayed (it may be another instance's puppet: no loops), and, in case it is a person, told once why (a NOTICE:
   * never answered, so another instance's puppet lets it be) and logged. Another bridge's nick (ignore_nicks) is
   * expected to be silent here, and told nothing.
   */
  private tellLookalike(main: IrcConnection, nick: string, channel: string): void {
    const key = nick.toLowerCase();
    if (this.hooks.isOwnNick(nick) || this.toldLookalikes.has(key) || !this.ignored[0]?.test(nick) || this.ignored.slice(1).some((pattern) => pattern.test(nick))) return;
    if (this.toldLookalikes.size >= 1000) this.toldLookalikes.clear();
    this.toldLookalikes.add(key);
    this.context.log.info({ nick, channel, template: this.config.puppets.nick_template }, "lines from a nick that fits the puppet template are not relayed: told once");
    try {
      main.send("NOTICE", [nick, `Your lines in ${channel} are not relayed to the other side of the bridge: nicks like ${this.puppetNicks()} are this gateway's puppets. Change your nick to be heard there.`]);
    } catch (error: unknown) {
      this.context.log.debug({ err: error }, "lookalike NOTICE not sent");
    }
  }

  /** What puppets' nicks look like, for people: `<name>[sb]`. */
  private puppetNicks(): string {
    return this.config.puppets.nick_template.replace("{name}", "<name>").replace("{network}", this.network);
  }

  /** A query to the gateway's own nick: a link code sent back (core/identities.ts), else help. */
  private async toGateway(main: IrcConnection, event: IrcMessageEvent): Promise<void> {
    try {
      await this.answerGatewayQuery(main, event);
    } catch (error: unknown) {
      this.context.log.warn({ err: error, from: event.from.nick }, "query to the gateway's nick not answered");
    }
  }

  private async answerGatewayQuery(main: IrcConnection, event: IrcMessageEvent): Promise<void> {
    const answer = this.hooks.gatewayCommand?.(event.from.nick, stripFormatting(event.text));
    if (answer !== undefined) {
      // A line of the answer holds what others wrote (a contact's name, their multi-line status): one line each.
      for (const line of answer) main.send("NOTICE", [event.from.nick, oneLineText(line)]);
      return;
    }
    if (await this.context.serviceMessage(ircAddress(this.network, event.from.nick), stripFormatting(event.text)).catch(() => false)) return;
    const help =
      this.config.mode === "puppets"
        ? `I am the Switchboard gateway's connection to this network. People of other networks are here as ${this.puppetNicks()}: write to them directly.`
        : "I am the Switchboard gateway's relay: I carry the bridged channels, not private messages.";
    main.send("NOTICE", [event.from.nick, help]);
  }

  /** A query to a puppet: a direct message to its person; refused, the IRC user is told why (`tell`, a NOTICE). */
  private submitDirect(event: IrcMessageEvent, person: Address, tell: (text: string) => void): void {
    if (stripFormatting(event.text) === "") return; // nothing to show, as in a channel
    const from = ircAddress(this.network, event.from.nick);
    const sender = this.senders.said(event.from, event.tags["account"]);
    void this.submitter
      .offer({
        origin: { protocol: "irc", account: this.network },
        scope: "direct",
        kind: coreKind(event.kind),
        from,
        to: person,
        senderName: event.from.nick,
        body: stripFormatting(event.text),
      })
      .then((accepted) => sender && this.senders.accepted(accepted.id, sender))
      .catch((error: unknown) => {
        const gatewayError = error instanceof GatewayError ? error : new GatewayError("GW_ERR_INTERNAL", "not delivered");
        this.context.log.info({ err: gatewayError, from: event.from.nick }, "IRC query not accepted");
        try {
          tell(failureNotice(person, gatewayError));
        } catch (sendError: unknown) {
          this.context.log.debug({ err: sendError }, "refusal NOTICE not sent");
        }
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
    return this.isBridge(nick) ? undefined : this.relayedChannel(channelName);
  }

  /** The bridged channel, when its joins and leaves are relayed (the network's membership.relay and its own). */
  private relayedChannel(channelName: string): IrcChannelConfig | undefined {
    const channel = this.hooks.channel(channelName);
    return channel && this.config.membership.relay && channel.membership ? channel : undefined;
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
    if (this.hooks.isOwnNick(to) || this.hooks.isOwnNick(from)) return;
    if (this.isBridge(from) || this.isBridge(to) || !this.flaps.renamed(channel.channel, from, to)) {
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
    this.context.dispatch({
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

  /** A join or leave the dampers let through: shown in the room, unless it is what the room was told already. */
  private relayMembership(channelName: string, nick: string, event: Membership): void {
    const channel = this.hooks.channel(channelName);
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
    if (before === undefined && after !== undefined) this.context.dispatch({ type: "member-joined", room, member: after });
    else if (before !== undefined && after === undefined) this.context.dispatch({ type: "member-left", room, member: before, ...(removal === undefined ? {} : { removal }) });
    else if (before !== undefined && after !== undefined && (before.role !== after.role || before.nick !== after.nick)) {
      this.context.dispatch({ type: "member-changed", room, member: before, changed: after });
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
    for (const other of this.hooks.channels()) {
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
      .filter((member) => !this.isBridge(member.nick))
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
      this.context.log.debug({ channel: channel.channel, joined: joined.length, left: left.length, changed: changed.length }, "bridged channel's members as NAMES listed them");
    }
  }

  private topic(channelName: string, topic: string, by: string | undefined): void {
    const channel = this.hooks.channel(channelName);
    if (!channel || (by !== undefined && this.isBridge(by))) return;
    const author = by === undefined ? ircAddress(this.network, channel.channel) : ircAddress(this.network, by);
    this.context.dispatch({ type: "topic", room: nativeRoom(channel.room), topic: stripFormatting(topic), by: author });
  }

  private failure(numeric: number, params: readonly string[], own: boolean): void {
    const failure = failureFromNumeric(numeric, params);
    if (!failure?.target) return;
    this.hooks.failure(failure.target, failure.error, failure.info.operations, own);
  }

  private answerCtcp(connection: IrcConnection, nick: string, command: string, args: string): void {
    const known = ["VERSION", "PING", "TIME", "CLIENTINFO"];
    if (!known.includes(command)) return;
    connection.send("NOTICE", [nick, ctcpReply(command as CtcpQueryCommand, args, { version: VERSION, now: Date.now() })]);
  }
}
