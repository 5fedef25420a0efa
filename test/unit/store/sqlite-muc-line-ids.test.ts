/**
 * The MUCs' ids of lines on SQLite: a prune of the retention goes a range of the key at a time, leaving the event loop
 * free between two ranges, since the table may hold a thousand lines for each of many MUCs.
 */
import assert from "node:assert/strict";
import { PRUNE_RANGE_ROWS } from "../../../src/store/sqlite/sqlite-muc-line-ids.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import type { MucLineIdRecord } from "../../../src/store/muc-line-id-store.js";
import type { Store } from "../../../src/store/store.js";

describe("muc_line_ids on SQLite", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(() => store.close());

  it("prunes a range at a time, other work running between two, and every old line of every MUC goes", async () => {
    const mucs = Math.ceil((2 * PRUNE_RANGE_ROWS) / 1000) + 1;
    for (let m = 0; m < mucs; m++) {
      const lines: MucLineIdRecord[] = Array.from({ length: 1000 }, (_, n) => ({ muc: `xmpp://u.user${m}/room@muc.example`, gatewayId: `id${String(n).padStart(5, "0")}`, roomId: `r${n}`, nick: "n", at: n % 2 === 0 ? 100 : 300 }));
      await store.mucLineIds.keep(lines);
    }
    let between = 0;
    const count = (): void => {
      between += 1;
      if (between < 1000) setImmediate(count);
    };
    setImmediate(count);
    assert.equal(await store.mucLineIds.prune(200), mucs * 500);
    assert.ok(between >= 2, `other work ran ${between} times during the prune`);
    for (let m = 0; m < mucs; m++) {
      assert.equal(await store.mucLineIds.byRoomId(`xmpp://u.user${m}/room@muc.example`, "r0"), undefined);
      assert.equal(await store.mucLineIds.byRoomId(`xmpp://u.user${m}/room@muc.example`, "r999"), "id00999");
    }
  });
});
