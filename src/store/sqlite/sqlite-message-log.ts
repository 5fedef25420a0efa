/**
 * MessageLogStore on SQLite. The queried fields are columns; the whole message is kept as JSON, so adding a
 * field to Message needs no migration. Each row also carries a conversation key (see conversationKey) so that
 * history() reads one index range backwards from the bound instead of sorting a whole conversation.
 */
import type Database from "better-sqlite3";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { ArchiveQuery, MessageLogStore } from "../store.js";
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

/**
 * Bounds that let every archive query be one statement of each shape: ids are base-36 digits and lower-case
 * letters (core/message-id.ts), so "" is below and "~" above every id, and the times cover every timestamp.
 */
const NO_ID_BELOW = "";
const NO_ID_ABOVE = "~";

/** The parameters of an archive statement: the conversation, both id bounds, both times, and what the shape adds. */
function archiveParameters(room: Address, query: ArchiveQuery): Record<string, string | number> {
  return {
    conversation: roomKey(room),
    after: query.afterId ?? NO_ID_BELOW,
    before: query.beforeId ?? NO_ID_ABOVE,
    start: query.start ?? 0,
    end: query.end ?? Number.MAX_SAFE_INTEGER,
    ...(query.senderName === undefined ? {} : { sender: query.senderName }),
    ...(query.ids === undefined ? {} : { ids: JSON.stringify(query.ids) }),
  };
}

/**
 * The WHERE clause of an archive query of this shape. The id bounds are always there, so SQLite reads one range of
 * messages_by_conversation; the times, the sender name (inside the stored JSON) and the ids filter that range.
 */
function archiveWhere(query: ArchiveQuery): string {
  return [
    "conversation = @conversation AND id > @after AND id < @before AND timestamp >= @start AND timestamp <= @end",
    ...(query.senderName === undefined ? [] : ["json_extract(json, '$.senderName') = @sender"]),
    ...(query.ids === undefined ? [] : ["id IN (SELECT value FROM json_each(@ids))"]),
  ].join(" AND ");
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
  const earliestAfter = db.prepare<[string, string, string, number], { json: string }>(
    "SELECT json FROM messages WHERE conversation = ? AND id > ? AND id < ? ORDER BY id ASC LIMIT ?",
  );
  const lastId = db.prepare<[], { id: string | null }>("SELECT max(id) AS id FROM messages");
  // One prepared statement per shape of archive query (which filters, which end, or a count): a handful in all.
  const archiveStatements = new Map<string, Database.Statement>();
  const archiveStatement = (query: ArchiveQuery, select: "page-oldest" | "page-newest" | "count"): Database.Statement => {
    const key = `${select} ${query.senderName === undefined ? "" : "sender"} ${query.ids === undefined ? "" : "ids"}`;
    let statement = archiveStatements.get(key);
    if (!statement) {
      const where = archiveWhere(query);
      statement =
        select === "count"
          ? db.prepare(`SELECT count(*) AS count FROM messages WHERE ${where}`)
          : db.prepare(`SELECT json FROM messages WHERE ${where} ORDER BY id ${select === "page-oldest" ? "ASC" : "DESC"} LIMIT @limit`);
      archiveStatements.set(key, statement);
    }
    return statement;
  };
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
        if (options.after !== undefined) return earliestAfter.all(key, options.after, options.before ?? NO_ID_ABOVE, limit).map((row) => parseMessage(row.json));
        const rows = options.before === undefined ? latest.all(key, limit) : latestBefore.all(key, options.before, limit);
        return rows.reverse().map((row) => parseMessage(row.json));
      }),
    archive: (room, query, page) =>
      guarded("read a room's archive", () => {
        if (!keepAll) return [];
        const rows = archiveStatement(query, page.from === "oldest" ? "page-oldest" : "page-newest").all({ ...archiveParameters(room, query), limit: rowLimit(page.limit) }) as { json: string }[];
        if (page.from === "newest") rows.reverse();
        return rows.map((row) => parseMessage(row.json));
      }),
    archiveCount: (room, query) =>
      guarded("count a room's archive", () => {
        if (!keepAll) return 0;
        return (archiveStatement(query, "count").get(archiveParameters(room, query)) as { count: number }).count;
      }),
    lastId: () => guarded("read the last message id", () => lastId.get()?.id ?? undefined),
  };
}
