/**
 * Opens the SQLite store. Durability and locking are decided here (docs/store.md explains them):
 * - WAL with synchronous = NORMAL: a commit is in the WAL file (the OS page cache) before it returns, so a
 *   process crash or kill -9 loses nothing committed; only a power loss or OS crash can drop the last commits.
 * - One process owns the file: process-lock.ts holds an OS lock on a companion file for the process's life,
 *   so a second daemon on the same database fails at once instead of writing beside the first.
 * - Checkpoints run in a worker thread (checkpointer.ts), not inside commits on the event loop.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { AcceptedMessage, Store } from "../store.js";
import { startCheckpointer } from "./checkpointer.js";
import { migrate } from "./migrations.js";
import { createPrivately, lockDatabase, type ProcessLock } from "./process-lock.js";
import { createSqliteAccountStore } from "./sqlite-accounts.js";
import { createSqliteAccountRemovals } from "./sqlite-account-removals.js";
import { createSqliteBridges } from "./sqlite-bridges.js";
import { createSqliteBuddyOffers } from "./sqlite-buddy-offers.js";
import { createSqliteSentRequests } from "./sqlite-sent-requests.js";
import { createSqliteNameClaims } from "./sqlite-name-claims.js";
import { createSqliteContactStore } from "./sqlite-contacts.js";
import { createSqliteFailureNotices } from "./sqlite-failures.js";
import { createSqliteGatewaySecrets } from "./sqlite-gateway-secrets.js";
import { createSqliteGatewaySettings } from "./sqlite-gateway-settings.js";
import { createSqliteAvatars } from "./sqlite-avatars.js";
import { createSqliteBlocks } from "./sqlite-blocks.js";
import { createSqliteGatewaySubscribers } from "./sqlite-gateway-subscribers.js";
import { createSqliteMucLineIds } from "./sqlite-muc-line-ids.js";
import { createSqliteIdentities } from "./sqlite-identities.js";
import { createSqliteLinkedAccounts } from "./sqlite-linked-accounts.js";
import { createSqliteOwnRooms } from "./sqlite-own-rooms.js";
import { createSqlitePuppetAccounts } from "./sqlite-puppet-accounts.js";
import { createSqlitePuppetServerPasswords } from "./sqlite-puppet-server-passwords.js";
import { createSqliteRoomBans } from "./sqlite-room-bans.js";
import { createSqliteRoomSettings } from "./sqlite-room-settings.js";
import { guarded, openError } from "./sqlite-errors.js";
import { conversationKey, createSqliteMessageLog } from "./sqlite-message-log.js";
import { createSqliteOutbox } from "./sqlite-outbox.js";
import { createSqliteRoomStore } from "./sqlite-rooms.js";

export interface OpenSqliteStoreOptions {
  readonly log?: Logger;
  /** Config store.message_log (default true); false keeps messages only while deliveries of them wait. */
  readonly messageLog?: boolean;
}

export const IN_MEMORY = ":memory:";
const CHECKPOINT_INTERVAL_MS = 100;

function lockOrExplain(path: string): ProcessLock {
  try {
    return lockDatabase(path);
  } catch (error: unknown) {
    throw openError(path, error);
  }
}

/**
 * The database holds password hashes, linked accounts' credentials (encrypted), bridges' keys and everyone's messages:
 * a directory made for it is the daemon user's alone (0700), as are the files made in it (createPrivately). Existing
 * directories and files keep the modes an operator gave them.
 */
export function ensureParentDirectory(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error: unknown) {
    throw new GatewayError("GW_ERR_STORE", `cannot create the directory of database ${path}`, { cause: error });
  }
}

function configure(db: Database.Database, path: string, log: Logger | undefined): void {
  const journal = db.pragma("journal_mode = WAL", { simple: true });
  if (journal !== "wal" && path !== IN_MEMORY) log?.warn({ path, journal }, "store could not switch to WAL; commits are slower");
  db.pragma("synchronous = NORMAL");
  if (path !== IN_MEMORY) db.pragma("wal_autocheckpoint = 0");
  db.pragma("foreign_keys = ON");
}

