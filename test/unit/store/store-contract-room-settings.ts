/**
 * The store contract for rooms' settings (core/room-settings.ts): one row per room, replaced whole; the people a
 * members-only room lets in; both gone with their room; a destroyed room's log gone with it. Called by
 * describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { RoomSettingsRecord, Store } from "../../../src/store/store.js";
import { alice, bob, carol, lobby, message, room } from "./store-fixtures.js";

const den = parseAddress("native:%23den");

function settings(overrides: Partial<RoomSettingsRecord> = {}): RoomSettingsRecord {
  return { room: lobby, membersOnly: true, passwordHash: "scrypt$1$2$3$salt$hash", description: "the lobby", public: false, ...overrides };
}

export function describeRoomSettingsContract(store: () => Store): void {
  describe("room settings", () => {
    beforeEach(async () => {
      await store().rooms.create(room(lobby));
      await store().rooms.create(room(den));
    });

    it("has none for a room nobody configured, and keeps what is put, replaced whole by the next", async () => {
      assert.equal(await store().roomSettings.get(lobby), undefined);
      await store().roomSettings.put(settings());
      assert.deepEqual(await store().roomSettings.get(lobby), settings());
      const { passwordHash: _dropped, ...withoutPassword } = settings({ membersOnly: false, description: "", public: true });
      await store().roomSettings.put(withoutPassword);
      assert.deepEqual(await store().roomSettings.get(lobby), withoutPassword);
      assert.equal(await store().roomSettings.get(den), undefined);
    });

    it("refuses the settings of a room that does not exist with GW_ERR_NOT_FOUND", async () => {
      await assert.rejects(store().roomSettings.put(settings({ room: parseAddress("native:%23nowhere") })), { code: "GW_ERR_NOT_FOUND" });
      await assert.rejects(store().roomSettings.allow(parseAddress("native:%23nowhere"), bob), { code: "GW_ERR_NOT_FOUND" });
    });

    it("lists the people allowed into a room, each once, until disallowed", async () => {
      await store().roomSettings.allow(lobby, carol);
      await store().roomSettings.allow(lobby, bob);
      await store().roomSettings.allow(lobby, bob);
      await store().roomSettings.allow(den, alice);
      assert.deepEqual(await store().roomSettings.allowed(lobby), [bob, carol]);
      assert.equal(await store().roomSettings.disallow(lobby, bob), true);
      assert.equal(await store().roomSettings.disallow(lobby, bob), false);
      assert.deepEqual(await store().roomSettings.allowed(lobby), [carol]);
      assert.deepEqual(await store().roomSettings.allowed(den), [alice]);
    });

    it("destroys a room with its settings, the people it allowed and its log, and nothing of another room", async () => {
      await store().roomSettings.put(settings());
      await store().roomSettings.allow(lobby, bob);
      await store().roomSettings.put(settings({ room: den }));
      await store().accept([
        { message: message(1, alice, lobby, "room"), recipients: [] },
        { message: message(2, alice, den, "room"), recipients: [] },
      ]);
      assert.equal(await store().rooms.destroy(lobby), true);
      assert.equal(await store().rooms.get(lobby), undefined);
      assert.equal(await store().log.get("m000001"), undefined, "the destroyed room's log is gone");
      assert.ok(await store().log.get("m000002"), "another room's log stays");
      await store().rooms.create(room(lobby));
      assert.equal(await store().roomSettings.get(lobby), undefined, "a room made again under the name starts with the defaults");
      assert.deepEqual(await store().roomSettings.allowed(lobby), []);
      assert.deepEqual(await store().roomSettings.get(den), settings({ room: den }));
      assert.equal(await store().rooms.destroy(parseAddress("native:%23nowhere")), false);
    });

    it("shows a room made again under a destroyed one's name none of the lines still waiting for the destroyed room's members", async () => {
      await store().accept([{ message: message(1, alice, lobby, "room"), recipients: [bob] }]);
      assert.equal(await store().rooms.destroy(lobby), true);
      await store().rooms.create(room(lobby));
      assert.deepEqual(await store().log.history({ room: lobby }, { limit: 10 }), [], "the new room's history");
      assert.deepEqual(await store().log.archive(lobby, {}, { limit: 10, from: "newest" }), [], "the new room's archive");
      assert.equal(await store().log.archiveCount(lobby, {}), 0);
      assert.ok(await store().log.get("m000001"), "still kept for its delivery");
      assert.equal(await store().log.getIn({ room: lobby }, "m000001"), undefined, "not the new room's line by id");
    });

    it("finds a line by id only in its own conversation", async () => {
      await store().accept([
        { message: message(1, alice, lobby, "room"), recipients: [] },
        { message: message(2, alice, bob), recipients: [bob] },
      ]);
      assert.deepEqual(await store().log.getIn({ room: lobby }, "m000001"), message(1, alice, lobby, "room"));
      assert.equal(await store().log.getIn({ room: den }, "m000001"), undefined, "another room's");
      assert.equal(await store().log.getIn({ room: lobby }, "m000002"), undefined, "a direct message");
      assert.deepEqual(await store().log.getIn({ between: [bob, alice] }, "m000002"), message(2, alice, bob));
    });
  });
}
