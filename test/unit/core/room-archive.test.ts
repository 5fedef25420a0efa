import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import { roomArchiveOf } from "../../../src/core/room-archive.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { alice, bob, lobby, message, room } from "../store/store-fixtures.js";

describe("rooms' archives (core/room-archive.ts)", () => {
  let store: Store;

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.rooms.create(room(lobby));
  });

  afterEach(() => store.close());

  it("finds by id a line of the room, and none of another room", async () => {
    const den = parseAddress("native:%23den");
    await store.rooms.create(room(den));
    await store.accept([{ message: message(1, alice, lobby, "room"), recipients: [] }, { message: message(2, alice, den, "room"), recipients: [] }]);
    const archive = roomArchiveOf(store.log);
    assert.equal((await archive.message(lobby, "m000001"))?.id, "m000001");
    assert.equal(await archive.message(lobby, "m000002"), undefined);
  });

  it("does not find by id, in a room made again under its name, a destroyed room's line kept for its delivery", async () => {
    await store.accept([{ message: message(1, alice, lobby, "room"), recipients: [bob] }]);
    await store.rooms.destroy(lobby);
    await store.rooms.create(room(lobby));
    assert.ok(await store.log.get("m000001"), "kept for bob's delivery");
    assert.equal(await roomArchiveOf(store.log).message(lobby, "m000001"), undefined);
  });
});
