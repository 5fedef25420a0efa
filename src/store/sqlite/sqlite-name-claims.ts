/**
 * NameClaimStore on SQLite: the names people go by on each network (IRC puppets' nicks), one person per name, a
 * person holding every name they ever went by there, one of them current (migrations 9 and 14).
 */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import { foldName } from "../../core/model/name-fold.js";
import type { NameClaimRecord, NameClaimStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface NameClaimRow {
  readonly protocol: string;
  readonly account: string;
  readonly person: string;
  readonly name: string;
  readonly claimed_at: number;
  readonly current: number;
}

type NetworkPerson = [protocol: string, account: string, person: string];
type NetworkName = [protocol: string, account: string, folded: string];

export function createSqliteNameClaims(db: Database.Database): NameClaimStore {
  const holds = db.prepare<NetworkPerson, { one: number }>("SELECT 1 AS one FROM name_claims WHERE protocol = ? AND account = ? AND person = ? LIMIT 1");
  const holder = db.prepare<NetworkName, { person: string }>("SELECT person FROM name_claims WHERE protocol = ? AND account = ? AND name_folded = ?");
  // The name's uniqueness makes the insert do nothing: the claim is refused.
  const insert = db.prepare<[string, string, string, string, string, number]>(
    "INSERT INTO name_claims (protocol, account, person, name, name_folded, claimed_at, current) VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
  );
  const retire = db.prepare<NetworkPerson>("UPDATE name_claims SET current = 0 WHERE protocol = ? AND account = ? AND person = ? AND current = 1");
  const reuse = db.prepare<[string, string, string, string]>("UPDATE name_claims SET current = 1, name = ? WHERE protocol = ? AND account = ? AND name_folded = ?");
  const remove = db.prepare<[string, string, string, string]>("DELETE FROM name_claims WHERE protocol = ? AND account = ? AND person = ? AND name_folded = ?");
  const list = db.prepare<[], NameClaimRow>("SELECT protocol, account, person, name, claimed_at, current FROM name_claims ORDER BY claimed_at, rowid");

  const claim = db.transaction((record: NameClaimRecord): boolean => {
    const person = addressKey(record.person);
    if (holds.get(record.protocol, record.account, person) !== undefined) return false;
    return insert.run(record.protocol, record.account, person, record.name, foldName(record.name), record.claimedAt).changes === 1;
  });
  const choose = db.transaction((record: NameClaimRecord): boolean => {
    const person = addressKey(record.person);
    const folded = foldName(record.name);
    const held = holder.get(record.protocol, record.account, folded);
    if (held !== undefined && held.person !== person) return false;
    retire.run(record.protocol, record.account, person);
    if (held !== undefined) reuse.run(record.name, record.protocol, record.account, folded);
    else insert.run(record.protocol, record.account, person, record.name, folded, record.claimedAt);
    return true;
  });
  return {
    claim: (record) => guarded("claim a name", () => claim.immediate(record)),
    choose: (record) => guarded("choose a name", () => choose.immediate(record)),
    release: (protocol, account, person, name) => guarded("release a name", () => remove.run(protocol, account, addressKey(person), foldName(name)).changes === 1),
    list: () =>
      guarded("list name claims", () =>
        list.all().map((row) => ({ protocol: row.protocol, account: row.account, person: parseAddress(row.person), name: row.name, claimedAt: row.claimed_at, current: row.current === 1 })),
      ),
  };
}
