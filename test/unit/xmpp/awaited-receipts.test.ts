/** XEP-0184 receipts the XMPP adapter asks for on behalf of the gateway's senders (awaited-receipts.ts). */
import assert from "node:assert/strict";
import type { DeliveryReceipt } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { AwaitedReceipts } from "../../../src/adapters/xmpp/awaited-receipts.js";

const alice = parseAddress("native:alice");
const carol = parseAddress("native:carol");
const juliet = parseAddress("xmpp:juliet@example.org");
const mallory = parseAddress("xmpp:mallory@example.org");

function message(id: string, extra: Partial<Message> = {}): Message {
  return {
    id,
    origin: { protocol: "native", account: "default" },
    hops: [],
    scope: "direct",
    kind: "text",
    from: alice,
    to: juliet,
    senderName: "alice",
    body: "hello",
    timestamp: 1,
    ...extra,
  };
}

function receiptsFor(wanting: readonly Address[]): { awaited: AwaitedReceipts; heard: DeliveryReceipt[] } {
  const heard: DeliveryReceipt[] = [];
  const awaited = new AwaitedReceipts({
    wantsReceipts: (sender) => wanting.some((address) => sameAddress(address, sender)),
    received: (receipt) => void heard.push(receipt),
    log: createLogger("silent"),
  });
  return { awaited, heard };
}

describe("AwaitedReceipts", () => {
  it("asks for a receipt only for a direct message, not a correction, of a sender who wants receipts", () => {
    const { awaited } = receiptsFor([alice]);
    assert.equal(awaited.request(message("g1"), juliet), true);
    assert.equal(awaited.request(message("g2", { replaces: "g1" }), juliet), false, "a correction");
    assert.equal(awaited.request(message("g3", { scope: "room", to: parseAddress("native:%23lobby") }), juliet), false, "a room message");
    assert.equal(awaited.request(message("g4", { from: carol }), juliet), false, "a sender who does not want receipts");
  });

  it("passes on the receipt of the JID the message went to, to its sender, once", () => {
    const { awaited, heard } = receiptsFor([alice]);
    awaited.request(message("g1"), juliet);
    awaited.received(juliet, alice, "g1");
    awaited.received(juliet, alice, "g1");
    assert.deepEqual(heard, [{ messageId: "g1", sender: alice, to: juliet }]);
  });

  it("ignores a receipt from anyone else, to anyone else, or for an id it never asked about", () => {
    const { awaited, heard } = receiptsFor([alice, carol]);
    awaited.request(message("g1"), juliet);
    awaited.request(message("g2", { from: carol }), juliet);
    awaited.received(mallory, alice, "g1");
    awaited.received(juliet, carol, "g1");
    awaited.received(juliet, alice, "g9");
    assert.equal(heard.length, 0);
    awaited.received(juliet, alice, "g1");
    assert.deepEqual(heard.map((receipt) => receipt.messageId), ["g1"], "still awaited after the others");
  });

  it("names the message's own recipient when a linked account of that person acknowledged it", () => {
    const { awaited, heard } = receiptsFor([alice]);
    awaited.request(message("g1", { to: carol }), juliet);
    awaited.received(juliet, alice, "g1");
    assert.deepEqual(heard, [{ messageId: "g1", sender: alice, to: carol }]);
  });

  it("takes one receipt from each JID a message went to (identities.deliver_to: all)", () => {
    const { awaited, heard } = receiptsFor([alice]);
    const romeo = parseAddress("xmpp:romeo@example.net");
    awaited.request(message("g1", { to: carol }), juliet);
    awaited.request(message("g1", { to: carol }), romeo);
    awaited.received(juliet, alice, "g1");
    awaited.received(mallory, alice, "g1");
    awaited.received(romeo, alice, "g1");
    awaited.received(juliet, alice, "g1");
    awaited.received(romeo, alice, "g1");
    assert.deepEqual(heard, [
      { messageId: "g1", sender: alice, to: carol },
      { messageId: "g1", sender: alice, to: carol },
    ]);
  });

  it("forgets the oldest requests past 10,000", () => {
    const { awaited, heard } = receiptsFor([alice]);
    for (let i = 0; i < 10_001; i++) awaited.request(message(`g${i}`), juliet);
    awaited.received(juliet, alice, "g0");
    awaited.received(juliet, alice, "g10000");
    assert.deepEqual(heard.map((receipt) => receipt.messageId), ["g10000"]);
  });
});
