/**
 * The processes of bench/irc.ts besides ngIRCd (test/helpers/irc-servers.ts startNgircd): the Switchboard daemon
 * (bench/daemon-process.ts) with one IRC network in puppet mode whose channels are bridged to native rooms, and the
 * relay floor (bench/irc-relay-baseline.ts). Also ngIRCd's process id (irc-servers.ts does not expose it) and a
 * garbage collection of the daemon through the V8 inspector.
 */
import { join } from "node:path";
import { WebSocket } from "ws";
import type { IrcServer } from "../test/helpers/irc-servers.js";
import { findProcess, type Resources } from "./child-processes.js";
import { startDaemon, type DaemonBasics, type DaemonProcess } from "./daemon-process.js";
import { startRelay, type RelayProcess } from "./relay-process.js";

export const IRC_NETWORK = "bench";

export interface BridgedChannel {
  readonly channel: string;
  readonly room: string;
}

export interface IrcGatewayOptions extends DaemonBasics {
  readonly ircd: IrcServer;
  readonly channels: readonly BridgedChannel[];
  /** irc.networks[].flood (the schema allows up to 10,000 lines at once and a second). */
  readonly flood: { readonly burst: number; readonly linesPerSecond: number };
  /** puppets.max_connections. */
  readonly maxPuppets: number;
  /** Starts the daemon with the V8 inspector on a loopback port, for collectGarbage(). */
  readonly inspect?: boolean;
}

/** The daemon's config lines of one IRC network in puppet mode on `ircd`, its channels bridged (bench/bridge.ts uses them too). */
export function ircNetworkConfig(ircd: IrcServer, channels: readonly BridgedChannel[], flood: IrcGatewayOptions["flood"], maxPuppets: number): string[] {
  return [
    "irc:",
    "  networks:",
    `    - name: ${IRC_NETWORK}`,
    `      host: ${ircd.host}`,
    `      port: ${ircd.port}`,
    "      nick: sbgate",
    "      mode: puppets",
    "      flood:",
    `        burst: ${flood.burst}`,
    `        lines_per_second: ${flood.linesPerSecond}`,
    "      puppets:",
    `        max_connections: ${maxPuppets}`,
    "        connect_interval_ms: 0",
    "        idle_timeout_seconds: 0",
    "      channels:",
    ...channels.flatMap(({ channel, room }) => [`        - channel: ${JSON.stringify(channel)}`, `          room: ${room}`]),
  ];
}

/** Starts the daemon with native on a free port and the IRC network on ngIRCd; resolves once both are up. */
export function startIrcGatewayDaemon(resources: Resources, root: string, options: IrcGatewayOptions): Promise<DaemonProcess> {
  const { ircd, channels, flood, maxPuppets, ...daemon } = options;
  return startDaemon(resources, root, {
    ...daemon,
    tempPrefix: "switchboard-bench-irc-",
    writtenBy: "bench/irc.ts",
    networkConfig: ircNetworkConfig(ircd, channels, flood, maxPuppets),
    readyMessages: ["IRC network online"],
  });
}

export interface HeapUsage {
  /** V8 heap in use after the collection, bytes. */
  readonly usedSize: number;
  readonly totalSize: number;
}

/**
 * A full garbage collection in the daemon (HeapProfiler.collectGarbage over the inspector protocol: no change to
 * the daemon's code), then its V8 heap use (Runtime.getHeapUsage).
 */
export async function collectGarbage(url: string): Promise<HeapUsage> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    let nextId = 1;
    const call = (method: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 10_000);
        const onMessage = (data: unknown): void => {
          const answer = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
          if (answer.id !== id) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          if (answer.error !== undefined) reject(new Error(`inspector: ${method}: ${JSON.stringify(answer.error)}`));
          else resolve(answer.result ?? {});
        };
        socket.on("message", onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.getHeapUsage");
    return { usedSize: Number(usage["usedSize"]), totalSize: Number(usage["totalSize"]) };
  } finally {
    socket.terminate();
  }
}

/** ngIRCd's process id: irc-servers.ts keeps its child to itself; found in /proc by its config path. */
export function ngircdPid(server: IrcServer): number {
  const configPath = join(server.dir, "ngircd.conf");
  const pid = findProcess(["ngircd", configPath]);
  if (pid === undefined) throw new Error(`no ngIRCd process found for ${configPath}`);
  return pid;
}

/** Starts bench/irc-relay-baseline.ts against the IRC server; resolves once it is registered and listening. */
export function startIrcRelayBaseline(resources: Resources, root: string, ircd: IrcServer): Promise<RelayProcess> {
  return startRelay(resources, root, "relay", "bench/irc-relay-baseline.ts", [ircd.host, String(ircd.port)]);
}
