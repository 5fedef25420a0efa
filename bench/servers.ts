/**
 * The two servers of bench/native-direct.ts, each a separate process started as users run it: the Switchboard
 * daemon (bench/daemon-process.ts, nothing but the native protocol) and the plain ws relay of
 * bench/ws-relay-baseline.ts (bench/relay-process.ts), under the one interface the scenario drives.
 */
import type { NodeChild, Resources } from "./child-processes.js";
import { startDaemon, type DaemonBasics } from "./daemon-process.js";
import { startRelay } from "./relay-process.js";

export interface ServerUnderTest {
  readonly name: "switchboard" | "baseline";
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  /** Stops the process and removes its temp dir. */
  stop(): Promise<void>;
}

export async function startSwitchboard(resources: Resources, root: string, options: DaemonBasics): Promise<ServerUnderTest> {
  const daemon = await startDaemon(resources, root, { tempPrefix: "switchboard-bench-", writtenBy: "bench/native-direct.ts", ...options });
  return { name: "switchboard", url: daemon.url, pid: daemon.pid, process: daemon.process, stop: () => daemon.stop() };
}

export async function startBaseline(resources: Resources, root: string): Promise<ServerUnderTest> {
  const relay = await startRelay(resources, root, "baseline", "bench/ws-relay-baseline.ts", []);
  return { name: "baseline", url: relay.url, pid: relay.pid, process: relay.process, stop: () => relay.stop() };
}
