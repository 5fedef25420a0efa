/**
 * The store contract for room bans (core/room-bans.ts): one ban per room and person, replaced by a second; removed
 * one by one; gone with their room. Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { RoomBanRecord, Store } from "../../../src/store/store.js";
import { alice, bob, carol, lobby, room } from "./store-fixtures.js";

const den = parseAddress("native:%23den");

function ban(person = bob, at = 1, overrides: Partial<RoomBanRecord> = {}): RoomBanRecord {
  return { room: lobby, person, by: alice, reason: "spam", at, ...overrides };
}

export function describeRoomBanContract(store: () => Store): void {
  describe("room bans", () => {
    beforeEach(async () => {
      await store().rooms.create(room(lobby));
      await store().rooms.create(room(den));
    });

    it("keeps a room's bans, oldest first, apart from other rooms'", async () => {
      await store().roomBans.put(ban(carol, 2));
      await store().roomBans.put(ban(bob, 1, { reason: "" }));
      await store().roomBans.put(ban(alice, 3, { room: den }));
      assert.deepEqual(await store().roomBans.list(lobby), [ban(bob, 1, { reason: "" }), ban(carol, 2)]);
      assert.deepEqual(await store().roomBans.list(den), [ban(alice, 3, { room: den })]);
    });

    it("replaces a person's ban in a room with a second one", async () => {
      await store().roomBans.put(ban(bob, 1));
      await store().roomBans.put(ban(bob, 5, { by: carol, reason: "again" }));
      assert.deepEqual(await store().roomBans.list(lobby), [ban(bob, 5, { by: carol, reason: "again" })]);
    });

    it("removes one ban, and says whether there was one", async () => {
      await store().roomBans.put(ban(bob, 1));
      await store().roomBans.put(ban(carol, 2));
      assert.equal(await store().roomBans.remove(lobby, bob), true);
      assert.equal(await store().roomBans.remove(lobby, bob), false);
      assert.deepEqual(await store().roomBans.list(lobby), [ban(carol, 2)]);
    });

    it("forgets a room's bans with the room, and refuses a ban in no room with GW_ERR_NOT_FOUND", async () => {
      await store().roomBans.put(ban(bob, 1));
      await store().rooms.remove(lobby);
      assert.deepEqual(await store().roomBans.list(lobby), []);
      await assert.rejects(store().roomBans.put(ban(bob, 2)), { code: "GW_ERR_NOT_FOUND" });
    });
  });
}
