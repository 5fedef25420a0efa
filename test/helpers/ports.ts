/**
 * Loopback ports and processes for test servers: a free port, readiness by TCP connect, whether a pid still
 * runs (a zombie counts as stopped), and what a server's log gained since an offset.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { createConnection, createServer } from "node:net";

/** A port that was free on 127.0.0.1 a moment ago: bound on port 0, then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port from the kernel"))));
    });
  });
}

/** Resolves true if a TCP connection to host:port opens within timeoutMs (and closes it at once). */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

/**
 * Polls until every port accepts connections. `failed` is asked between attempts and stops the wait early
 * with its reason (e.g. the server process exited).
 */
export async function waitForPorts(host: string, ports: readonly number[], timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(ports);
  for (;;) {
    const reason = failed();
    if (reason !== undefined) throw new Error(reason);
    for (const port of [...pending]) if (await canConnect(host, port)) pending.delete(port);
    if (pending.size === 0) return;
    if (Date.now() >= deadline) throw new Error(`port ${[...pending].join(" and ")} not accepting connections after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Whether a process exists and is not a zombie (state Z in /proc/PID/stat; dead X counts as gone too). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    // No /proc (not Linux): fall back to signal 0.
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** A file's size in bytes, 0 if it does not exist. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The text of a file from a byte offset on ("" if it cannot be read). */
export function readFrom(path: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const length = Math.max(0, fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
