/**
 * The gateway's connection in the bridged channels of one network: it joins them (at connect, and as bridges are
 * added at runtime), leaves them as bridges end, joins again where it was kicked or refused (channel-rejoins.ts),
 * sets their topic as their room's subject changes, and hears the server's refusals of its JOINs and TOPICs.
 */
import type { AdapterContext, RemoteRoomOptions } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { RoomMember } from "../../core/model/room.js";
import type { IrcChannelConfig, IrcNetworkConfig } from "../../config/config-types.js";
import type { BridgedChannels } from "./bridged-channels.js";
import { ChannelJoins } from "./channel-joins.js";
import { ChannelRejoins, REJOIN_AFTER_KICK_MS, RETRY_MS } from "./channel-rejoins.js";
import type { IrcConnection } from "./irc-connection.js";
import type { IrcInbound } from "./irc-inbound.js";
import { ircAddress, isJoinableChannel, nativeRoom } from "./irc-addresses.js";
import { oneLineText, ONE_LINE_BYTES } from "./outgoing-text.js";
import type { PuppetPool } from "./puppet-pool.js";

/** How long a channel bridged while connected may take to be joined (its names sent) before it counts as failed. */
const JOIN_TIMEOUT_MS = 10_000;
/** The longest channel key taken: servers keep far less (KEYLEN, often 23-32), and a JOIN line must fit 512 bytes. */
const MAX_KEY_BYTES = 100;

/** What a TOPIC may hold on this server: its TOPICLEN when it says, within one line. */
function topicBytes(connection: IrcConnection): number {
  return Math.min(connection.server.topicLen ?? ONE_LINE_BYTES, ONE_LINE_BYTES);
}

export interface ChannelBridgingParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  /** Bridged channels: the configured ones, then those added at runtime (bridgeRoom). */
  readonly channels: BridgedChannels;
  readonly puppets: PuppetPool;
  readonly inbound: IrcInbound;
  /** The gateway's connection, while connected. */
  main(): IrcConnection | undefined;
  /** The adapter is stopping: nothing is joined any more. */
  stopping(): boolean;
}

export class ChannelBridging {
  /** JOINs of channels bridged while connected, awaited until the server took or refused them. */
  private readonly joins = new ChannelJoins(JOIN_TIMEOUT_MS);
  /** Bridged channels the gateway's connection is out of (kicked, JOIN refused), joined again (channel-rejoins.ts). */
  private readonly rejoins = new ChannelRejoins((name) => this.rejoin(name));
  /** Channels (lower case) the gateway's connection sent a JOIN for and has no answer to yet: a refusal is about one. */
  private readonly joinsUnanswered = new Set<string>();
  /** Channels (ASCII lower case) with a TOPIC sent and not yet answered by an echo or a refusal. */
  private readonly topicPending = new Set<string>();

  constructor(private readonly parts: ChannelBridgingParts) {}

  private get account(): string {
    return this.parts.context.account;
  }

  /** How many bridged channels the gateway's connection is out of now. */
  get channelsNotJoined(): number {
    return this.rejoins.channels.length;
  }

  /** The gateway's connection came: its NAMES, KICKs and INVITEs tell whether it is in the bridged channels. */
  attach(main: IrcConnection): void {
    const { channels, context } = this.parts;
    main.on("names", (event) => {
      this.joinsUnanswered.delete(event.channel.toLowerCase());
      this.joins.joined(event.channel);
      if (this.rejoins.isOut(event.channel)) context.log.info({ channel: event.channel }, "the gateway's IRC connection is in the bridged channel again");
      this.rejoins.joined(event.channel);
    });
    main.on("kick", (event) => {
      if (event.nick.toLowerCase() !== main.nick.toLowerCase() || !channels.find(event.channel)) return;
      context.log.warn(
        { channel: event.channel, by: event.by, reason: event.reason, retryInMs: REJOIN_AFTER_KICK_MS },
        "the gateway's IRC connection was kicked from a bridged channel: nothing said there is relayed until it is back; joining again",
      );
      this.rejoins.left(event.channel, REJOIN_AFTER_KICK_MS);
    });
    main.on("invite", (event) => {
      if (this.rejoins.invited(event.channel)) context.log.info({ channel: event.channel, by: event.by }, "invited back to a bridged channel: joining it");
    });
  }

  /** The gateway's connection is gone: no JOIN is awaited or tried again until the next one joins them all. */
  lost(): void {
    this.joins.lost();
    this.joinsUnanswered.clear();
    this.rejoins.forget();
  }

  /** The adapter stops: no channel is joined again. */
  stop(): void {
    this.rejoins.forget();
  }

  /** The configuration was reloaded: channels the gateway's connection is out of (kicked, refused) are tried now. */
  retryAll(): void {
    this.rejoins.retryAll();
  }

