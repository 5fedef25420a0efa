import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, statSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { formatAddress, parseAddress } from "../../../src/core/model/address.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import { conversationKey } from "../../../src/store/sqlite/sqlite-message-log.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "../../../src/store/sqlite/migrations.js";
import { describeLogOffContract } from "./store-contract-log-off.js";
import { describeStoreContract } from "./store-contract.js";
import { account, alice, bob, carol, lobby, message, room } from "./store-fixtures.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/store-child.ts", import.meta.url));

describe("SQLite store", () => {
  let root = "";
  let count = 0;
  const freshPath = (): string => join(root, `db-${++count}`, "switchboard.db");

  before(() => {
    root = mkdtempSync(join(tmpdir(), "switchboard-store-"));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describeStoreContract("SQLite in memory", () => openSqliteStore(":memory:"));
  describeStoreContract("SQLite on a file", () => openSqliteStore(freshPath()));
  describeLogOffContract("SQLite in memory", () => openSqliteStore(":memory:", { messageLog: false }));
  describeLogOffContract("SQLite on a file", () => openSqliteStore(freshPath(), { messageLog: false }));

  describe("durability", () => {
    it("keeps data across close and reopen, creating the parent directory", async () => {
      const path = freshPath();
      const first = openSqliteStore(path);
      await first.accounts.create(account("alice"));
      await first.rooms.create(room(lobby));
      await first.rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" });
      await first.accept([{ message: message(1, alice, bob), recipients: [bob] }]);
      await first.close();
      await first.close();

      const second = openSqliteStore(path);
      try {
        assert.deepEqual(await second.accounts.get("alice"), account("alice"));
        assert.deepEqual(await second.rooms.members(lobby), [{ address: bob, nick: "bob", role: "member" }]);
        assert.deepEqual(await second.log.get("m000001"), message(1, alice, bob));
        assert.equal((await second.outbox.pending(bob, 10)).length, 1);
      } finally {
        await second.close();
      }
    });

    it("makes its directory and files for the daemon's user alone (0700, 0600), and leaves existing modes alone", async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      try {
        await store.accept([{ message: message(1, alice, bob), recipients: [bob] }]);
        const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);
        assert.equal(mode(dirname(path)), "700");
        for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-lock`]) assert.equal(mode(file), "600", file);
      } finally {
        await store.close();
      }
      chmodSync(path, 0o640);
      await openSqliteStore(path).close();
      assert.equal((statSync(path).mode & 0o777).toString(8), "640");
    });

    it("leaves the file in WAL mode", async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      await store.close();
      const raw = new Database(path);
      assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
      raw.close();
    });

    it("checkpoints the WAL into the database file from its worker while open", async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      try {
        const before = statSync(path).size;
        await store.accept(Array.from({ length: 2000 }, (_, n) => ({ message: message(n + 1, alice, bob), recipients: [bob] })));
        const deadline = Date.now() + 5000;
        // The commit itself never checkpoints (wal_autocheckpoint = 0): only the worker can grow the file.
        while (statSync(path).size <= before) {
          if (Date.now() > deadline) assert.fail("the database file did not grow: no checkpoint ran");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await store.close();
      }
    });

    it("rejects calls after close with GW_ERR_STORE", async () => {
      const store = openSqliteStore(":memory:");
      await store.close();
      await assert.rejects(store.accounts.count(), { code: "GW_ERR_STORE" });
    });
  });

  describe("migrations", () => {
    // Numbers may be left free for migrations of work going on beside (renumbered at merge): increasing is what counts.
    it("numbers its migrations from 1, in increasing order", () => {
      const versions = MIGRATIONS.map((migration) => migration.version);
      assert.equal(versions[0], 1);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
      assert.equal(new Set(versions).size, versions.length);
    });

    it("records every applied migration in schema_version, up to the latest", async () => {
      const path = freshPath();
      await openSqliteStore(path).close();
      const raw = new Database(path);
      const versions = raw.prepare("SELECT version FROM schema_version ORDER BY version").pluck().all();
      raw.close();
      assert.deepEqual(versions, MIGRATIONS.map((migration) => migration.version));
      assert.equal(versions.at(-1), LATEST_SCHEMA_VERSION);
    });

    it("refuses a database from a newer schema version", async () => {
      const path = freshPath();
      await openSqliteStore(path).close();
      const raw = new Database(path);
      raw.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 0)").run(LATEST_SCHEMA_VERSION + 1);
      raw.close();
      assert.throws(() => openSqliteStore(path), {
        code: "GW_ERR_STORE",
        message: `database ${path} has schema version ${LATEST_SCHEMA_VERSION + 1}, newer than the ${LATEST_SCHEMA_VERSION} this Switchboard knows; upgrade Switchboard`,
      });
    });

    it("upgrades a version 5 database to link accounts: its links stay, bound to no account", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 5)), { from: 0, to: 5 });
      raw.prepare("INSERT INTO identity_links (person, address, linked_at) VALUES ('native:alice', 'irc://libera/alice', 7)").run();
      raw.close();

      const store = openSqliteStore(path);
      try {
        await store.accounts.create({ name: "alice", passwordHash: "scrypt$x", displayName: "Alice", createdAt: 7 });
        assert.deepEqual(await store.identities.allLinks(), [{ person: alice, address: parseAddress("irc://libera/alice"), linkedAt: 7 }]);
        assert.equal(await store.identities.link({ person: alice, address: carol, linkedAt: 8, account: "carolacct" }), true);
        assert.deepEqual(await store.identities.personOf(carol), { person: alice, address: carol, linkedAt: 8, account: "carolacct" });
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 7 database to bridge options: its runtime bridges stay, with no key and joins and leaves relayed", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 7)), { from: 0, to: 7 });
      raw.prepare("INSERT INTO bridges (remote, room, nick, created_by, created_at) VALUES ('irc://libera/%23dev', 'dev', '', 'native:alice', 9)").run();
      raw.close();

      const store = openSqliteStore(path);
      try {
        assert.deepEqual(await store.bridges.list(), [
          { remote: parseAddress("irc://libera/%23dev"), room: "dev", nick: "", key: "", membership: true, createdBy: alice, createdAt: 9 },
        ]);
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 9 database to archives by sender: its room messages are found by their sender's name", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 9)), { from: 0, to: 9 });
      const insert = raw.prepare("INSERT INTO messages (id, scope, from_address, to_address, conversation, timestamp, json) VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (const logged of [message(1, alice, lobby, "room"), message(2, bob, lobby, "room"), message(3, alice, bob)]) {
        insert.run(logged.id, logged.scope, formatAddress(logged.from), formatAddress(logged.to), conversationKey(logged), logged.timestamp, JSON.stringify(logged));
      }
      raw.close();

      const store = openSqliteStore(path);
      try {
        assert.deepEqual((await store.log.archive(lobby, { senders: [{ name: "alice" }] }, { limit: 10, from: "oldest" })).map((found) => found.id), ["m000001"]);
        assert.equal(await store.log.archiveCount(lobby, { senders: [{ name: "bob" }] }), 1);
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 10 database to buddy offers: each contact of a linked person on another network counts as offered to the link", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 10)), { from: 0, to: 10 });
      raw.prepare("INSERT INTO identity_links (person, address, linked_at) VALUES ('native:alice', 'xmpp:juliet@example.org', 7), ('native:alice', 'irc://libera/alicenick', 8)").run();
      const contact = raw.prepare("INSERT INTO contacts (owner, address, name, subscription, pending_out, pending_in) VALUES (?, ?, ?, 'both', 0, 0)");
      for (const [owner, address] of [["native:alice", "native:bob"], ["native:alice", "xmpp:romeo@example.org"], ["native:alice", "irc://libera/carol"], ["native:bob", "native:dave"]]) {
        contact.run(owner, address, address);
      }
      raw.close();

      const store = openSqliteStore(path);
      const offered = async (viewer: string): Promise<string[]> => (await store.buddyOffers.listFor(parseAddress(viewer))).map((offer) => `${formatAddress(offer.contact)} ${offer.state}`);
      try {
        assert.deepEqual(await offered("xmpp:juliet@example.org"), ["irc://libera/carol offered", "native:bob offered"]);
        assert.deepEqual(await offered("irc://libera/alicenick"), ["native:bob offered", "xmpp:romeo@example.org offered"]);
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 11 database to sent requests: every pending request counts as sent, so nobody is asked again", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 11)), { from: 0, to: 11 });
      const contact = raw.prepare("INSERT INTO contacts (owner, address, name, subscription, pending_out, pending_in) VALUES (?, ?, ?, 'none', ?, ?)");
      contact.run("native:alice", "xmpp:juliet@example.org", "juliet", 1, 0);
      contact.run("native:alice", "native:bob", "bob", 0, 1);
      raw.close();

      const store = openSqliteStore(path);
      try {
        assert.equal(await store.sentRequests.has(alice, parseAddress("xmpp:juliet@example.org")), true);
        assert.equal(await store.sentRequests.has(alice, bob), false);
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 13 database to held names: each claim stays its person's current name, and theirs for good", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 13)), { from: 0, to: 13 });
      const insert = raw.prepare("INSERT INTO name_claims (protocol, account, person, name, name_folded, claimed_at) VALUES ('irc', 'libera', ?, ?, ?, ?)");
      insert.run("native:alice", "Alice[sb]", "alice[sb]", 1);
      insert.run("native:bob", "bob[sb]", "bob[sb]", 2);
      // Two names alike on an rfc1459 server, claimed before names were folded so: the first one made is kept.
      insert.run("native:carol", "c|x[sb]", "c|x[sb]", 3);
      insert.run("native:dave", "c\\x{sb}", "c\\x{sb}", 4);
      raw.close();

      const store = openSqliteStore(path);
      try {
        assert.deepEqual(
          (await store.names.list()).map((entry) => [formatAddress(entry.person), entry.name, entry.current]),
          [
            ["native:alice", "Alice[sb]", true],
            ["native:bob", "bob[sb]", true],
            ["native:carol", "c|x[sb]", true],
          ],
        );
        assert.equal(await store.names.choose({ protocol: "irc", account: "libera", name: "ali[sb]", person: alice, claimedAt: 3 }), true);
        assert.equal(await store.names.choose({ protocol: "irc", account: "libera", name: "alice[sb]", person: bob, claimedAt: 4 }), false);
        assert.equal(await store.names.choose({ protocol: "irc", account: "libera", name: "BOB{SB}", person: alice, claimedAt: 5 }), false, "bob's, as the server sees it");
      } finally {
        await store.close();
      }
    });

    it("upgrades a version 3 database to identity links, runtime bridges and link accounts, keeping its data", async () => {
      const path = freshPath();
      mkdirSync(dirname(path), { recursive: true });
      const raw = new Database(path);
      assert.deepEqual(migrate(raw, path, MIGRATIONS.slice(0, 3)), { from: 0, to: 3 });
      raw.prepare("INSERT INTO accounts (name, password_hash, display_name, created_at) VALUES ('alice', 'scrypt$hash-of-alice', 'ALICE', 1700000000000)").run();
      raw.prepare("INSERT INTO linked_accounts (owner, network, login, service, secret, linked_at) VALUES ('native:alice', 'xmpp', 'alice@example.org', 'xmpps://example.org:5223', x'01ff', 1)").run();
      raw.close();

      const store = openSqliteStore(path);
      try {
        assert.deepEqual(await store.accounts.get("alice"), account("alice"));
        assert.deepEqual((await store.linkedAccounts.get(alice, "xmpp"))?.secret, Buffer.from([1, 255]));
        assert.equal(await store.identities.link({ person: alice, address: carol, linkedAt: 1 }), true);
        assert.deepEqual(await store.identities.linksOf(alice), [{ person: alice, address: carol, linkedAt: 1 }]);
      } finally {
        await store.close();
      }
      const after = new Database(path);
      const versions = after.prepare("SELECT version FROM schema_version ORDER BY version").pluck().all();
      after.close();
      assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    });

    it("applies only the migrations not yet applied, and none of a set that fails", () => {
      const db = new Database(":memory:");
      const one = { version: 1, name: "one", sql: "CREATE TABLE one (x)" };
      const two = { version: 2, name: "two", sql: "CREATE TABLE two (x)" };
      const broken = { version: 3, name: "broken", sql: "CREATE TABLE three (x); CREATE TABLE one (x)" };
      assert.deepEqual(migrate(db, ":memory:", [one]), { from: 0, to: 1 });
      assert.deepEqual(migrate(db, ":memory:", [one, two]), { from: 1, to: 2 });
      assert.throws(() => migrate(db, ":memory:", [one, two, broken]), /already exists/);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ["one", "schema_version", "two"]);
      db.close();
    });
  });

  describe("identities", () => {
    it("prunes the proof requests older than 24 hours when removing expired proofs", async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      const day = 24 * 60 * 60 * 1000;
      try {
        for (const createdAt of [0, 1, 2]) {
          await store.identities.putProof({ person: alice, address: carol, codeHash: "00", createdAt, expiresAt: createdAt + 1000, attempts: 0 });
        }
        await store.identities.removeExpiredProofs(day + 1);
      } finally {
        await store.close();
      }
      const raw = new Database(path);
      const kept = raw.prepare("SELECT at FROM link_requests ORDER BY at").pluck().all();
      raw.close();
      assert.deepEqual(kept, [1, 2]);
    });
  });

  describe("opening", () => {
    it("refuses a file that is not a database, naming the path", () => {
      const path = join(root, "not-a-database.db");
      writeFileSync(path, "this is plain text, not SQLite\n".repeat(200));
      assert.throws(() => openSqliteStore(path), { code: "GW_ERR_STORE", message: `database ${path} is not a SQLite database` });
    });

    it("refuses a path it cannot open, naming the path", () => {
      assert.throws(() => openSqliteStore(root), { code: "GW_ERR_STORE", message: `cannot open database ${root}` });
    });

    it("refuses a path under a file, naming the path", () => {
      const file = join(root, "plain-file");
      writeFileSync(file, "");
      const path = join(file, "switchboard.db");
      assert.throws(() => openSqliteStore(path), { code: "GW_ERR_STORE", message: `cannot create the directory of database ${path}` });
    });
  });

  describe("locking", () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill("SIGKILL");
      child = undefined;
    });

    it("refuses a database open in another process with a one-line message", async () => {
      const path = freshPath();
      child = runChild(path, "hold");
      await firstLine(child);
      assert.throws(() => openSqliteStore(path), { code: "GW_ERR_STORE", message: `database ${path} is locked by another process` });
    });

    it("is refused by another process while open here, and reopens there once closed", async () => {
      const path = freshPath();
      const store = openSqliteStore(path);
      const refused: unknown = JSON.parse(await firstLine(runChild(path, "try")));
      assert.deepEqual(refused, { ok: false, code: "GW_ERR_STORE", message: `database ${path} is locked by another process` });
      await store.close();
      assert.deepEqual(JSON.parse(await firstLine(runChild(path, "try"))), { ok: true });
    });

    it("loses nothing committed when the holder is killed with SIGKILL", async () => {
      const path = freshPath();
      child = runChild(path, "hold");
      await firstLine(child);
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      const store = openSqliteStore(path);
      try {
        assert.equal((await store.log.get("m000001"))?.body, "kept");
        assert.deepEqual(await store.outbox.recipients(), [bob]);
      } finally {
        await store.close();
      }
    });
  });

  describe("accept", () => {
    const batchOf = (size: number, first: number): { message: ReturnType<typeof message>; recipients: typeof bob[] }[] =>
      Array.from({ length: size }, (_, n) => ({ message: message(first + n, alice, bob), recipients: [bob, carol] }));

    it("accepts 1,000 messages with two recipients each in one batch, quickly", async () => {
      const store = openSqliteStore(freshPath());
      try {
        const started = performance.now();
        await store.accept(batchOf(1000, 1));
        const elapsed = performance.now() - started;
        assert.equal((await store.log.history({ between: [alice, bob] }, { limit: 5000 })).length, 1000);
        assert.equal((await store.outbox.pending(carol, 5000)).length, 1000);
        assert.ok(elapsed < 2000, `accept took ${elapsed.toFixed(0)} ms`);
      } finally {
        await store.close();
      }
    });

    it("writes 1,000 messages in a single transaction: one bad row and none of them land", async () => {
      const store = openSqliteStore(freshPath());
      try {
        await store.accept(batchOf(1, 500));
        await assert.rejects(store.accept(batchOf(1000, 1)), { code: "GW_ERR_STORE" });
        assert.equal(await store.log.lastId(), "m000500");
        assert.equal(await store.log.get("m000001"), undefined);
        assert.equal((await store.outbox.pending(bob, 5000)).length, 1);
      } finally {
        await store.close();
      }
    });
  });
});

function runChild(path: string, mode: "try" | "hold"): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CHILD, path, mode], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
}

/** The child's first line of output, or a rejection after 15 s or when it exits without one. */
function firstLine(child: ChildProcess, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no output from the child within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const newline = output.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(output.slice(0, newline));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited with ${String(code)} before printing a line`));
    });
  });
}
