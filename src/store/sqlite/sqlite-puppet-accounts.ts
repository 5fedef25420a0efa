/** PuppetAccountStore on SQLite: one row per (owner, IRC network); the secret is the sealed bytes, a BLOB. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { PuppetAccountRecord, PuppetAccountStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

interface PuppetAccountRow {
  readonly owner: string;
  readonly network: string;
  readonly account: string;
  readonly secret: Buffer;
  readonly set_at: number;
}

function toRecord(row: PuppetAccountRow): PuppetAccountRecord {
  return { owner: parseAddress(row.owner), network: row.network, account: row.account, secret: Buffer.from(row.secret), setAt: row.set_at };
}

export function createSqlitePuppetAccounts(db: Database.Database): PuppetAccountStore {
  const upsert = db.prepare<[string, string, string, Buffer, number, string | null, string | null]>(
    `INSERT INTO puppet_accounts (owner, network, account, secret, set_at) SELECT ?, ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT}
     ON CONFLICT (owner, network) DO UPDATE SET account = excluded.account, secret = excluded.secret, set_at = excluded.set_at`,
  );
  const select = db.prepare<[string, string], PuppetAccountRow>("SELECT * FROM puppet_accounts WHERE owner = ? AND network = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM puppet_accounts WHERE owner = ? AND network = ?");
  const ofOwner = db.prepare<[string], PuppetAccountRow>("SELECT * FROM puppet_accounts WHERE owner = ? ORDER BY network");
  return {
    put: (record) =>
      guarded("store a puppet account", () => {
        const name = nativeName(record.owner);
        if (upsert.run(addressKey(record.owner), record.network, record.account, record.secret, record.setAt, name, name).changes === 0) throw noAccount(record.owner);
      }),
    get: (owner, network) =>
      guarded("read a puppet account", () => {
        const row = select.get(addressKey(owner), network);
        return row && toRecord(row);
      }),
    remove: (owner, network) => guarded("remove a puppet account", () => remove.run(addressKey(owner), network).changes > 0),
    listOf: (owner) => guarded("list puppet accounts", () => ofOwner.all(addressKey(owner)).map(toRecord)),
  };
}
