/**
 * The store contract for deleted accounts (core/account-deletion.ts, docs/store.md "Deleted accounts"): a deletion begins
 * with the account found no more and its name still taken, and its removal takes everything of the person in one go
 * but what is kept on purpose (room messages, rooms, bans they issued, their names elsewhere held by nobody), telling
 * the senders of what waited for them. Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { AccountRemoval, Store } from "../../../src/store/store.js";
import { account, alice, bob, carol, contact, lobby, message, ops, room } from "./store-fixtures.js";

const den = parseAddress("native:%23den");
const aliceNick = parseAddress("irc://libera/alice");
const ownContact = parseAddress("xmpp://u.alice/juliet@example.org");
const T = 1_800_000_000_000;
const nobody = parseAddress("native:~deleted~alice");
const ownRoom = parseAddress("xmpp://u.alice/talk@conference.example.org");

/** What alice's removal keeps and says, as core/account-deletion.ts decides it. */
function accountRemoval(name: string, at: number): AccountRemoval {
  return {
    person: parseAddress(`native:${name}`),
    ownNetworks: [{ protocol: "xmpp", account: `u.${name}` }],
    namesHeldBy: nobody,
    failure: { code: "GW_ERR_UNKNOWN_RECIPIENT", reason: `native:${name} was deleted` },
    at,
  };
}

/** Everything a person leaves in the store, alice's, with bob's life around it. */
async function aliceEverywhere(store: Store): Promise<void> {
  await store.accounts.create(account("alice"));
  await store.accounts.create(account("bob"));
  await store.contacts.put(contact(alice, bob));
  await store.contacts.put(contact(bob, alice));
  await store.contacts.put(contact(alice, carol, { subscription: "none", pendingOut: true }));
  await store.contacts.put(contact(alice, ownContact));
  await store.sentRequests.put(alice, carol);
  await store.sentRequests.put(bob, alice);
  await store.identities.link({ person: alice, address: aliceNick, linkedAt: T });
  await store.identities.putProof({ person: alice, address: carol, codeHash: "hash", createdAt: T, expiresAt: T + 1, attempts: 0 });
  await store.buddyOffers.put({ viewer: aliceNick, contact: bob, state: "offered" });
  await store.buddyOffers.put({ viewer: carol, contact: alice, state: "approved" });
  await store.linkedAccounts.put({ owner: alice, network: "xmpp", login: "alice@example.org", service: "xmpps://example.org:5223", secret: Buffer.from([1]), linkedAt: T });
  await store.puppetAccounts.put({ owner: alice, network: "libera", account: "alice", secret: Buffer.from([2]), setAt: T });
  await store.puppetServerPasswords.put({ owner: alice, network: "irc.example.org", secret: Buffer.from([3]), setAt: T });
  await store.ownRooms.put({ owner: alice, room: ownRoom, nick: "alice", joinedAt: T });
  await store.names.claim({ protocol: "irc", account: "libera", name: "alice[sb]", person: alice, claimedAt: T });
  await store.avatars.put({ owner: alice, type: "image/png", data: Buffer.from([4]), hash: "0".repeat(40), setAt: T });
  await store.blocks.add(alice, carol, T);
  await store.blocks.add(bob, alice, T);
  await store.blocks.add(bob, carol, T);
  await store.mucLineIds.keep([
    { muc: "xmpp://u.alice/talk@conference.example.org", gatewayId: "g1", roomId: "r1", nick: "alice", at: T },
    { muc: "xmpp://bot/talk@conference.example.org", gatewayId: "g1", roomId: "r1", nick: "alice", at: T },
  ]);
  await store.rooms.create(room(lobby, { createdBy: alice }));
  await store.rooms.addMember(lobby, { address: alice, nick: "alice", role: "owner" });
  await store.rooms.addMember(lobby, { address: bob, nick: "bob", role: "member" });
  await store.rooms.create(room(den, { createdBy: bob }));
  await store.rooms.addMember(den, { address: bob, nick: "bob", role: "owner" });
  await store.rooms.addMember(den, { address: alice, nick: "alice", role: "member" });
  await store.roomBans.put({ room: lobby, person: carol, by: alice, reason: "spam", at: T });
  await store.roomBans.put({ room: den, person: alice, by: bob, reason: "", at: T });
  await store.accept([
    { message: message(1, alice, bob), recipients: [] }, // delivered long ago
    { message: message(2, bob, alice), recipients: [alice] }, // waits for her
    { message: message(3, alice, bob), recipients: [bob] }, // hers, waits for bob
    { message: message(4, alice, lobby, "room"), recipients: [ops] }, // hers, waits for a relay
    { message: message(5, carol, alice), recipients: [aliceNick] }, // for her, queued for her linked nick
    { message: message(6, alice, ownContact), recipients: [ownContact] }, // to her own account's contact
    { message: message(7, bob, lobby, "room"), recipients: [ops] }, // bob's, in her room
    { message: message(8, ownContact, alice), recipients: [alice] }, // from her own account's contact, who reaches her only
    { message: message(9, parseAddress("xmpp://u.alice/talk@conference.example.org/juliet"), ownRoom, "room"), recipients: [] }, // a line of a MUC she joined through her own account
  ]);
  await store.failures.add({ sender: ownContact, messageId: message(8, ownContact, alice).id, recipient: bob, code: "GW_ERR_EXPIRED", reason: "late", at: T }, message(8, ownContact, alice));
  await store.failures.add({ sender: alice, messageId: message(1, alice, bob).id, recipient: bob, code: "GW_ERR_EXPIRED", reason: "late", at: T }, message(1, alice, bob));
}

