/**
 * The processes of bench/irc.ts besides ngIRCd (test/helpers/irc-servers.ts startNgircd): the Switchboard daemon as
 * users run it (`node --import tsx src/main.ts start --config FILE`) with one IRC network in puppet mode whose
 * channels are bridged to native rooms, and the relay floor (bench/irc-relay-baseline.ts). Also ngIRCd's process
 * id (irc-servers.ts does not expose it) and a garbage collection of the daemon through the V8 inspector.
 *
 * Native users are seeded into the daemon's SQLite store before it starts, with the cheap scrypt hash of
 * bench/servers.ts, so logins cost about 1 ms.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket } from "ws";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { IrcServer } from "../test/helpers/irc-servers.js";
import type { NodeChild, Resources } from "./child-processes.js";
import { cheapPasswordHash } from "./servers.js";

export const IRC_NETWORK = "bench";
const START_TIMEOUT_MS = 20_000;

export interface BridgedChannel {
  readonly channel: string;
  readonly room: string;
}

export interface IrcGatewayOptions {
  readonly users: readonly string[];
  readonly password: string;
  /** Frames per second per native connection; the default of 100 would cap every sender at 100 msg/s. */
  readonly framesPerSecond: number;
  readonly ircd: IrcServer;
  readonly channels: readonly BridgedChannel[];
  /** irc.networks[].flood: the schema allows at most 100 and 100. */
  readonly flood: { readonly burst: number; readonly linesPerSecond: number };
  /** puppets.max_connections. */
  readonly maxPuppets: number;
  /** Starts the daemon with the V8 inspector on a loopback port, for collectGarbage(). */
  readonly inspect?: boolean;
  /** When set, the daemon writes a V8 CPU profile there on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

export interface IrcGatewayDaemon {
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  /** The inspector's WebSocket URL, when started with `inspect`. */
  readonly inspectorUrl: string | undefined;
  /** Stops the process and removes its temp dir. */
  stop(): Promise<void>;
}

async function seedUsers(path: string, users: readonly string[], password: string): Promise<void> {
  const store = openSqliteStore(path);
  try {
    const passwordHash = cheapPasswordHash(password);
    const createdAt = Date.now();
    for (const name of users) {
      if (!(await store.accounts.create({ name, passwordHash, displayName: name, createdAt }))) throw new Error(`seeding: user ${name} exists`);
    }
  } finally {
    await store.close();
  }
}

/** The inspector's URL from the child's standard error ("Debugger listening on ws://..."). */
async function inspectorUrl(child: NodeChild): Promise<string> {
  for (let waited = 0; waited < 5000; waited += 50) {
    for (const line of child.problems) {
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) return match[1];
    }
    await sleep(50);
  }
  throw new Error("the daemon's inspector did not say where it listens");
}

/** Starts the daemon with native on a free port and the IRC network on ngIRCd; resolves once both are up. */
export async function startIrcGatewayDaemon(resources: Resources, root: string, options: IrcGatewayOptions): Promise<IrcGatewayDaemon> {
  const dir = resources.tempDir("switchboard-bench-irc-");
  const storePath = join(dir, "switchboard.db");
  await seedUsers(storePath, options.users, options.password);
  const configPath = join(dir, "bench.yaml");
  writeFileSync(
    configPath,
    [
      "# Written by bench/irc.ts",
      "log:",
      "  level: info",
      "store:",
      `  path: ${JSON.stringify(storePath)}`,
      "native:",
      "  host: 127.0.0.1",
      "  port: 0",
      "  rate_limit:",
      `    frames_per_second: ${options.framesPerSecond}`,
      `    burst: ${options.framesPerSecond}`,
      "irc:",
      "  networks:",
      `    - name: ${IRC_NETWORK}`,
      `      host: ${options.ircd.host}`,
      `      port: ${options.ircd.port}`,
      "      nick: sbgate",
      "      mode: puppets",
      "      flood:",
      `        burst: ${options.flood.burst}`,
      `        lines_per_second: ${options.flood.linesPerSecond}`,
      "      puppets:",
      `        max_connections: ${options.maxPuppets}`,
      "        connect_interval_ms: 0",
      "        idle_timeout_seconds: 0",
      "      channels:",
      ...options.channels.flatMap(({ channel, room }) => [`        - channel: ${JSON.stringify(channel)}`, `          room: ${room}`]),
      "",
    ].join("\n"),
  );
  const nodeArgs = [
    "--import",
    "tsx",
    ...(options.inspect ? ["--inspect=127.0.0.1:0"] : []),
    ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  const child = resources.spawnNode("switchboard", nodeArgs, "src/main.ts", ["start", "--config", configPath], root);
  try {
    const [started] = await Promise.all([
      child.waitForLine((line) => line["msg"] === "switchboard started", START_TIMEOUT_MS),
      child.waitForLine((line) => line["msg"] === "IRC network online", START_TIMEOUT_MS),
    ]);
    return {
      url: `ws://127.0.0.1:${String(started["port"])}/`,
      pid: child.pid,
      process: child,
      inspectorUrl: options.inspect ? await inspectorUrl(child) : undefined,
      stop: async () => {
        await child.stop();
        resources.removeDir(dir);
      },
    };
  } catch (error: unknown) {
    await child.stop();
    resources.removeDir(dir);
    throw error;
  }
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

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ");
  } catch {
    return "";
  }
}

/** ngIRCd's process id: irc-servers.ts keeps its child to itself; found in /proc by its config path. */
export function ngircdPid(server: IrcServer): number {
  const configPath = join(server.dir, "ngircd.conf");
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const command = commandLine(Number(entry));
    if (command.includes("ngircd") && command.includes(configPath)) return Number(entry);
  }
  throw new Error(`no ngIRCd process found for ${configPath}`);
}

export interface IrcRelayBaseline {
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  stop(): Promise<void>;
}

/** Starts bench/irc-relay-baseline.ts against the IRC server; resolves once it is registered and listening. */
export async function startIrcRelayBaseline(resources: Resources, root: string, ircd: IrcServer): Promise<IrcRelayBaseline> {
  const child = resources.spawnNode("relay", ["--import", "tsx"], "bench/irc-relay-baseline.ts", [ircd.host, String(ircd.port)], root);
  try {
    const started = await child.waitForLine((line) => line["msg"] === "relay started", START_TIMEOUT_MS);
    return { url: `ws://127.0.0.1:${String(started["port"])}/`, pid: child.pid, process: child, stop: () => child.stop() };
  } catch (error: unknown) {
    await child.stop();
    throw error;
  }
}
