/**
 * One daemon per database: a companion file `<db>-lock`, a tiny SQLite database opened in EXCLUSIVE locking
 * mode with a write transaction that stays open, holds an OS lock for as long as the process lives (the OS
 * releases it when the process dies, kill -9 included). A second process that tries the same is refused at
 * once. The database itself runs in normal locking mode so that a worker thread can checkpoint it.
 */
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import { sqliteCode } from "./sqlite-errors.js";

export interface ProcessLock {
  release(): void;
  /** Releases the lock and removes its file if this lock created it (the database could not be opened). */
  abandon(): void;
}

/**
 * Makes an empty file readable and writable by the daemon's user only (0600), unless something is at that path
 * already (left to SQLite, which says what is wrong with it); SQLite takes an empty file as a new database.
 */
export function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

export function lockDatabase(path: string): ProcessLock {
  const lock = tryLockDatabase(path);
  // condition "locked": another process (a running daemon) has the database; the CLI tells it apart (cli/user-delete.ts).
  if (lock === undefined) throw new GatewayError("GW_ERR_STORE", `database ${path} is locked by another process`, { condition: "locked" });
  return lock;
}

/** The lock, or undefined when another process holds it (a running daemon). */
export function tryLockDatabase(path: string): ProcessLock | undefined {
  const lockPath = `${path}-lock`;
  const existed = existsSync(lockPath);
  let lock: Database.Database | undefined;
  try {
    createPrivately(lockPath);
    lock = new Database(lockPath, { timeout: 0 });
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)");
    lock.exec("BEGIN IMMEDIATE");
    lock.prepare("DELETE FROM holder").run();
    lock.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
  } catch (error: unknown) {
    lock?.close();
    const code = sqliteCode(error);
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return undefined;
    throw error;
  }
  const held = lock;
  const release = (): void => {
    if (!held.open) return;
    held.exec("ROLLBACK");
    held.close();
  };
  return {
    release,
    abandon() {
      release();
      if (!existed) rmSync(lockPath, { force: true });
    },
  };
}
