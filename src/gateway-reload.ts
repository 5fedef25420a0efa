/**
 * What a reload (SIGHUP with a configuration file, config/reloadable.ts) changes in the running gateway: the log level,
 * the values read at each use (`ReloadedValues`: the room member cap, invitations an hour, the message log's maximum
 * age, which prunes at once when changed), the users' limits, and the file's bridges and admins, compared with those
 * running (BridgeService.reconfigure, which ends and makes bridges as the admin commands do; a network or bot taken
 * out of the file runs until the restart, and so do its bridges). Rooms given up on are tried again; every other change
 * is logged as waiting for the restart. Part of the composition root (gateway.ts).
 */
import type { BridgeService, Bridge } from "./core/bridges.js";
import type { LogRetention } from "./core/log-retention.js";
import { setLogLevel, type Logger } from "./core/logger.js";
import { formatAddress, parseAddress } from "./core/model/address.js";
import type { Supervisor } from "./core/supervisor.js";
import type { UserLimits, UserLimitValues } from "./core/user-limits.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import { restartOnlyChanges } from "./config/reloadable.js";
import { configuredNetworks, type ConfiguredNetworks } from "./configured-networks.js";

/** The values of the file that a reload changes in place: each is read where it is used, at each use. */
export class ReloadedValues {
  /** rooms.max_members, read at each join. */
  maxRoomMembers: number;
  /** rooms.invitations_per_hour, read at each invitation. */
  invitationsPerHour: number;
  /** store.message_log_max_age_days, read at each pass of the retention. */
  maxLogAgeDays: number;

  constructor(config: SwitchboardConfig) {
    this.maxRoomMembers = config.rooms.max_members;
    this.invitationsPerHour = config.rooms.invitations_per_hour;
    this.maxLogAgeDays = config.store.message_log_max_age_days;
  }
}

export interface ReloadDeps {
  /** The configuration the gateway started with, and its networks as built then. */
  readonly config: SwitchboardConfig;
  readonly configured: ConfiguredNetworks;
  readonly values: ReloadedValues;
  readonly limits: UserLimits;
  readonly retention: LogRetention;
  readonly bridges: BridgeService;
  readonly supervisor: Supervisor;
  readonly log: Logger;
}

export async function reloadGateway(file: SwitchboardConfig, deps: ReloadDeps): Promise<void> {
  const { config, configured, values, limits, retention, bridges, supervisor, log } = deps;
  setLogLevel(log, file.log.level);
  values.maxRoomMembers = file.rooms.max_members;
  values.invitationsPerHour = file.rooms.invitations_per_hour;
  limits.set(userLimitValues(file));
  if (file.store.message_log_max_age_days !== values.maxLogAgeDays) {
    values.maxLogAgeDays = file.store.message_log_max_age_days;
    retention.runPass();
  }
  const inFile = configuredNetworks(file);
  // A network or bot taken out of the file runs until the restart (config/reloadable.ts), and so do its bridges.
  const named = new Set([...inFile.networks.map((network) => `irc/${network.name}`), ...inFile.bots.map((bot) => `xmpp/${bot.account}`)]);
  const running = new Set([...configured.networks.map((network) => `irc/${network.name}`), ...configured.bots.map((bot) => `xmpp/${bot.account}`)]);
  const networkOf = (bridge: Bridge): string => `${bridge.remote.protocol}/${bridge.remote.account}`;
  const kept = bridges.configuredBridges().filter((bridge) => running.has(networkOf(bridge)) && !named.has(networkOf(bridge)));
  const { added, removed, refused } = await bridges.reconfigure(
    file.admins.map((admin) => parseAddress(admin)),
    [...inFile.bridges, ...kept],
  );
  const listed = (list: readonly Bridge[]): string[] => list.map((bridge) => `${formatAddress(bridge.remote)} -> ${bridge.room}`);
  for (const { bridge, error } of refused) {
    log.warn({ code: error.code, reason: error.message, room: bridge.room, remote: formatAddress(bridge.remote) }, "bridge of the configuration file not added");
  }
  const { maxRoomMembers, invitationsPerHour, maxLogAgeDays } = values;
  log.info({ logLevel: file.log.level, maxRoomMembers, invitationsPerHour, userLimits: file.native.limits, messageLogMaxAgeDays: maxLogAgeDays, admins: file.admins.length, added: listed(added), removed: listed(removed), refused: refused.length }, "configuration reloaded");
  // Rooms given up on (a bot banned from a MUC, a channel that refused the gateway) are tried again at once.
  for (const state of supervisor.states()) state.adapter.retryRooms?.();
  const waiting = restartOnlyChanges(config, file);
  if (waiting.length > 0) log.warn({ keys: waiting }, "changed in the configuration file, and applied at the next restart only");
}

/** native.limits as core/user-limits.ts takes them. */
export function userLimitValues(config: SwitchboardConfig): UserLimitValues {
  const { contacts, rooms_created: roomsCreated, contact_requests_per_hour: contactRequestsPerHour } = config.native.limits;
  return { contacts, roomsCreated, contactRequestsPerHour };
}
