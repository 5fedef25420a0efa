/** BlockStore on SQLite (migration 29): one row per address a native user blocked (core/blocklist.ts). */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { BlockStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

/**
 * Migration 29. `owner` is the blocker's address key (native:alice), as in the other per-person tables, so that an
 * account's removal finds it; `address` the blocked address in its compared form (core/blocklist.ts `blockedForm`).
 */
export const BLOCKS_SCHEMA = `
CREATE TABLE blocks (
  owner      TEXT NOT NULL,
  address    TEXT NOT NULL,
  blocked_at INTEGER NOT NULL,
  PRIMARY KEY (owner, address)
) WITHOUT ROWID;
`;

export function createSqliteBlocks(db: Database.Database): BlockStore {
  const insert = db.prepare<[string, string, number, string | null, string | null]>(
    `INSERT INTO blocks (owner, address, blocked_at) SELECT ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT} ON CONFLICT (owner, address) DO NOTHING`,
  );
  const exists = db.prepare<[string, string], { one: number }>("SELECT 1 AS one FROM blocks WHERE owner = ? AND address = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM blocks WHERE owner = ? AND address = ?");
  const all = db.prepare<[], { owner: string; address: string }>("SELECT owner, address FROM blocks ORDER BY owner, blocked_at, address");
  return {
    add: (owner, address, at) =>
      guarded("keep a block", () => {
        const name = nativeName(owner);
        const [ownerKey, key] = [addressKey(owner), addressKey(address)];
        if (insert.run(ownerKey, key, at, name, name).changes === 1) return true;
        if (exists.get(ownerKey, key) === undefined) throw noAccount(owner);
        return false;
      }),
    remove: (owner, address) => guarded("remove a block", () => remove.run(addressKey(owner), addressKey(address)).changes > 0),
    all: () => guarded("list blocks", () => all.all().map((row) => ({ owner: parseAddress(row.owner), address: parseAddress(row.address) }))),
  };
}