export function describeAccountRemovalContract(store: () => Store): void {
  describe("account removals", () => {
    it("begins a deletion: the account is found no more, its password is gone, its name stays taken", async () => {
      await store().accounts.create(account("alice"));
      assert.equal(await store().accountRemovals.begin("alice", T), true);
      assert.equal(await store().accounts.get("alice"), undefined);
      assert.equal(await store().accounts.count(), 0);
      assert.equal(await store().accounts.create(account("alice")), false);
      assert.deepEqual(await store().accountRemovals.unfinished(), ["alice"]);
      assert.equal(await store().accountRemovals.begin("alice", T), false, "begun once");
      assert.equal(await store().accountRemovals.begin("nobody", T), false);
    });

    it("removes nothing of an account whose deletion did not begin", async () => {
      await aliceEverywhere(store());
      assert.equal(await store().accountRemovals.finish("alice", accountRemoval("alice", T)), false);
      assert.equal((await store().accounts.get("alice"))?.name, "alice");
      assert.equal((await store().contacts.list(alice)).length, 3);
    });

    it("removes the person's buddy lists, links, accounts elsewhere, memberships and bans of them, and frees the name", async () => {
      await aliceEverywhere(store());
      await store().accountRemovals.begin("alice", T);
      assert.equal(await store().accountRemovals.finish("alice", accountRemoval("alice", T)), true);
      assert.deepEqual(await store().accountRemovals.unfinished(), []);
      assert.deepEqual(await store().contacts.list(alice), []);
      assert.deepEqual(await store().contacts.listByAddress(alice), [], "nobody keeps an entry of them either");
      assert.deepEqual(await store().contacts.list(bob), []);
      assert.equal(await store().sentRequests.has(alice, carol), false);
      assert.equal(await store().sentRequests.has(bob, alice), false);
      assert.deepEqual(await store().identities.linksOf(alice), []);
      assert.deepEqual(await store().identities.proofsFor(carol), []);
      assert.equal(await store().identities.proofsAskedSince(alice, 0), 0);
      assert.deepEqual(await store().buddyOffers.listFor(aliceNick), []);
      assert.deepEqual(await store().buddyOffers.listFor(carol), []);
      assert.equal(await store().linkedAccounts.get(alice, "xmpp"), undefined);
      assert.deepEqual(await store().puppetAccounts.listOf(alice), []);
      assert.deepEqual(await store().puppetServerPasswords.listOf(alice), []);
      assert.deepEqual(await store().ownRooms.listOn(alice, "xmpp", "u.alice"), []);
      assert.equal(await store().avatars.get(alice), undefined);
      assert.deepEqual((await store().blocks.all()).map((block) => [block.owner.id, block.address.id]), [["bob", carol.id]], "her blocks, and bob's of her: a new account of the name is not blocked");
      assert.equal(await store().mucLineIds.byRoomId("xmpp://u.alice/talk@conference.example.org", "r1"), undefined, "her MUCs' ids of lines, which a new alice's linked account would find");
      assert.equal(await store().mucLineIds.byRoomId("xmpp://bot/talk@conference.example.org", "r1"), "g1", "a bot's are not hers");
      assert.deepEqual((await store().rooms.members(den)).map((member) => member.address.id), ["bob"]);
      assert.deepEqual(await store().rooms.roomsOf(alice), []);
      assert.deepEqual(await store().roomBans.list(den), [], "a new account of the name is not banned");
      assert.equal(await store().accounts.create(account("alice", T + 5)), true, "the name is free again");
      assert.deepEqual(await store().contacts.list(alice), [], "and the new account starts empty");
    });

    it("keeps their rooms, owned by nobody, their room messages and the bans they issued; their nicks elsewhere stay held, by nobody", async () => {
      await aliceEverywhere(store());
      await store().accountRemovals.begin("alice", T);
      await store().accountRemovals.finish("alice", accountRemoval("alice", T));
      assert.deepEqual((await store().rooms.get(lobby))?.createdBy, lobby);
      assert.equal(await store().rooms.countCreatedBy(alice), 0);
      assert.deepEqual((await store().rooms.members(lobby)).map((member) => member.address.id), ["bob"]);
      assert.deepEqual((await store().roomBans.list(lobby)).map((ban) => [ban.person.id, ban.by.id]), [[carol.id, "alice"]]);
      assert.deepEqual((await store().log.history({ room: lobby }, { limit: 10 })).map((logged) => logged.id), [message(4, alice, lobby).id, message(7, bob, lobby).id]);
      assert.deepEqual(await store().log.history({ room: ownRoom }, { limit: 10 }), [], "her own view of a MUC goes with her: a stranger given the name later must not read it");
      const claims = await store().names.list();
      assert.deepEqual(
        claims.map((claim) => [claim.name, claim.person, claim.current]),
        [["alice[sb]", nobody, false]],
      );
    });

    it("reports what waited for them to its senders, withdraws what they sent, and removes their direct messages", async () => {
      await aliceEverywhere(store());
      await store().accountRemovals.begin("alice", T);
      await store().accountRemovals.finish("alice", accountRemoval("alice", T));
      for (const recipient of [alice, bob, ops, aliceNick, ownContact]) {
        const waiting = (await store().outbox.pending(recipient, 10)).map((entry) => entry.message.id);
        assert.deepEqual(waiting, recipient === ops ? [message(7, bob, lobby).id] : [], `waiting for ${recipient.id}`);
      }
      const notices = [...(await store().failures.pending(bob, 10)), ...(await store().failures.pending(carol, 10))];
      assert.deepEqual(
        notices.map((notice) => [notice.sender.id, notice.messageId, notice.recipient.id, notice.code, notice.reason, notice.at]),
        [
          ["bob", message(2, bob, alice).id, "alice", "GW_ERR_UNKNOWN_RECIPIENT", "native:alice was deleted", T],
          [carol.id, message(5, carol, alice).id, "alice", "GW_ERR_UNKNOWN_RECIPIENT", "native:alice was deleted", T],
        ],
      );
      assert.deepEqual(await store().failures.pending(alice, 10), []);
      assert.deepEqual(await store().failures.pending(ownContact, 10), [], "her own account's contacts are told nothing, and hear nothing more");
      // The reports need the messages they are about; every other direct message of theirs is gone.
      assert.ok(await store().log.get(message(2, bob, alice).id));
      for (const gone of [message(1, alice, bob), message(3, alice, bob), message(6, alice, ownContact), message(8, ownContact, alice)]) assert.equal(await store().log.get(gone.id), undefined, gone.id);
      assert.deepEqual(await store().log.history({ between: [alice, bob] }, { limit: 10 }), [message(2, bob, alice)]);
    });
  });
}
