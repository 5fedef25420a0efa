/**
 * The gateway's own connection to a network (the listener; irc-adapter.ts is the Adapter around it): made at start,
 * with its parts attached (the bridged channels joined, contacts' status and linked nicks' services accounts watched,
 * failure notices sent from it, its configured nick asked for again), the network then online and the puppets it had
 * restored; those parts are let go when it is lost or the adapter stops. irc-framework's own reconnection is off: a
 * loss not asked for makes the adapter offline, and the supervisor restarts it.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { AccountWatch } from "./account-watch.js";
import type { BridgedChannels } from "./bridged-channels.js";
import type { ChannelBridging } from "./channel-bridging.js";
import type { ContactWatch } from "./contact-watch.js";
import type { FailureNotices } from "./failure-notices.js";
import { IrcConnection } from "./irc-connection.js";
import type { IrcInbound } from "./irc-inbound.js";
import { networkConnectionOptions } from "./network-connection-options.js";
import type { OwnNickKeeper } from "./own-nick.js";
import type { PuppetPool } from "./puppet-pool.js";
import type { Puppet } from "./puppet.js";
import type { WhoisLookups } from "./whois-lookup.js";

export interface OwnConnectionParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly channels: BridgedChannels;
  readonly bridging: ChannelBridging;
  readonly inbound: IrcInbound;
  readonly watch: ContactWatch;
  readonly accounts: AccountWatch;
  readonly failureNotices: FailureNotices;
  /** WHOIS asked for people's contact information (whois-lookup.ts). */
  readonly whois: WhoisLookups;
  readonly ownNick: OwnNickKeeper;
  readonly puppets: PuppetPool;
  /** Joins a restored puppet to a channel it was in, if that is still bridged. */
  readonly rejoin: (puppet: Puppet, channelName: string) => Promise<void>;
}

export class OwnConnection {
  private main: IrcConnection | undefined;
  private accountPoller: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly parts: OwnConnectionParts) {}

  /** The connection while connected. */
  get current(): IrcConnection | undefined {
    return this.main;
  }

  /** The adapter is stopping (stop() called, and no start since). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** The connection, or GW_ERR_UNAVAILABLE (retryable) while there is none or the adapter is stopping. */
  require(): IrcConnection {
    if (!this.main || this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", `IRC network ${this.parts.context.account} is not connected`, { retryable: true });
    return this.main;
  }

  async start(): Promise<void> {
    const { config, context, channels, bridging, puppets } = this.parts;
    this.stopping = false;
    puppets.reopen();
    const main = await IrcConnection.connect(networkConnectionOptions(config, { nick: config.nick, username: config.username, realname: config.realname, own: true }, context.log));
    if (this.stopping) {
      main.destroy();
      throw new GatewayError("GW_ERR_UNAVAILABLE", "stopped while connecting", { retryable: true });
    }
    this.main = main;
    this.parts.inbound.attachMain(main);
    bridging.attach(main);
    main.on("closed", (event) => this.lost(main, event.byUs, event.error));
    // A copy: a reload may add or end bridges meanwhile (bridgeRoom joins a new one itself).
    for (const channel of [...channels.all()]) {
      if (channels.find(channel.channel) !== channel) continue; // ended while the others were joined
      // One channel the server cannot be asked to join (its line refused) must not keep the network down.
      await bridging.joinChannel(main, channel).catch((error: unknown) => context.log.error({ err: error, channel: channel.channel }, "IRC channel not joined"));
    }
    this.parts.watch.attach(main);
    this.parts.accounts.attach(main);
    this.parts.failureNotices.attach(main);
    this.parts.whois.attach(main);
    this.accountPoller = setInterval(() => this.parts.accounts.poll(), config.presence_poll_seconds * 1000);
    this.accountPoller.unref();
    this.parts.ownNick.attach(main);
    context.log.info({ network: context.account, nick: main.nick, channels: channels.all().map((channel) => channel.channel), mode: config.mode }, "IRC network online");
    context.setStatus("online");
    context.dispatch({ type: "network-reachable", protocol: "irc", account: context.account });
    void puppets.restore(this.parts.rejoin);
  }

  async stop(reason: string): Promise<void> {
    this.stopping = true;
    this.parts.bridging.stop();
    this.parts.watch.detach();
    this.detachAccounts(true);
    this.parts.failureNotices.detach();
    this.parts.whois.detach();
    const main = this.main;
    this.main = undefined;
    await this.parts.puppets.closeAll(reason);
    await main?.quit(reason);
  }

  private detachAccounts(stopping = false): void {
    if (this.accountPoller) clearInterval(this.accountPoller);
    this.accountPoller = undefined;
    this.parts.ownNick.detach();
    this.parts.accounts.detach(stopping);
  }

  private lost(connection: IrcConnection, byUs: boolean, error: GatewayError | undefined): void {
    if (this.main !== connection) return;
    this.main = undefined;
    this.parts.watch.detach();
    this.detachAccounts();
    this.parts.failureNotices.detach();
    this.parts.whois.detach();
    this.parts.inbound.reset();
    this.parts.bridging.lost();
    this.parts.puppets.dropAll();
    if (byUs || this.stopping) return;
    // One warn line for the loss: the supervisor's, which names this reason and when it tries again.
    const reason = error === undefined ? "IRC connection lost" : `IRC connection lost: ${error.message}`;
    this.parts.context.setStatus("offline", new GatewayError("GW_ERR_UNAVAILABLE", reason, { retryable: true }));
  }
}
