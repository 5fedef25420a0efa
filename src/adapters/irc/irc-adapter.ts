/**
 * One IRC network (`irc.networks[]`, account = the network's name in addresses: irc://<network>/<nick>).
 *
 * The gateway's own connection (the listener) joins the configured channels, relays what IRC users say in
 * them to the bridged native rooms, watches contacts' status (contact-watch.ts) and the services accounts of
 * linked nicks (account-watch.ts: the core decides whether a link counts) and, in relay mode, speaks for
 * everyone with a `<name>` prefix. In puppet mode (the default) each person who takes part speaks through a
 * puppet connection of their own (puppet-pool.ts), which also receives the queries IRC users send them.
 *
 * Delivery: send() resolves when a message's lines are written to the socket (after flood control), and its
 * `confirmed` once the server proved it read them (irc-confirmer.ts: echo-message, or a PING barrier); the
 * outbox removes the message only then, and sends it again after a reconnect when the connection was lost
 * first. An error numeric that refuses a line (ERR_NOSUCHNICK, ERR_CANNOTSENDTOCHAN...) fails the oldest open line
 * to that target on the connection it came on, so its message is reported to its sender as not delivered by the
 * outbox (direct and room messages alike; irc-confirmer.ts); a puppet whose
 * JOIN is refused (banned, invite only) fails the room message at once. Messages accepted while the network is down wait in the outbox: the room relay
 * (relaysRooms) and direct messages alike, and go out in order after the reconnect (network-reachable).
 * irc-framework's own reconnection is off: the supervisor restarts this adapter.
 */
