/**
 * AccountStore on SQLite. Names are stored as given: the caller lower-cases them. An account being deleted
 * (deleted_at set, sqlite-account-removals.ts) is found no more and not counted, but its name stays taken until its row goes.
 */
import type Database from "better-sqlite3";
import type { AccountRecord, AccountStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface AccountRow {
  readonly name: string;
  readonly password_hash: string;
  readonly display_name: string;
  readonly created_at: number;
}

function toAccount(row: AccountRow): AccountRecord {
  return { name: row.name, passwordHash: row.password_hash, displayName: row.display_name, createdAt: row.created_at };
}

export function createSqliteAccountStore(db: Database.Database): AccountStore {
  const insert = db.prepare<[string, string, string, number]>(
    "INSERT INTO accounts (name, password_hash, display_name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
  );
  const select = db.prepare<[string], AccountRow>("SELECT name, password_hash, display_name, created_at FROM accounts WHERE name = ? AND deleted_at IS NULL");
  const count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM accounts WHERE deleted_at IS NULL");
  // An account being deleted keeps its wiped password: nobody sets one for it.
  const updateHash = db.prepare<[string, string]>("UPDATE accounts SET password_hash = ? WHERE name = ? AND deleted_at IS NULL");
  const all = db.prepare<[], AccountRow>("SELECT name, password_hash, display_name, created_at FROM accounts WHERE deleted_at IS NULL ORDER BY name");

  return {
    create: (account) =>
      guarded("create an account", () => insert.run(account.name, account.passwordHash, account.displayName, account.createdAt).changes === 1),
    get: (name) =>
      guarded("read an account", () => {
        const row = select.get(name);
        return row && toAccount(row);
      }),
    count: () => guarded("count accounts", () => count.get()?.n ?? 0),
    setPasswordHash: (name, passwordHash) => guarded("change a password", () => updateHash.run(passwordHash, name).changes === 1),
    list: () => guarded("list accounts", () => all.all().map(toAccount)),
  };
}
