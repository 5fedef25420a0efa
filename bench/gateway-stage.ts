/**
 * How the gateway benches (bench/xmpp.ts, bench/irc.ts) set up and tear down the stages of a run (the relay floor's,
 * then the daemon's, then for IRC the memory stage): every client and process started is remembered as a clean-up,
 * undone early when its stage is over and otherwise, in reverse order, on the way out of the run (clients, then
 * the daemon, which writes its CPU profile on exit, then the server); clients are numbered; native sessions are
 * opened with their clean-up.
 */
import type { WebSocket } from "ws";
import { log } from "./bench-main.js";
import { openSessions } from "./native-session.js";

type Cleanup = () => Promise<void>;

/** The clean-ups of a run, undone in reverse order. */
export class Cleanups {
  private readonly steps: Cleanup[] = [];

  /** Remembers `step`; returns it, for now(). */
  add(step: Cleanup): Cleanup {
    this.steps.push(step);
    return step;
  }

  /** Runs `step` now and forgets it. */
  async now(step: Cleanup): Promise<void> {
    this.steps.splice(this.steps.indexOf(step), 1);
    await step();
  }

  /** Runs every step left, last first; a failure is logged, and the rest still run. */
  async runAll(): Promise<void> {
    for (const step of this.steps.reverse()) await step().catch((error: unknown) => log(`  cleanup failed: ${String(error)}`));
  }
}

/** prefix0, prefix1, ... */
export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

/** Logs `users` in (10 handshakes at a time); closing the sockets is a clean-up. */
export async function openNativeClients(url: string, users: readonly string[], password: string, cleanups: Cleanups): Promise<{ sockets: WebSocket[]; close: Cleanup }> {
  const sockets = await openSessions(url, users, password, 10);
  const close = cleanups.add(async () => {
    for (const socket of sockets) socket.terminate();
  });
  return { sockets, close };
}
