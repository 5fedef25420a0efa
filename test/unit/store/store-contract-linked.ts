/**
 * The store contract for linked accounts (a person's own account on another network, its password sealed).
 * Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import type { LinkedAccountRecord, PuppetAccountRecord, Store } from "../../../src/store/store.js";
import { alice, bob } from "./store-fixtures.js";

function linked(overrides: Partial<LinkedAccountRecord> = {}): LinkedAccountRecord {
  return {
    owner: alice,
    network: "xmpp",
    login: "alice@example.org",
    service: "xmpps://example.org:5223",
    secret: Buffer.from([1, 0, 255, 7, 42]),
    linkedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function puppetAccount(overrides: Partial<PuppetAccountRecord> = {}): PuppetAccountRecord {
  return { owner: alice, network: "libera", account: "alice", secret: Buffer.from([1, 2, 0, 255]), setAt: 1_700_000_000_000, ...overrides };
}

export function describeLinkedAccountContract(store: () => Store): void {
  describe("linked accounts", () => {
    it("puts a linked account and gets it back, its secret byte for byte", async () => {
      await store().linkedAccounts.put(linked());
      assert.deepEqual(await store().linkedAccounts.get(alice, "xmpp"), linked());
    });

    it("keeps one account per owner and network: a second put replaces the first", async () => {
      await store().linkedAccounts.put(linked());
      const again = linked({ login: "alice@example.com", service: "xmpp://127.0.0.1:5222", secret: Buffer.from([9]), linkedAt: 1_800_000_000_000 });
      await store().linkedAccounts.put(again);
      assert.deepEqual(await store().linkedAccounts.list(), [again]);
    });

    it("returns undefined for an owner without one, or another network", async () => {
      await store().linkedAccounts.put(linked());
      assert.equal(await store().linkedAccounts.get(bob, "xmpp"), undefined);
      assert.equal(await store().linkedAccounts.get(alice, "irc"), undefined);
    });

    it("lists every linked account ordered by owner and network", async () => {
      const bobs = linked({ owner: bob, login: "bob@example.org" });
      const aliceIrc = linked({ network: "irc", login: "alice" });
      await store().linkedAccounts.put(bobs);
      await store().linkedAccounts.put(linked());
      await store().linkedAccounts.put(aliceIrc);
      assert.deepEqual(await store().linkedAccounts.list(), [aliceIrc, linked(), bobs]);
    });

    it("removes a linked account and reports whether there was one", async () => {
      await store().linkedAccounts.put(linked());
      await store().linkedAccounts.put(linked({ owner: bob }));
      assert.equal(await store().linkedAccounts.remove(alice, "xmpp"), true);
      assert.equal(await store().linkedAccounts.remove(alice, "xmpp"), false);
      assert.deepEqual(await store().linkedAccounts.list(), [linked({ owner: bob })]);
    });
  });

  describe("puppet accounts", () => {
    it("keeps one account per owner and network, its secret byte for byte, a second put replacing the first", async () => {
      await store().puppetAccounts.put(puppetAccount());
      assert.deepEqual(await store().puppetAccounts.get(alice, "libera"), puppetAccount());
      const again = puppetAccount({ account: "alice2", secret: Buffer.from([9]), setAt: 1_800_000_000_000 });
      await store().puppetAccounts.put(again);
      assert.deepEqual(await store().puppetAccounts.listOf(alice), [again]);
    });

    it("lists an owner's accounts only, ordered by network, and removes one, telling whether there was one", async () => {
      const oftc = puppetAccount({ network: "oftc" });
      await store().puppetAccounts.put(oftc);
      await store().puppetAccounts.put(puppetAccount());
      await store().puppetAccounts.put(puppetAccount({ owner: bob, account: "bob" }));
      assert.deepEqual(await store().puppetAccounts.listOf(alice), [puppetAccount(), oftc]);
      assert.equal(await store().puppetAccounts.remove(alice, "libera"), true);
      assert.equal(await store().puppetAccounts.remove(alice, "libera"), false);
      assert.equal(await store().puppetAccounts.get(alice, "libera"), undefined);
      assert.deepEqual(await store().puppetAccounts.listOf(alice), [oftc]);
      assert.equal((await store().puppetAccounts.get(bob, "libera"))?.account, "bob");
    });
  });
}
