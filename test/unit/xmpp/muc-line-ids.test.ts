import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { MucLineIds, saidBy } from "../../../src/adapters/xmpp/muc-line-ids.js";
import { MucLineLog } from "../../../src/core/muc-line-log.js";
import { openSqliteStore } from "../../../src/store/sqlite/open-sqlite-store.js";
import type { Store } from "../../../src/store/store.js";
import { createLogger } from "../../../src/core/logger.js";

const MUC = "dev@conference.example.org";

/** The MUC's reflection of the bot's line `id`, with the room's stanza-id when given (and someone else's, to be ignored). */
function reflection(id: string, roomId?: string) {
  return xml(
    "message",
    { from: `${MUC}/switchboard`, type: "groupchat", id },
    xml("body", {}, "<alice> hi"),
    xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "bot@example.org", id: "not-the-room's" }),
    ...(roomId === undefined ? [] : [xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "Dev@Conference.example.org", id: roomId })]),
  );
}

describe("the MUCs' stanza-ids of a bridge bot's lines", () => {
  it("names a reflected line by the room's stanza-id, in any case of the MUC's JID", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g1");
    ids.echoed(reflection("g1", "room-1"), MUC, "bridge");
    assert.equal(await ids.retractionTarget("DEV@conference.example.org", "g1"), "room-1");
  });

  it("names a line by the bot's own id where the MUC gave no stanza-id, or the line is unknown", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g2");
    ids.echoed(reflection("g2"), MUC, "bridge");
    assert.equal(await ids.retractionTarget(MUC, "g2"), "g2");
    assert.equal(await ids.retractionTarget(MUC, "from-before-a-restart"), "from-before-a-restart");
  });

  it("waits for the reflection of a line sent a moment before", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g3");
    const target = ids.retractionTarget(MUC, "g3");
    ids.echoed(reflection("g3", "room-3"), MUC, "bridge");
    assert.equal(await target, "room-3");
  });

  it("keeps each MUC's ids apart", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g4");
    ids.echoed(reflection("g4", "room-4"), MUC, "bridge");
    assert.equal(await ids.retractionTarget("other@conference.example.org", "g4"), "g4");
  });

  it("knows a line both ways for replies: an occupant's as accepted, the bot's own by its reflection, with the nick that said it", async () => {
    const ids = new MucLineIds();
    ids.received("Dev@Conference.example.org", "room-5", "g5", { nick: "Juliet" });
    assert.equal(ids.answered(MUC, "room-5"), "g5", "at once, from memory");
    assert.deepEqual(await ids.lineOf(MUC, "g5"), { roomId: "room-5", nick: "Juliet" });
    ids.sent(MUC, "g6");
    const own = ids.lineOf(MUC, "g6");
    ids.echoed(reflection("g6", "room-6"), MUC, "bridge");
    assert.deepEqual(await own, { roomId: "room-6", nick: "bridge" });
    assert.equal(await ids.answered(MUC, "room-6"), "g6");
    assert.equal(ids.answered(MUC, "unknown"), undefined, "no line of this MUC: no reply");
    assert.equal(await ids.lineOf("other@conference.example.org", "g5"), undefined);
  });

  it("tells who said a line by occupant id where the MUC gives them, else by nick", () => {
    assert.equal(saidBy({ nick: "Juliet", occupantId: "a" }, { nick: "Jules", occupantId: "a" }), true, "the same occupant under another nick");
    assert.equal(saidBy({ nick: "Juliet", occupantId: "a" }, { nick: "Juliet", occupantId: "b" }), false, "someone who took her nick");
    assert.equal(saidBy({ nick: "Juliet", occupantId: "a" }, { nick: "Juliet" }), false, "the bot cannot tell");
    assert.equal(saidBy({ nick: "Juliet" }, { nick: "Juliet", occupantId: "b" }), true, "no occupant id then: the nick rule");
    assert.equal(saidBy({ nick: "Juliet" }, { nick: "Romeo" }), false);
  });

  it("takes a reflection's ids only for a line the bot sent: someone holding its nick while it is out names no line", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g9");
    ids.echoed(reflection("g9", "room-9"), MUC, "bridge");
    // The bot is out of the MUC (a reconnect, a kick) and someone else took its nick: their line, with the id of the
    // bot's earlier line as its stanza id, comes as if reflected.
    ids.echoed(reflection("g9", "mallory-line"), MUC, "bridge");
    ids.echoed(reflection("zzzz-forged", "mallory-2"), MUC, "bridge");
    assert.equal(await ids.retractionTarget(MUC, "g9"), "room-9");
    assert.equal(await ids.gatewayIdOf(MUC, "mallory-line"), undefined);
    assert.equal(await ids.lineOf(MUC, "zzzz-forged"), undefined);
  });

  describe("across a restart (kept in the store)", () => {
    let store: Store;
    beforeEach(() => {
      store = openSqliteStore(":memory:");
    });
    afterEach(() => store.close());

    it("finds the lines of before in the store, both ways, for the same account only", async () => {
      const before = new MucLineLog(store.mucLineIds, createLogger("silent"));
      const ids = new MucLineIds(before.of("xmpp", "bot"));
      ids.sent(MUC, "g7");
      ids.echoed(reflection("g7", "room-7"), MUC, "bridge");
      ids.received(MUC, "room-8", "g8", { nick: "Juliet", occupantId: "juliet-oid" });
      await before.drain();

      const after = new MucLineLog(store.mucLineIds, createLogger("silent"));
      const restarted = new MucLineIds(after.of("xmpp", "bot"));
      assert.equal(await restarted.retractionTarget("DEV@conference.example.org", "g7"), "room-7");
      assert.deepEqual(await restarted.lineOf(MUC, "g8"), { roomId: "room-8", nick: "Juliet", occupantId: "juliet-oid" });
      assert.equal(await restarted.gatewayIdOf(MUC, "room-8"), "g8");
      assert.equal(await restarted.answered(MUC, "room-7"), "g7");
      const otherAccount = new MucLineIds(after.of("xmpp", "other-bot"));
      assert.equal(await otherAccount.retractionTarget(MUC, "g7"), "g7");
      assert.equal(await otherAccount.answered(MUC, "room-8"), undefined);
    });

    it("answers after a restart only a line of that MUC: by the room's id or the bot's line's gateway id, never another id", async () => {
      const before = new MucLineLog(store.mucLineIds, createLogger("silent"));
      const ids = new MucLineIds(before.of("xmpp", "bot"));
      ids.sent(MUC, "g10");
      ids.echoed(reflection("g10", "room-10"), MUC, "bridge");
      await before.drain();
      const restarted = new MucLineIds(new MucLineLog(store.mucLineIds, createLogger("silent")).of("xmpp", "bot"));
      assert.equal(await restarted.answered(MUC, "room-10"), "g10");
      assert.equal(await restarted.answered(MUC, "g10"), "g10", "the bot's line by its own id");
      assert.equal(await restarted.answered("other@conference.example.org", "g10"), undefined, "another MUC's line");
      assert.equal(await restarted.answered(MUC, "g-never-relayed-here"), undefined, "a line of the bridged room this MUC never saw");
    });
  });

  it("answers only a line of that MUC: a line the bot relayed there by either id, none relayed elsewhere, no guessed gateway id", async () => {
    const ids = new MucLineIds();
    ids.sent(MUC, "g11");
    ids.echoed(reflection("g11", "room-11"), MUC, "bridge");
    ids.sent(MUC, "g12");
    ids.echoed(reflection("g12"), MUC, "bridge"); // a MUC that gives no stanza-ids: its clients name the line by its own id
    assert.equal(ids.answered(MUC, "room-11"), "g11");
    assert.equal(ids.answered(MUC, "g11"), "g11");
    assert.equal(ids.answered(MUC, "g12"), "g12");
    assert.equal(ids.answered("other@conference.example.org", "g11"), undefined);
    assert.equal(ids.answered(MUC, "00mjuv8k2w00000"), undefined, "a native line from before the bridge, by its guessable id");
  });
});
