import assert from "node:assert/strict";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import { isFullFor, placesTaken, RoomCapacity, type RoomCapacityPolicy } from "../../../src/core/room-capacity.js";

const lobby = parseAddress("native:%23lobby");
const channel = parseAddress("irc://libera/%23lobby");
const muc = parseAddress("xmpp://bot/lobby@conference.example.org");
const alice = parseAddress("native:alice");
const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org");
const admin = parseAddress("xmpp:op@example.org");
/** Alice's linked XMPP account. */
const aliceJid = parseAddress("xmpp:alice@example.org");

const member = (address: Address, role: RoomMember["role"] = "member"): RoomMember => ({ address, nick: address.id, role });

/** Two places; bridged rooms take none; op@example.org is an admin; alice@example.org is linked to native:alice. */
const policy: RoomCapacityPolicy = {
  maxMembers: 2,
  takesPlace: (address) => address.protocol === "native" || address.account === "default",
  mayJoinFull: (address) => addressKey(address) === addressKey(admin),
  personOf: (address) => (addressKey(address) === addressKey(aliceJid) ? alice : undefined),
};

describe("room capacity (rooms.max_members)", () => {
  it("counts people, not the bridged rooms among the members, and a person's linked accounts once", () => {
    assert.equal(placesTaken([member(channel, "owner"), member(muc, "owner"), member(alice)], policy), 1);
    assert.equal(placesTaken([member(alice), member(aliceJid), member(juliet)], policy), 2);
  });

  it("keeps a newcomer out of a room whose places are taken, and lets them in while one is free", () => {
    assert.equal(isFullFor([member(alice)], member(juliet), policy), false);
    assert.equal(isFullFor([member(channel, "owner"), member(muc, "owner"), member(alice)], member(juliet), policy), false, "bridged rooms take no place");
    assert.equal(isFullFor([member(alice), member(juliet)], member(romeo), policy), true);
  });

  it("never keeps out someone in the room already, their linked account, the room's owner, an admin or a bridged room", () => {
    const full = [member(alice), member(juliet)];
    assert.equal(isFullFor(full, member(juliet), policy), false, "another session, a rejoin");
    assert.equal(isFullFor(full, member(aliceJid), policy), false, "alice's linked JID is alice");
    assert.equal(isFullFor(full, member(romeo, "owner"), policy), false, "the room's creator");
    assert.equal(isFullFor(full, member(admin), policy), false, "an admin of the gateway");
    assert.equal(isFullFor(full, member(channel), policy), false, "a channel bridged to the room");
  });

  it("refuses with GW_ERR_ROOM_FULL and logs the room and the person, one line a minute per room with the count held back", () => {
    const lines: Array<Record<string, unknown>> = [];
    let now = 0;
    const capacity = new RoomCapacity(policy, createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), () => now);
    const full = [member(alice), member(juliet)];
    assert.throws(() => capacity.check(lobby, full, member(romeo)), { code: "GW_ERR_ROOM_FULL" });
    capacity.check(lobby, full, member(juliet)); // in already: no refusal, no line
    assert.throws(() => capacity.check(lobby, full, member(romeo)), { code: "GW_ERR_ROOM_FULL" });
    assert.throws(() => capacity.check(parseAddress("native:%23dev"), full, member(romeo)), { code: "GW_ERR_ROOM_FULL" });
    now = 60_000;
    assert.throws(() => capacity.check(lobby, full, member(romeo)), { code: "GW_ERR_ROOM_FULL" });
    assert.deepEqual(
      lines.map((line) => [line["msg"], line["room"], line["member"], line["members"], line["max"], line["refusedBefore"]]),
      [
        ["room join refused: the room is full", "native:%23lobby", "xmpp:romeo@example.org", 2, 2, 0],
        ["room join refused: the room is full", "native:%23dev", "xmpp:romeo@example.org", 2, 2, 0],
        ["room join refused: the room is full", "native:%23lobby", "xmpp:romeo@example.org", 2, 2, 1],
      ],
    );
  });
});
