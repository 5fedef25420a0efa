/** SentRequestStore on SQLite: one row per subscription request that reached the contact's network (core/roster.ts). */
import type Database from "better-sqlite3";
import { addressKey } from "../../core/model/address.js";
import type { SentRequestStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

export function createSqliteSentRequests(db: Database.Database): SentRequestStore {
  const insert = db.prepare<[string, string]>("INSERT OR IGNORE INTO sent_requests (owner, address) VALUES (?, ?)");
  const select = db.prepare<[string, string], { readonly found: number }>("SELECT 1 AS found FROM sent_requests WHERE owner = ? AND address = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM sent_requests WHERE owner = ? AND address = ?");
  return {
    has: (owner, address) => guarded("read a sent request", () => select.get(addressKey(owner), addressKey(address)) !== undefined),
    put: (owner, address) =>
      guarded("record a sent request", () => {
        insert.run(addressKey(owner), addressKey(address));
      }),
    remove: (owner, address) => guarded("forget a sent request", () => remove.run(addressKey(owner), addressKey(address)).changes > 0),
  };
}
