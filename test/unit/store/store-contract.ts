/**
 * The store contract: what every backend must do, tested through the Store interface only, so that a new
 * backend (PostgreSQL) proves itself by calling describeStoreContract with its own factory.
 * Each test gets a fresh, empty store, closed afterwards.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { AccountRecord } from "../../../src/store/store.js";
import { describeAccountRemovalContract } from "./store-contract-account-removals.js";
import { describeAvatarContract } from "./store-contract-avatars.js";
import { describeBridgeContract } from "./store-contract-bridges.js";
import { describeBuddyOfferContract } from "./store-contract-buddy-offers.js";
import { describeIdentityContract } from "./store-contract-identities.js";
import { describeLinkedAccountContract } from "./store-contract-linked.js";
import { describeMucLineIdContract } from "./store-contract-muc-line-ids.js";
import { describeMessageContract } from "./store-contract-messages.js";
import { describeNameClaimContract } from "./store-contract-names.js";
import { describeRetentionContract } from "./store-contract-retention.js";
import { describeRoomBanContract } from "./store-contract-room-bans.js";
import { describeRoomSettingsContract } from "./store-contract-room-settings.js";
import { account, alice, bob, carol, contact, lobby, ops, room, useStore, type StoreFactory } from "./store-fixtures.js";

export function describeStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`${name} (store contract)`, () => {
    const store = useStore(makeStore);

    describe("accounts", () => {
      it("creates an account and reads it back", async () => {
        assert.equal(await store().accounts.create(account("alice")), true);
        assert.deepEqual(await store().accounts.get("alice"), account("alice"));
      });

      it("refuses a second account with a taken name and keeps the first", async () => {
        await store().accounts.create(account("alice"));
        assert.equal(await store().accounts.create({ ...account("alice"), displayName: "Impostor" }), false);
        assert.equal((await store().accounts.get("alice"))?.displayName, "ALICE");
      });

      it("returns undefined for an unknown name", async () => {
        assert.equal(await store().accounts.get("nobody"), undefined);
      });

      it("stores names as given, since the caller lower-cases them", async () => {
        await store().accounts.create(account("alice"));
        assert.equal(await store().accounts.get("Alice"), undefined);
      });

      it("counts the accounts", async () => {
        assert.equal(await store().accounts.count(), 0);
        await store().accounts.create(account("alice"));
        await store().accounts.create(account("bob"));
        await store().accounts.create(account("bob"));
        assert.equal(await store().accounts.count(), 2);
      });

      it("replaces one account's password hash and keeps everything else, and says when there is no such account", async () => {
        await store().accounts.create(account("alice"));
        await store().accounts.create(account("bob"));
        assert.equal(await store().accounts.setPasswordHash("alice", "scrypt$new"), true);
        assert.deepEqual(await store().accounts.get("alice"), { ...account("alice"), passwordHash: "scrypt$new" });
        assert.deepEqual(await store().accounts.get("bob"), account("bob"));
        assert.equal(await store().accounts.setPasswordHash("nobody", "scrypt$new"), false);
        assert.equal(await store().accounts.get("nobody"), undefined);
      });

      it("gives a page of accounts by name after a name, the disabled ones only when asked", async () => {
        for (const name of ["dave", "carol", "alice", "bob"]) await store().accounts.create(account(name));
        await store().accounts.setDisabled("bob", { at: 5, reason: "spam" });
        await store().accounts.setDisabled("dave", { at: 6, reason: "" });
        const names = (records: AccountRecord[]): string[] => records.map((record) => record.name);
        assert.deepEqual(names(await store().accounts.page({ after: "", limit: 3 })), ["alice", "bob", "carol"]);
        assert.deepEqual(names(await store().accounts.page({ after: "bob", limit: 3 })), ["carol", "dave"]);
        assert.deepEqual(await store().accounts.page({ after: "", limit: 10, disabledOnly: true }), [
          { ...account("bob"), disabled: { at: 5, reason: "spam" } },
          { ...account("dave"), disabled: { at: 6, reason: "" } },
        ]);
        assert.deepEqual(names(await store().accounts.page({ after: "bob", limit: 10, disabledOnly: true })), ["dave"]);
      });

      it("lists every account ordered by name", async () => {
        assert.deepEqual(await store().accounts.list(), []);
        for (const name of ["carol", "alice", "bob"]) await store().accounts.create(account(name));
        assert.deepEqual(await store().accounts.list(), [account("alice"), account("bob"), account("carol")]);
      });
    });

    describe("contacts", () => {
      it("puts a contact and gets it back", async () => {
        const entry = contact(alice, carol, { name: "Carol", subscription: "to", pendingOut: true });
        await store().contacts.put(entry);
        assert.deepEqual(await store().contacts.get(alice, carol), entry);
      });

      it("replaces the entry for the same owner and address", async () => {
        await store().contacts.put(contact(alice, bob, { subscription: "none", pendingOut: true }));
        const updated = contact(alice, bob, { name: "Bobby", subscription: "both", pendingIn: true });
        await store().contacts.put(updated);
        assert.deepEqual(await store().contacts.list(alice), [updated]);
      });

      it("returns undefined for an address not in the owner's list", async () => {
        await store().contacts.put(contact(bob, carol));
        assert.equal(await store().contacts.get(alice, carol), undefined);
      });

      it("lists an owner's contacts ordered by address, leaving other owners' out", async () => {
        const zed = parseAddress("native:zed");
        await store().contacts.put(contact(alice, zed));
        await store().contacts.put(contact(alice, carol));
        await store().contacts.put(contact(alice, bob));
        await store().contacts.put(contact(bob, alice));
        assert.deepEqual(await store().contacts.list(alice), [contact(alice, bob), contact(alice, zed), contact(alice, carol)]);
        assert.deepEqual(await store().contacts.list(carol), []);
      });

      it("removes a contact and reports whether there was one", async () => {
        await store().contacts.put(contact(alice, bob));
        assert.equal(await store().contacts.remove(alice, bob), true);
        assert.equal(await store().contacts.remove(alice, bob), false);
        assert.equal(await store().contacts.get(alice, bob), undefined);
      });

      it("finds every entry for an address across owners", async () => {
        await store().contacts.put(contact(alice, carol, { subscription: "to" }));
        await store().contacts.put(contact(bob, carol, { subscription: "from" }));
        await store().contacts.put(contact(alice, bob));
        const entries = await store().contacts.listByAddress(carol);
        const owners = entries.map((entry) => entry.owner.id).sort();
        assert.deepEqual(owners, ["alice", "bob"]);
        assert.deepEqual(
          entries.find((entry) => entry.owner.id === "bob"),
          contact(bob, carol, { subscription: "from" }),
        );
        assert.deepEqual(await store().contacts.listByAddress(parseAddress("native:nobody")), []);
      });

      it("lists the entries whose address is on one network, and on no other account of that protocol", async () => {
        const defaultXmpp = parseAddress("xmpp:dora@example.org");
        const workXmpp = parseAddress("xmpp://work/erin@example.com");
        await store().contacts.put(contact(alice, defaultXmpp, { subscription: "to" }));
        await store().contacts.put(contact(bob, defaultXmpp));
        await store().contacts.put(contact(alice, workXmpp));
        await store().contacts.put(contact(alice, carol));
        await store().contacts.put(contact(alice, ops));
        await store().contacts.put(contact(alice, bob));
        const onDefault = await store().contacts.listOnNetwork("xmpp", "default");
        assert.deepEqual(
          onDefault.map((entry) => [entry.owner.id, entry.address.id]),
          [["alice", "dora@example.org"], ["bob", "dora@example.org"]],
        );
        assert.deepEqual(
          (await store().contacts.listOnNetwork("xmpp", "work")).map((entry) => entry.address.id),
          ["erin@example.com"],
        );
        assert.deepEqual(
          (await store().contacts.listOnNetwork("irc", "libera")).map((entry) => entry.address.id),
          ["#ops"],
        );
        assert.deepEqual(await store().contacts.listOnNetwork("irc", "oftc"), []);
      });

      it("removes every entry whose owner or address is on one network, and none on another account", async () => {
        const juliet = parseAddress("xmpp://u.alice/juliet@example.org");
        const romeo = parseAddress("xmpp://u.alice/romeo@example.org");
        const elsewhere = parseAddress("xmpp://u.bob/juliet@example.org");
        const defaultXmpp = parseAddress("xmpp:dora@example.org");
        await store().contacts.put(contact(alice, juliet, { subscription: "both" }));
        await store().contacts.put(contact(alice, romeo));
        await store().contacts.put(contact(romeo, alice, { pendingIn: true }));
        await store().contacts.put(contact(bob, elsewhere));
        await store().contacts.put(contact(alice, defaultXmpp));
        await store().contacts.put(contact(alice, bob));
        assert.equal(await store().contacts.removeOnNetwork("xmpp", "u.alice"), 3);
        assert.deepEqual((await store().contacts.list(alice)).map((entry) => entry.address.id), ["bob", "dora@example.org"]);
        assert.deepEqual(await store().contacts.list(romeo), []);
        assert.deepEqual((await store().contacts.list(bob)).map((entry) => entry.address.id), ["juliet@example.org"]);
        assert.equal(await store().contacts.removeOnNetwork("xmpp", "u.alice"), 0);
      });

      it("counts the entries an owner keeps, leaving out requests from others that await an answer", async () => {
        const zed = parseAddress("native:zed");
        const dave = parseAddress("native:dave");
        await store().contacts.put(contact(alice, bob));
        await store().contacts.put(contact(alice, carol, { subscription: "to", pendingIn: true }));
        await store().contacts.put(contact(alice, dave, { pendingOut: true, pendingIn: true }));
        await store().contacts.put(contact(alice, zed, { subscription: "none", pendingIn: true })); // zed asked; alice has not answered
        await store().contacts.put(contact(bob, alice));
        assert.equal(await store().contacts.countKept(alice), 3);
        assert.equal(await store().contacts.countKept(bob), 1);
        assert.equal(await store().contacts.countKept(carol), 0);
      });
    });

    describe("rooms", () => {
      it("creates a room and gets it back", async () => {
        const record = room(ops, { name: "ops", subject: "on call", createdBy: carol });
        assert.equal(await store().rooms.create(record), true);
        assert.deepEqual(await store().rooms.get(ops), record);
      });

      it("refuses a room whose address exists and keeps the first", async () => {
        await store().rooms.create(room(lobby, { subject: "first" }));
        assert.equal(await store().rooms.create(room(lobby, { subject: "second" })), false);
        assert.equal((await store().rooms.get(lobby))?.subject, "first");
      });

      it("returns undefined for an unknown room", async () => {
        assert.equal(await store().rooms.get(lobby), undefined);
      });

      it("lists all rooms ordered by address", async () => {
        await store().rooms.create(room(ops));
        await store().rooms.create(room(lobby));
        assert.deepEqual(await store().rooms.list(), [room(ops), room(lobby)]);
      });

      it("sets the subject", async () => {
        await store().rooms.create(room(lobby));
        await store().rooms.setSubject(lobby, "welcome");
        assert.equal((await store().rooms.get(lobby))?.subject, "welcome");
      });

      it("rejects setting the subject of an unknown room with GW_ERR_NOT_FOUND", async () => {
        await assert.rejects(store().rooms.setSubject(lobby, "welcome"), { code: "GW_ERR_NOT_FOUND" });
      });

      it("adds a member once and reports a second add as false", async () => {
        await store().rooms.create(room(lobby));
        assert.equal(await store().rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" }), true);
        assert.equal(await store().rooms.addMember(lobby, { address: bob, nick: "bobby", role: "owner" }), false);
        assert.deepEqual(await store().rooms.members(lobby), [{ address: bob, nick: "bob", role: "member" }]);
      });

      it("rejects adding a member to an unknown room with GW_ERR_NOT_FOUND", async () => {
        await assert.rejects(store().rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" }), { code: "GW_ERR_NOT_FOUND" });
      });

      it("lists members in the order they joined, a rejoin going last", async () => {
        await store().rooms.create(room(lobby));
        const members = [
          { address: carol, nick: "carol", role: "owner" as const },
          { address: alice, nick: "alice", role: "member" as const },
          { address: bob, nick: "bob", role: "member" as const },
        ];
        for (const member of members) await store().rooms.addMember(lobby, member);
        assert.deepEqual(await store().rooms.members(lobby), members);
        await store().rooms.removeMember(lobby, carol);
        await store().rooms.addMember(lobby, { address: carol, nick: "carol2", role: "member" });
        const order = (await store().rooms.members(lobby)).map((member) => member.nick);
        assert.deepEqual(order, ["alice", "bob", "carol2"]);
      });

      it("removes a member and reports whether they were one", async () => {
        await store().rooms.create(room(lobby));
        await store().rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" });
        assert.equal(await store().rooms.removeMember(lobby, bob), true);
        assert.equal(await store().rooms.removeMember(lobby, bob), false);
        assert.deepEqual(await store().rooms.members(lobby), []);
      });

      it("lists the rooms of a member ordered by address", async () => {
        for (const address of [lobby, ops]) await store().rooms.create(room(address));
        await store().rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" });
        await store().rooms.addMember(ops, { address: bob, nick: "bob", role: "member" });
        await store().rooms.addMember(ops, { address: alice, nick: "alice", role: "owner" });
        assert.deepEqual(await store().rooms.roomsOf(bob), [ops, lobby]);
        assert.deepEqual(await store().rooms.roomsOf(alice), [ops]);
        assert.deepEqual(await store().rooms.roomsOf(carol), []);
      });

      it("counts the rooms that exist by their creator", async () => {
        await store().rooms.create(room(lobby, { createdBy: alice }));
        await store().rooms.create(room(ops, { createdBy: alice }));
        await store().rooms.create(room(parseAddress("native:%23dev"), { createdBy: bob }));
        assert.equal(await store().rooms.countCreatedBy(alice), 2);
        assert.equal(await store().rooms.countCreatedBy(carol), 0);
        await store().rooms.remove(ops);
        assert.equal(await store().rooms.countCreatedBy(alice), 1);
      });
    });

    describeMessageContract(store);
    describeRetentionContract(store);
    describeMucLineIdContract(store);
    describeLinkedAccountContract(store);
    describeIdentityContract(store);
    describeBridgeContract(store);
    describeBuddyOfferContract(store);
    describeNameClaimContract(store);
    describeRoomBanContract(store);
    describeRoomSettingsContract(store);
    describeAccountRemovalContract(store);
    describeAvatarContract(store);

    describe("sent requests", () => {
      it("records a request per owner and address, once however often put, until removed", async () => {
        await store().sentRequests.put(alice, bob);
        await store().sentRequests.put(alice, bob);
        assert.equal(await store().sentRequests.has(alice, bob), true);
        assert.equal(await store().sentRequests.has(bob, alice), false);
        assert.equal(await store().sentRequests.remove(alice, bob), true);
        assert.equal(await store().sentRequests.remove(alice, bob), false);
        assert.equal(await store().sentRequests.has(alice, bob), false);
      });
    });

    describe("gateway secrets", () => {
      it("keeps the first secret made for a name for good, one per name", async () => {
        const first = Buffer.from("first secret of thirty-two bytes");
        assert.deepEqual(await store().gatewaySecrets.obtain("occupant-ids", first, 1), first);
        assert.deepEqual(await store().gatewaySecrets.obtain("occupant-ids", Buffer.from("another one"), 2), first);
        assert.deepEqual(await store().gatewaySecrets.obtain("other", Buffer.from("another one"), 3), Buffer.from("another one"));
      });

      it("replaces a secret only while it is still the one expected", async () => {
        const first = Buffer.from("first secret of thirty-two bytes");
        await store().gatewaySecrets.obtain("occupant-ids", first, 1);
        assert.equal(await store().gatewaySecrets.replace("occupant-ids", Buffer.from("not it"), Buffer.from("sealed")), false);
        assert.equal(await store().gatewaySecrets.replace("occupant-ids", first, Buffer.from("sealed")), true);
        assert.deepEqual(await store().gatewaySecrets.obtain("occupant-ids", first, 2), Buffer.from("sealed"));
        assert.equal(await store().gatewaySecrets.replace("missing", first, Buffer.from("sealed")), false);
      });
    });

    describe("gateway settings", () => {
      it("keeps a setting by name, replaces it whole, and forgets it", async () => {
        assert.equal(await store().gatewaySettings.get("motd"), undefined);
        await store().gatewaySettings.put("motd", '{"body":"one"}', 1);
        await store().gatewaySettings.put("motd", '{"body":"two"}', 2);
        await store().gatewaySettings.put("other", "{}", 3);
        assert.equal(await store().gatewaySettings.get("motd"), '{"body":"two"}');
        assert.equal(await store().gatewaySettings.remove("motd"), true);
        assert.equal(await store().gatewaySettings.remove("motd"), false);
        assert.equal(await store().gatewaySettings.get("motd"), undefined);
        assert.equal(await store().gatewaySettings.get("other"), "{}");
      });
    });

    describe("gateway subscribers", () => {
      it("keeps the subscribers of each gateway domain once, counts them per server, and forgets them", async () => {
        const subscribers = store().gatewaySubscribers;
        assert.equal(await subscribers.add("gw.example", "juliet@example.org", "example.org", 1), true);
        assert.equal(await subscribers.add("gw.example", "juliet@example.org", "example.org", 2), false, "once");
        assert.equal(await subscribers.add("gw.example", "romeo@example.org", "example.org", 3), true);
        assert.equal(await subscribers.add("gw.example", "nurse@other.org", "other.org", 4), true);
        assert.equal(await subscribers.add("old.example", "juliet@example.org", "example.org", 5), true);
        assert.deepEqual(await subscribers.list("gw.example"), ["juliet@example.org", "nurse@other.org", "romeo@example.org"]);
        assert.equal(await subscribers.countOn("gw.example", "example.org"), 2);
        assert.equal(await subscribers.count("gw.example"), 3);
        assert.equal(await subscribers.has("gw.example", "romeo@example.org"), true);
        assert.equal(await subscribers.remove("gw.example", "romeo@example.org"), true);
        assert.equal(await subscribers.remove("gw.example", "romeo@example.org"), false);
        assert.equal(await subscribers.has("gw.example", "romeo@example.org"), false);
        assert.deepEqual(await subscribers.list("old.example"), ["juliet@example.org"], "another domain's are its own");
      });
    });
  });
}
