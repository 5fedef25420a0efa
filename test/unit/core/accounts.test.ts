/**
 * core/accounts.ts, what the native frames and the `switchboard user` commands share: names and passwords checked by
 * one set of rules, names stored in lower case, passwords kept only as scrypt hashes, and a password changed while
 * another check of it runs not taken by that check.
 */
import assert from "node:assert/strict";
import { changePassword, checkPassword, createAccount } from "../../../src/core/accounts.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { AccountStore, Store } from "../../../src/store/store.js";

const PASSWORD = "correct horse";

describe("native accounts (core/accounts.ts)", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("makes an account under the lower-case name, shown as written, with a hash that is no password", async () => {
    const made = await createAccount(store.accounts, { name: "Alice", password: PASSWORD }, () => 1234);
    assert.deepEqual({ ...made, passwordHash: made.passwordHash.split("$")[0] }, { name: "alice", displayName: "Alice", createdAt: 1234, passwordHash: "scrypt" });
    assert.equal(made.passwordHash.includes(PASSWORD), false);
    assert.deepEqual(await store.accounts.get("alice"), made);
  });

  it("refuses a taken name in any case, and a name or password the rules refuse, making nothing", async () => {
    await createAccount(store.accounts, { name: "alice", password: PASSWORD });
    await assert.rejects(createAccount(store.accounts, { name: "ALICE", password: PASSWORD }), { code: "GW_ERR_USER_EXISTS", message: 'the name "alice" is taken' });
    for (const name of ["", "-alice", "a b", "x".repeat(33), "ali\u0000ce"]) {
      await assert.rejects(createAccount(store.accounts, { name, password: PASSWORD }), { code: "GW_ERR_BAD_FRAME" }, JSON.stringify(name));
    }
    // Counted in characters, as the frames' JSON Schema counts: 8 emoji are 16 UTF-16 units and a valid password.
    await assert.rejects(createAccount(store.accounts, { name: "bob", password: "seven77" }), { code: "GW_ERR_BAD_FRAME", message: "a password must be 8 to 1024 characters long" });
    await assert.rejects(createAccount(store.accounts, { name: "bob", password: "😀".repeat(7) }), { code: "GW_ERR_BAD_FRAME" });
    await assert.rejects(createAccount(store.accounts, { name: "bob", password: "x".repeat(1025) }), { code: "GW_ERR_BAD_FRAME" });
    assert.deepEqual((await store.accounts.list()).map((account) => account.name), ["alice"]);
    await createAccount(store.accounts, { name: "bob", password: "😀".repeat(8) });
  });

  it("checks a password: the account for the right one, nothing for a wrong one or an unknown user", async () => {
    await createAccount(store.accounts, { name: "alice", password: PASSWORD });
    assert.equal((await checkPassword(store.accounts, "ALICE", PASSWORD))?.name, "alice");
    assert.equal(await checkPassword(store.accounts, "alice", "wrong password"), undefined);
    assert.equal(await checkPassword(store.accounts, "nobody", PASSWORD), undefined);
  });

  it("changes a password: the new one passes and the old one no more; an unknown user or a short password changes nothing", async () => {
    await createAccount(store.accounts, { name: "alice", password: PASSWORD });
    await changePassword(store.accounts, "Alice", "a new password");
    assert.equal((await checkPassword(store.accounts, "alice", "a new password"))?.name, "alice");
    assert.equal(await checkPassword(store.accounts, "alice", PASSWORD), undefined);
    await assert.rejects(changePassword(store.accounts, "nobody", "a new password"), { code: "GW_ERR_NOT_FOUND", message: 'there is no user "nobody"' });
    await assert.rejects(changePassword(store.accounts, "alice", "short"), { code: "GW_ERR_BAD_FRAME" });
    assert.equal((await checkPassword(store.accounts, "alice", "a new password"))?.name, "alice");
  });

  it("does not pass the old password when the password was changed while it was checked", async () => {
    await createAccount(store.accounts, { name: "alice", password: PASSWORD });
    const { accounts } = store;
    let reads = 0;
    // The change lands between the read of the hash and the end of its (slow) verification.
    const racing: AccountStore = {
      ...accounts,
      async get(name) {
        const account = await accounts.get(name);
        if ((reads += 1) === 1) await accounts.setPasswordHash(name, "scrypt$changed$meanwhile");
        return account;
      },
    };
    assert.equal(await checkPassword(racing, "alice", PASSWORD), undefined);
  });
});
