/**
 * A relay floor as every bench starts it (bench/ws-relay-baseline.ts, bench/xmpp-relay-baseline.ts,
 * bench/irc-relay-baseline.ts): its own Node process under tsx, like the daemon, ready once it prints
 * {"msg":"relay started","port":N}; its clients connect to ws://127.0.0.1:N/.
 */
import type { NodeChild, Resources } from "./child-processes.js";

const START_TIMEOUT_MS = 20_000;

export interface RelayProcess {
  readonly url: string;
  readonly pid: number;
  readonly process: NodeChild;
  stop(): Promise<void>;
}

/** Starts `script` with `args` as the child `name`; resolves once it says it listens. */
export async function startRelay(resources: Resources, root: string, name: string, script: string, args: readonly string[]): Promise<RelayProcess> {
  const child = resources.spawnNode(name, ["--import", "tsx"], script, args, root);
  try {
    const started = await child.waitForLine((line) => line["msg"] === "relay started", START_TIMEOUT_MS);
    return { url: `ws://127.0.0.1:${String(started["port"])}/`, pid: child.pid, process: child, stop: () => child.stop() };
  } catch (error: unknown) {
    await child.stop();
    throw error;
  }
}
