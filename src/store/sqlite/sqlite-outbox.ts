/**
 * OutboxStore on SQLite: one row per (recipient, message) still to deliver. The message itself lives in the
 * log (foreign key), so an entry is a few dozen bytes however large the message.
 */
import type Database from "better-sqlite3";
import { addressKey, parseAddress, type Address } from "../../core/model/address.js";
import type { OutboxEntry, OutboxKey, OutboxStore } from "../store.js";
import { guarded, rowLimit } from "./sqlite-errors.js";
import { parseMessage } from "./sqlite-message-log.js";

/** The outbox, plus the synchronous enqueue used inside Store.accept()'s transaction. */
export interface SqliteOutbox extends OutboxStore {
  enqueue(messageId: string, recipient: Address): void;
}

interface EntryRow {
  readonly json: string;
  readonly recipient: string;
  readonly attempts: number;
  readonly last_error: string | null;
}

function toEntry(row: EntryRow): OutboxEntry {
  const entry = { message: parseMessage(row.json), recipient: parseAddress(row.recipient), attempts: row.attempts };
  return row.last_error === null ? entry : { ...entry, lastError: row.last_error };
}

const ENTRY_COLUMNS = "SELECT m.json, o.recipient, o.attempts, o.last_error FROM outbox o JOIN messages m ON m.id = o.message_id";

/** `release` is called, inside the removing transaction, for each message whose entry was removed. */
export function createSqliteOutbox(db: Database.Database, release: (messageId: string) => void): SqliteOutbox {
  // A recipient listed twice for one message is one delivery, not an error that would fail the whole batch.
  const insert = db.prepare<[string, string]>("INSERT INTO outbox (recipient, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const pending = db.prepare<[string, number], EntryRow>(`${ENTRY_COLUMNS} WHERE o.recipient = ? ORDER BY o.message_id LIMIT ?`);
  const recipients = db.prepare<[], { recipient: string }>("SELECT DISTINCT recipient FROM outbox ORDER BY recipient");
  const size = db.prepare<[], { entries: number; recipients: number }>("SELECT count(*) AS entries, count(DISTINCT recipient) AS recipients FROM outbox");
  const remove = db.prepare<[string, string]>("DELETE FROM outbox WHERE recipient = ? AND message_id = ?");
  const attempt = db.prepare<[string, string, string]>(
    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE recipient = ? AND message_id = ?",
  );
  const acceptedBefore = db.prepare<[number, number], EntryRow>(
    `${ENTRY_COLUMNS} WHERE m.timestamp < ? ORDER BY o.message_id, o.recipient LIMIT ?`,
  );

  const moveEntry = db.transaction((messageId: string, from: string, to: string) => {
    insert.run(to, messageId);
    remove.run(from, messageId);
  });

  const removeAll = db.transaction((entries: readonly OutboxKey[]) => {
    for (const { messageId, recipient } of entries) remove.run(addressKey(recipient), messageId);
    for (const { messageId } of entries) release(messageId);
  });

  return {
    enqueue(messageId, recipient) {
      insert.run(addressKey(recipient), messageId);
    },
    pending: (recipient, limit) => guarded("read the outbox", () => pending.all(addressKey(recipient), rowLimit(limit)).map(toEntry)),
    recipients: () => guarded("list outbox recipients", () => recipients.all().map((row) => parseAddress(row.recipient))),
    size: () => guarded("count the outbox", () => size.get() ?? { entries: 0, recipients: 0 }),
    remove: (messageId, recipient) =>
      guarded("remove an outbox entry", () => {
        removeAll([{ messageId, recipient }]);
      }),
    removeMany: (entries) =>
      guarded("remove outbox entries", () => {
        if (entries.length > 0) removeAll(entries);
      }),
    recordAttempt: (messageId, recipient, error) =>
      guarded("record a delivery attempt", () => {
        attempt.run(error, addressKey(recipient), messageId);
      }),
    move: (messageId, from, to) =>
      guarded("move an outbox entry", () => {
        moveEntry(messageId, addressKey(from), addressKey(to));
      }),
    acceptedBefore: (timestamp, limit) =>
      guarded("read expired outbox entries", () => acceptedBefore.all(timestamp, rowLimit(limit)).map(toEntry)),
  };
}