import { allConfirmed, roomsToRelayTo, type Adapter, type AdapterCapabilities, type AdapterContext, type ContactShowChange, type RemoteRoomOptions, type SendResult, type SubscriptionEvent } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import { formatAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { relayPrefix } from "../../core/relay-format.js";
import type { Presence } from "../../core/model/presence.js";
import type { Room, RoomMember, RoomRemoval } from "../../core/model/room.js";
import type { IrcChannelConfig, IrcNetworkConfig } from "../../config/config-types.js";
import { AccountWatch, accountToBind } from "./account-watch.js";
import { BuddyPuppets } from "./buddy-puppets.js";
import { ContactWatch } from "./contact-watch.js";
import { BridgedChannels } from "./bridged-channels.js";
import { IrcConnection } from "./irc-connection.js";
import { networkConnectionOptions } from "./network-connection-options.js";
import { IrcInbound } from "./irc-inbound.js";
import { samePerson } from "./line-senders.js";
import { UserhostLookup } from "./userhost-lookup.js";
import { ChannelJoins } from "./channel-joins.js";
import { ChannelRejoins, REJOIN_AFTER_KICK_MS, RETRY_MS } from "./channel-rejoins.js";
import { OwnNickKeeper } from "./own-nick.js";
import { ircAddress, isChannelId, isJoinableChannel, nativeRoom, personName } from "./irc-addresses.js";
import { isValidNick, puppetNickCandidates, sameName } from "./nicks.js";
import { oneLineText, ONE_LINE_BYTES, sendText, writeText } from "./outgoing-text.js";
import { HoldBack } from "../../util/flap-damper.js";
import { wildcardPattern } from "../../util/wildcard.js";
import { PuppetPool } from "./puppet-pool.js";
import { presenceFromIrc, sameUserState, type IrcUserState } from "./presence-map.js";

/** How long a channel bridged while connected may take to be joined (its names sent) before it counts as failed. */
const JOIN_TIMEOUT_MS = 10_000;
/** The longest channel key taken: servers keep far less (KEYLEN, often 23-32), and a JOIN line must fit 512 bytes. */
const MAX_KEY_BYTES = 100;

/** What a TOPIC may hold on this server: its TOPICLEN when it says, within one line. */
function topicBytes(connection: IrcConnection): number {
  return Math.min(connection.server.topicLen ?? ONE_LINE_BYTES, ONE_LINE_BYTES);
}

/**
 * IRC has no corrections: a corrected message goes out again as a new line marked "* " in front, as IRC users
 * correct themselves by hand (and as other bridges show edits). An action is sent as it is.
 */
export function correctionBody(message: Message): string {
  return message.replaces === undefined || message.kind === "action" ? message.body : `* ${message.body}`;
}

/** Who speaks on IRC for a message: the person an account is linked to (one puppet per person), else the sender. */
function speaker(message: Message): Address {
  return message.person ?? message.from;
}

/**
 * A line's refusal (an error numeric, condition ERR_...) as its message's outcome: final. Some may pass (a nick that
 * comes back, targets changing too fast), but sending the message again would repeat it in every channel of the
 * room and every line before the refused one; its sender hears at once, as they would on IRC. A lost connection
 * (no numeric) stays retryable: the outbox sends the message again after the reconnect.
 */
function finalRefusal(error: unknown): never {
  if (error instanceof GatewayError && error.retryable && error.condition?.startsWith("ERR_") === true) {
    throw new GatewayError(error.code, error.message, { condition: error.condition, retryable: false });
  }
  throw error;
}

/** rfc1459 case mapping: these are the lower case of "[]\\~" (RFC 1459 section 2.2). */
const RFC1459_UPPER: Readonly<Record<string, string>> = { "{": "[", "}": "]", "|": "\\", "^": "~" };

export class IrcNetworkAdapter implements Adapter {
  readonly protocol = "irc" as const;
  readonly capabilities: AdapterCapabilities;
  private static readonly CAPABILITIES = {
    rooms: true,
    presence: true,
    subscriptions: true,
    typing: false,
    actions: true,
    notices: true,
    corrections: false,
    relaysRooms: true,
    puppets: true,
  } as const;
  readonly boundLinksOnly: boolean;
  /** open_channels: XMPP users may join any channel (#chan%network@gateway), bridged while one of them is in it. */
  readonly roomsOnDemand: boolean;
  /** open_channels_max. */
  readonly maxRoomsOnDemand: number;
  /** open_channels_for: who may have a channel joined for them. */
  private readonly openers: readonly RegExp[];
  private main: IrcConnection | undefined;
  private readonly puppets: PuppetPool;
  private readonly buddies: BuddyPuppets;
  private readonly watch: ContactWatch;
  private readonly accounts: AccountWatch;
  private accountPoller: NodeJS.Timeout | undefined;
  /** Asks for the configured nick again when it was taken at connect (own-nick.ts). */
  private readonly ownNick: OwnNickKeeper;
  private readonly inbound: IrcInbound;
  /** Who holds a nick now, asked of the server for a failure report (userhost-lookup.ts). */
  private readonly userhosts = new UserhostLookup();
  private stopping = false;
  /** Bridged channels: the configured ones, then those added at runtime (bridgeRoom). */
  private readonly channels: BridgedChannels;
  /** JOINs of channels bridged while connected, awaited until the server took or refused them. */
  private readonly joins = new ChannelJoins(JOIN_TIMEOUT_MS);
  /** Bridged channels the gateway's connection is out of (kicked, JOIN refused), joined again (channel-rejoins.ts). */
  private readonly rejoins = new ChannelRejoins((name) => this.rejoin(name));
  /** Channels (lower case) the gateway's connection sent a JOIN for and has no answer to yet: a refusal is about one. */
  private readonly joinsUnanswered = new Set<string>();
  /** Channels (ASCII lower case) with a TOPIC sent and not yet answered by an echo or a refusal. */
  private readonly topicPending = new Set<string>();

  constructor(
    private readonly config: IrcNetworkConfig,
    private readonly context: AdapterContext,
  ) {
    // In relay mode one connection speaks for everyone in channels: nobody of another network has a nick to query from.
    this.capabilities = { ...IrcNetworkAdapter.CAPABILITIES, directMessages: config.mode !== "relay" };
    this.ownNick = new OwnNickKeeper(config.nick, context.log);
    this.channels = new BridgedChannels(config.channels);
    this.boundLinksOnly = config.link_accounts === "required";
    this.roomsOnDemand = config.open_channels;
    this.openers = config.open_channels_for.map(wildcardPattern);
    this.maxRoomsOnDemand = config.open_channels_max;
    // Offline is held presence_hold_seconds: a contact back meanwhile never flips offline (util/flap-damper.ts).
    const presenceHold = new HoldBack<IrcUserState>((nick, state) => this.reportPresence(nick, state), sameUserState);
    this.watch = new ContactWatch(
      config.presence_poll_seconds * 1000,
      (nick, state) => presenceHold.offer(nick.toLowerCase(), state, state.kind === "offline" ? config.presence_hold_seconds * 1000 : 0),
      (error) => context.log.warn({ err: error }, "contact status request not sent"),
    );
    this.accounts = new AccountWatch(
      (nick, account) => context.dispatch({ type: "account", address: ircAddress(this.account, nick), ...(account === undefined ? {} : { account }) }),
      (error) => context.log.warn({ err: error }, "WHOIS for a services account not sent"),
    );
    this.inbound = new IrcInbound(config, context, {
      isOwnNick: (nick) => nick.toLowerCase() === this.main?.nick.toLowerCase() || this.puppets.isPuppetNick(nick),
      channel: (name) => this.channels.find(name),
      channels: () => this.channels.all(),
      watch: this.watch,
      accounts: this.accounts,
      failure: (target, error, operations, own) => this.failed(target, error, operations, own),
      mainNick: () => this.main?.nick ?? config.nick,
      gatewayCommand: (nick, text) => this.gatewayCommand(nick, text),
    });
    this.puppets = new PuppetPool({
      maxConnections: config.puppets.max_connections,
      connectIntervalMs: config.puppets.connect_interval_ms,
      idleTimeoutMs: config.puppets.idle_timeout_seconds * 1000,
      connect: (person) => this.connectPuppet(person),
      attach: (puppet) => this.inbound.attachPuppet(puppet),
      log: context.log,
    });
    this.buddies = new BuddyPuppets({ pool: this.puppets, nickFor: (person) => this.puppetNick(person), log: context.log });
  }

  stats(): Readonly<Record<string, number>> {
    return { puppets: this.puppets.size, bridged_channels: this.channels.all().length, channels_not_joined: this.rejoins.channels.length };
  }

  get account(): string {
    return this.context.account;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.puppets.reopen();
    const main = await IrcConnection.connect(networkConnectionOptions(this.config, { nick: this.config.nick, username: this.config.username, realname: this.config.realname, own: true }, this.context.log));
    if (this.stopping) {
      main.destroy();
      throw new GatewayError("GW_ERR_UNAVAILABLE", "stopped while connecting", { retryable: true });
    }
    this.main = main;
    this.inbound.attachMain(main);
    main.on("names", (event) => {
      this.joinsUnanswered.delete(event.channel.toLowerCase());
      this.joins.joined(event.channel);
      if (this.rejoins.isOut(event.channel)) this.context.log.info({ channel: event.channel }, "the gateway's IRC connection is in the bridged channel again");
      this.rejoins.joined(event.channel);
    });
    main.on("kick", (event) => {
      if (event.nick.toLowerCase() !== main.nick.toLowerCase() || !this.channels.find(event.channel)) return;
      this.context.log.warn(
        { channel: event.channel, by: event.by, reason: event.reason, retryInMs: REJOIN_AFTER_KICK_MS },
        "the gateway's IRC connection was kicked from a bridged channel: nothing said there is relayed until it is back; joining again",
      );
      this.rejoins.left(event.channel, REJOIN_AFTER_KICK_MS);
    });
    main.on("invite", (event) => {
      if (this.rejoins.invited(event.channel)) this.context.log.info({ channel: event.channel, by: event.by }, "invited back to a bridged channel: joining it");
    });
    main.on("closed", (event) => this.lost(main, event.byUs, event.error));
    // A copy: a reload may add or end bridges meanwhile (bridgeRoom joins a new one itself).
    for (const channel of [...this.channels.all()]) {
      if (this.channels.find(channel.channel) !== channel) continue; // ended while the others were joined
      // One channel the server cannot be asked to join (its line refused) must not keep the network down.
      await this.joinChannel(main, channel).catch((error: unknown) => this.context.log.error({ err: error, channel: channel.channel }, "IRC channel not joined"));
    }
    this.watch.attach(main);
    this.accounts.attach(main);
    this.userhosts.attach(main);
    this.accountPoller = setInterval(() => this.accounts.poll(), this.config.presence_poll_seconds * 1000);
    this.accountPoller.unref();
    this.ownNick.attach(main);
    this.context.log.info({ network: this.account, nick: main.nick, channels: this.channels.all().map((channel) => channel.channel), mode: this.config.mode }, "IRC network online");
    this.context.setStatus("online");
    this.context.dispatch({ type: "network-reachable", protocol: "irc", account: this.account });
    void this.puppets.restore(async (puppet, channelName) => {
      const channel = this.channels.find(channelName);
      if (channel) await this.puppets.join(puppet, channel.channel, channel.key);
    });
  }

  async stop(reason = "Switchboard is stopping"): Promise<void> {
    this.stopping = true;
    this.rejoins.forget();
    this.watch.detach();
    this.detachAccounts(true);
    this.userhosts.detach();
    const main = this.main;
    this.main = undefined;
    await this.puppets.closeAll(reason);
    await main?.quit(reason);
  }

  async knows(address: Address): Promise<boolean> {
    if (address.protocol !== "irc" || address.account !== this.account) return false;
    // A channel is somewhere to talk once bridged; on a network with open_channels any channel can be (joined on demand).
    if (isChannelId(address.id)) return this.channels.find(address.id) !== undefined || (this.roomsOnDemand && isJoinableChannel(address.id));
    // The gateway's own nicks are nobody to write to: a line to a puppet from the gateway would come back to it, and be lost.
    if (this.isGatewayNick(address.id)) return false;
    return isValidNick(address.id, { nickLen: this.main?.server.nickLen ?? 30 });
  }

  /**
   * One of the gateway's own nicks: its connection's (now, or as configured) or a puppet's (connected or not: a
   * nick claimed for a puppet is nobody else's), compared as the server does (rfc1459: "bob{sb}" is "bob[sb]").
   */
  private isGatewayNick(nick: string): boolean {
    const mapping = this.main?.server.caseMapping;
    if ((this.main !== undefined && sameName(nick, this.main.nick, mapping)) || sameName(nick, this.config.nick, mapping) || this.puppets.isPuppetNick(nick)) return true;
    // Claims are kept in ASCII lower case, as the candidates were made (with brackets): the rfc1459 forms too.
    return this.context.names.isClaimed(nick) || (mapping !== "ascii" && this.context.names.isClaimed(nick.replace(/[{}|^]/g, (c) => RFC1459_UPPER[c] ?? c)));
  }

  async send(message: Message, recipient: Address = message.to): Promise<SendResult> {
    if (message.scope === "direct" && isChannelId(recipient.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${recipient.id} is a channel: talk there in the room it is bridged to`);
    }
    const voice = speaker(message);
    if (message.scope === "direct" && voice.protocol === "irc" && voice.account === this.account) {
      // Nobody to speak for an IRC user of this network here (a puppet of bob beside bob): they write to the nick themselves.
      throw new GatewayError("GW_ERR_NO_ROUTE", `${voice.id} and ${recipient.id} are both on IRC network ${this.account}: write there directly`);
    }
    const main = this.requireMain();
    if (message.scope === "direct") {
      if (this.config.mode === "relay") throw new GatewayError("GW_ERR_NO_ROUTE", `IRC network ${this.account} is in relay mode: it carries rooms only`);
      const puppet = await this.puppets.puppetFor(voice);
      // Its own puppet's nick (claimed when it first connected, maybe only now): the line would come back to the gateway.
      if (sameName(recipient.id, puppet.connection.nick, puppet.connection.server.caseMapping)) {
        throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `${recipient.id} is the sender's own nick on IRC network ${this.account}, made by this gateway`);
      }
      return { delivered: true, ...(await this.deliver(puppet.connection, recipient.id, message)) };
    }
    const bridged = this.channels.ofRoom(message.to);
    // Queued for a bridge an admin has since removed: its sender hears that it was not delivered.
    if (bridged.length === 0) throw new GatewayError("GW_ERR_NO_ROUTE", `${message.to.id} is not bridged to IRC network ${this.account} any more`);
    // Said in one of this network's channels: never sent back there; to the room's others, said by the gateway with
    // a prefix (its IRC sender has no puppet here).
    const channels = roomsToRelayTo(message, "irc", this.account, bridged, (channel) => ircAddress(this.account, channel.channel));
    const fromHere = message.origin.protocol === "irc" && message.origin.account === this.account;
    const confirmations: Promise<void>[] = [];
    for (const channel of channels) {
      if (this.config.mode === "relay" || fromHere) {
        confirmations.push((await this.deliver(main, channel.channel, message, this.relayPrefix(message))).confirmed);
        continue;
      }
      const puppet = await this.puppets.puppetFor(speaker(message));
      await this.puppets.join(puppet, channel.channel, channel.key);
      confirmations.push((await this.deliver(puppet.connection, channel.channel, message)).confirmed);
    }
    return { delivered: true, confirmed: allConfirmed(confirmations) };
  }

  /**
   * IRC users see no presence of their own choosing: they see puppets' AWAY (setPresence). A nick linked to a
   * person is told their contacts' presence: those contacts' puppets follow it (buddy-puppets.ts).
   */
  async sendPresence(presence: Presence, to: Address): Promise<void> {
    if (this.config.mode === "puppets") this.buddies.presence(presence, to);
  }

  /** A contact of a person shown to the person's linked nick here: a puppet it can MONITOR (buddy-puppets.ts). */
  async showContact(viewer: Address, contact: Address, name: string, change: ContactShowChange): Promise<void> {
    if (this.config.mode === "puppets" && viewer.account === this.account) this.buddies.show(viewer, contact, name, change);
  }

  /** The account a link of `address` is bound to (Adapter.linkAccount), by `link_accounts` (account-watch.ts accountToBind). */
  async linkAccount(address: Address): Promise<string | undefined> {
    if (address.account !== this.account || isChannelId(address.id)) return undefined;
    if (this.config.link_accounts !== "off") this.requireMain();
    return accountToBind(this.config.link_accounts, address.id, this.account, (nick) => this.accounts.lookup(nick));
  }

  /** The core follows the services account of a linked nick: reported as `account` events (account-watch.ts). */
  async watchAccount(address: Address): Promise<void> {
    if (address.account === this.account && !isChannelId(address.id)) this.accounts.watch(address.id);
  }

  /** The link of a nick is gone: its account is no longer asked about (no WHOIS at each poll or return). */
  async unwatchAccount(address: Address): Promise<void> {
    if (address.account === this.account && !isChannelId(address.id)) this.accounts.unwatch(address.id);
  }

  async watchPresence(subject: Address): Promise<void> {
    if (subject.account === this.account && !isChannelId(subject.id)) this.watch.watch(subject.id);
  }

  /** Anybody's presence changed (capabilities.puppets): a puppet shows it as AWAY. */
  async setPresence(presence: Presence): Promise<void> {
    if (this.config.mode === "puppets") this.puppets.setPresence(presence);
  }

  /**
   * IRC has no presence consent: whoever is on the network can see whether a nick is online and away. A
   * request to see an IRC user's status is therefore approved at once, and watching starts.
   */
  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    if (event.action !== "request" || isChannelId(event.to.id)) return;
    this.context.dispatch({ type: "subscription", subscription: { from: event.to, to: event.from, action: "approve" } });
    this.watch.watch(event.to.id);
  }

  async sendTyping(): Promise<void> {}

  /** The gateway speaks as itself: a NOTICE from its own connection (a link code, its answer). */
  async sendServiceMessage(to: Address, text: string): Promise<void> {
    const main = this.requireMain();
    if (isChannelId(to.id) || this.isGatewayNick(to.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is a channel or one of the gateway's own nicks, not someone's account`);
    }
    await sendText(main, to.id, text, "notice", { maxLines: 3 });
  }

  /** An IRC user's message could not be delivered: they get a NOTICE from the person they wrote to (or the gateway). */
  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    // Disconnected: the report waits in the store for the network to come back (core/failure-reports.ts).
    this.requireMain();
    const nick = await this.senderNickNow(message);
    if (nick === undefined) {
      // The text is theirs alone: not logged.
      this.context.log.info({ network: this.account, id: message.id, code: error.code }, "failure report dropped: its sender is not on the network now (or the gateway cannot tell them from whoever holds their nick)");
      return;
    }
    const main = this.requireMain();
    const puppet = message.scope === "direct" ? this.puppets.of(recipient) : undefined;
    const connection = puppet?.connection ?? main;
    // The error's text may be another network's (an XMPP server's <text/>): one line, whatever it holds.
    connection.send("NOTICE", [nick, oneLineText(failureNotice(recipient, error))]);
  }

  /**
   * The nick under which the person who said `message` is on the network now, or undefined: the nick they had, as
   * followed through the NICK changes the gateway's connection saw (line-senders.ts), held now (USERHOST) by the
   * same user@host, or by the same services account where the line was tagged with one (WHOIS). Never whoever
   * merely took their nick; undefined too for a line the gateway no longer knows (a restart, 10,000 lines ago).
   */
  private async senderNickNow(message: Message): Promise<string | undefined> {
    const sender = this.inbound.senders.senderOf(message.id);
    if (!sender) return undefined;
    const holder = await this.userhosts.lookup(sender.nick);
    if (!holder) return undefined;
    if (samePerson(sender, holder)) return holder.nick;
    if (sender.account === undefined) return undefined;
    return (await this.accounts.lookup(holder.nick)) === sender.account ? holder.nick : undefined;
  }

  async reportDelivered(): Promise<void> {}

  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "IRC channels are bridged by bridges (configuration or admin), not joined");
  }

  async leaveRoom(): Promise<void> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "IRC channels are bridged by bridges (configuration or admin), not left");
  }

  /** An admin bridged a channel at runtime (core/bridges.ts): joined now if connected, and at every connect. */
  async bridgeRoom(remote: Address, hub: Address, options: RemoteRoomOptions): Promise<void> {
    if (remote.protocol !== "irc" || remote.account !== this.account || !isJoinableChannel(remote.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${remote.id} is not a channel of ${this.account} (irc://${this.account}/#channel)`);
    }
    if (this.channels.find(remote.id)) throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${remote.id} on ${this.account} is bridged already`);
    if (/[\s,\0]/.test(options.key)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "a channel key cannot hold spaces, commas or NUL");
    if (Buffer.byteLength(options.key, "utf8") > MAX_KEY_BYTES) throw new GatewayError("GW_ERR_BAD_ADDRESS", `a channel key is at most ${MAX_KEY_BYTES} bytes`);
    const channel: IrcChannelConfig = { channel: remote.id, room: hub.id.replace(/^#/, ""), key: options.key, membership: options.membership };
    this.channels.add(channel);
    if (!this.main || this.stopping) return; // joined at the next connect
    // Connected: bridged once the server took the JOIN, so that a refusal (a ban, a wrong key) reaches whoever
    // asked and nothing is bridged, and the channel's names are known to whoever joins the room next.
    const joined = this.joins.expect(channel.channel);
    joined.catch(() => undefined); // a refusal arriving while joinChannel awaits is handled below, not unhandled
    try {
      await this.joinChannel(this.main, channel);
      await joined;
    } catch (error: unknown) {
      this.channels.remove(channel.channel);
      try {
        this.main?.send("PART", [channel.channel]);
      } catch {
        // not joined either, then
      }
      throw error;
    }
  }

  mayOpenRoom(by: Address): boolean {
    const address = formatAddress(by);
    return this.openers.some((pattern) => pattern.test(address));
  }

  /** The people in a bridged channel now, as the gateway's connection knows them (core/room-joins.ts). */
  roomPeople(remote: Address): readonly RoomMember[] {
    if (remote.protocol !== "irc" || remote.account !== this.account || !isChannelId(remote.id)) return [];
    return this.inbound.peopleIn(remote.id);
  }

  /** The configuration was reloaded: channels the gateway's connection is out of (kicked, refused) are tried now. */
  retryRooms(): void {
    if (this.main) this.rejoins.retryAll();
  }

  /** A runtime bridge ended: the gateway and its puppets leave the channel. */
  async unbridgeRoom(remote: Address): Promise<void> {
    const channel = this.channels.remove(remote.id);
    if (!channel) return;
    this.rejoins.forget(channel.channel);
    this.inbound.forgetChannel(channel.channel);
    this.puppets.partAll(channel.channel, "bridge removed");
    this.main?.send("PART", [channel.channel, "bridge removed"]);
  }

  /** A person left the room, or was put out of it (`removal`, said in the PART): their puppet leaves its channels. */
  async sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    if (event !== "left" || member.address.protocol === "irc") return;
    const reason = removal === undefined ? "left the room" : oneLineText(`kicked by ${removal.by}${removal.reason === "" ? "" : `: ${removal.reason}`}`);
    for (const channel of this.channels.ofRoom(room)) this.puppets.part(member.address, channel.channel, reason);
  }

  /**
   * A member of a bridged room took another nick elsewhere: nothing to do on IRC. A puppet's nick comes from the
   * person's address, not from their nick in a room. (Someone of another IRC network who changed nick has a new
   * address: their next line comes from a new puppet, and the old one quits when idle.)
   */
  async sendMemberChange(): Promise<void> {}

  /** The subject of a bridged room changed elsewhere: the channel's topic follows (needs the right to set it, +t). */
  async sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    const main = this.main;
    if (!main || by?.address.protocol === "irc") return;
    for (const channel of this.channels.ofRoom(room)) {
      const puppet = this.config.mode === "puppets" && by ? await this.puppets.puppetFor(by.address).catch(() => undefined) : undefined;
      if (puppet) await this.puppets.join(puppet, channel.channel, channel.key).catch(() => undefined);
      this.topicPending.add(channel.channel.toLowerCase());
      const connection = puppet?.connection ?? main;
      try {
        connection.send("TOPIC", [channel.channel, oneLineText(topic, topicBytes(connection))]);
      } catch (error: unknown) {
        this.topicPending.delete(channel.channel.toLowerCase());
        this.context.log.warn({ err: error, channel: channel.channel }, "topic not set on IRC");
      }
    }
  }

  /**
   * Sends a message's lines to `target`. Resolves once written, with the promise that the server confirmed them
   * (SendResult.confirmed), which rejects with the server's refusal of one of them (irc-confirmer.ts: the
   * outbox reports it to the sender).
   */
  private async deliver(connection: IrcConnection, target: string, message: Message, prefix?: string): Promise<{ confirmed: Promise<void> }> {
    const { written, confirmed } = writeText(connection, target, correctionBody(message), message.kind, { maxLines: this.config.max_lines_per_message, ...(prefix === undefined ? {} : { prefix }) });
    await written;
    return { confirmed: confirmed.catch(finalRefusal) }; // in an object: an async function would otherwise wait for it
  }

  private relayPrefix(message: Message): string {
    return relayPrefix(this.config.relay_format, message);
  }

  /**
   * An error numeric about a target. A refused TOPIC (482 while a topic change is pending there) is logged; a
   * refused JOIN goes to the JOIN's caller. A refused message line fails the line itself, on the connection
   * that sent it (IrcConnection: its `confirmed`).
   */
  private failed(target: string, error: GatewayError, operations: readonly string[], own: boolean): void {
    // The gateway's own JOIN refused (a puppet's refusals are its JOIN's caller's; 477 may refuse a PRIVMSG too).
    const ownJoin = own && operations.includes("join") && this.joinsUnanswered.delete(target.toLowerCase());
    // A JOIN nobody awaits is one made at connect or a rejoin: the channel's side of the bridge is lost until it works.
    if (ownJoin && !this.joins.refused(target, error) && this.channels.find(target) && this.main && !this.stopping) {
      this.context.log.warn(
        { err: error, channel: target, retryInMs: RETRY_MS },
        "the IRC server refused the gateway's JOIN of a bridged channel: nothing said there is relayed until it is joined; trying again (an INVITE lets it in at once)",
      );
      this.rejoins.left(target, RETRY_MS);
    }
    if (operations.includes("topic") && this.topicPending.delete(target.toLowerCase())) {
      this.context.log.warn({ err: error, channel: target }, "the IRC server refused the topic change");
    }
  }

  private reportPresence(nick: string, state: IrcUserState): void {
    const { show, status } = presenceFromIrc(state);
    this.context.dispatch({ type: "presence", presence: { from: ircAddress(this.account, nick), show, status, priority: 0, since: Date.now() } });
  }

  /** The gateway's connection asks to join a bridged channel (with its key); the answer is awaited (joinsUnanswered). */
  private sendJoin(main: IrcConnection, channel: IrcChannelConfig): void {
    main.send("JOIN", channel.key === "" ? [channel.channel] : [channel.channel, channel.key]);
    this.joinsUnanswered.add(channel.channel.toLowerCase());
  }

  /** Another JOIN of a bridged channel the connection is out of (channel-rejoins.ts). */
  private rejoin(name: string): void {
    const channel = this.channels.find(name);
    if (!channel || !this.main || this.stopping) {
      this.rejoins.forget(name);
      return;
    }
    try {
      this.sendJoin(this.main, channel);
    } catch (error: unknown) {
      this.context.log.error({ err: error, channel: channel.channel }, "IRC channel not joined");
    }
  }

  /** JOINs a bridged channel; its native room counts it as a member (a room relay) from then on. */
  private async joinChannel(main: IrcConnection, channel: IrcChannelConfig): Promise<void> {
    this.sendJoin(main, channel);
    await this.context
      .joinRoom(nativeRoom(channel.room), { address: ircAddress(this.account, channel.channel), nick: channel.channel, role: "member" })
      // A room that does not exist yet is a bridge being added at runtime: the core creates it next, with this
      // channel as its owner (core/bridges.ts).
      .catch((error: unknown) => hasErrorCode(error, "GW_ERR_NOT_FOUND") || this.context.log.error({ err: error, channel: channel.channel }, "bridged native room not joined"));
  }

  private requireMain(): IrcConnection {
    if (!this.main || this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", `IRC network ${this.account} is not connected`, { retryable: true });
    return this.main;
  }

  /**
   * The nicks a person's puppet may be given, best first. The first nobody else has is theirs for good
   * (core/name-claims.ts): native bob and xmpp:bob@elsewhere.org both make bob[sb], and IRC users must never see
   * one of them speak, or get the other's private messages, under the nick they know.
   */
  private puppetNickCandidates(person: Address): Iterable<string> {
    return puppetNickCandidates(this.config.puppets.nick_template, { name: personName(person), network: this.account }, { nickLen: this.main?.server.nickLen ?? 30 });
  }

  /** The nick the person's puppet has, or would be given now (for listings; claims nothing). */
  private puppetNick(person: Address): string {
    return this.context.names.peek(person, this.puppetNickCandidates(person)) ?? personName(person);
  }

  private async connectPuppet(person: Address): Promise<IrcConnection> {
    this.requireMain();
    const nick = await this.context.names.claim(person, this.puppetNickCandidates(person));
    return IrcConnection.connect(networkConnectionOptions(this.config, { nick, username: this.config.username, realname: `${personName(person)} via Switchboard`, own: false }, this.context.log));
  }

  /** Commands in a query to the gateway's nick: `contacts` lists the puppets of the sender's buddy list. */
  private gatewayCommand(nick: string, text: string): string[] | undefined {
    if (text.trim().toLowerCase() !== "contacts") return undefined;
    if (this.config.mode !== "puppets") return ["This network is bridged in relay mode: there are no puppets to watch."];
    return this.buddies.list(nick) ?? ["No contacts to show: link this nick to your Switchboard account (identity.link), and add contacts there."];
  }

  private detachAccounts(stopping = false): void {
    if (this.accountPoller) clearInterval(this.accountPoller);
    this.accountPoller = undefined;
    this.ownNick.detach();
    this.accounts.detach(stopping);
  }

  private lost(connection: IrcConnection, byUs: boolean, error: GatewayError | undefined): void {
    if (this.main !== connection) return;
    this.main = undefined;
    this.watch.detach();
    this.detachAccounts();
    this.userhosts.detach();
    this.inbound.reset();
    this.joins.lost();
    this.joinsUnanswered.clear();
    this.rejoins.forget();
    this.puppets.dropAll();
    if (byUs || this.stopping) return;
    // One warn line for the loss: the supervisor's, which names this reason and when it tries again.
    const reason = error === undefined ? "IRC connection lost" : `IRC connection lost: ${error.message}`;
    this.context.setStatus("offline", new GatewayError("GW_ERR_UNAVAILABLE", reason, { retryable: true }));
  }

}
