/**
 * store/sqlite/open-sqlite-accounts.ts, the `switchboard user` commands' way into a database: beside a store that
 * holds the process lock (a running daemon) it reads and writes accounts the store sees at once; without one it makes
 * and migrates the database first; and it never writes to a database of another schema version.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteAccounts, openSqliteStore } from "../../../src/store/sqlite/index.js";
import { LATEST_SCHEMA_VERSION } from "../../../src/store/sqlite/migrations.js";
import { account } from "./store-fixtures.js";

describe("the accounts of a database for the user commands (openSqliteAccounts)", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-accounts-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes beside a store that holds the database, which sees the change at its next read", async () => {
    const path = join(dir, "switchboard.db");
    const daemon = openSqliteStore(path);
    try {
      await daemon.accounts.create(account("alice"));
      assert.deepEqual(await daemon.accounts.get("alice"), account("alice")); // read once: nothing may keep it
      const side = openSqliteAccounts(path);
      try {
        assert.equal(await side.accounts.setPasswordHash("alice", "scrypt$changed"), true);
        assert.equal(await side.accounts.create(account("bob")), true);
      } finally {
        side.close();
      }
      assert.equal((await daemon.accounts.get("alice"))?.passwordHash, "scrypt$changed");
      assert.deepEqual(await daemon.accounts.get("bob"), account("bob"));
    } finally {
      await daemon.close();
    }
  });

  it("makes and migrates a database there is none of, and leaves it free for the daemon", async () => {
    const path = join(dir, "new", "switchboard.db");
    const side = openSqliteAccounts(path);
    await side.accounts.create(account("alice"));
    side.close();
    assert.equal(existsSync(path), true);
    const daemon = openSqliteStore(path);
    assert.deepEqual(await daemon.accounts.get("alice"), account("alice"));
    await daemon.close();
  });

  it("refuses a database at another schema version than it knows while a daemon holds it", async () => {
    const path = join(dir, "switchboard.db");
    const daemon = openSqliteStore(path);
    try {
      const raw = new Database(path);
      raw.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 0)").run(LATEST_SCHEMA_VERSION + 1);
      raw.close();
      assert.throws(() => openSqliteAccounts(path), {
        code: "GW_ERR_STORE",
        message: `database ${path} has schema version ${LATEST_SCHEMA_VERSION + 1} and this Switchboard knows ${LATEST_SCHEMA_VERSION}: run the switchboard of the running daemon's version`,
      });
    } finally {
      await daemon.close();
    }
  });
});
