import assert from "node:assert/strict";
import type { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import { RoomDestruction } from "../../../src/core/room-destruction.js";
import { RoomSettings } from "../../../src/core/room-settings.js";
import { RoomService } from "../../../src/core/rooms.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const lobby = makeAddress("native", "default", "#lobby");
const boss = makeAddress("native", "default", "boss");
const bob = makeAddress("native", "default", "bob");

describe("room destruction (core/room-destruction.ts)", () => {
  let store: Store;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(() => store.close());

  it("lets no join in while the room's members are told it is gone: the joiner finds no room rather than being dropped untold", async () => {
    const rooms = new RoomService(store.rooms);
    await rooms.create(lobby, "lobby", "", { address: boss, nick: "boss", role: "owner" });
    const settings = new RoomSettings({
      store: store.roomSettings,
      rooms,
      isAdmin: () => false,
      relaysRooms: () => false,
      identities: { personOf: () => undefined, linkedTo: () => [] },
    });
    const told: Address[][] = [];
    let bobJoining: Promise<unknown> | undefined;
    const network = {
      protocol: "native",
      account: "default",
      roomDestroyed: async (_room: Address, members: readonly RoomMember[]): Promise<void> => {
        told.push(members.map((member) => member.address));
        // Bob joins while the members are being told (the networks' writes take turns of the event loop).
        bobJoining = rooms.join(lobby, { address: bob, nick: "bob", role: "member" }).then(
          () => "joined",
          (error: { code?: string }) => error.code,
        );
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    const registry = { all: () => [network], relaysRooms: () => false } as unknown as AdapterRegistry;
    const destruction = new RoomDestruction({ rooms, settings, registry, bridges: { isHub: async () => false }, log: createLogger("silent") });
    await destruction.destroy(lobby, boss, "closing");
    assert.deepEqual(told, [[boss]]);
    assert.equal(await bobJoining, "GW_ERR_NOT_FOUND", "bob's join waited for the destruction and found no room");
  });
});
