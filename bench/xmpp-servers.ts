/**
 * The servers of bench/xmpp.ts: a real Prosody (test/helpers/servers.ts startProsody: temp config on loopback,
 * fast SCRAM, no mod_limits) and the Switchboard daemon as users run it
 * (`node --import tsx src/main.ts start --config FILE`) with its XMPP component connected to that Prosody.
 *
 * Native users are seeded into the daemon's SQLite store before it starts, with the cheap scrypt hash of
 * bench/servers.ts, so logins cost about 1 ms.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_ACCOUNT, makeAddress } from "../src/core/model/address.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { ProsodyServer } from "../test/helpers/servers.js";
import type { NodeChild, Resources } from "./child-processes.js";
import { cheapPasswordHash } from "./servers.js";

export interface GatewayDaemon {
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  /** Stops the process and removes its temp dir. */
  stop(): Promise<void>;
}

export interface GatewayDaemonOptions {
  readonly users: readonly string[];
  /** Mutual subscriptions (subscription "both") seeded between a native user and an XMPP JID. */
  readonly contacts: ReadonlyArray<{ readonly user: string; readonly jid: string }>;
  readonly password: string;
  /** Frames per second per connection; the default of 100 would cap every sender at 100 msg/s. */
  readonly framesPerSecond: number;
  readonly prosody: ProsodyServer;
  /** When set, the daemon writes a V8 CPU profile there on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

const START_TIMEOUT_MS = 20_000;

async function seedUsers(path: string, users: readonly string[], contacts: GatewayDaemonOptions["contacts"], password: string): Promise<void> {
  const store = openSqliteStore(path);
  try {
    const passwordHash = cheapPasswordHash(password);
    const createdAt = Date.now();
    for (const name of users) {
      if (!(await store.accounts.create({ name, passwordHash, displayName: name, createdAt }))) throw new Error(`seeding: user ${name} exists`);
    }
    for (const { user, jid } of contacts) {
      const owner = makeAddress("native", DEFAULT_ACCOUNT, user);
      const address = makeAddress("xmpp", DEFAULT_ACCOUNT, jid);
      await store.contacts.put({ owner, address, name: jid, subscription: "both", pendingOut: false, pendingIn: false });
    }
  } finally {
    await store.close();
  }
}

/** Starts the daemon with native on a free port and the XMPP component on Prosody; resolves once both are up. */
export async function startGatewayDaemon(resources: Resources, root: string, options: GatewayDaemonOptions): Promise<GatewayDaemon> {
  const dir = resources.tempDir("switchboard-bench-xmpp-");
  const storePath = join(dir, "switchboard.db");
  await seedUsers(storePath, options.users, options.contacts, options.password);
  const configPath = join(dir, "bench.yaml");
  const { prosody } = options;
  writeFileSync(
    configPath,
    [
      "# Written by bench/xmpp.ts",
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
      "xmpp:",
      "  component:",
      "    enabled: true",
      `    domain: ${JSON.stringify(prosody.componentDomain)}`,
      `    host: ${prosody.host}`,
      `    port: ${prosody.componentPort}`,
      `    secret: ${JSON.stringify(prosody.componentSecret)}`,
      "",
    ].join("\n"),
  );
  const nodeArgs = ["--import", "tsx", ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
  const child = resources.spawnNode("switchboard", nodeArgs, "src/main.ts", ["start", "--config", configPath], root);
  try {
    const [started] = await Promise.all([
      child.waitForLine((line) => line["msg"] === "switchboard started", START_TIMEOUT_MS),
      child.waitForLine((line) => line["msg"] === "XMPP component online", START_TIMEOUT_MS),
    ]);
    return {
      url: `ws://127.0.0.1:${String(started["port"])}/`,
      pid: child.pid,
      process: child,
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

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ");
  } catch {
    return "";
  }
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
    if (Number.isInteger(pid) && pid > 0 && commandLine(pid).includes(configPath)) return pid;
  } catch {
    // no pid file: look in /proc
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const command = commandLine(Number(entry));
    if (command.includes("prosody") && command.includes(configPath)) return Number(entry);
  }
  throw new Error(`no Prosody process found for ${configPath}`);
}

export interface RelayBaseline {
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  stop(): Promise<void>;
}

/** Starts bench/xmpp-relay-baseline.ts as Prosody's component; resolves once it is online and listening. */
export async function startRelayBaseline(resources: Resources, root: string, prosody: ProsodyServer): Promise<RelayBaseline> {
  const args = [prosody.host, String(prosody.componentPort), prosody.componentDomain, prosody.componentSecret];
  const child = resources.spawnNode("relay", ["--import", "tsx"], "bench/xmpp-relay-baseline.ts", args, root);
  try {
    const started = await child.waitForLine((line) => line["msg"] === "relay started", START_TIMEOUT_MS);
    return { url: `ws://127.0.0.1:${String(started["port"])}/`, pid: child.pid, process: child, stop: () => child.stop() };
  } catch (error: unknown) {
    await child.stop();
    throw error;
  }
}
