/** FailureNoticeStore on SQLite: failed deliveries waiting to be reported to their senders. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { FailureNotice, FailureNoticeStore } from "../store.js";
import { guarded, rowLimit } from "./sqlite-errors.js";

interface NoticeRow {
  readonly sender: string;
  readonly message_id: string;
  readonly recipient: string;
  readonly code: string;
  readonly reason: string;
  readonly at: number;
}

/**
 * `keep` writes a notice's message back if the store let it go (inside the adding transaction); `release` is
 * called, inside the removing transaction, for the message of each notice removed.
 */
export function createSqliteFailureNotices(
  db: Database.Database,
  messages: { readonly keep: (message: Message) => void; readonly release: (messageId: string) => void },
): FailureNoticeStore {
  const insert = db.prepare<[string, string, string, string, string, number]>(
    "INSERT INTO failure_notices (sender, message_id, recipient, code, reason, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const pending = db.prepare<[string, number], NoticeRow>("SELECT * FROM failure_notices WHERE sender = ? ORDER BY message_id, recipient LIMIT ?");
  const senders = db.prepare<[], { sender: string }>("SELECT DISTINCT sender FROM failure_notices ORDER BY sender");
  const remove = db.prepare<[string, string, string]>("DELETE FROM failure_notices WHERE sender = ? AND message_id = ? AND recipient = ?");
  const removeAndRelease = db.transaction((sender: string, messageId: string, recipient: string) => {
    remove.run(sender, messageId, recipient);
    messages.release(messageId);
  });
  const keepAndInsert = db.transaction((notice: FailureNotice, message: Message) => {
    messages.keep(message);
    insert.run(addressKey(notice.sender), notice.messageId, addressKey(notice.recipient), notice.code, notice.reason, notice.at);
  });
  return {
    add: (notice, message) =>
      guarded("store a failure notice", () => {
        keepAndInsert(notice, message);
      }),
    pending: (sender, limit) =>
      guarded("read failure notices", () =>
        pending.all(addressKey(sender), rowLimit(limit)).map((row) => ({
          sender: parseAddress(row.sender),
          messageId: row.message_id,
          recipient: parseAddress(row.recipient),
          code: row.code,
          reason: row.reason,
          at: row.at,
        })),
      ),
    senders: () => guarded("list failure notice senders", () => senders.all().map((row) => parseAddress(row.sender))),
    remove: (sender, messageId, recipient) =>
      guarded("remove a failure notice", () => {
        removeAndRelease(addressKey(sender), messageId, addressKey(recipient));
      }),
  };
}
