/**
 * The store contract for bridges added at runtime: kept in the order they were added, one per remote room,
 * removed at once. Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { BridgeRecord, Store } from "../../../src/store/store.js";
import { alice, bob } from "./store-fixtures.js";

const channel = parseAddress("irc://libera/%23dev");
const muc = parseAddress("xmpp://bridgebot/dev@conference.example.org");

function bridge(overrides: Partial<BridgeRecord> = {}): BridgeRecord {
  return { remote: channel, room: "dev", nick: "", key: "", membership: true, createdBy: alice, createdAt: 1_700_000_000_000, ...overrides };
}

export function describeBridgeContract(store: () => Store): void {
  describe("bridges", () => {
    it("keeps bridges in the order they were added and reads them back whole", async () => {
      assert.equal(await store().bridges.add(bridge({ remote: muc, nick: "switchboard", createdBy: bob })), true);
      assert.equal(await store().bridges.add(bridge()), true);
      assert.deepEqual(await store().bridges.list(), [bridge({ remote: muc, nick: "switchboard", createdBy: bob }), bridge()]);
    });

    it("keeps a bridge's channel key and its membership switch", async () => {
      await store().bridges.add(bridge({ key: "s3cret", membership: false }));
      await store().bridges.add(bridge({ remote: muc, nick: "sb" }));
      assert.deepEqual(await store().bridges.list(), [bridge({ key: "s3cret", membership: false }), bridge({ remote: muc, nick: "sb" })]);
    });

    it("bridges a remote room once: a second add, to any room, is false and changes nothing", async () => {
      assert.equal(await store().bridges.add(bridge()), true);
      assert.equal(await store().bridges.add(bridge({ room: "other", createdBy: bob })), false);
      assert.deepEqual(await store().bridges.list(), [bridge()]);
    });

    it("replaces a bridge's key in its place, and says false for a bridge it does not have", async () => {
      await store().bridges.add(bridge({ key: "clear" }));
      await store().bridges.add(bridge({ remote: muc, nick: "sb" }));
      assert.equal(await store().bridges.setKey(channel, "sealed"), true);
      assert.equal(await store().bridges.setKey(parseAddress("irc://libera/%23none"), "x"), false);
      assert.deepEqual(await store().bridges.list(), [bridge({ key: "sealed" }), bridge({ remote: muc, nick: "sb" })]);
    });

    it("removes a bridge, and says false for one it does not have", async () => {
      await store().bridges.add(bridge());
      await store().bridges.add(bridge({ remote: muc, nick: "sb" }));
      assert.equal(await store().bridges.remove(channel), true);
      assert.equal(await store().bridges.remove(channel), false);
      assert.deepEqual(await store().bridges.list(), [bridge({ remote: muc, nick: "sb" })]);
    });
  });
}
