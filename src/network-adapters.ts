/**
 * The network adapters a configuration file asks for, beyond the native one and linked accounts: the XMPP component,
 * each bridge bot and each IRC network (with the native rooms their configured bridges need, made when missing), and
 * the IRC servers on demand (irc.servers_on_demand), each registered and supervised. Part of the composition root
 * (gateway.ts), which gives each its context.
 */
import type { Adapter, AdapterContext } from "./core/adapter.js";
import type { AdapterRegistry } from "./core/adapter-registry.js";
import { gatewaySecret } from "./core/gateway-secrets.js";
import type { IdentityService } from "./core/identities.js";
import type { Logger } from "./core/logger.js";
import type { ProtocolId } from "./core/model/address.js";
import type { RoomService } from "./core/rooms.js";
import type { Supervisor } from "./core/supervisor.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import type { ConfiguredNetworks } from "./configured-networks.js";
import type { Store } from "./store/store.js";
import type { CredentialBox } from "./core/credential-box.js";
import { ircAddress, nativeRoom } from "./adapters/irc/irc-addresses.js";
import { IrcServersOnDemand, ircNetworkAdapter } from "./irc-servers-on-demand.js";
import { XmppComponentAdapter } from "./adapters/xmpp/component-adapter.js";
import { OCCUPANT_ID_SECRET } from "./adapters/xmpp/occupant-ids.js";
import { PUPPET_IDENTITY_SECRET } from "./adapters/irc/puppet-identity.js";
import { bridgedRoom, mucAddress, XmppBotAdapter } from "./adapters/xmpp/bot-adapter.js";

export interface NetworkAdapterDeps {
  readonly config: SwitchboardConfig;
  readonly configured: ConfiguredNetworks;
  readonly rooms: RoomService;
  readonly registry: AdapterRegistry;
  readonly supervisor: Supervisor;
  readonly contextFor: (protocol: ProtocolId, account: string, adapterRef: () => Adapter | undefined) => AdapterContext;
  readonly identities: IdentityService;
  readonly store: Store;
  /** Seals the gateway's own secrets at rest when the operator set a credential key (core/gateway-secrets.ts). */
  readonly credentialBox: CredentialBox | undefined;
  readonly log: Logger;
}

export async function buildNetworkAdapters(deps: NetworkAdapterDeps): Promise<{ readonly onDemand: IrcServersOnDemand }> {
  const { config, configured, rooms, registry, supervisor, contextFor, identities, store, credentialBox, log } = deps;
  // Puppets' user names, hosts and IPs on IRC (adapters/irc/puppet-identity.ts): the same across restarts.
  const puppetIdentityKey = (): Promise<Buffer> => gatewaySecret(store.gatewaySecrets, PUPPET_IDENTITY_SECRET, credentialBox);
  if (config.xmpp.component.enabled) {
    let component: XmppComponentAdapter | undefined = undefined;
    component = new XmppComponentAdapter(
      config.xmpp.component,
      contextFor("xmpp", "default", () => component),
      async () => Promise.all((await rooms.list()).map(async (room) => ({ address: room.address, name: room.name, members: await rooms.members(room.address) }))),
      () => gatewaySecret(store.gatewaySecrets, OCCUPANT_ID_SECRET, credentialBox),
      store.gatewaySubscribers,
      store.gatewaySettings,
    );
    registry.register(component);
    supervisor.add(component, { critical: false });
  }

  // bridges: (docs/bridging.md) add channels to IRC networks and MUCs to bridge bots.
  for (const bot of configured.bots) {
    for (const room of bot.rooms) {
      const address = bridgedRoom(room);
      if (!(await rooms.exists(address))) {
        await rooms.create(address, room.room.toLowerCase(), "", { address: mucAddress(bot.account, room.muc), nick: room.muc.split("@")[0] ?? room.muc, role: "owner" });
      }
    }
    let adapter: XmppBotAdapter | undefined = undefined;
    adapter = new XmppBotAdapter(bot, contextFor("xmpp", bot.account, () => adapter));
    registry.register(adapter);
    supervisor.add(adapter, { critical: false });
  }

  for (const network of configured.networks) {
    for (const channel of network.channels) {
      const address = nativeRoom(channel.room);
      if (!(await rooms.exists(address))) {
        await rooms.create(address, channel.room.toLowerCase(), "", { address: ircAddress(network.name, channel.channel), nick: channel.channel, role: "owner" });
      }
    }
    const adapter = ircNetworkAdapter(network, (ref) => contextFor("irc", network.name, ref), puppetIdentityKey);
    registry.register(adapter);
    supervisor.add(adapter, { critical: false });
  }
  // irc.servers_on_demand: IRC networks built at their first use, where the core finds no adapter (irc-servers-on-demand.ts).
  const onDemand = new IrcServersOnDemand({
    config: config.irc.servers_on_demand,
    configured: configured.networks.map((network) => network.name),
    registry,
    supervisor,
    build: (network) => ircNetworkAdapter(network, (ref) => contextFor("irc", network.name, ref), puppetIdentityKey),
    personOf: (address) => identities.personOf(address),
    queuedFor: async (network) => (await store.outbox.recipients()).some((recipient) => recipient.protocol === "irc" && recipient.account === network),
    log: log.child({ component: "servers-on-demand" }),
  });
  registry.serveOnDemand(onDemand);
  return { onDemand };
}
