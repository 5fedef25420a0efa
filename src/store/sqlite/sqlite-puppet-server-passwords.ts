/** PuppetServerPasswordStore on SQLite: one row per (owner, IRC server); the secret is the sealed bytes, a BLOB. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { PuppetServerPasswordRecord, PuppetServerPasswordStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

interface PuppetServerPasswordRow {
  readonly owner: string;
  readonly network: string;
  readonly secret: Buffer;
  readonly set_at: number;
}

function toRecord(row: PuppetServerPasswordRow): PuppetServerPasswordRecord {
  return { owner: parseAddress(row.owner), network: row.network, secret: Buffer.from(row.secret), setAt: row.set_at };
}

export function createSqlitePuppetServerPasswords(db: Database.Database): PuppetServerPasswordStore {
  const upsert = db.prepare<[string, string, Buffer, number, string | null, string | null]>(
    `INSERT INTO puppet_server_passwords (owner, network, secret, set_at) SELECT ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT}
     ON CONFLICT (owner, network) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at`,
  );
  const select = db.prepare<[string, string], PuppetServerPasswordRow>("SELECT * FROM puppet_server_passwords WHERE owner = ? AND network = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM puppet_server_passwords WHERE owner = ? AND network = ?");
  const ofOwner = db.prepare<[string], PuppetServerPasswordRow>("SELECT * FROM puppet_server_passwords WHERE owner = ? ORDER BY network");
  return {
    put: (record) =>
      guarded("store a server password", () => {
        const name = nativeName(record.owner);
        if (upsert.run(addressKey(record.owner), record.network, record.secret, record.setAt, name, name).changes === 0) throw noAccount(record.owner);
      }),
    get: (owner, network) =>
      guarded("read a server password", () => {
        const row = select.get(addressKey(owner), network);
        return row && toRecord(row);
      }),
    remove: (owner, network) => guarded("remove a server password", () => remove.run(addressKey(owner), network).changes > 0),
    listOf: (owner) => guarded("list server passwords", () => ofOwner.all(addressKey(owner)).map(toRecord)),
  };
}
