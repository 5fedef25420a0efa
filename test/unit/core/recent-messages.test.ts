import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { RecentMessages } from "../../../src/core/recent-messages.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");

function message(id: string, body = "hello"): Message {
  return { id, origin: { protocol: "native", account: "default" }, hops: [], scope: "direct", kind: "text", from: alice, to: bob, senderName: "alice", body, timestamp: 1 };
}

describe("RecentMessages", () => {
  it("gives back a remembered message whole: its sender and conversation for a correction, all of it for a bounce", () => {
    const recent = new RecentMessages(10);
    recent.remember(message("m1"));
    assert.deepEqual(recent.get("m1"), message("m1"));
    assert.equal(recent.get("m2"), undefined);
  });

  it("keeps no words of a retracted message nor of its corrections, and leaves other messages as they are", () => {
    const recent = new RecentMessages(10);
    recent.remember(message("m1", "the secret"));
    recent.remember({ ...message("m2", "the secret, corrected"), replaces: "m1" });
    recent.remember(message("m3", "something else"));
    recent.retract("m1");
    assert.deepEqual(["m1", "m2", "m3"].map((id) => [recent.get(id)?.body, recent.get(id)?.retracted]), [
      ["", true],
      ["", true],
      ["something else", undefined],
    ]);
  });

  it("keeps no attachments of a retracted message", () => {
    const recent = new RecentMessages(10);
    recent.remember({ ...message("m1", "https://upload.example.org/cat.jpg"), attachments: [{ url: "https://upload.example.org/cat.jpg" }] });
    recent.retract("m1");
    assert.equal(recent.get("m1")?.attachments, undefined);
    assert.equal(recent.get("m1")?.retracted, true);
  });

  it("forgets the oldest message once more than its limit are remembered", () => {
    const recent = new RecentMessages(2);
    for (const id of ["m1", "m2", "m3"]) recent.remember(message(id));
    assert.equal(recent.get("m1"), undefined);
    assert.deepEqual([recent.get("m2")?.id, recent.get("m3")?.id], ["m2", "m3"]);
  });

  it("forgets the oldest messages once their text exceeds its budget, however few they are", () => {
    const recent = new RecentMessages(10, 100); // 50 characters of text
    recent.remember(message("m1", "a".repeat(20)));
    recent.remember(message("m2", "b".repeat(20)));
    recent.remember(message("m3", "c".repeat(20)));
    assert.deepEqual(["m1", "m2", "m3"].map((id) => recent.get(id) !== undefined), [false, true, true]);
    recent.remember(message("m2", "b".repeat(20))); // remembered again: counted once
    assert.deepEqual(["m2", "m3"].map((id) => recent.get(id) !== undefined), [true, true]);
  });

  it("counts a message remembered again as its newest: the limit forgets the others first", () => {
    const recent = new RecentMessages(2);
    for (const id of ["m1", "m2", "m1", "m3"]) recent.remember(message(id));
    assert.deepEqual(["m1", "m2", "m3"].map((id) => recent.get(id) !== undefined), [true, false, true]);
  });

  it("keeps forgetting the oldest, one for one, long after its limit was first reached", () => {
    const recent = new RecentMessages(100);
    for (let i = 0; i < 5000; i += 1) recent.remember(message(`m${i}`));
    const kept = Array.from({ length: 5000 }, (_, i) => recent.get(`m${i}`) !== undefined);
    assert.equal(kept.indexOf(true), 4900);
    assert.equal(kept.filter(Boolean).length, 100);
  });
});
