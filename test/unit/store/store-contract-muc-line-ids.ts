/**
 * The store contract: the MUCs' ids of lines (MucLineIdStore), found both ways, bounded per MUC and pruned by age.
 * Called by describeStoreContract inside its describe block, with that block's store.
 */
import assert from "node:assert/strict";
import { MUC_LINES_KEPT, type MucLineIdRecord } from "../../../src/store/muc-line-id-store.js";
import type { Store } from "../../../src/store/store.js";

const MUC = "xmpp://bot/room@muc.example";
const OTHER = "xmpp://bot/other@muc.example";

function line(n: number, muc = MUC, at = 1000): MucLineIdRecord {
  return { muc, gatewayId: `id${String(n).padStart(5, "0")}`, roomId: `room-${n}`, nick: `nick${n}`, at };
}

export function describeMucLineIdContract(store: () => Store): void {
  describe("the MUCs' ids of lines", () => {
    it("finds a line by gateway id and by the room's id, in its MUC only", async () => {
      await store().mucLineIds.keep([line(1), line(2, OTHER)]);
      assert.deepEqual(await store().mucLineIds.byGatewayId(MUC, "id00001"), { roomId: "room-1", nick: "nick1" });
      assert.equal(await store().mucLineIds.byRoomId(MUC, "room-1"), "id00001");
      assert.equal(await store().mucLineIds.byGatewayId(OTHER, "id00001"), undefined);
      assert.equal(await store().mucLineIds.byRoomId(OTHER, "room-1"), undefined);
      assert.equal(await store().mucLineIds.byRoomId(MUC, "room-9"), undefined);
    });

    it("keeps the occupant id of a line's sender where the MUC gave one", async () => {
      await store().mucLineIds.keep([{ ...line(1), occupantId: "oid-1" }, line(2)]);
      assert.deepEqual(await store().mucLineIds.byGatewayId(MUC, "id00001"), { roomId: "room-1", nick: "nick1", occupantId: "oid-1" });
      assert.deepEqual(await store().mucLineIds.byGatewayId(MUC, "id00002"), { roomId: "room-2", nick: "nick2" });
    });

    it("keeps the newest lines of each MUC only", async () => {
      const lines = Array.from({ length: MUC_LINES_KEPT + 5 }, (_, n) => line(n));
      await store().mucLineIds.keep(lines.slice(0, 10));
      await store().mucLineIds.keep([...lines.slice(10), line(0, OTHER)]);
      assert.equal(await store().mucLineIds.byRoomId(MUC, "room-4"), undefined);
      assert.equal(await store().mucLineIds.byRoomId(MUC, "room-5"), "id00005");
      assert.equal(await store().mucLineIds.byRoomId(MUC, `room-${MUC_LINES_KEPT + 4}`), `id${String(MUC_LINES_KEPT + 4).padStart(5, "0")}`);
      assert.equal(await store().mucLineIds.byRoomId(OTHER, "room-0"), "id00000");
    });

    it("prunes the lines kept before the cut-off", async () => {
      await store().mucLineIds.keep([line(1, MUC, 100), line(2, MUC, 200)]);
      assert.equal(await store().mucLineIds.prune(150), 1);
      assert.equal(await store().mucLineIds.byGatewayId(MUC, "id00001"), undefined);
      assert.equal(await store().mucLineIds.byRoomId(MUC, "room-2"), "id00002");
    });
  });
}
