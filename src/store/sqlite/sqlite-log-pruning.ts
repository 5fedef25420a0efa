/**
 * The message log's retention on SQLite: one batch of `MessageLogStore.pruneBatch`. The scan needs no index of its
 * own: gateway ids begin with the time of acceptance (core/message-id.ts), so "older than the cut-off" is one range
 * of the primary key, read in id order from where the last batch stopped. The timestamp is then checked exactly.
 */
import type Database from "better-sqlite3";
import { idBoundAt } from "../../core/message-id.js";
import type { LogPruneBatch, MessageLogStore } from "../store.js";
import { guarded, rowLimit } from "./sqlite-errors.js";

/** Below every id (ids are base-36 digits and lower-case letters). */
const NO_ID_BELOW = "";

export function createSqliteLogPruning(db: Database.Database): MessageLogStore["pruneBatch"] {
  const newest = db.prepare<[], { id: string | null }>("SELECT max(id) AS id FROM messages");
  const candidates = db.prepare<{ after: string; bound: string; limit: number }, { id: string }>(
    "SELECT id FROM messages WHERE id > @after AND id < @bound ORDER BY id LIMIT @limit",
  );
  // The outbox's foreign key would CASCADE: a message still queued must never go, or its delivery would vanish with
  // it. A failure notice has no key, but the report to the sender needs the message (core/failure-reports.ts). Both
  // are read by their index by message (outbox_by_message, migration 7).
  const deleteUnneeded = db.prepare<{ id: string; cutoff: number }>(
    `DELETE FROM messages WHERE id = @id AND timestamp < @cutoff
       AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = @id)
       AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = @id)`,
  );
  const prune = db.transaction((cutoff: number, after: string, limit: number, maxMs: number): LogPruneBatch => {
    const started = performance.now();
    const newestId = newest.get()?.id;
    if (newestId === null || newestId === undefined) return { deleted: 0 };
    // The newest message stays whatever its age: its id seeds the ids after a restart, so that they keep increasing.
    const timeBound = idBoundAt(cutoff);
    const bound = timeBound < newestId ? timeBound : newestId;
    const ids = candidates.all({ after, bound, limit }).map((row) => row.id);
    let deleted = 0;
    for (const [index, id] of ids.entries()) {
      deleted += deleteUnneeded.run({ id, cutoff }).changes;
      // Rows of 64 KiB bodies cost a hundred times those of a line of chat: time, not the count, bounds the stall.
      if (index < ids.length - 1 && performance.now() - started >= maxMs) return { deleted, next: id };
    }
    // A batch that found fewer than it may look at has seen the last of them; a full one says where to go on.
    const last = ids.at(-1);
    return ids.length < limit || last === undefined ? { deleted } : { deleted, next: last };
  });
  return (cutoff, batch) =>
    guarded("prune the message log", () => prune(cutoff, batch.after ?? NO_ID_BELOW, rowLimit(batch.limit), batch.maxMs ?? Number.POSITIVE_INFINITY));
}
