/**
 * `bridges:` (docs/bridging.md): each bridge names a native room and the rooms of other networks bridged to
 * it. It says the same as listing each channel under its IRC network and each MUC under its bridge bot, so it is
 * resolved here into those per-network lists, which the adapters read; the cross-checks report entries that
 * name a network or bot that is not configured.
 */
import { parseAddress, type Address } from "../core/model/address.js";
import type { IrcChannelConfig, SwitchboardConfig, XmppBotRoomConfig } from "./config-types.js";
import type { UnplacedProblem } from "./problems.js";

export interface BridgedRooms {
  /** The channels bridges add to an IRC network (by network name). */
  readonly channels: ReadonlyMap<string, readonly IrcChannelConfig[]>;
  /** The MUCs bridges add to a bridge bot (by bot account). */
  readonly mucs: ReadonlyMap<string, readonly XmppBotRoomConfig[]>;
  readonly problems: readonly UnplacedProblem[];
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

export function resolveBridges(config: SwitchboardConfig): BridgedRooms {
  const channels = new Map<string, IrcChannelConfig[]>();
  const mucs = new Map<string, XmppBotRoomConfig[]>();
  const problems: UnplacedProblem[] = [];
  config.bridges.forEach((bridge, index) => {
    bridge.with.forEach((text, position) => {
      const segments = ["bridges", String(index), "with", String(position)];
      let address: Address;
      try {
        address = parseAddress(text);
      } catch (error: unknown) {
        problems.push({ segments, atKey: false, message: (error as Error).message });
        return;
      }
      if (address.protocol === "irc") {
        if (!config.irc.networks.some((network) => network.name === address.account)) {
          problems.push({ segments, atKey: false, message: `names IRC network "${address.account}", which irc.networks does not configure` });
        } else if (!/^[#&]/.test(address.id)) {
          problems.push({ segments, atKey: false, message: `must name a channel (irc://${address.account}/#channel)` });
        } else if (
          [...(config.irc.networks.find((network) => network.name === address.account)?.channels ?? []), ...(channels.get(address.account) ?? [])].some(
            (channel) => channel.channel.toLowerCase() === address.id.toLowerCase(),
          )
        ) {
          problems.push({ segments, atKey: false, message: `${address.id} on ${address.account} is bridged already` });
        } else {
          add(channels, address.account, { channel: address.id, room: bridge.room, key: "", membership: bridge.membership });
        }
      } else if (address.protocol === "xmpp") {
        if (!config.xmpp.bots.some((bot) => bot.account === address.account)) {
          problems.push({ segments, atKey: false, message: `names bridge bot "${address.account}", which xmpp.bots does not configure` });
        } else if (!address.id.includes("@") || address.id.includes("/")) {
          problems.push({ segments, atKey: false, message: "must name a MUC by its bare JID (xmpp://<bot>/room@conference.example.org)" });
        } else {
          add(mucs, address.account, { muc: address.id.toLowerCase(), nick: bridge.nick, room: bridge.room, membership: bridge.membership, password: "" });
        }
      } else {
        problems.push({ segments, atKey: false, message: "must be an irc:// channel or an xmpp:// MUC of a bridge bot" });
      }
    });
  });
  return { channels, mucs, problems };
}