  /** An admin bridged a channel at runtime (core/bridges.ts): joined now if connected, and at every connect. */
  async bridgeRoom(remote: Address, hub: Address, options: RemoteRoomOptions): Promise<void> {
    const { channels } = this.parts;
    if (remote.protocol !== "irc" || remote.account !== this.account || !isJoinableChannel(remote.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${remote.id} is not a channel of ${this.account} (irc://${this.account}/#channel)`);
    }
    if (channels.find(remote.id)) throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${remote.id} on ${this.account} is bridged already`);
    if (/[\s,\0]/.test(options.key)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "a channel key cannot hold spaces, commas or NUL");
    if (Buffer.byteLength(options.key, "utf8") > MAX_KEY_BYTES) throw new GatewayError("GW_ERR_BAD_ADDRESS", `a channel key is at most ${MAX_KEY_BYTES} bytes`);
    const channel: IrcChannelConfig = { channel: remote.id, room: hub.id.replace(/^#/, ""), key: options.key, membership: options.membership };
    channels.add(channel);
    const main = this.parts.main();
    if (!main || this.parts.stopping()) return; // joined at the next connect
    // Connected: bridged once the server took the JOIN, so that a refusal (a ban, a wrong key) reaches whoever
    // asked and nothing is bridged, and the channel's names are known to whoever joins the room next.
    const joined = this.joins.expect(channel.channel);
    joined.catch(() => undefined); // a refusal arriving while joinChannel awaits is handled below, not unhandled
    try {
      await this.joinChannel(main, channel);
      await joined;
    } catch (error: unknown) {
      channels.remove(channel.channel);
      try {
        this.parts.main()?.send("PART", [channel.channel]);
      } catch {
        // not joined either, then
      }
      throw error;
    }
  }

  /** A runtime bridge ended: the gateway and its puppets leave the channel. */
  async unbridgeRoom(remote: Address): Promise<void> {
    const channel = this.parts.channels.remove(remote.id);
    if (!channel) return;
    this.rejoins.forget(channel.channel);
    this.parts.inbound.forgetChannel(channel.channel);
    this.parts.puppets.partAll(channel.channel, "bridge removed");
    this.parts.main()?.send("PART", [channel.channel, "bridge removed"]);
  }

  /** The subject of a bridged room changed elsewhere: the channel's topic follows (needs the right to set it, +t). */
  async sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    const { config, context, puppets } = this.parts;
    const main = this.parts.main();
    if (!main || by?.address.protocol === "irc") return;
    for (const channel of this.parts.channels.ofRoom(room)) {
      const puppet = config.mode === "puppets" && by ? await puppets.puppetFor(by.address).catch(() => undefined) : undefined;
      if (puppet) await puppets.join(puppet, channel.channel, channel.key).catch(() => undefined);
      this.topicPending.add(channel.channel.toLowerCase());
      const connection = puppet?.connection ?? main;
      try {
        connection.send("TOPIC", [channel.channel, oneLineText(topic, topicBytes(connection))]);
      } catch (error: unknown) {
        this.topicPending.delete(channel.channel.toLowerCase());
        context.log.warn({ err: error, channel: channel.channel }, "topic not set on IRC");
      }
    }
  }

  /**
   * An error numeric about a target. A refused TOPIC (482 while a topic change is pending there) is logged; a
   * refused JOIN goes to the JOIN's caller. A refused message line fails the line itself, on the connection
   * that sent it (IrcConnection: its `confirmed`).
   */
  failed(target: string, error: GatewayError, operations: readonly string[], own: boolean): void {
    // The gateway's own JOIN refused (a puppet's refusals are its JOIN's caller's; 477 may refuse a PRIVMSG too).
    const ownJoin = own && operations.includes("join") && this.joinsUnanswered.delete(target.toLowerCase());
    // A JOIN nobody awaits is one made at connect or a rejoin: the channel's side of the bridge is lost until it works.
    if (ownJoin && !this.joins.refused(target, error) && this.parts.channels.find(target) && this.parts.main() && !this.parts.stopping()) {
      this.parts.context.log.warn(
        { err: error, channel: target, retryInMs: RETRY_MS },
        "the IRC server refused the gateway's JOIN of a bridged channel: nothing said there is relayed until it is joined; trying again (an INVITE lets it in at once)",
      );
      this.rejoins.left(target, RETRY_MS);
    }
    if (operations.includes("topic") && this.topicPending.delete(target.toLowerCase())) {
      this.parts.context.log.warn({ err: error, channel: target }, "the IRC server refused the topic change");
    }
  }

  /** JOINs a bridged channel; its native room counts it as a member (a room relay) from then on. */
  async joinChannel(main: IrcConnection, channel: IrcChannelConfig): Promise<void> {
    this.sendJoin(main, channel);
    const { context } = this.parts;
    await context
      .joinRoom(nativeRoom(channel.room), { address: ircAddress(this.account, channel.channel), nick: channel.channel, role: "member" })
      // A room that does not exist yet is a bridge being added at runtime: the core creates it next, with this
      // channel as its owner (core/bridges.ts).
      .catch((error: unknown) => hasErrorCode(error, "GW_ERR_NOT_FOUND") || context.log.error({ err: error, channel: channel.channel }, "bridged native room not joined"));
  }

  /** The gateway's connection asks to join a bridged channel (with its key); the answer is awaited (joinsUnanswered). */
  private sendJoin(main: IrcConnection, channel: IrcChannelConfig): void {
    main.send("JOIN", channel.key === "" ? [channel.channel] : [channel.channel, channel.key]);
    this.joinsUnanswered.add(channel.channel.toLowerCase());
  }

  /** Another JOIN of a bridged channel the connection is out of (channel-rejoins.ts). */
  private rejoin(name: string): void {
    const channel = this.parts.channels.find(name);
    const main = this.parts.main();
    if (!channel || !main || this.parts.stopping()) {
      this.rejoins.forget(name);
      return;
    }
    try {
      this.sendJoin(main, channel);
    } catch (error: unknown) {
      this.parts.context.log.error({ err: error, channel: channel.channel }, "IRC channel not joined");
    }
  }
}
