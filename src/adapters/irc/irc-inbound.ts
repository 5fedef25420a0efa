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
 * From a puppet: a query to it -> a direct message to its person; a KICK of it -> its person is put out of the room.
 * CTCP VERSION, PING, TIME and CLIENTINFO queries are answered; other CTCP is ignored.
 *
 * This file wires the connections' events to the parts that handle them: inbound-messages.ts (what is said),
 * channel-membership.ts (who is in the channels), gateway-queries.ts (queries to the gateway's nick, CTCP) and
 * the contact and account watches.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { GatewayError } from "../../core/errors.js";
import type { RoomMember } from "../../core/model/room.js";
import type { IrcChannelConfig, IrcNetworkConfig } from "../../config/config-types.js";
import type { AccountWatch } from "./account-watch.js";
import { BridgeNicks, templateHasFixedText } from "./bridge-nicks.js";
import { ChannelMembership } from "./channel-membership.js";
import type { ContactWatch } from "./contact-watch.js";
import { GatewayQueries } from "./gateway-queries.js";
import { InboundMessages } from "./inbound-messages.js";
import type { IrcConnection } from "./irc-connection.js";
import { nativeRoom } from "./irc-addresses.js";
import { failureFromNumeric } from "./numerics.js";
import type { Puppet } from "./puppet.js";
import { LineSenders } from "./line-senders.js";

export interface InboundHooks {
  isOwnNick(nick: string): boolean;
  channel(name: string): IrcChannelConfig | undefined;
  /** Every bridged channel now (configured and added at runtime). */
  channels(): readonly IrcChannelConfig[];
  readonly watch: ContactWatch;
  readonly accounts: AccountWatch;
  /**
   * An error numeric naming `target`; `operations` says which requests can draw it (numerics.ts); `own` when it came
   * on the gateway's own connection (not a puppet's).
   */
  failure(target: string, error: GatewayError, operations: readonly string[], own: boolean): void;
  mainNick(): string;
  /** The answer (NOTICE lines) to a command in a query to the gateway's nick, or undefined when it is none. */
  gatewayCommand?(nick: string, text: string): string[] | undefined;
}

/** What the parts of one network's inbound side share. */
export interface InboundParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly hooks: InboundHooks;
  /** Nicks whose lines and comings and goings are never relayed (bridge-nicks.ts). */
  readonly bridges: BridgeNicks;
  /** Who said each recent line taken from IRC (line-senders.ts). */
  readonly senders: LineSenders;
}

export class IrcInbound {
  private readonly members: ChannelMembership;
  private readonly messages: InboundMessages;
  private readonly queries: GatewayQueries;
  /** Who said each recent line taken from IRC: its failure report is for them, not for their nick's next holder. */
  readonly senders: LineSenders;

  constructor(
    config: IrcNetworkConfig,
    private readonly context: AdapterContext,
    private readonly hooks: InboundHooks,
  ) {
    this.senders = new LineSenders(context.senderHosts);
    // Other bridges' nicks (ignore_nicks) and anyone's puppets made from our template: never relayed (no loops).
    const bridges = new BridgeNicks(config.puppets.nick_template, config.ignore_nicks, (nick) => hooks.isOwnNick(nick));
    if (config.mode === "puppets" && !templateHasFixedText(config.puppets.nick_template)) {
      context.log.warn(
        { template: config.puppets.nick_template },
        "puppets.nick_template has no text besides its placeholders: another gateway's puppets cannot be told from people by their nicks here (list them in ignore_nicks)",
      );
    }
    const parts: InboundParts = { config, context, hooks, bridges, senders: this.senders };
    this.members = new ChannelMembership(parts);
    this.queries = new GatewayQueries(parts);
    this.messages = new InboundMessages(parts, this.queries);
  }

  /**
   * The gateway's connection was lost: held quits are moot (everything is watched again on reconnect). What the
   * rooms were shown stays, to be compared with the NAMES of the next joins.
   */
  reset(): void {
    this.members.reset();
  }

  /** The people in a bridged channel as its room was told (channel-membership.ts). */
  peopleIn(channelName: string): RoomMember[] {
    return this.members.peopleIn(channelName);
  }

  /** A bridge of the channel ended (its room was told everyone left): nothing of it is shown any more. */
  forgetChannel(channelName: string): void {
    this.members.forgetChannel(channelName);
  }

  attachMain(main: IrcConnection): void {
    main.on("message", (event) => this.messages.fromMain(main, event));
    main.on("ctcp", (event) => this.queries.answerCtcp(main, event.from.nick, event.command, event.args));
    const accounts = this.hooks.accounts;
    main.on("account", (event) => accounts.loggedIn(event.nick, event.account));
    main.on("whois-account", (event) => accounts.whoisAccount(event.nick, event.account));
    main.on("whois-end", (event) => accounts.whoisEnd(event.nick));
    this.members.attach(main);
    main.on("topic", (event) => this.messages.topic(event.channel, event.topic, event.by));
    main.on("away", (event) => this.hooks.watch.away(event.nick, event.message));
    main.on("back", (event) => this.hooks.watch.back(event.nick));
    main.on("who", (event) => this.hooks.watch.whoFlag(event.nick, event.away));
    main.on("monitor", (event) => {
      for (const nick of event.online) this.members.netsplits.returned(nick);
      accounts.online(event.online);
      for (const nick of event.offline) accounts.gone(nick);
      this.hooks.watch.online(event.online);
      // A nick whose netsplit quit is held stays as it was until the hold ends.
      this.hooks.watch.offline(event.offline.filter((nick) => !this.members.netsplits.isHeld(nick)));
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
    connection.on("message", (event) => this.messages.toPuppet(puppet, event));
    connection.on("ctcp", (event) => this.queries.answerCtcp(connection, event.from.nick, event.command, event.args));
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

  private failure(numeric: number, params: readonly string[], own: boolean): void {
    const failure = failureFromNumeric(numeric, params);
    if (!failure?.target) return;
    this.hooks.failure(failure.target, failure.error, failure.info.operations, own);
  }
}
