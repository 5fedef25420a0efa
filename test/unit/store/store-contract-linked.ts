/**
 * The store contract for linked accounts (a person's own account on another network, its password sealed).
 * Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { LinkedAccountRecord, OwnRoomRecord, PuppetAccountRecord, PuppetServerPasswordRecord, Store } from "../../../src/store/store.js";
import { account, alice, bob, carol } from "./store-fixtures.js";

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

function serverPassword(overrides: Partial<PuppetServerPasswordRecord> = {}): PuppetServerPasswordRecord {
  return { owner: alice, network: "irc.example.org", secret: Buffer.from([3, 0, 255]), setAt: 1_700_000_000_000, ...overrides };
}

function ownRoom(overrides: Partial<OwnRoomRecord> = {}): OwnRoomRecord {
  return { owner: alice, room: parseAddress("xmpp://u.alice/talk@conference.example.org"), nick: "Alice", secret: Buffer.from([1, 0, 255]), joinedAt: 1_700_000_000_000, ...overrides };
}

async function users(store: Store): Promise<void> {
  await store.accounts.create(account("alice"));
  await store.accounts.create(account("bob"));
}

export function describeLinkedAccountContract(store: () => Store): void {
  describe("linked accounts", () => {
    // What is kept for a native user is written only while their account exists.
    beforeEach(() => users(store()));

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
    // What is kept for a native user is written only while their account exists.
    beforeEach(() => users(store()));

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
  describe("rooms joined through linked accounts", () => {
    beforeEach(() => users(store()));

    it("puts a room and lists it back, its sealed password byte for byte, a second put replacing the first", async () => {
      await store().ownRooms.put(ownRoom());
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), [ownRoom()]);
      const again = ownRoom({ nick: "Al", joinedAt: 1_800_000_000_000 });
      delete (again as { secret?: Buffer }).secret;
      await store().ownRooms.put(again);
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), [again]);
    });

    it("keeps a room's archive mark in its row, kept by a later put (a nick change), and marks no room that has no row", async () => {
      await store().ownRooms.put(ownRoom());
      assert.equal(await store().ownRooms.mark(alice, ownRoom().room, "stanza-1"), true);
      await store().ownRooms.put(ownRoom({ nick: "Al" }));
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), [{ ...ownRoom({ nick: "Al" }), archiveMark: "stanza-1" }]);
      assert.equal(await store().ownRooms.mark(alice, parseAddress("xmpp://u.alice/gone@conference.example.org"), "stanza-2"), false);
    });

    it("lists the owner's rooms on that account only, ordered by room, and removes one, telling whether there was one", async () => {
      const other = ownRoom({ room: parseAddress("xmpp://u.alice/chat@muc.example.com") });
      await store().ownRooms.put(ownRoom());
      await store().ownRooms.put(other);
      await store().ownRooms.put(ownRoom({ owner: bob, room: parseAddress("xmpp://u.bob/talk@conference.example.org") }));
      await store().ownRooms.put(ownRoom({ room: parseAddress("xmpp://u.alicia/talk@conference.example.org") }));
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), [other, ownRoom()]);
      assert.equal(await store().ownRooms.remove(alice, ownRoom().room), true);
      assert.equal(await store().ownRooms.remove(alice, ownRoom().room), false);
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), [other]);
    });

    it("removes the owner's rooms on one account at once, and nobody else's", async () => {
      await store().ownRooms.put(ownRoom());
      await store().ownRooms.put(ownRoom({ room: parseAddress("xmpp://u.alice/chat@muc.example.com") }));
      await store().ownRooms.put(ownRoom({ owner: bob, room: parseAddress("xmpp://u.bob/talk@conference.example.org") }));
      assert.equal(await store().ownRooms.removeOn(alice, "xmpp", "u.alice"), 2);
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), []);
      assert.equal((await store().ownRooms.listOn(bob, "xmpp", "u.bob")).length, 1);
    });

    it("refuses a room of an account being deleted with GW_ERR_NOT_FOUND, writing nothing", async () => {
      assert.equal(await store().accountRemovals.begin("alice", 1), true);
      await assert.rejects(store().ownRooms.put(ownRoom()), { code: "GW_ERR_NOT_FOUND" });
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), []);
    });
  });

  describe("puppet server passwords", () => {
    beforeEach(() => users(store()));

    it("keeps one per owner and server, byte for byte, lists an owner's by server, removes one, and refuses an owner being deleted", async () => {
      const other = serverPassword({ network: "irc.example.net" });
      await store().puppetServerPasswords.put(serverPassword());
      await store().puppetServerPasswords.put(other);
      await store().puppetServerPasswords.put(serverPassword({ owner: bob }));
      const again = serverPassword({ secret: Buffer.from([9]), setAt: 1_800_000_000_000 });
      await store().puppetServerPasswords.put(again);
      assert.deepEqual(await store().puppetServerPasswords.get(alice, "irc.example.org"), again);
      assert.deepEqual(await store().puppetServerPasswords.listOf(alice), [other, again]);
      assert.equal(await store().puppetServerPasswords.remove(alice, "irc.example.org"), true);
      assert.equal(await store().puppetServerPasswords.remove(alice, "irc.example.org"), false);
      assert.deepEqual(await store().puppetServerPasswords.listOf(alice), [other]);
      assert.deepEqual(await store().puppetServerPasswords.listOf(bob), [serverPassword({ owner: bob })]);
      assert.equal(await store().accountRemovals.begin("alice", 1), true);
      await assert.rejects(store().puppetServerPasswords.put(serverPassword()), { code: "GW_ERR_NOT_FOUND" });
    });
  });

  describe("writes for a native user whose account is missing or being deleted", () => {
    // What is kept for a native user is written only while their account exists.
    beforeEach(() => users(store()));

    it("refuses a linked account with GW_ERR_NOT_FOUND, writing nothing, for an account being deleted or none", async () => {
      assert.equal(await store().accountRemovals.begin("alice", 1), true);
      await assert.rejects(store().linkedAccounts.put(linked()), { code: "GW_ERR_NOT_FOUND" });
      await assert.rejects(store().linkedAccounts.put(linked({ owner: parseAddress("native:nobody") })), { code: "GW_ERR_NOT_FOUND" });
      assert.deepEqual(await store().linkedAccounts.list(), []);
    });

    it("refuses a puppet account the same way, and takes one of an owner of another network", async () => {
      assert.equal(await store().accountRemovals.begin("alice", 1), true);
      await assert.rejects(store().puppetAccounts.put(puppetAccount()), { code: "GW_ERR_NOT_FOUND" });
      assert.deepEqual(await store().puppetAccounts.listOf(alice), []);
      await store().puppetAccounts.put(puppetAccount({ owner: carol }));
      assert.equal((await store().puppetAccounts.get(carol, "libera"))?.account, "alice");
    });
  });
}
