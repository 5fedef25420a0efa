/**
 * The accounts of a Switchboard database, for the operator's `switchboard user` commands (src/cli/user-commands.ts),
 * whether a daemon runs on it or not. The daemon's process lock (process-lock.ts) keeps a second daemon out; a
 * command is no daemon: it makes one short write through a connection of its own, beside the daemon's, as SQLite's
 * WAL mode allows (waiting up to BUSY_TIMEOUT_MS for the daemon's write transactions, which are short). The daemon
 * reads an account at each login, so a password changed this way counts at its next login.
 *
 * With no daemon running (the lock is free) the command first opens the database as the daemon would, creating and
 * migrating it, so that an operator can make the first accounts before the first start. With a daemon running, the
 * database must be at the schema version this Switchboard knows: the command never migrates a database that a
 * daemon holds, and never writes to one of another version.
 */
import Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import type { AccountStore } from "../store.js";
import { LATEST_SCHEMA_VERSION } from "./migrations.js";
import { ensureParentDirectory, IN_MEMORY, openDatabase } from "./open-sqlite-store.js";
import { tryLockDatabase } from "./process-lock.js";
import { createSqliteAccountStore } from "./sqlite-accounts.js";
import { openError } from "./sqlite-errors.js";

/** How long a command waits for the daemon's write transaction (a batch of messages) before it gives up. */
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteAccounts {
  readonly accounts: AccountStore;
  close(): void;
}

export function openSqliteAccounts(path: string): SqliteAccounts {
  if (path === "" || path === IN_MEMORY) throw new GatewayError("GW_ERR_STORE", `"${path}" is no database file`);
  ensureParentDirectory(path);
  createAndMigrateUnlessHeld(path);
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma("foreign_keys = ON");
  } catch (error: unknown) {
    throw openError(path, error);
  }
  try {
    refuseOtherVersion(db, path);
  } catch (error: unknown) {
    db.close();
    throw openError(path, error);
  }
  return {
    accounts: createSqliteAccountStore(db),
    close: () => db.close(),
  };
}

/** Held only for the migration, so that a daemon starting meanwhile is kept out for no longer. */
function createAndMigrateUnlessHeld(path: string): void {
  let lock;
  try {
    lock = tryLockDatabase(path);
  } catch (error: unknown) {
    throw openError(path, error);
  }
  if (lock === undefined) return;
  try {
    openDatabase(path, undefined).close();
  } finally {
    lock.release();
  }
}

function refuseOtherVersion(db: Database.Database, path: string): void {
  const version = db.prepare<[], { version: number | null }>("SELECT max(version) AS version FROM schema_version").get()?.version ?? 0;
  if (version === LATEST_SCHEMA_VERSION) return;
  throw new GatewayError(
    "GW_ERR_STORE",
    `database ${path} has schema version ${version} and this Switchboard knows ${LATEST_SCHEMA_VERSION}: run the switchboard of the running daemon's version`,
  );
}
