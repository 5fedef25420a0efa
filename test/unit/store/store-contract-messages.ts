/**
 * The store contract, second half: Store.accept() and what it feeds, the message log and the outbox.
 * Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { MessageIdGenerator } from "../../../src/core/message-id.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import type { Store } from "../../../src/store/store.js";
import { alice, bob, carol, lobby, message, ops } from "./store-fixtures.js";

function ids(messages: readonly { readonly id: string }[]): string[] {
  return messages.map((entry) => entry.id);
}

export function describeMessageContract(store: () => Store): void {
  describe("accept and the message log", () => {
    it("accepts an empty batch", async () => {
      await store().accept([]);
      assert.equal(await store().log.lastId(), undefined);
    });

    it("stores accepted messages whole and gets them by id", async () => {
      const full: Message = { ...message(1, alice, bob), origin: { protocol: "xmpp", account: "example", id: "stanza-1" }, hops: ["native:alice"], replaces: "m000000", kind: "action" };
      const plain = message(2, bob, alice);
      await store().accept([{ message: full, recipients: [bob] }, { message: plain, recipients: [alice] }]);
      assert.deepEqual(await store().log.get(full.id), full);
      assert.deepEqual(await store().log.get(plain.id), plain);
    });

    it("leaves a tombstone of a retracted message and its corrections, without their words, and nothing else touched", async () => {
      const original = message(1, alice, bob);
      const other = message(2, bob, alice);
      const correction: Message = { ...message(3, alice, bob), replaces: original.id };
      const elsewhere: Message = { ...message(4, alice, carol), replaces: original.id };
      await store().accept([original, other, correction, elsewhere].map((entry) => ({ message: entry, recipients: [] })));
      const retraction: Message = { ...message(5, alice, bob), body: "", retracts: original.id };
      await store().accept([{ message: retraction, recipients: [bob] }]);
      assert.deepEqual(await store().log.get(original.id), { ...original, body: "", retracted: true });
      assert.deepEqual(await store().log.get(correction.id), { ...correction, body: "", retracted: true });
      assert.deepEqual(await store().log.get(other.id), other);
      assert.deepEqual(await store().log.get(elsewhere.id), elsewhere);
      assert.deepEqual(await store().log.get(retraction.id), retraction);
    });

    it("keeps a message's attachments, and takes them away with its words when it is retracted", async () => {
      const attachments = [{ url: "https://upload.example.org/cat.jpg", description: "a cat" }];
      const pictured: Message = { ...message(1, alice, bob), attachments };
      const correction: Message = { ...message(2, alice, bob), replaces: pictured.id, attachments };
      await store().accept([pictured, correction].map((entry) => ({ message: entry, recipients: [] })));
      assert.deepEqual((await store().log.get(pictured.id))?.attachments, attachments);
      await store().accept([{ message: { ...message(3, alice, bob), body: "", retracts: pictured.id }, recipients: [] }]);
      const { attachments: _gone, ...words } = pictured;
      assert.deepEqual(await store().log.get(pictured.id), { ...words, body: "", retracted: true });
      assert.equal((await store().log.get(correction.id))?.attachments, undefined);
    });

    it("returns undefined for an unknown id", async () => {
      assert.equal(await store().log.get("m999999"), undefined);
    });

    it("reports no last id for an empty log, then the highest id accepted", async () => {
      assert.equal(await store().log.lastId(), undefined);
      await store().accept([{ message: message(3, alice, bob), recipients: [bob] }]);
      await store().accept([{ message: message(12, alice, lobby, "room"), recipients: [] }]);
      assert.equal(await store().log.lastId(), "m000012");
    });

    it("rejects a batch holding an id already in the log with GW_ERR_STORE, storing nothing from it", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob] }]);
      const batch = [message(2, alice, carol), message(1, bob, carol), message(3, carol, alice)];
      await assert.rejects(store().accept(batch.map((entry) => ({ message: entry, recipients: [entry.to] }))), { code: "GW_ERR_STORE" });
      assert.equal(await store().log.get("m000002"), undefined);
      assert.equal(await store().log.lastId(), "m000001");
      assert.deepEqual(await store().outbox.recipients(), [bob]);
    });

    it("returns a room's history oldest first, leaving out other rooms and direct messages", async () => {
      const batch = [message(1, alice, lobby, "room"), message(2, bob, ops, "room"), message(3, alice, bob), message(4, bob, lobby, "room")];
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { limit: 10 })), ["m000001", "m000004"]);
      assert.deepEqual(await store().log.history({ room: lobby }, { limit: 10 }), [batch[0], batch[3]]);
    });

    it("returns the newest `limit` messages before an exclusive bound, in ascending order", async () => {
      const batch = Array.from({ length: 10 }, (_, n) => message(n + 1, alice, lobby, "room"));
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { limit: 3 })), ["m000008", "m000009", "m000010"]);
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { before: "m000008", limit: 3 })), ["m000005", "m000006", "m000007"]);
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { before: "m000003", limit: 5 })), ["m000001", "m000002"]);
      assert.deepEqual(await store().log.history({ room: lobby }, { before: "m000001", limit: 5 }), []);
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { after: "m000003", limit: 3 })), ["m000004", "m000005", "m000006"], "the earliest after the bound");
      assert.deepEqual(ids(await store().log.history({ room: lobby }, { after: "m000003", before: "m000006", limit: 5 })), ["m000004", "m000005"]);
      assert.deepEqual(await store().log.history({ room: lobby }, { after: "m000010", limit: 5 }), []);
    });

    it("returns the direct messages between two addresses in both directions, and no others", async () => {
      const batch = [message(1, alice, bob), message(2, bob, alice), message(3, alice, carol), message(4, carol, bob), message(5, alice, bob, "room"), message(6, alice, bob)];
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [entry.to] })));
      assert.deepEqual(ids(await store().log.history({ between: [alice, bob] }, { limit: 10 })), ["m000001", "m000002", "m000006"]);
      assert.deepEqual(ids(await store().log.history({ between: [bob, alice] }, { before: "m000006", limit: 1 })), ["m000002"]);
    });

    it("pages through a room's archive from either end, within id bounds, times, a sender name or a list of ids", async () => {
      const batch = Array.from({ length: 10 }, (_, n) => message(n + 1, n % 3 === 0 ? bob : alice, n === 4 ? ops : lobby, "room"));
      await store().accept([...batch, message(11, alice, bob)].map((entry) => ({ message: entry, recipients: [] })));
      const archive = (query: Parameters<Store["log"]["archive"]>[1], limit: number, from: "oldest" | "newest" = "oldest") => store().log.archive(lobby, query, { limit, from });
      // Room lobby holds 1-4 and 6-10 (5 is in ops, 11 a direct message); bob said 1, 4, 7 and 10.
      assert.deepEqual(ids(await archive({}, 3)), ["m000001", "m000002", "m000003"]);
      assert.deepEqual(ids(await archive({}, 3, "newest")), ["m000008", "m000009", "m000010"], "the newest page, still oldest first");
      assert.deepEqual(ids(await archive({ afterId: "m000003" }, 2)), ["m000004", "m000006"]);
      assert.deepEqual(ids(await archive({ beforeId: "m000004" }, 2, "newest")), ["m000002", "m000003"]);
      assert.deepEqual(ids(await archive({ afterId: "m000002", beforeId: "m000007" }, 10)), ["m000003", "m000004", "m000006"]);
      assert.deepEqual(ids(await archive({ senders: [{ name: "bob" }] }, 10)), ["m000001", "m000004", "m000007", "m000010"]);
      assert.deepEqual(ids(await archive({ senders: [{ name: "bob" }] }, 2, "newest")), ["m000007", "m000010"]);
      assert.deepEqual(ids(await archive({ ids: ["m000009", "m000002", "m000005", "m000011", "m999999"] }, 10)), ["m000002", "m000009"], "only the room's own");
      assert.deepEqual(ids(await archive({ ids: ["m000009", "m000002", "m000004"], senders: [{ name: "bob" }] }, 10)), ["m000004"]);
      assert.deepEqual(ids(await archive({ ids: ["m000009", "m000002", "m000004"], afterId: "m000002" }, 1)), ["m000004"]);
      assert.deepEqual(await archive({ afterId: "m000010" }, 10), []);
      assert.deepEqual(await archive({}, 3), batch.slice(0, 3), "whole messages");
      assert.equal(await store().log.archiveCount(lobby, {}), 9);
      assert.equal(await store().log.archiveCount(lobby, { senders: [{ name: "bob" }], afterId: "m000001" }), 3);
      assert.equal(await store().log.archiveCount(lobby, { ids: ["m000009", "m000002", "m000005"] }), 2);
      assert.equal(await store().log.archiveCount(carol, {}), 0);
    });

    it("reads a room's archive within times, inclusive, by messages' timestamps", async () => {
      // Real gateway ids: a query by time reads the range of ids of those times (core/message-id.ts idBoundAt).
      const generator = new MessageIdGenerator(undefined, () => clock);
      let clock = 0;
      const batch = Array.from({ length: 10 }, (_, n) => {
        clock = 1_700_000_000_000 + (n + 1) * 1000;
        return { ...message(n + 1, alice, lobby, "room"), id: generator.next(), timestamp: clock };
      });
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      const archive = (query: Parameters<Store["log"]["archive"]>[1], from: "oldest" | "newest" = "oldest") => store().log.archive(lobby, query, { limit: 10, from });
      assert.deepEqual(await archive({ start: 1_700_000_008_000 }), batch.slice(7), "start is inclusive");
      assert.deepEqual(await archive({ end: 1_700_000_002_000 }), batch.slice(0, 2), "end is inclusive");
      assert.deepEqual(await archive({ start: 1_700_000_003_500, end: 1_700_000_005_000 }, "newest"), batch.slice(3, 5));
      assert.deepEqual(await archive({ start: 1_700_000_000_000, end: 1_700_000_000_999 }), []);
      assert.deepEqual(await archive({ start: -1, end: 8.64e15 }), batch, "times beyond what ids hold");
      assert.equal(await store().log.archiveCount(lobby, { start: 1_700_000_009_000 }), 2);
    });

    it("finds a sender of a room's archive by name, and by network too when asked", async () => {
      const libera = parseAddress("irc://libera/bob");
      const oftc = parseAddress("irc://oftc/bob");
      const batch = [message(1, bob, lobby, "room"), message(2, libera, lobby, "room"), message(3, oftc, lobby, "room"), { ...message(4, oftc, lobby, "room"), senderName: "bob%oftc" }, message(5, alice, lobby, "room")];
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      const archive = (query: Parameters<Store["log"]["archive"]>[1], limit = 10, from: "oldest" | "newest" = "oldest") => store().log.archive(lobby, query, { limit, from });
      assert.deepEqual(ids(await archive({ senders: [{ name: "bob" }] })), ["m000001", "m000002", "m000003"]);
      assert.deepEqual(ids(await archive({ senders: [{ name: "bob", network: "oftc" }] })), ["m000003"]);
      const shownAsBobOfOftc = [{ name: "bob%oftc" }, { name: "bob", network: "oftc" }];
      assert.deepEqual(ids(await archive({ senders: shownAsBobOfOftc })), ["m000003", "m000004"], "two senders, one page in id order");
      assert.deepEqual(ids(await archive({ senders: shownAsBobOfOftc }, 1)), ["m000003"]);
      assert.deepEqual(ids(await archive({ senders: shownAsBobOfOftc }, 1, "newest")), ["m000004"]);
      assert.equal(await store().log.archiveCount(lobby, { senders: shownAsBobOfOftc }), 2);
      assert.deepEqual(await archive({ senders: [{ name: "bob", network: "lib" }] }), [], "a network is matched whole");
    });

    it("finds a sender's room message by its origin id among the room's newest messages only", async () => {
      const sent = (n: number, from: typeof alice, originId: string, to = lobby): Message => ({ ...message(n, from, to, "room"), origin: { protocol: from.protocol, account: from.account, id: originId } });
      const batch = [sent(1, alice, "s1"), sent(2, bob, "s2"), sent(3, alice, "s2"), sent(4, alice, "s4", ops), sent(5, bob, "s5")];
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      assert.deepEqual(await store().log.sentWithOriginId({ room: lobby }, alice, "s2", 10), batch[2], "alice's, not bob's of the same origin id");
      assert.equal((await store().log.sentWithOriginId({ room: lobby }, alice, "s1", 10))?.id, "m000001");
      assert.equal(await store().log.sentWithOriginId({ room: lobby }, alice, "s1", 3), undefined, "older than the newest 3 of the room");
      assert.equal(await store().log.sentWithOriginId({ room: lobby }, alice, "s4", 10), undefined, "another room's");
      assert.equal(await store().log.sentWithOriginId({ room: lobby }, alice, "s5", 10), undefined, "another sender's");
    });

    it("finds a sender's direct message by its origin id in that conversation only, among its newest messages", async () => {
      const sent = (n: number, from: typeof alice, to: typeof alice, originId: string): Message => ({ ...message(n, from, to, to === lobby ? "room" : "direct"), origin: { protocol: from.protocol, account: from.account, id: originId } });
      const batch = [sent(1, carol, alice, "d1"), sent(2, alice, carol, "d2"), sent(3, carol, bob, "d3"), sent(4, carol, alice, "d4"), sent(5, carol, lobby, "d5")];
      await store().accept(batch.map((entry) => ({ message: entry, recipients: [] })));
      assert.deepEqual(await store().log.sentWithOriginId({ between: [carol, alice] }, carol, "d1", 10), batch[0]);
      assert.equal((await store().log.sentWithOriginId({ between: [alice, carol] }, carol, "d4", 10))?.id, "m000004", "either order of the two");
      assert.equal(await store().log.sentWithOriginId({ between: [carol, alice] }, carol, "d1", 2), undefined, "older than the conversation's newest 2");
      assert.equal(await store().log.sentWithOriginId({ between: [carol, alice] }, carol, "d2", 10), undefined, "the other party's");
      assert.equal(await store().log.sentWithOriginId({ between: [carol, alice] }, carol, "d3", 10), undefined, "another conversation's");
      assert.equal(await store().log.sentWithOriginId({ between: [carol, lobby] }, carol, "d5", 10), undefined, "a room's is not a direct one");
    });

    it("returns nothing for a conversation without messages", async () => {
      assert.deepEqual(await store().log.history({ room: ops }, { limit: 10 }), []);
      assert.deepEqual(await store().log.history({ between: [alice, carol] }, { limit: 10 }), []);
    });
  });

  describe("outbox", () => {
    it("queues one entry per recipient and none for a message without recipients", async () => {
      await store().accept([
        { message: message(1, alice, lobby, "room"), recipients: [] },
        { message: message(2, alice, bob), recipients: [bob, carol] },
      ]);
      const recipients = await store().outbox.recipients();
      assert.deepEqual(recipients.map((address) => address.id).sort(), ["bob", "carol@example.org"]);
      assert.deepEqual(await store().outbox.pending(bob, 10), [{ message: message(2, alice, bob), recipient: bob, attempts: 0 }]);
    });

    it("returns a recipient's pending entries oldest first, up to the limit", async () => {
      // Accepted in two batches, the later batch holding the lower id: order is by id, not by insertion.
      await store().accept([3, 4].map((n) => ({ message: message(n, alice, bob), recipients: [bob] })));
      await store().accept([1, 2].map((n) => ({ message: message(n, carol, bob), recipients: [bob] })));
      await store().accept([{ message: message(5, bob, alice), recipients: [alice] }]);
      assert.deepEqual(ids((await store().outbox.pending(bob, 10)).map((entry) => entry.message)), ["m000001", "m000002", "m000003", "m000004"]);
      assert.deepEqual(ids((await store().outbox.pending(bob, 2)).map((entry) => entry.message)), ["m000001", "m000002"]);
      assert.deepEqual(await store().outbox.pending(carol, 10), []);
    });

    it("moves an entry to another recipient, and only drops it where that recipient has the message already", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [carol] }]);
      await store().accept([{ message: message(2, alice, bob), recipients: [bob, carol] }]);
      await store().outbox.move("m000001", carol, bob);
      await store().outbox.move("m000002", carol, bob);
      assert.deepEqual(ids((await store().outbox.pending(bob, 10)).map((entry) => entry.message)), ["m000001", "m000002"]);
      assert.deepEqual(await store().outbox.pending(carol, 10), []);
    });

    it("records attempts, counting them and keeping the last error", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob, carol] }]);
      await store().outbox.recordAttempt("m000001", bob, "connection refused");
      await store().outbox.recordAttempt("m000001", bob, "timed out");
      const [entry] = await store().outbox.pending(bob, 10);
      assert.equal(entry?.attempts, 2);
      assert.equal(entry?.lastError, "timed out");
      const [untouched] = await store().outbox.pending(carol, 10);
      assert.equal(untouched?.attempts, 0);
      assert.equal(untouched && "lastError" in untouched, false);
    });

    it("removes an entry for that recipient only, and forgets a recipient once nothing waits for them", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob, carol] }]);
      await store().outbox.remove("m000001", bob);
      await store().outbox.remove("m000001", bob);
      assert.deepEqual(await store().outbox.pending(bob, 10), []);
      assert.equal((await store().outbox.pending(carol, 10)).length, 1);
      assert.deepEqual(await store().outbox.recipients(), [carol]);
      assert.deepEqual(await store().log.get("m000001"), message(1, alice, bob), "the log keeps a delivered message");
    });

    it("removes many entries at once, ignoring ones already gone", async () => {
      await store().accept([1, 2, 3].map((n) => ({ message: message(n, alice, bob), recipients: [bob, carol] })));
      await store().outbox.removeMany([]);
      await store().outbox.removeMany([
        { messageId: "m000001", recipient: bob },
        { messageId: "m000002", recipient: bob },
        { messageId: "m000002", recipient: bob },
        { messageId: "m000003", recipient: carol },
      ]);
      assert.deepEqual(ids((await store().outbox.pending(bob, 10)).map((entry) => entry.message)), ["m000003"]);
      assert.deepEqual(ids((await store().outbox.pending(carol, 10)).map((entry) => entry.message)), ["m000001", "m000002"]);
    });

    it("lists entries accepted before a timestamp, oldest first, up to the limit", async () => {
      await store().accept([1, 2, 3].map((n) => ({ message: message(n, alice, bob), recipients: [bob] })));
      await store().accept([{ message: message(4, bob, carol), recipients: [carol] }]);
      const before3 = message(3, alice, bob).timestamp;
      assert.deepEqual(ids((await store().outbox.acceptedBefore(before3, 10)).map((entry) => entry.message)), ["m000001", "m000002"]);
      assert.deepEqual(ids((await store().outbox.acceptedBefore(before3 + 10_000, 3)).map((entry) => entry.message)), ["m000001", "m000002", "m000003"]);
      const [oldest] = await store().outbox.acceptedBefore(before3, 1);
      assert.deepEqual(oldest, { message: message(1, alice, bob), recipient: bob, attempts: 0 });
    });
  });

  describe("failure notices", () => {
    const notice = (messageId: string, sender = alice, recipient = bob) => ({ sender, messageId, recipient, code: "GW_ERR_EXPIRED", reason: "not delivered within 60 s", at: 1_700_000_000_000 });
    /** Adds the notice with its message (m00000n from sender to recipient). */
    const add = (messageId: string, sender = alice, recipient = bob): Promise<void> => store().failures.add(notice(messageId, sender, recipient), message(Number(messageId.slice(1)), sender, recipient));

    it("keeps notices per sender, oldest message first, and each only once", async () => {
      await add("m000002");
      await add("m000001");
      await add("m000001");
      await add("m000003", bob, alice);
      assert.deepEqual(await store().failures.pending(alice, 10), [notice("m000001"), notice("m000002")]);
      assert.deepEqual(await store().failures.pending(bob, 10), [notice("m000003", bob, alice)]);
      assert.deepEqual(await store().failures.pending(carol, 10), []);
    });

    it("keeps one notice per recipient of the same message, and honours the limit", async () => {
      await add("m000001", alice, bob);
      await add("m000001", alice, carol);
      assert.equal((await store().failures.pending(alice, 10)).length, 2);
      assert.equal((await store().failures.pending(alice, 1)).length, 1);
    });

    it("lists the senders that have notices waiting", async () => {
      assert.deepEqual(await store().failures.senders(), []);
      await add("m000001", alice, bob);
      await add("m000002", alice, carol);
      await add("m000003", bob, alice);
      assert.deepEqual((await store().failures.senders()).map((sender) => sender.id).sort(), ["alice", "bob"]);
      await store().failures.remove(bob, "m000003", alice);
      assert.deepEqual((await store().failures.senders()).map((sender) => sender.id), ["alice"]);
    });

    it("keeps the message a notice is about, written back if the store no longer had it", async () => {
      await add("m000007");
      assert.deepEqual(await store().log.get("m000007"), message(7, alice, bob));
      await store().accept([{ message: message(8, alice, bob), recipients: [] }]);
      await store().failures.add(notice("m000008"), { ...message(8, alice, bob), body: "not this copy" });
      assert.deepEqual(await store().log.get("m000008"), message(8, alice, bob), "a message the store has is left as it is");
    });

    it("removes a notice once reported", async () => {
      await add("m000001");
      await add("m000002");
      await store().failures.remove(alice, "m000001", bob);
      assert.deepEqual(await store().failures.pending(alice, 10), [notice("m000002")]);
    });
  });
}
