/**
 * Children and temporary directories that must not outlive the test process: a server a test forgot to stop,
 * or one left running when mocha is interrupted, is killed with SIGKILL and its directory removed when the
 * process exits or receives SIGINT, SIGTERM or SIGHUP.
 *
 * Generic on purpose: any helper that spawns a long-running child registers it here instead of keeping its own
 * exit hooks (servers.ts predates this module and keeps its own; the two coexist).
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

const children = new Set<ChildProcess>();
const directories = new Set<string>();

function killAll(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  process.off(signal, onSignal);
  // Keep the signal's usual effect unless someone else (mocha, another registry) still handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
}

/** Kills the child with the test process unless it exits first (it is forgotten when it exits). */
export function trackChild(child: ChildProcess): void {
  installExitHooks();
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.once("error", () => children.delete(child));
}

/** Stops tracking a child (e.g. once the caller has seen it exit). */
export function untrackChild(child: ChildProcess): void {
  children.delete(child);
}

/** Removes the directory (recursively) when the test process exits, unless untrackDirectory is called first. */
export function trackDirectory(path: string): void {
  installExitHooks();
  directories.add(path);
}

export function untrackDirectory(path: string): void {
  directories.delete(path);
}
