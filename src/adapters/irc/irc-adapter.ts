/**
 * One IRC network (`irc.networks[]`, account = the network's name in addresses: irc://<network>/<nick>).
 *
 * The gateway's own connection (the listener) joins the configured channels, relays what IRC users say in
 * them to the bridged native rooms, watches contacts' status (contact-watch.ts) and the services accounts of
 * linked nicks (account-watch.ts: the core decides whether a link counts) and, in relay mode, speaks for
 * everyone with a `<name>` prefix. In puppet mode (the default) each person who takes part speaks through a
 * puppet connection of their own (puppet-pool.ts), which also receives the queries IRC users send them.
 *
 * Delivery: send() resolves when a message's lines are written to the socket (after flood control), and its `confirmed`
 * once the server proved it read them (irc-confirmer.ts: echo-message, or a PING barrier); the outbox removes the message
 * only then, and sends it again after a reconnect when the connection was lost first. An error numeric that refuses a
 * line (ERR_NOSUCHNICK, ERR_CANNOTSENDTOCHAN...) fails the oldest open line to that target on the connection it came on,
 * so the outbox reports its message to its sender as not delivered (direct and room messages alike; irc-confirmer.ts); a
 * puppet whose JOIN is refused (banned, invite only) fails the room message at once. Messages accepted while the network
 * is down wait in the outbox, the room relay (relaysRooms) and direct messages alike, and go out in order after the
 * reconnect (network-reachable). irc-framework's own reconnection is off: the supervisor restarts this adapter
 * (own-connection.ts: the gateway's own connection made, taken apart when lost).
 */
