import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { RetractedDeliveries } from "../../../src/core/retracted-deliveries.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const message = (id: string, extra: Partial<Message> = {}): Message => ({
  id,
  origin: { protocol: "native", account: "default" },
  scope: "direct",
  kind: "text",
  from: alice,
  to: bob,
  senderName: "alice",
  body: `words of ${id}`,
  timestamp: 1,
  hops: [],
  ...extra,
});

describe("deliveries a retraction makes pointless", () => {
  it("drops a retracted message still waiting, and the retraction of it for that recipient", () => {
    const deliveries = new RetractedDeliveries();
    deliveries.retract("m1");
    assert.equal(deliveries.drops(message("m1"), bob), true);
    assert.equal(deliveries.drops(message("r1", { body: "", retracts: "m1" }), bob), true);
  });

  it("drops a waiting correction of a retracted message: its words are the retracted message's", () => {
    const deliveries = new RetractedDeliveries();
    deliveries.retract("m1");
    assert.equal(deliveries.drops(message("m1"), bob), true);
    assert.equal(deliveries.drops(message("c1", { body: "corrected words", replaces: "m1" }), bob), true);
    assert.equal(deliveries.drops(message("r1", { body: "", retracts: "m1" }), bob), true, "the retraction names a message bob never got");
  });

  it("sends the retraction to a recipient who got the message before it was retracted", () => {
    const deliveries = new RetractedDeliveries();
    assert.equal(deliveries.drops(message("m1"), bob), false);
    deliveries.retract("m1");
    assert.equal(deliveries.drops(message("c1", { body: "corrected words", replaces: "m1" }), bob), true);
    assert.equal(deliveries.drops(message("r1", { body: "", retracts: "m1" }), bob), false);
  });

  it("sends a waiting reply to a retracted message without the quote of its words, naming it still", () => {
    const deliveries = new RetractedDeliveries();
    const reply = message("m2", { replyTo: { id: "m1", to: alice, senderName: "alice", excerpt: "words of m1" } });
    assert.equal(deliveries.withoutQuote(reply), reply);
    deliveries.retract("m1");
    assert.deepEqual(deliveries.withoutQuote(reply).replyTo, { id: "m1", to: alice, senderName: "alice" });
    assert.equal(deliveries.drops(reply, bob), false);
  });
});
