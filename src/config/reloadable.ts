/**
 * What a reload of the configuration file (SIGHUP) changes in the running gateway, and what waits for a restart.
 * Applied at once: `log.level`, `admins`, `rooms.max_members` (for the next joins), `rooms.invitations_per_hour`,
 * `native.limits` (for the next additions and requests), `store.message_log_max_age_days` (a pass at once), and the
 * bridges (`bridges:`, `irc.networks[].channels`, `xmpp.bots[].rooms`). Anything else (a network's server, a new network, the native listener, the store) is
 * named by its key path, so that the operator knows to restart; never with its value, which may be a secret.
 */
import type { SwitchboardConfig } from "./config-types.js";

const RELOADABLE: readonly RegExp[] = [/^log\.level$/, /^admins(\[|$)/, /^rooms\.(max_members|invitations_per_hour)$/, /^native\.limits\./, /^store\.message_log_max_age_days$/, /^bridges(\[|$)/, /^irc\.networks\.[^.]+\.channels(\[|$)/, /^xmpp\.bots\.[^.]+\.rooms(\[|$)/];

/** The key paths whose values differ between two configurations, as deep as they differ (`irc.networks[0].port`). */
export function changedPaths(before: unknown, after: unknown, path = ""): string[] {
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const paths: string[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      const at = `${path}[${index}]`;
      if (index >= before.length || index >= after.length) paths.push(at);
      else paths.push(...changedPaths(before[index], after[index], at));
    }
    return paths;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => changedPaths(before[key], after[key], path === "" ? key : `${path}.${key}`));
  }
  return [path];
}

/**
 * The changes between the running configuration and the file's that take effect at the next restart only. IRC
 * networks and bridge bots are compared by name, not by position: `irc.networks.libera.host`, and a network taken
 * out or added is `irc.networks.oftc` as a whole.
 */
export function restartOnlyChanges(running: SwitchboardConfig, file: SwitchboardConfig): string[] {
  return changedPaths(byName(running), byName(file)).filter((path) => !RELOADABLE.some((pattern) => pattern.test(path)));
}

function byName(config: SwitchboardConfig): unknown {
  return {
    ...config,
    irc: { ...config.irc, networks: Object.fromEntries(config.irc.networks.map((network) => [network.name, network])) },
    xmpp: { ...config.xmpp, bots: Object.fromEntries(config.xmpp.bots.map((bot) => [bot.account, bot])) },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
