/**
 * AccountStore on SQLite. Names are stored as given: the caller lower-cases them. An account being deleted
 * (deleted_at set, sqlite-account-removals.ts) is found no more and not counted, but its name stays taken until its row goes.
 * A disabled account (disabled_at set) is found and counted as any other: only login refuses it (core/accounts.ts).
 */
import type Database from "better-sqlite3";
import type { AccountRecord, AccountStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface AccountRow {
  readonly name: string;
  readonly password_hash: string;
  readonly display_name: string;
  readonly created_at: number;
  readonly disabled_at: number | null;
  readonly disabled_reason: string | null;
}

const COLUMNS = "name, password_hash, display_name, created_at, disabled_at, disabled_reason";

function toAccount(row: AccountRow): AccountRecord {
  const account = { name: row.name, passwordHash: row.password_hash, displayName: row.display_name, createdAt: row.created_at };
  return row.disabled_at === null ? account : { ...account, disabled: { at: row.disabled_at, reason: row.disabled_reason ?? "" } };
}

export function createSqliteAccountStore(db: Database.Database): AccountStore {
  const insert = db.prepare<[string, string, string, number]>(
    "INSERT INTO accounts (name, password_hash, display_name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
  );
  const select = db.prepare<[string], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE name = ? AND deleted_at IS NULL`);
  const count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM accounts WHERE deleted_at IS NULL");
  // An account being deleted keeps its wiped password: nobody sets one for it.
  const updateHash = db.prepare<[string, string]>("UPDATE accounts SET password_hash = ? WHERE name = ? AND deleted_at IS NULL");
  const all = db.prepare<[], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE deleted_at IS NULL ORDER BY name`);
  const page = db.prepare<[string, number], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE deleted_at IS NULL AND name > ? ORDER BY name LIMIT ?`);
  const disabledPage = db.prepare<[string, number], AccountRow>(
    `SELECT ${COLUMNS} FROM accounts WHERE deleted_at IS NULL AND disabled_at IS NOT NULL AND name > ? ORDER BY name LIMIT ?`,
  );
  // COALESCE: disabling a disabled account keeps when and why it was first disabled.
  const disable = db.prepare<[number, string, string]>(
    "UPDATE accounts SET disabled_at = COALESCE(disabled_at, ?), disabled_reason = COALESCE(disabled_reason, ?) WHERE name = ? AND deleted_at IS NULL",
  );
  const enable = db.prepare<[string]>("UPDATE accounts SET disabled_at = NULL, disabled_reason = NULL WHERE name = ? AND deleted_at IS NULL");

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
    page: ({ after, limit, disabledOnly }) => guarded("list accounts", () => (disabledOnly === true ? disabledPage : page).all(after, limit).map(toAccount)),
    setDisabled: (name, suspension) =>
      guarded(suspension === undefined ? "enable an account" : "disable an account", () =>
        (suspension === undefined ? enable.run(name) : disable.run(suspension.at, suspension.reason, name)).changes === 1,
      ),
  };
}
