/** A retraction's tombstone in the SQLite log (sqlite-message-log.ts): replies to the retracted words lose their quote. */
import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const message = (id: string, from: typeof alice, to: typeof alice, extra: Partial<Message> = {}): Message => ({
  id,
  origin: { protocol: "native", account: "default" },
  scope: "direct",
  kind: "text",
  from,
  to,
  senderName: from.id,
  body: `words of ${id}`,
  timestamp: 1,
  hops: [],
  ...extra,
});

describe("a retraction in the SQLite log", () => {
  it("takes the quote of the retracted words (or of their correction) out of the replies to them, and no other", async () => {
    const store = openSqliteStore(":memory:");
    try {
      const quoting = (id: string, answered: string): Message => message(id, bob, alice, { replyTo: { id: answered, to: alice, senderName: "alice", excerpt: `words of ${answered}` } });
      await store.accept(
        [message("m1", alice, bob), message("m2", alice, bob, { replaces: "m1" }), quoting("m3", "m1"), quoting("m4", "m2"), message("m5", alice, bob), quoting("m6", "m5")].map((m) => ({ message: m, recipients: [bob] })),
      );
      await store.accept([{ message: message("m7", alice, bob, { body: "", retracts: "m1" }), recipients: [bob] }]);
      for (const id of ["m3", "m4"]) assert.deepEqual((await store.log.get(id))?.replyTo, { id: id === "m3" ? "m1" : "m2", to: alice, senderName: "alice" }, id);
      assert.equal((await store.log.get("m6"))?.replyTo?.excerpt, "words of m5");
      assert.equal((await store.log.get("m3"))?.body, "words of m3");
    } finally {
      await store.close();
    }
  });
});
