/** NameClaimStore on SQLite: the names people go by on each network (IRC puppets' nicks), one person per name. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { NameClaimStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface NameClaimRow {
  readonly protocol: string;
  readonly account: string;
  readonly person: string;
  readonly name: string;
  readonly claimed_at: number;
}

export function createSqliteNameClaims(db: Database.Database): NameClaimStore {
  // Either uniqueness (the person's, the name's) makes the insert do nothing: the claim is refused.
  const insert = db.prepare<[string, string, string, string, string, number]>(
    "INSERT INTO name_claims (protocol, account, person, name, name_folded, claimed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const list = db.prepare<[], NameClaimRow>("SELECT protocol, account, person, name, claimed_at FROM name_claims ORDER BY claimed_at, rowid");
  return {
    claim: (record) =>
      guarded("claim a name", () => insert.run(record.protocol, record.account, addressKey(record.person), record.name, record.name.toLowerCase(), record.claimedAt).changes === 1),
    list: () =>
      guarded("list name claims", () =>
        list.all().map((row) => ({ protocol: row.protocol, account: row.account, person: parseAddress(row.person), name: row.name, claimedAt: row.claimed_at })),
      ),
  };
}
