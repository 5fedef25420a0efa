import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import { RoomNicks } from "../../../src/adapters/xmpp/room-nicks.js";

const lobby = makeAddress("native", "default", "#lobby");
const other = makeAddress("native", "default", "#other");
const bob = makeAddress("irc", "libera", "Bob");
const alice = makeAddress("native", "default", "alice");

describe("RoomNicks (who is behind a nick in a gateway room)", () => {
  it("finds a nick case-insensitively in its own room only", () => {
    const nicks = new RoomNicks();
    nicks.seen(lobby, "Bob", bob);
    assert.deepEqual(nicks.find(lobby, "bOB"), bob);
    assert.equal(nicks.find(other, "Bob"), undefined);
  });

  it("forgets a nick that left, and takes the latest address for a nick seen again", () => {
    const nicks = new RoomNicks();
    nicks.seen(lobby, "Bob", bob);
    nicks.left(lobby, "BOB");
    assert.equal(nicks.find(lobby, "Bob"), undefined);
    nicks.seen(lobby, "bob", alice);
    assert.deepEqual(nicks.find(lobby, "Bob"), alice);
  });

  it("keeps at most 1,000 nicks per room, forgetting the one seen longest ago", () => {
    const nicks = new RoomNicks();
    nicks.seen(lobby, "first", alice);
    nicks.seen(lobby, "second", alice);
    for (let i = 0; i < 998; i++) nicks.seen(lobby, `n${i}`, bob);
    nicks.seen(lobby, "first", alice); // seen again: now the newest
    nicks.seen(lobby, "one more", bob);
    assert.deepEqual(nicks.find(lobby, "first"), alice);
    assert.equal(nicks.find(lobby, "second"), undefined, "the oldest went");
    assert.deepEqual(nicks.find(lobby, "one more"), bob);
  });
});
