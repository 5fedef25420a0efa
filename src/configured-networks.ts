/**
 * The networks and bridges a configuration file describes, as the gateway builds them: each IRC network with the
 * channels `bridges:` adds to its own list, each bridge bot with its MUCs likewise, and every one of those
 * channels and MUCs as a bridge of the configuration (core/bridges.ts). Read at start, and again when the file is
 * reloaded (SIGHUP), whose bridges are then compared with those running.
 */
import type { Bridge } from "./core/bridges.js";
import { ircAddress } from "./adapters/irc/irc-addresses.js";
import { mucAddress } from "./adapters/xmpp/bot-adapter.js";
import { resolveBridges } from "./config/bridges.js";
import type { IrcNetworkConfig, SwitchboardConfig, XmppBotConfig } from "./config/config-types.js";

export interface ConfiguredNetworks {
  readonly bots: readonly XmppBotConfig[];
  readonly networks: readonly IrcNetworkConfig[];
  readonly bridges: readonly Bridge[];
}

export function configuredNetworks(config: SwitchboardConfig): ConfiguredNetworks {
  const bridged = resolveBridges(config);
  const bridges: Bridge[] = [];
  const bots = config.xmpp.bots.map((configured) => ({ ...configured, rooms: [...configured.rooms, ...(bridged.mucs.get(configured.account) ?? [])] }));
  for (const bot of bots) {
    for (const room of bot.rooms) {
      bridges.push({ room: room.room.toLowerCase(), remote: mucAddress(bot.account, room.muc), nick: room.nick, key: room.password, membership: room.membership, source: "config" });
    }
  }
  const networks = config.irc.networks.map((configured) => ({ ...configured, channels: [...configured.channels, ...(bridged.channels.get(configured.name) ?? [])] }));
  for (const network of networks) {
    for (const channel of network.channels) {
      bridges.push({ room: channel.room.toLowerCase(), remote: ircAddress(network.name, channel.channel.toLowerCase()), nick: "", key: channel.key, membership: channel.membership, source: "config" });
    }
  }
  return { bots, networks, bridges };
}
