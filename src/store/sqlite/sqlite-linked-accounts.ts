/** LinkedAccountStore on SQLite: one row per (owner, network); the secret is the sealed bytes, a BLOB. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { LinkedAccountRecord, LinkedAccountStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

interface LinkedAccountRow {
  readonly owner: string;
  readonly network: string;
  readonly login: string;
  readonly service: string;
  readonly secret: Buffer;
  readonly linked_at: number;
}

function toRecord(row: LinkedAccountRow): LinkedAccountRecord {
  return { owner: parseAddress(row.owner), network: row.network, login: row.login, service: row.service, secret: Buffer.from(row.secret), linkedAt: row.linked_at };
}

export function createSqliteLinkedAccounts(db: Database.Database): LinkedAccountStore {
  const upsert = db.prepare<[string, string, string, string, Buffer, number, string | null, string | null]>(
    `INSERT INTO linked_accounts (owner, network, login, service, secret, linked_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT}
     ON CONFLICT (owner, network) DO UPDATE SET
       login = excluded.login, service = excluded.service, secret = excluded.secret, linked_at = excluded.linked_at`,
  );
  const select = db.prepare<[string, string], LinkedAccountRow>("SELECT * FROM linked_accounts WHERE owner = ? AND network = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM linked_accounts WHERE owner = ? AND network = ?");
  const all = db.prepare<[], LinkedAccountRow>("SELECT * FROM linked_accounts ORDER BY owner, network");
  return {
    put: (record) =>
      guarded("store a linked account", () => {
        const name = nativeName(record.owner);
        if (upsert.run(addressKey(record.owner), record.network, record.login, record.service, record.secret, record.linkedAt, name, name).changes === 0) throw noAccount(record.owner);
      }),
    get: (owner, network) =>
      guarded("read a linked account", () => {
        const row = select.get(addressKey(owner), network);
        return row && toRecord(row);
      }),
    remove: (owner, network) => guarded("remove a linked account", () => remove.run(addressKey(owner), network).changes > 0),
    list: () => guarded("list linked accounts", () => all.all().map(toRecord)),
  };
}
