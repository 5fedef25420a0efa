/**
 * MessageLogStore on SQLite. The queried fields are columns; the whole message is kept as JSON, so adding a
 * field to Message needs no migration. Each row also carries a conversation key (see conversationKey) so that
 * history() reads one index range backwards from the bound instead of sorting a whole conversation.
 */
import type Database from "better-sqlite3";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Message, MessageModeration } from "../../core/model/message.js";
import { idBoundAt } from "../../core/message-id.js";
import type { ArchiveQuery, ArchiveSender, LoggedConversation, MessageLogStore } from "../store.js";
import { guarded, rowLimit } from "./sqlite-errors.js";
import { createSqliteLogPruning } from "./sqlite-log-pruning.js";

/** The log, plus the synchronous calls used inside the store's transactions. */
export interface SqliteMessageLog extends MessageLogStore {
  /** False when the log is off: then a message is written only if deliveries of it are queued. */
  readonly keepsAll: boolean;
  append(message: Message): void;
  /** Writes the message unless the store has it (one let go with the log off, which something refers to again). */
  keep(message: Message): void;
  /**
   * A delivery or failure notice of the message is gone: with the log off, the message is deleted once no
   * outbox entry and no failure notice refers to it (called inside the transaction that removed the last).
   */
  release(messageId: string): void;
  /**
   * A retraction of `messageId` in this conversation is written: the message and its corrections keep their rows
   * (history and archives show where it was) but lose their words, `retracted` marking each a tombstone, and
   * `moderated` who removed it when a moderator did (kept in the JSON: no column needed). Replies to them lose their
   * quote of those words (`replyTo.excerpt`), so that a reply read back (a queue after a restart) shows none.
   */
  tombstone(messageId: string, conversation: string, moderated?: MessageModeration): void;
}

/** A room's key, or the two parties of a direct conversation in a fixed order (URIs contain no space). */
function directKey(a: Address, b: Address): string {
  const [keyA, keyB] = [addressKey(a), addressKey(b)];
  return keyA <= keyB ? `direct ${keyA} ${keyB}` : `direct ${keyB} ${keyA}`;
}

function roomKey(room: Address): string {
  return `room ${addressKey(room)}`;
}