export function openDatabase(path: string, log: Logger | undefined): Database.Database {
  let db: Database.Database;
  try {
    // SQLite gives the WAL and shared-memory files the database file's mode.
    if (path !== IN_MEMORY) createPrivately(path);
    // A short wait covers the checkpointer's brief locks; another daemon is kept out by the process lock.
    db = new Database(path, { timeout: 1000 });
  } catch (error: unknown) {
    throw openError(path, error);
  }
  try {
    configure(db, path, log);
    const { from, to } = migrate(db, path);
    if (from !== to) log?.info({ path, from, to }, "store schema migrated");
    return db;
  } catch (error: unknown) {
    db.close();
    throw openError(path, error);
  }
}

/** Opens (creating if needed) the store at `path`; ":memory:" gives a private in-memory store for tests. */
export function openSqliteStore(path: string, options: OpenSqliteStoreOptions = {}): Store {
  const { log } = options;
  if (path === "") throw new GatewayError("GW_ERR_STORE", "the database path is empty");
  if (path !== IN_MEMORY) ensureParentDirectory(path);
  const lock = path === IN_MEMORY ? undefined : lockOrExplain(path);
  let db: Database.Database;
  try {
    db = openDatabase(path, log);
  } catch (error: unknown) {
    lock?.abandon();
    throw error;
  }
  const checkpointer =
    path === IN_MEMORY ? undefined : startCheckpointer(path, CHECKPOINT_INTERVAL_MS, (message) => log?.warn({ path, reason: message }, "store checkpoint failed"));

  const messageLog = createSqliteMessageLog(db, options.messageLog ?? true);
  const release = (messageId: string): void => messageLog.release(messageId);
  const outbox = createSqliteOutbox(db, release);
  // One transaction for the whole batch: all of it lands or none of it, and one commit (one WAL append) is
  // what makes batches of thousands fast.
  const acceptAll = db.transaction((batch: readonly AcceptedMessage[]) => {
    for (const { message, recipients } of batch) {
      // With the log off too: a retracted message still waiting in the outbox keeps no words either.
      if (message.retracts !== undefined) messageLog.tombstone(message.retracts, conversationKey(message), message.moderated);
      if (!messageLog.keepsAll && recipients.length === 0) continue;
      messageLog.append(message);
      for (const recipient of recipients) outbox.enqueue(message.id, recipient);
    }
  });
  log?.info({ path }, "store opened");

  return {
    accounts: createSqliteAccountStore(db),
    contacts: createSqliteContactStore(db),
    rooms: createSqliteRoomStore(db),
    roomBans: createSqliteRoomBans(db),
    roomSettings: createSqliteRoomSettings(db),
    outbox,
    log: messageLog,
    failures: createSqliteFailureNotices(db, { keep: (message) => messageLog.keep(message), release }),
    linkedAccounts: createSqliteLinkedAccounts(db),
    puppetAccounts: createSqlitePuppetAccounts(db),
    puppetServerPasswords: createSqlitePuppetServerPasswords(db),
    ownRooms: createSqliteOwnRooms(db),
    identities: createSqliteIdentities(db),
    bridges: createSqliteBridges(db),
    names: createSqliteNameClaims(db),
    buddyOffers: createSqliteBuddyOffers(db),
    sentRequests: createSqliteSentRequests(db),
    accountRemovals: createSqliteAccountRemovals(db, release),
    gatewaySecrets: createSqliteGatewaySecrets(db),
    gatewaySettings: createSqliteGatewaySettings(db),
    avatars: createSqliteAvatars(db),
    blocks: createSqliteBlocks(db),
    gatewaySubscribers: createSqliteGatewaySubscribers(db),
    mucLineIds: createSqliteMucLineIds(db),
    accept: (batch) =>
      guarded("accept messages", () => {
        if (batch.length > 0) acceptAll(batch);
      }),
    close: async () => {
      if (!db.open) return;
      await checkpointer?.stop();
      await guarded("close", () => {
        if (!db.open) return;
        db.close();
        lock?.release();
        log?.info({ path }, "store closed");
      });
    },
  };
}
