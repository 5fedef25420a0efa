import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import { RecentMessages } from "../../../src/core/recent-messages.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");

describe("RecentMessages", () => {
  it("tells the sender and conversation of a remembered message", () => {
    const recent = new RecentMessages(10);
    recent.remember({ id: "m1", from: alice, to: bob });
    assert.deepEqual(recent.get("m1"), { id: "m1", from: alice, to: bob });
    assert.equal(recent.get("m2"), undefined);
  });

  it("forgets the oldest message once more than its limit are remembered", () => {
    const recent = new RecentMessages(2);
    for (const id of ["m1", "m2", "m3"]) recent.remember({ id, from: alice, to: bob });
    assert.equal(recent.get("m1"), undefined);
    assert.deepEqual([recent.get("m2")?.id, recent.get("m3")?.id], ["m2", "m3"]);
  });
});
