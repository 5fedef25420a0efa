/**
 * core/message-of-the-day.ts: set keeps the text (as JSON, read back by load) before anyone is shown it, and shows it
 * to the users online only when told to (set-motd, not edit-motd); a text out of the rules or anyone not an admin
 * changes nothing; clear forgets it; a kept value that cannot be read is left out, not fatal.
 */
import assert from "node:assert/strict";
import type { Announcement } from "../../../src/core/announcements.js";
import { hasErrorCode } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { MessageOfTheDay, MOTD_SETTING } from "../../../src/core/message-of-the-day.js";
import { addressKey, parseAddress } from "../../../src/core/model/address.js";
import type { GatewaySettingStore } from "../../../src/store/store.js";

const admin = parseAddress("xmpp:op@example.org");
const NOW = 1767225600000;

function memorySettings(kept: Map<string, string>): GatewaySettingStore {
  return {
    get: async (name) => kept.get(name),
    put: async (name, value) => {
      kept.set(name, value);
    },
    remove: async (name) => kept.delete(name),
  };
}

describe("message of the day (core/message-of-the-day.ts)", () => {
  let kept: Map<string, string>;
  let shown: Announcement[];
  const make = (): MessageOfTheDay =>
    new MessageOfTheDay({
      settings: memorySettings(kept),
      isAdmin: (address) => addressKey(address) === addressKey(admin),
      broadcast: (announcement) => {
        shown.push(announcement);
        return { users: 2, sessions: 3 };
      },
      log: createLogger("silent"),
      now: () => NOW,
    });

  beforeEach(() => {
    kept = new Map();
    shown = [];
  });

  it("keeps what set gives, shows it to the users online only when told to, and a new start reads it back", async () => {
    const motd = make();
    assert.deepEqual(await motd.set(admin, { subject: "Welcome", body: "be kind" }, { tellOnline: true }), { users: 2, sessions: 3 });
    const expected = { from: admin, subject: "Welcome", body: "be kind", timestamp: NOW, motd: true };
    assert.deepEqual(shown, [expected]);
    assert.deepEqual(motd.current(), expected);
    assert.deepEqual(await motd.set(admin, { subject: "", body: "be kinder" }, { tellOnline: false }), { users: 0, sessions: 0 });
    assert.equal(shown.length, 1, "an edit shows nothing now");
    const restarted = make();
    await restarted.load();
    assert.deepEqual(restarted.current(), { from: admin, body: "be kinder", timestamp: NOW, motd: true });
    assert.equal(await restarted.clear(admin), true);
    assert.equal(kept.has(MOTD_SETTING), false);
    assert.equal(restarted.current(), undefined);
    assert.equal(await restarted.clear(admin), false);
  });

  it("refuses anyone not an admin and a text out of the rules, changing nothing", async () => {
    const motd = make();
    const other = parseAddress("native:mallory");
    await assert.rejects(motd.set(other, { body: "pizza" }, { tellOnline: true }), (error) => hasErrorCode(error, "GW_ERR_FORBIDDEN"));
    await assert.rejects(motd.get(other), (error) => hasErrorCode(error, "GW_ERR_FORBIDDEN"));
    await assert.rejects(motd.clear(other), (error) => hasErrorCode(error, "GW_ERR_FORBIDDEN"));
    await assert.rejects(motd.set(admin, { body: " " }, { tellOnline: true }), (error) => hasErrorCode(error, "GW_ERR_BAD_FRAME"));
    assert.deepEqual([shown, [...kept], motd.current()], [[], [], undefined]);
  });

  it("leaves out a kept value it cannot read", async () => {
    kept.set(MOTD_SETTING, "{not json");
    const motd = make();
    await motd.load();
    assert.equal(motd.current(), undefined);
    kept.set(MOTD_SETTING, JSON.stringify({ body: 3 }));
    await motd.load();
    assert.equal(motd.current(), undefined);
  });
});
