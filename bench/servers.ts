/**
 * The two servers under test, each a separate process started as users run it: the Switchboard daemon
 * (`node --import tsx src/main.ts start --config FILE`) and the plain ws relay of bench/ws-relay-baseline.ts.
 *
 * Users are seeded straight into the daemon's SQLite store before it starts: registering 1,000 users through
 * the protocol would cost about 100 ms of scrypt (N = 2^15) each. The seeded hash uses N = 1024 in the same
 * stored format (src/adapters/native/password.ts), and verification uses the stored parameters, so a login
 * costs about 1 ms.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { NodeChild, Resources } from "./child-processes.js";

export interface ServerUnderTest {
  readonly name: "switchboard" | "baseline";
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  /** Stops the process and removes its temp dir. */
  stop(): Promise<void>;
}

export interface SwitchboardOptions {
  readonly users: readonly string[];
  readonly password: string;
  /** Frames per second per connection; the default of 100 would cap every sender at 100 msg/s. */
  readonly framesPerSecond: number;
  /** When set, the daemon writes a V8 CPU profile there on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

const START_TIMEOUT_MS = 20_000;

/** scrypt$N$r$p$salt$hash with cheap parameters (N = 1024): for seeded benchmark users only. */
export function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize("NFC"), salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
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

export async function startSwitchboard(resources: Resources, root: string, options: SwitchboardOptions): Promise<ServerUnderTest> {
  const dir = resources.tempDir("switchboard-bench-");
  const storePath = join(dir, "switchboard.db");
  await seedUsers(storePath, options.users, options.password);
  const configPath = join(dir, "bench.yaml");
  writeFileSync(
    configPath,
    [
      "# Written by bench/native-direct.ts",
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
      "",
    ].join("\n"),
  );
  const nodeArgs = ["--import", "tsx", ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [])];
  const child = resources.spawnNode("switchboard", nodeArgs, "src/main.ts", ["start", "--config", configPath], root);
  try {
    const started = await child.waitForLine((line) => line["msg"] === "switchboard started", START_TIMEOUT_MS);
    return {
      name: "switchboard",
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

export async function startBaseline(resources: Resources, root: string): Promise<ServerUnderTest> {
  const child = resources.spawnNode("baseline", ["--import", "tsx"], "bench/ws-relay-baseline.ts", [], root);
  try {
    const started = await child.waitForLine((line) => line["msg"] === "relay started", START_TIMEOUT_MS);
    return { name: "baseline", url: `ws://127.0.0.1:${String(started["port"])}/`, pid: child.pid, process: child, stop: () => child.stop() };
  } catch (error: unknown) {
    await child.stop();
    throw error;
  }
}