import type { Adapter, AdapterCapabilities, AdapterContext, ContactShowChange, PuppetCredentials, RemoteRoomOptions, SendResult, SubscriptionEvent } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { formatAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { Room, RoomInvitation, RoomMember, RoomRemoval } from "../../core/model/room.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import { accountToBind, type AccountWatch } from "./account-watch.js";
import { BuddyPuppets } from "./buddy-puppets.js";
import type { ContactWatch } from "./contact-watch.js";
import { accountWatch, contactWatch } from "./network-watches.js";
import { BridgedChannels } from "./bridged-channels.js";
import type { IrcConnection } from "./irc-connection.js";
import { IrcInbound } from "./irc-inbound.js";
import { ChannelBridging } from "./channel-bridging.js";
import { FailureNotices } from "./failure-notices.js";
import { OutgoingMessages } from "./outgoing-messages.js";
import { OwnNickKeeper } from "./own-nick.js";
import { OwnConnection } from "./own-connection.js";
import { isChannelId, isJoinableChannel } from "./irc-addresses.js";
import { isValidNick } from "./nicks.js";
import { GatewayNicks } from "./gateway-nicks.js";
import { oneLineText, sendText } from "./outgoing-text.js";
import { wildcardPattern } from "../../util/wildcard.js";
import { PuppetNickChoice } from "./puppet-nick-choice.js";
import { PuppetPool } from "./puppet-pool.js";
import type { Puppet } from "./puppet.js";
import { checkPuppetAccountsAllowed, PuppetLogins } from "./puppet-logins.js";
import { connectPuppet } from "./puppet-connect.js";
import { PuppetIdentities } from "./puppet-identities.js";
import { IRC_CAPABILITIES } from "./irc-capabilities.js";
import { ChannelList } from "./channel-list.js";
import type { RoomListing } from "../../core/model/room-directory.js";
import { WhoisLookups } from "./whois-lookup.js";
import type { ContactInfo } from "../../core/model/contact-info.js";

export class IrcNetworkAdapter implements Adapter {
  readonly protocol = "irc" as const;
  readonly capabilities: AdapterCapabilities;
  readonly boundLinksOnly: boolean;
  /** open_channels: XMPP users may join any channel (#chan%network@gateway), bridged while one of them is in it. */
  readonly roomsOnDemand: boolean;
  /** open_channels_max. */
  readonly maxRoomsOnDemand: number;
  /** open_channels_for: who may have a channel joined for them. */
  private readonly openers: readonly RegExp[];
  /** The gateway's own connection: made, and taken apart when lost or stopped (own-connection.ts). */
  private readonly own: OwnConnection;
  private readonly puppets: PuppetPool;
  /** People's own accounts: checks of new ones, and kept ones the services refused (puppet-logins.ts). */
  private readonly logins: PuppetLogins;
  /** Puppets' user names, and hosts and IPs for WEBIRC (puppet-identities.ts). */
  private readonly identities: PuppetIdentities;
  private readonly buddies: BuddyPuppets;
  /** Nicks people choose for their puppets. */
  private readonly nickChoice: PuppetNickChoice;
  private readonly watch: ContactWatch;
  private readonly accounts: AccountWatch;
  /** Asks for the configured nick again when it was taken at connect (own-nick.ts). */
  private readonly ownNick: OwnNickKeeper;
  private readonly inbound: IrcInbound;
  /** The gateway's own nicks and its puppets' (gateway-nicks.ts). */
  private readonly nicks: GatewayNicks;
  /** Failure reports to IRC senders, sent only to whoever said the line (failure-notices.ts). */
  private readonly failureNotices: FailureNotices;
  /** Bridged channels: the configured ones, then those added at runtime (bridgeRoom). */
  private readonly channels: BridgedChannels;
  /** The gateway's connection in the bridged channels: joins, rejoins, leaves, topics (channel-bridging.ts). */
  private readonly bridging: ChannelBridging;
  /** What other networks say, said on IRC, and their invitations into rooms (outgoing-messages.ts). */
  private readonly outgoing: OutgoingMessages;
  /** The network's channels by LIST, on the gateway's own connection (channel-list.ts). */
  private readonly channelList = new ChannelList(() => this.requireMain());
  /** WHOIS for people's contact information (whois-lookup.ts). */
  private readonly whois = new WhoisLookups();

  constructor(
    private readonly config: IrcNetworkConfig,
    private readonly context: AdapterContext,
    identityKey: () => Promise<Buffer>,
  ) {
    this.identities = new PuppetIdentities(config.webirc, identityKey, context.log);
    // Relay mode: one connection speaks for everyone in channels; no puppet to query, show a presence or log in to an account.
    this.capabilities = { ...IRC_CAPABILITIES, directMessages: config.mode !== "relay", puppets: config.mode === "puppets" };
    this.ownNick = new OwnNickKeeper(config.nick, context.log);
    this.channels = new BridgedChannels(config.channels);
    this.boundLinksOnly = config.link_accounts === "required";
    this.roomsOnDemand = config.open_channels;
    this.openers = config.open_channels_for.map(wildcardPattern);
    this.maxRoomsOnDemand = config.open_channels_max;
    this.nicks = new GatewayNicks({ config, context, puppets: () => this.puppets, main: () => this.own.current });
    this.watch = contactWatch(config, context);
    this.accounts = accountWatch(context);
    this.inbound = new IrcInbound(config, context, {
      isOwnNick: (nick) => this.nicks.isOwnNick(nick),
      channel: (name) => this.channels.find(name),
      channels: () => this.channels.all(),
      watch: this.watch,
      accounts: this.accounts,
      failure: (target, error, operations, own) => this.bridging.failed(target, error, operations, own),
      mainNick: () => this.own.current?.nick ?? config.nick,
      gatewayCommand: (nick, text) => this.buddies.command(nick, text, config.mode),
    });
    this.logins = new PuppetLogins(config, context.log);
    this.puppets = new PuppetPool({
      maxConnections: config.puppets.max_connections,
      connectIntervalMs: config.puppets.connect_interval_ms,
      idleTimeoutMs: config.puppets.idle_timeout_seconds * 1000,
      connect: (person) => this.connectPuppet(person),
      attach: (puppet) => this.inbound.attachPuppet(puppet),
      log: context.log,
      accountCreatedAt: (person) => context.accountCreatedAt(person),
      accountDisabled: (person) => context.accountDisabled(person),
    });
    this.buddies = new BuddyPuppets({ pool: this.puppets, nickFor: (person) => this.nicks.puppetNick(person), log: context.log });
    const { channels, puppets, inbound, accounts } = this;
    const main = (): IrcConnection | undefined => this.own.current;
    const requireMain = (): IrcConnection => this.requireMain();
    this.nickChoice = new PuppetNickChoice({ config, context, nicks: this.nicks, puppets, requireMain });
    this.bridging = new ChannelBridging({ config, context, channels, puppets, inbound, main, stopping: () => this.own.isStopping });
    this.outgoing = new OutgoingMessages({ config, context, channels, puppets, requireMain });
    this.failureNotices = new FailureNotices({ context, inbound, accounts, puppets, requireMain });
    const { bridging, watch, failureNotices, ownNick } = this;
    const rejoin = (puppet: Puppet, channelName: string): Promise<void> => this.rejoin(puppet, channelName);
    this.own = new OwnConnection({ config, context, channels, bridging, inbound, watch, accounts, failureNotices, ownNick, puppets, rejoin, whois: this.whois });
  }

  stats(): Readonly<Record<string, number>> {
    return { puppets: this.puppets.size, bridged_channels: this.channels.all().length, channels_not_joined: this.bridging.channelsNotJoined, channel_listings: this.channelList.sent };
  }

  get account(): string {
    return this.context.account;
  }

  start(): Promise<void> {
    return this.own.start();
  }

  stop(reason = "Switchboard is stopping"): Promise<void> {
    return this.own.stop(reason);
  }

  async knows(address: Address): Promise<boolean> {
    if (address.protocol !== "irc" || address.account !== this.account) return false;
    // A channel is somewhere to talk once bridged; on a network with open_channels any channel can be (joined on demand).
    if (isChannelId(address.id)) return this.channels.find(address.id) !== undefined || (this.roomsOnDemand && isJoinableChannel(address.id));
    // The gateway's own nicks are nobody to write to: a line to a puppet from the gateway would come back to it, and be lost.
    if (this.nicks.isGatewayNick(address.id)) return false;
    return isValidNick(address.id, { nickLen: this.own.current?.server.nickLen ?? 30 });
  }

  /** A channel of this network (by the server's CHANTYPES once connected): it takes room messages only. */
  isRoom(address: Address): boolean {
    return address.protocol === "irc" && address.account === this.account && isChannelId(address.id, this.own.current?.server.chanTypes);
  }

  send(message: Message, recipient: Address = message.to): Promise<SendResult> {
    return this.outgoing.send(message, recipient);
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

  /** "Who is this?" about a nick: WHOIS on the gateway's own connection (whois-lookup.ts); nobody with it is GW_ERR_NOT_FOUND. */
  async contactInfo(subject: Address): Promise<ContactInfo> {
    if (subject.account !== this.account || isChannelId(subject.id)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is not a nick of ${this.account}`);
    this.requireMain();
    return this.whois.lookup(subject.id);
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
  async reportDelivered(): Promise<void> {}

  /** The gateway speaks as itself: a NOTICE from its own connection (a link code, its answer). */
  async sendServiceMessage(to: Address, text: string): Promise<void> {
    const main = this.requireMain();
    if (isChannelId(to.id) || this.nicks.isGatewayNick(to.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is a channel or one of the gateway's own nicks, not someone's account`);
    }
    await sendText(main, to.id, text, "notice", { maxLines: 3 });
  }

  /** An IRC user's message could not be delivered: they get a NOTICE from the person they wrote to (or the gateway). */
  reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    return this.failureNotices.reportFailure(message, recipient, error);
  }

  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "IRC channels are bridged by bridges (configuration or admin), not joined");
  }

  async leaveRoom(): Promise<void> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "IRC channels are bridged by bridges (configuration or admin), not left");
  }

  /** An admin bridged a channel at runtime (core/bridges.ts): joined now if connected, and at every connect. */
  bridgeRoom(remote: Address, hub: Address, options: RemoteRoomOptions): Promise<void> {
    return this.bridging.bridgeRoom(remote, hub, options);
  }

  /** An INVITE into the channel bridged to the room (channel-invites.ts). */
  sendInvitation(invitation: RoomInvitation): Promise<void> {
    return this.outgoing.invite(invitation);
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

  /** The channels the server lists (core/room-directory.ts keeps and pages them). */
  roomDirectory(filter: string): Promise<RoomListing> {
    return this.channelList.list(filter);
  }

  /** The configuration was reloaded: channels the gateway's connection is out of (kicked, refused) are tried now. */
  retryRooms(): void {
    if (this.own.current) this.bridging.retryAll();
  }

  /** A runtime bridge ended: the gateway and its puppets leave the channel. */
  unbridgeRoom(remote: Address): Promise<void> {
    return this.bridging.unbridgeRoom(remote);
  }

  /** A person left the room, or was put out of it (`removal`, said in the PART): their puppet leaves its channels. */
  async sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    if (event !== "left" || member.address.protocol === "irc") return;
    const reason = removal === undefined ? "left the room" : oneLineText(`${removal.ban === true ? "banned" : "kicked"} by ${removal.by}${removal.reason === "" ? "" : `: ${removal.reason}`}`);
    for (const channel of this.channels.ofRoom(room)) this.puppets.part(member.address, channel.channel, reason);
  }

  /**
   * A member of a bridged room took another nick elsewhere: nothing to do on IRC, where a puppet's nick comes from its
   * person's address (someone of another IRC network renamed has a new address: a new puppet; the old one quits when idle).
   */
  async sendMemberChange(): Promise<void> {}

  /** The subject of a bridged room changed elsewhere: the channel's topic follows (needs the right to set it, +t). */
  sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    return this.bridging.sendTopic(room, topic, by);
  }

  private requireMain(): IrcConnection {
    return this.own.require();
  }

  private async connectPuppet(person: Address): Promise<IrcConnection> {
    this.requireMain();
    return connectPuppet({ config: this.config, context: this.context, nicks: this.nicks, logins: this.logins, identities: this.identities }, person);
  }

  async verifyPuppetAccount(person: Address, credentials: PuppetCredentials): Promise<void> {
    checkPuppetAccountsAllowed(this.config);
    this.requireMain();
    await this.logins.verify(this.nicks.puppetNick(person), credentials, (run) => this.puppets.inTurn(run));
  }

  /** Whether a person's server password may be sent to this network (puppet-logins.ts: as for an account's password). */
  checkPuppetSecrets(): void {
    checkPuppetAccountsAllowed(this.config);
  }

  /** A connected puppet quits and comes back at once, logged in to what its person keeps now, in the same channels. */
  async puppetAccountChanged(person: Address): Promise<void> {
    this.logins.forget(person);
    await this.puppets.reconnect(person, "logging in again", (puppet, channelName) => this.rejoin(puppet, channelName));
  }

  /** A person's account was deleted: their puppet quits with `reason`, and connects for them no more (PuppetPool.forget). */
  personDeleted(person: Address, reason: string): Promise<void> {
    this.logins.forget(person);
    return this.puppets.forget(person, reason);
  }

  /** A person's account was disabled: their puppet quits with `reason`, and connects for them no more while the store says so (PuppetPool.suspend). */
  personDisabled(person: Address, reason: string): Promise<void> {
    this.logins.forget(person);
    return this.puppets.suspend(person, reason);
  }

  /** The name of a deleted account is someone's again: their puppet may connect (PuppetPool.remember). */
  personRegistered(person: Address): void {
    this.puppets.remember(person);
  }

  /** The person's puppet goes by the nick they chose (puppet-nick-choice.ts), at once when it is connected. */
  setPuppetNick(person: Address, name: string): Promise<string> {
    return this.nickChoice.set(person, name);
  }

  puppetNick(person: Address): string {
    return this.nicks.puppetNick(person);
  }

  private async rejoin(puppet: Puppet, channelName: string): Promise<void> {
    const channel = this.channels.find(channelName);
    if (channel) await this.puppets.join(puppet, channel.channel, channel.key);
  }
}
