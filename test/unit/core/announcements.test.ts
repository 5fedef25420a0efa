/**
 * core/announcements.ts: an admin's announcement goes to every adapter that shows announcements, once, with its
 * subject only when given, and the answer sums whom they reached; anyone else is refused before the text is read, and
 * a text out of the rules (announcementProblem) reaches nobody.
 */
import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { announcementProblem, Announcements, describeReach, type Announcement } from "../../../src/core/announcements.js";
import { hasErrorCode } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress } from "../../../src/core/model/address.js";

const admin = parseAddress("xmpp:op@example.org");
const NOW = 1767225600000;

function announcing(protocol: "native" | "irc", shown: Announcement[], reach?: { users: number; sessions: number }): Adapter {
  const adapter: Partial<Adapter> = { protocol, account: "default", capabilities: {} as Adapter["capabilities"] };
  if (reach !== undefined) {
    adapter.announce = (announcement) => {
      shown.push(announcement);
      return reach;
    };
  }
  return adapter as Adapter;
}

describe("announcements (core/announcements.ts)", () => {
  it("says how many were told in the singular and the plural", () => {
    assert.equal(describeReach({ users: 1, sessions: 1 }), "1 user online (1 session)");
    assert.equal(describeReach({ users: 2, sessions: 3 }), "2 users online (3 sessions)");
    assert.equal(describeReach({ users: 0, sessions: 0 }), "0 users online (0 sessions)");
  });

  let shown: Announcement[];
  let announcements: Announcements;

  beforeEach(() => {
    shown = [];
    const registry = new AdapterRegistry();
    registry.register(announcing("native", shown, { users: 2, sessions: 3 }));
    registry.register(announcing("irc", shown));
    announcements = new Announcements({ registry, isAdmin: (address) => addressKey(address) === addressKey(admin), log: createLogger("silent"), now: () => NOW });
  });

  it("shows an admin's announcement where announcements are shown, and sums whom it reached", async () => {
    assert.deepEqual(await announcements.announce(admin, { subject: "Maintenance", body: "at 22:00\n\tfive minutes" }), { users: 2, sessions: 3 });
    assert.deepEqual(await announcements.announce(admin, { subject: "", body: "no subject" }), { users: 2, sessions: 3 });
    assert.deepEqual(shown, [
      { from: admin, subject: "Maintenance", body: "at 22:00\n\tfive minutes", timestamp: NOW },
      { from: admin, body: "no subject", timestamp: NOW },
    ]);
  });

  it("refuses anyone not an admin, even with a text out of the rules, and shows nothing", async () => {
    await assert.rejects(announcements.announce(parseAddress("native:mallory"), { body: "" }), (error: unknown) => hasErrorCode(error, "GW_ERR_FORBIDDEN"));
    await assert.rejects(announcements.announce(admin, { body: "bell\u0007" }), (error: unknown) => hasErrorCode(error, "GW_ERR_BAD_FRAME"));
    assert.deepEqual(shown, []);
  });

  it("takes a text of 1 to 4000 characters, lines and tabs but no other control characters, and a one-line subject", () => {
    assert.equal(announcementProblem({ body: "x".repeat(4000), subject: "s".repeat(200) }), undefined);
    assert.equal(announcementProblem({ body: "😀".repeat(4000) }), undefined, "characters, not UTF-16 units");
    for (const text of [{ body: "" }, { body: " \n\t" }, { body: "x".repeat(4001) }, { body: "cr\r\nlf" }, { body: "nul\u0000" }, { body: "c1\u0085" }, { body: "ok", subject: "two\nlines" }, { body: "ok", subject: "s".repeat(201) }]) {
      assert.notEqual(announcementProblem(text), undefined, JSON.stringify(text));
    }
  });
});
