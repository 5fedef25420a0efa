/**
 * MessageLogStore on SQLite. The queried fields are columns; the whole message is kept as JSON, so adding a
 * field to Message needs no migration. Each row also carries a conversation key (see conversationKey) so that
 * history() reads one index range backwards from the bound instead of sorting a whole conversation.
 */
import type Database from "better-sqlite3";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { MessageLogStore } from "../store.js";
import { guarded, rowLimit } from "./sqlite-errors.js";

/** The log, plus the synchronous calls used inside the store's transactions. */
export interface SqliteMessageLog extends MessageLogStore {
  /** False when the log is off: then a message is written only if deliveries of it are queued. */
  readonly keepsAll: boolean;
  append(message: Message): void;
  /**
   * A delivery or failure notice of the message is gone: with the log off, the message is deleted once no
   * outbox entry and no failure notice refers to it (called inside the transaction that removed the last).
   */
  release(messageId: string): void;
}

/** A room's key, or the two parties of a direct conversation in a fixed order (URIs contain no space). */
function directKey(a: Address, b: Address): string {
  const [first, second] = [addressKey(a), addressKey(b)].sort();
  return `direct ${first ?? ""} ${second ?? ""}`;
}

function roomKey(room: Address): string {
  return `room ${addressKey(room)}`;
}

export function conversationKey(message: Pick<Message, "scope" | "from" | "to">): string {
  return message.scope === "room" ? roomKey(message.to) : directKey(message.from, message.to);
}

/** Rows are written only by append(), from a Message, so the JSON is trusted to be one. */
export function parseMessage(json: string): Message {
  return JSON.parse(json) as Message;
}

/**
 * `keepAll` false is the log switched off (config store.message_log): history is always empty and a message
 * lives only as long as the outbox entries and failure notices that refer to it.
 */
export function createSqliteMessageLog(db: Database.Database, keepAll = true): SqliteMessageLog {
  const insert = db.prepare<[string, string, string, string, string, number, string]>(
    "INSERT INTO messages (id, scope, from_address, to_address, conversation, timestamp, json) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const select = db.prepare<[string], { json: string }>("SELECT json FROM messages WHERE id = ?");
  // Two statements rather than "? IS NULL OR id < ?", which would keep SQLite from using the bound as a range.
  const latest = db.prepare<[string, number], { json: string }>("SELECT json FROM messages WHERE conversation = ? ORDER BY id DESC LIMIT ?");
  const latestBefore = db.prepare<[string, string, number], { json: string }>(
    "SELECT json FROM messages WHERE conversation = ? AND id < ? ORDER BY id DESC LIMIT ?",
  );
  const lastId = db.prepare<[], { id: string | null }>("SELECT max(id) AS id FROM messages");
  // failure_notices has no index by message; it holds only failures not yet reported, a handful of rows.
  const unreferenced = db.prepare<{ id: string }>(
    "DELETE FROM messages WHERE id = @id AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = @id) AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = @id)",
  );

  return {
    keepsAll: keepAll,
    append(message) {
      const { id, scope, from, to, timestamp } = message;
      insert.run(id, scope, addressKey(from), addressKey(to), conversationKey(message), timestamp, JSON.stringify(message));
    },
    release(messageId) {
      if (!keepAll) unreferenced.run({ id: messageId });
    },
    get: (id) =>
      guarded("read a message", () => {
        const row = select.get(id);
        return row && parseMessage(row.json);
      }),
    history: (conversation, options) =>
      guarded("read history", () => {
        if (!keepAll) return [];
        const key = "room" in conversation ? roomKey(conversation.room) : directKey(...conversation.between);
        const limit = rowLimit(options.limit);
        const rows = options.before === undefined ? latest.all(key, limit) : latestBefore.all(key, options.before, limit);
        return rows.reverse().map((row) => parseMessage(row.json));
      }),
    lastId: () => guarded("read the last message id", () => lastId.get()?.id ?? undefined),
  };
}
