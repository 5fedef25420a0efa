/**
 * The store with its message log off (config store.message_log: false): a message is stored only while an
 * outbox entry or a failure notice refers to it. A backend that supports the switch calls this with a factory
 * of stores opened that way.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import { account, alice, bob, carol, lobby, message, useStore, type StoreFactory } from "./store-fixtures.js";

export function describeLogOffContract(name: string, makeStore: StoreFactory): void {
  describe(`${name} with the message log off`, () => {
    const store = useStore(makeStore);
    const notice = (messageId: string) => ({ sender: alice, messageId, recipient: bob, code: "GW_ERR_EXPIRED", reason: "expired", at: 1_700_000_000_000 });

    it("writes no room message without queued deliveries, and answers every history empty", async () => {
      await store().accept([{ message: message(1, alice, lobby, "room"), recipients: [] }]);
      await store().accept([{ message: message(2, alice, lobby, "room"), recipients: [carol] }]);
      assert.equal(await store().log.get("m000001"), undefined);
      assert.deepEqual(await store().log.get("m000002"), message(2, alice, lobby, "room"));
      assert.deepEqual(await store().log.history({ room: lobby }, { limit: 10 }), []);
      assert.deepEqual(await store().log.archive(lobby, {}, { limit: 10, from: "oldest" }), []);
      assert.equal(await store().log.archiveCount(lobby, {}), 0);
      assert.deepEqual(await store().outbox.pending(carol, 10), [{ message: message(2, alice, lobby, "room"), recipient: carol, attempts: 0 }]);
    });

    it("finds no room message by its origin id, also one still queued", async () => {
      const queued = { ...message(1, alice, lobby, "room"), origin: { protocol: "native" as const, account: "default", id: "client-1" } };
      await store().accept([{ message: queued, recipients: [carol] }]);
      assert.deepEqual(await store().log.get("m000001"), queued);
      assert.equal(await store().log.sentWithOriginId({ room: lobby }, alice, "client-1", 10), undefined);
    });

    it("lets a deleted account's messages go with its entries and notices, and keeps those a sender's report needs", async () => {
      await store().accounts.create(account("alice"));
      await store().accept([
        { message: message(1, alice, lobby, "room"), recipients: [carol] },
        { message: message(2, bob, alice), recipients: [alice] },
        { message: message(3, carol, bob), recipients: [bob] },
      ]);
      await store().failures.add(notice(message(3, carol, bob).id), message(3, carol, bob));
      await store().accountRemovals.begin("alice", 1);
      const removal = { person: alice, ownNetworks: [], namesHeldBy: parseAddress("native:~deleted~alice"), failure: { code: "GW_ERR_UNKNOWN_RECIPIENT", reason: "deleted" }, at: 1 };
      await store().accountRemovals.finish("alice", removal);
      assert.equal(await store().log.get("m000001"), undefined, "withdrawn from the relay, and not logged");
      assert.deepEqual(await store().log.get("m000002"), message(2, bob, alice), "bob's report reads it");
      assert.deepEqual(await store().log.get("m000003"), message(3, carol, bob), "still waiting for bob");
      await store().failures.remove(bob, "m000002", alice);
      assert.equal(await store().log.get("m000002"), undefined);
    });

    it("keeps a message until its last outbox entry is removed", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob, carol] }]);
      await store().outbox.remove("m000001", bob);
      assert.deepEqual(await store().outbox.pending(carol, 10), [{ message: message(1, alice, bob), recipient: carol, attempts: 0 }]);
      await store().outbox.remove("m000001", carol);
      assert.equal(await store().log.get("m000001"), undefined);
      assert.equal(await store().log.lastId(), undefined);
    });

    it("deletes the messages delivered in a batch of removals, keeping those still queued", async () => {
      await store().accept([1, 2, 3].map((n) => ({ message: message(n, alice, bob), recipients: [bob] })));
      await store().outbox.removeMany([
        { messageId: "m000001", recipient: bob },
        { messageId: "m000003", recipient: bob },
      ]);
      assert.equal(await store().log.get("m000001"), undefined);
      assert.equal(await store().log.get("m000003"), undefined);
      assert.equal(await store().log.lastId(), "m000002", "ids restart from what is left");
    });

    it("keeps a failed message while its failure notice waits for the sender", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob] }]);
      await store().failures.add(notice("m000001"), message(1, alice, bob));
      await store().outbox.remove("m000001", bob);
      assert.deepEqual(await store().log.get("m000001"), message(1, alice, bob));
      await store().failures.remove(alice, "m000001", bob);
      assert.equal(await store().log.get("m000001"), undefined);
    });

    it("writes a message back while a failure notice waits for it, when it failed after it was let go (a bounce after delivery)", async () => {
      await store().accept([{ message: message(1, alice, bob), recipients: [bob] }]);
      await store().outbox.remove("m000001", bob);
      assert.equal(await store().log.get("m000001"), undefined, "delivered: let go");
      await store().failures.add(notice("m000001"), message(1, alice, bob));
      assert.deepEqual(await store().failures.pending(alice, 10), [notice("m000001")]);
      assert.deepEqual(await store().log.get("m000001"), message(1, alice, bob), "there for the sender's report when they are back");
      await store().failures.remove(alice, "m000001", bob);
      assert.equal(await store().log.get("m000001"), undefined);
    });
  });
}
