/** AvatarStore on SQLite (migration 27): one row per native user, the picture a BLOB. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { AvatarStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

/** Migration 27. `owner` is the user's address key (native:alice), as in the other per-person tables, so that an account's removal finds it. */
export const AVATARS_SCHEMA = `
CREATE TABLE avatars (
  owner  TEXT NOT NULL PRIMARY KEY,
  type   TEXT NOT NULL,
  data   BLOB NOT NULL,
  sha1   TEXT NOT NULL,
  set_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

interface AvatarRow {
  readonly owner: string;
  readonly type: string;
  readonly data: Buffer;
  readonly sha1: string;
  readonly set_at: number;
}

export function createSqliteAvatars(db: Database.Database): AvatarStore {
  const upsert = db.prepare<[string, string, Buffer, string, number, string | null, string | null]>(
    `INSERT INTO avatars (owner, type, data, sha1, set_at) SELECT ?, ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT}
     ON CONFLICT (owner) DO UPDATE SET type = excluded.type, data = excluded.data, sha1 = excluded.sha1, set_at = excluded.set_at`,
  );
  const select = db.prepare<[string], AvatarRow>("SELECT * FROM avatars WHERE owner = ?");
  const remove = db.prepare<[string]>("DELETE FROM avatars WHERE owner = ?");
  const refs = db.prepare<[], Pick<AvatarRow, "owner" | "type" | "sha1">>("SELECT owner, type, sha1 FROM avatars ORDER BY owner");
  return {
    put: (record) =>
      guarded("keep an avatar", () => {
        const name = nativeName(record.owner);
        if (upsert.run(addressKey(record.owner), record.type, record.data, record.hash, record.setAt, name, name).changes === 0) throw noAccount(record.owner);
      }),
    get: (owner) =>
      guarded("read an avatar", () => {
        const row = select.get(addressKey(owner));
        return row === undefined ? undefined : { owner, type: row.type, data: Buffer.from(row.data), hash: row.sha1, setAt: row.set_at };
      }),
    remove: (owner) => guarded("remove an avatar", () => remove.run(addressKey(owner)).changes > 0),
    refs: () => guarded("list avatars", () => refs.all().map((row) => ({ owner: parseAddress(row.owner), type: row.type, hash: row.sha1 }))),
  };
}
