/**
 * The servers of bench/xmpp.ts besides Prosody (test/helpers/servers.ts startProsody: temp config on loopback,
 * fast SCRAM, no mod_limits): the Switchboard daemon (bench/daemon-process.ts) with its XMPP component connected to
 * that Prosody, and the relay floor (bench/xmpp-relay-baseline.ts) as Prosody's component instead. Also Prosody's
 * process id, which servers.ts does not expose.
 */
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import type { ProsodyServer } from "../test/helpers/servers.js";
import { commandHas, findProcess, type Resources } from "./child-processes.js";
import { startDaemon, type DaemonBasics, type DaemonProcess } from "./daemon-process.js";
import { startRelay, type RelayProcess } from "./relay-process.js";
import type { SeededContact } from "./seed-users.js";

export interface GatewayDaemonOptions extends DaemonBasics {
  /** Mutual subscriptions (subscription "both") seeded between a native user and an XMPP JID. */
  readonly contacts: readonly SeededContact[];
  readonly prosody: ProsodyServer;
}

/** The daemon's config lines of its XMPP component on `prosody` (bench/bridge.ts uses them too). */
export function componentConfig(prosody: ProsodyServer): string[] {
  return [
    "xmpp:",
    "  component:",
    "    enabled: true",
    `    domain: ${JSON.stringify(prosody.componentDomain)}`,
    `    host: ${prosody.host}`,
    `    port: ${prosody.componentPort}`,
    `    secret: ${JSON.stringify(prosody.componentSecret)}`,
  ];
}

/** Starts the daemon with native on a free port and the XMPP component on Prosody; resolves once both are up. */
export function startGatewayDaemon(resources: Resources, root: string, options: GatewayDaemonOptions): Promise<DaemonProcess> {
  const { prosody, ...daemon } = options;
  return startDaemon(resources, root, {
    ...daemon,
    tempPrefix: "switchboard-bench-xmpp-",
    writtenBy: "bench/xmpp.ts",
    networkConfig: componentConfig(prosody),
    readyMessages: ["XMPP component online"],
  });
}

/**
 * Prosody's process id: servers.ts does not expose it. Its config (prosody.cfg.lua, beside the data dir) sets a
 * pidfile in the same dir; the process is checked to be the Prosody of that config, and found in /proc by its
 * config path when the pid file is missing.
 */
export function prosodyPid(prosody: ProsodyServer): number {
  const root = dirname(prosody.dataDir);
  const configPath = join(root, "prosody.cfg.lua");
  try {
    const pid = Number(readFileSync(join(root, "prosody.pid"), "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && commandHas(pid, [configPath])) return pid;
  } catch {
    // no pid file: look in /proc
  }
  const pid = findProcess(["prosody", configPath]);
  if (pid === undefined) throw new Error(`no Prosody process found for ${configPath}`);
  return pid;
}

/** Starts bench/xmpp-relay-baseline.ts as Prosody's component; resolves once it is online and listening. */
export function startRelayBaseline(resources: Resources, root: string, prosody: ProsodyServer): Promise<RelayProcess> {
  const args = [prosody.host, String(prosody.componentPort), prosody.componentDomain, prosody.componentSecret];
  return startRelay(resources, root, "relay", "bench/xmpp-relay-baseline.ts", args);
}
