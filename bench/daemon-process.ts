/**
 * The Switchboard daemon as every bench starts it, as users run it: `node --import tsx src/main.ts start --config
 * FILE` from the checkout under test, with a temp dir holding its config and a fresh SQLite store seeded with the
 * bench's users (bench/seed-users.ts). The native protocol listens on a free loopback port (read from the
 * "switchboard started" log line) with the rate limit raised, and each bench adds the network it bridges to.
 * Stopping it removes the temp dir.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { NodeChild, Resources } from "./child-processes.js";
import { seedUsers, type SeededContact } from "./seed-users.js";

const START_TIMEOUT_MS = 20_000;

/** What every bench chooses for its daemon. */
export interface DaemonBasics {
  readonly users: readonly string[];
  readonly password: string;
  /** Frames per second per native connection; the default of 100 would cap every sender at 100 msg/s. */
  readonly framesPerSecond: number;
  /** When set, the daemon writes a V8 CPU profile there on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

export interface DaemonOptions extends DaemonBasics {
  /** The temp dir's name starts with this. */
  readonly tempPrefix: string;
  /** The bench that wrote the config, named in its first line. */
  readonly writtenBy: string;
  readonly contacts?: readonly SeededContact[];
  /** Config lines added to the store section (indented by two spaces), e.g. "  message_log: false". */
  readonly storeConfig?: readonly string[];
  /** Config lines after the native section: the network the daemon bridges to. */
  readonly networkConfig?: readonly string[];
  /** Log messages besides "switchboard started" that must be seen before the daemon counts as ready. */
  readonly readyMessages?: readonly string[];
  /** Starts the daemon with the V8 inspector on a loopback port. */
  readonly inspect?: boolean;
}

export interface DaemonProcess {
  /** The native protocol's WebSocket URL. */
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  /** The inspector's WebSocket URL, when started with `inspect`. */
  readonly inspectorUrl: string | undefined;
  /** Stops the process and removes its temp dir. */
  stop(): Promise<void>;
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

/** Seeds the store, writes the config and starts the daemon; resolves once every ready message was logged. */
export async function startDaemon(resources: Resources, root: string, options: DaemonOptions): Promise<DaemonProcess> {
  const dir = resources.tempDir(options.tempPrefix);
  const storePath = join(dir, "switchboard.db");
  await seedUsers(storePath, options.users, options.password, options.contacts);
  const configPath = join(dir, "bench.yaml");
  writeFileSync(
    configPath,
    [
      `# Written by ${options.writtenBy}`,
      "log:",
      "  level: info",
      "store:",
      `  path: ${JSON.stringify(storePath)}`,
      ...(options.storeConfig ?? []),
      "native:",
      "  host: 127.0.0.1",
      "  port: 0",
      "  rate_limit:",
      `    frames_per_second: ${options.framesPerSecond}`,
      `    burst: ${options.framesPerSecond}`,
      ...(options.networkConfig ?? []),
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
    const [started] = await Promise.all(
      ["switchboard started", ...(options.readyMessages ?? [])].map((message) => child.waitForLine((line) => line["msg"] === message, START_TIMEOUT_MS)),
    );
    return {
      url: `ws://127.0.0.1:${String(started?.["port"])}/`,
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
