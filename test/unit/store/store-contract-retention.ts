/**
 * The store contract: the message log's retention (MessageLogStore.pruneBatch, store.message_log_max_age_days).
 * Messages carry real gateway ids (core/message-id.ts), made at their timestamps, as the router makes them.
 * Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { MessageIdGenerator } from "../../../src/core/message-id.js";
import type { Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import type { FailureNotice, Store } from "../../../src/store/store.js";
import { alice, bob, lobby } from "./store-fixtures.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);
const CUTOFF = NOW - 30 * DAY_MS;

/** Messages accepted `daysAgo` before NOW, with ids made then; each later one must be younger. */
function messageMaker(): (daysAgo: number, from: Address, to: Address, scope?: Message["scope"]) => Message {
  let clock = 0;
  const ids = new MessageIdGenerator(undefined, () => clock);
  let n = 0;
  return (daysAgo, from, to, scope = "direct") => {
    clock = NOW - daysAgo * DAY_MS;
    n += 1;
    return { id: ids.next(), origin: { protocol: from.protocol, account: from.account }, hops: [], scope, kind: "text", from, to, senderName: from.id, body: `message ${n}`, timestamp: clock };
  };
}

function notice(messageId: string): FailureNotice {
  return { sender: alice, messageId, recipient: bob, code: "GW_ERR_UNKNOWN_RECIPIENT", reason: "no such user", at: NOW };
}

export function describeRetentionContract(store: () => Store): void {
  describe("the message log's retention (pruneBatch)", () => {
    let aged: ReturnType<typeof messageMaker>;
    beforeEach(() => {
      aged = messageMaker();
    });
    const logged = async (...messages: readonly Message[]): Promise<void> => store().accept(messages.map((message) => ({ message, recipients: [] })));
    const bodies = async (conversation: Parameters<Store["log"]["history"]>[0]): Promise<string[]> =>
      (await store().log.history(conversation, { limit: 100 })).map((message) => message.body);

    it("deletes nothing from an empty log", async () => {
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 0 });
    });

    it("deletes the messages accepted before the cut-off, direct and room alike, and keeps the younger ones", async () => {
      await logged(aged(40, alice, bob), aged(35, alice, lobby, "room"), aged(31, bob, alice), aged(29, bob, alice), aged(10, alice, lobby, "room"), aged(1, alice, bob));
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 3 });
      assert.deepEqual(await bodies({ between: [alice, bob] }), ["message 4", "message 6"]);
      assert.deepEqual(await bodies({ room: lobby }), ["message 5"]);
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 0 }, "nothing more to delete");
    });

    it("keeps an old message still queued in the outbox, and lets it go once delivered", async () => {
      const queued = aged(40, alice, bob);
      const delivered = aged(39, alice, bob);
      await store().accept([{ message: queued, recipients: [bob] }, { message: delivered, recipients: [] }]);
      await logged(aged(1, alice, bob));
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 1 });
      assert.deepEqual(await store().log.get(queued.id), queued);
      assert.deepEqual((await store().outbox.pending(bob, 10)).map((entry) => entry.message.id), [queued.id], "its delivery still waits");
      await store().outbox.remove(queued.id, bob);
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 1 });
      assert.equal(await store().log.get(queued.id), undefined);
    });

    it("keeps an old message a failure notice waits for, until the sender was told", async () => {
      const failed = aged(40, alice, bob);
      await store().accept([{ message: failed, recipients: [bob] }]);
      await logged(aged(1, alice, bob));
      await store().failures.add(notice(failed.id), failed);
      await store().outbox.remove(failed.id, bob);
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 0 });
      assert.deepEqual(await store().log.get(failed.id), failed, "the sender's report needs it");
      await store().failures.remove(alice, failed.id, bob);
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 1 });
      assert.equal(await store().log.get(failed.id), undefined);
    });

    it("looks at `limit` messages a batch, going on after the last one looked at, past those it keeps", async () => {
      const old = [40, 39, 38, 37, 36].map((days) => aged(days, alice, bob));
      await store().accept(old.map((message, index) => ({ message, recipients: index < 2 ? [bob] : [] })));
      await logged(aged(1, alice, bob));
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 2 }), { deleted: 0, next: old[1]?.id }, "both queued");
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { after: old[1]?.id ?? "", limit: 2 }), { deleted: 2, next: old[3]?.id });
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { after: old[3]?.id ?? "", limit: 2 }), { deleted: 1 }, "the last batch says so");
      assert.deepEqual(await bodies({ between: [alice, bob] }), ["message 1", "message 2", "message 6"]);
    });

    it("ends a batch early once it has worked `maxMs`, saying where to go on", async () => {
      const old = [40, 39, 38].map((days) => aged(days, alice, bob));
      await logged(...old, aged(1, alice, bob));
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100, maxMs: 0 }), { deleted: 1, next: old[0]?.id }, "one message at least");
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { after: old[0]?.id ?? "", limit: 100, maxMs: 0 }), { deleted: 1, next: old[1]?.id });
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { after: old[1]?.id ?? "", limit: 100, maxMs: 0 }), { deleted: 1 }, "the last one looked at ends it");
    });

    it("keeps a message accepted before the cut-off whose own timestamp is after it (the id's time alone does not decide)", async () => {
      // A message's timestamp may be later than its id's time: one given by its network, or stamped after acceptance.
      const stampedLater = { ...aged(40, alice, bob), timestamp: NOW - 10 * DAY_MS };
      const old = aged(39, alice, bob);
      await logged(stampedLater, old, aged(1, alice, bob));
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 1 });
      assert.deepEqual(await store().log.get(stampedLater.id), stampedLater);
      assert.equal(await store().log.get(old.id), undefined);
    });

    it("keeps the newest message of all however old, so that ids keep increasing after a restart", async () => {
      const older = aged(50, alice, bob);
      const newest = aged(40, bob, alice);
      await logged(older, newest);
      assert.deepEqual(await store().log.pruneBatch(CUTOFF, { limit: 100 }), { deleted: 1 });
      assert.equal(await store().log.lastId(), newest.id);
    });
  });
}