function loggedKey(conversation: LoggedConversation): string {
  return "room" in conversation ? roomKey(conversation.room) : directKey(...conversation.between);
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

/**
 * How far a message's id time may be from its timestamp: the id is made just before the timestamp is read, and
 * ahead of it after the clock went back (ids never go back). Times in a query bound the ids read by this much more,
 * so that a query by time reads one index range of the room's messages, not all of them; the times are then checked
 * exactly. A message accepted after the clock went back by more than this is found by its id, not by `end`.
 */
const CLOCK_SLACK_MS = 60_000;

function higherId(a: string, b: string): string {
  return a > b ? a : b;
}

function lowerId(a: string, b: string): string {
  return a < b ? a : b;
}

/** The parameters of an archive statement: the conversation, both id bounds (narrowed by the times), both times, and the sender. */
function archiveParameters(room: Address, query: ArchiveQuery, sender: ArchiveSender | undefined): Record<string, string | number> {
  let after = query.afterId ?? NO_ID_BELOW;
  let before = query.beforeId ?? NO_ID_ABOVE;
  if (query.start !== undefined) after = higherId(after, idBoundAt(query.start - CLOCK_SLACK_MS));
  if (query.end !== undefined) before = lowerId(before, idBoundAt(query.end + CLOCK_SLACK_MS + 1));
  return {
    conversation: roomKey(room),
    after,
    before,
    start: query.start ?? 0,
    end: query.end ?? Number.MAX_SAFE_INTEGER,
    ...(sender === undefined ? {} : { sender: sender.name }),
    ...(sender?.network === undefined ? {} : { network: `${sender.network}/` }),
    ...(query.ids === undefined ? {} : { ids: JSON.stringify(query.ids) }),
  };
}

/** Which statement an archive query needs: what it selects, and which filters it has. */
interface ArchiveShape {
  readonly select: "page-oldest" | "page-newest" | "count";
  readonly sender: boolean;
  readonly network: boolean;
  readonly ids: boolean;
}

function archiveShape(query: ArchiveQuery, sender: ArchiveSender | undefined, select: ArchiveShape["select"]): ArchiveShape {
  return { select, sender: sender !== undefined, network: sender?.network !== undefined, ids: query.ids !== undefined };
}

/**
 * The statement of an archive query of this shape. The id bounds are always there, so SQLite reads one range of an
 * index: messages_by_conversation, messages_by_sender for a sender, or the ids one by one (the primary key) when
 * they are named. The times and the sender's network filter that range.
 */
function archiveSql(shape: ArchiveShape): string {
  const where = [
    "conversation = @conversation AND id > @after AND id < @before AND timestamp >= @start AND timestamp <= @end",
    ...(shape.sender ? ["sender_name = @sender"] : []),
    // An address's URI is protocol://account/id (core/model/address.ts): the account is what follows "://".
    ...(shape.network ? ["substr(from_address, instr(from_address, '://') + 3, length(@network)) = @network"] : []),
    ...(shape.ids ? ["id IN (SELECT value FROM json_each(@ids))"] : []),
  ].join(" AND ");
  const from = shape.ids ? "messages INDEXED BY sqlite_autoindex_messages_1" : "messages";
  if (shape.select === "count") return `SELECT count(*) AS count FROM ${from} WHERE ${where}`;
  return `SELECT id, json FROM ${from} WHERE ${where} ORDER BY id ${shape.select === "page-oldest" ? "ASC" : "DESC"} LIMIT @limit`;
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
  type Row = [string, string, string, string, string, number, string, string | null];
  const insertSql = "INSERT INTO messages (id, scope, from_address, to_address, conversation, timestamp, json, sender_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  const insert = db.prepare<Row>(insertSql);
  const insertMissing = db.prepare<Row>(`${insertSql} ON CONFLICT DO NOTHING`);
  const row = (message: Message): Row => {
    const { id, scope, from, to, timestamp } = message;
    // The sender name is a column for rooms' archives only (queried by sender): direct messages stay out of its index.
    return [id, scope, addressKey(from), addressKey(to), conversationKey(message), timestamp, JSON.stringify(message), scope === "room" ? message.senderName : null];
  };
  const select = db.prepare<[string], { json: string }>("SELECT json FROM messages WHERE id = ?");
  const selectIn = db.prepare<[string, string], { json: string }>("SELECT json FROM messages WHERE id = ? AND conversation = ?");
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
  const archiveStatement = (shape: ArchiveShape): Database.Statement => {
    const key = `${shape.select} ${shape.sender} ${shape.network} ${shape.ids}`;
    let statement = archiveStatements.get(key);
    if (!statement) {
      statement = db.prepare(archiveSql(shape));
      archiveStatements.set(key, statement);
    }
    return statement;
  };
  // A page for each sender asked for (one index range each), merged: the page's worth of the oldest or newest of all.
  const archivePage = (room: Address, query: ArchiveQuery, page: { readonly limit: number; readonly from: "oldest" | "newest" }): Message[] => {
    const select = page.from === "oldest" ? "page-oldest" : "page-newest";
    const limit = rowLimit(page.limit);
    const rows = (query.senders ?? [undefined]).flatMap(
      (sender) => archiveStatement(archiveShape(query, sender, select)).all({ ...archiveParameters(room, query, sender), limit }) as { id: string; json: string }[],
    );
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const kept = page.from === "oldest" ? rows.slice(0, limit) : rows.slice(Math.max(0, rows.length - limit));
    return kept.map((row) => parseMessage(row.json));
  };
  const archiveCount = (room: Address, query: ArchiveQuery): number =>
    (query.senders ?? [undefined]).reduce(
      (total, sender) => total + (archiveStatement(archiveShape(query, sender, "count")).get(archiveParameters(room, query, sender)) as { count: number }).count,
      0,
    );
  // The newest messages of the conversation read by one index range (messages_by_conversation); only the sender's have
  // their JSON looked into. Bounded so: no index by sender is needed, direct messages have no sender_name.
  const sentWithOriginId = db.prepare<[string, number, string, string], { json: string }>(
    "SELECT json FROM (SELECT from_address, json FROM messages WHERE conversation = ? ORDER BY id DESC LIMIT ?) WHERE from_address = ? AND json_extract(json, '$.origin.id') = ? LIMIT 1",
  );
  // failure_notices is read by its index by message (migration 7).
  const unreferenced = db.prepare<{ id: string }>(
    "DELETE FROM messages WHERE id = @id AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = @id) AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = @id)",
  );

  // Its corrections come after it in the same conversation: one index range from it, their JSON looked into. A
  // tombstone loses its attachments with its words.
  const tombstone = db.prepare<{ id: string; conversation: string }>(
    "UPDATE messages SET json = json_set(json_remove(json, '$.attachments'), '$.body', '', '$.retracted', json('true')) WHERE conversation = @conversation AND id >= @id AND (id = @id OR json_extract(json, '$.replaces') = @id)",
  );
  const moderatedTombstone = db.prepare<{ id: string; conversation: string; moderated: string }>(
    "UPDATE messages SET json = json_set(json_remove(json, '$.attachments'), '$.body', '', '$.retracted', json('true'), '$.moderated', json(@moderated)) WHERE conversation = @conversation AND id >= @id AND (id = @id OR json_extract(json, '$.replaces') = @id)",
  );

  // The replies to it (or to one of its corrections) come after it too: they lose their quote of its words.
  const unquoted = db.prepare<{ id: string; conversation: string }>(
    "UPDATE messages SET json = json_remove(json, '$.replyTo.excerpt') WHERE conversation = @conversation AND id > @id AND json_extract(json, '$.replyTo.id') IN (SELECT id FROM messages WHERE conversation = @conversation AND id >= @id AND (id = @id OR json_extract(json, '$.replaces') = @id))",
  );

  return {
    keepsAll: keepAll,
    tombstone(messageId, conversation, moderated) {
      if (moderated === undefined) tombstone.run({ id: messageId, conversation });
      else moderatedTombstone.run({ id: messageId, conversation, moderated: JSON.stringify(moderated) });
      unquoted.run({ id: messageId, conversation });
    },
    append(message) {
      insert.run(...row(message));
    },
    keep(message) {
      insertMissing.run(...row(message));
    },
    release(messageId) {
      if (!keepAll) unreferenced.run({ id: messageId });
    },
    get: (id) =>
      guarded("read a message", () => {
        const row = select.get(id);
        return row && parseMessage(row.json);
      }),
    getIn: (conversation, id) =>
      guarded("read a message", () => {
        const row = selectIn.get(id, loggedKey(conversation));
        return row && parseMessage(row.json);
      }),
    history: (conversation, options) =>
      guarded("read history", () => {
        if (!keepAll) return [];
        const key = loggedKey(conversation);
        const limit = rowLimit(options.limit);
        if (options.after !== undefined) return earliestAfter.all(key, options.after, options.before ?? NO_ID_ABOVE, limit).map((row) => parseMessage(row.json));
        const rows = options.before === undefined ? latest.all(key, limit) : latestBefore.all(key, options.before, limit);
        return rows.reverse().map((row) => parseMessage(row.json));
      }),
    archive: (room, query, page) =>
      guarded("read a room's archive", () => {
        if (!keepAll) return [];
        return archivePage(room, query, page);
      }),
    archiveCount: (room, query) =>
      guarded("count a room's archive", () => {
        if (!keepAll) return 0;
        return archiveCount(room, query);
      }),
    sentWithOriginId: (conversation, from, originId, within) =>
      guarded("find a message by its origin id", () => {
        if (!keepAll) return undefined;
        const row = sentWithOriginId.get(loggedKey(conversation), rowLimit(within), addressKey(from), originId);
        return row && parseMessage(row.json);
      }),
    lastId: () => guarded("read the last message id", () => lastId.get()?.id ?? undefined),
    // With the log off too: rows written while it was on are read by nothing, and go once old enough.
    pruneBatch: createSqliteLogPruning(db),
  };
}
