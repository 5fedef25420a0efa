/**
 * WAL checkpoints off the event loop. A checkpoint copies the WAL back into the database and fsyncs twice;
 * SQLite's automatic checkpoints run inside the committing call, on the event loop, and under load they set
 * the latency tail (a few ms each, several a second). The gateway turns them off and a worker thread with its
 * own connection runs a PASSIVE checkpoint (never blocking writers) every `intervalMs`.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx and from dist/; it gets
// better-sqlite3 by absolute path because an eval'd worker resolves modules from the working directory.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: 1000 });
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error && error.message)); }
}, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); try { db.pragma("wal_checkpoint(TRUNCATE)"); } catch {} db.close(); process.exit(0); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs: number, onError: (message: string) => void): Checkpointer {
  const module = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module, intervalMs } });
  worker.on("message", (message: string) => onError(message));
  worker.on("error", (error) => onError(error.message));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        // Kept alive while it finishes its last checkpoint, though it never keeps the process alive otherwise.
        worker.ref();
        worker.postMessage("stop");
      }),
  };
}
