import assert from "node:assert/strict";
import { AccountContactPresence } from "../../../src/adapters/xmpp/account-contact-presence.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";
import type { Presence, Show } from "../../../src/core/model/presence.js";

const juliet = makeAddress("xmpp", "u.alice", "juliet@example.org");
const romeo = makeAddress("xmpp", "u.alice", "romeo@example.org");

function presenceOf(from: Address, show: Show): Presence {
  return { from, show, status: "", priority: 0, since: 1 };
}

describe("a linked account's contacts' presence (AccountContactPresence)", () => {
  let reported: Presence[];
  let roster: Set<string>;
  let presences: AccountContactPresence;

  beforeEach(() => {
    reported = [];
    roster = new Set([juliet.id]);
    presences = new AccountContactPresence((presence) => reported.push(presence), (address) => roster.has(address.id));
  });

  it("reports the presence of a roster contact, aggregated over her resources", () => {
    assert.equal(presences.update("phone", presenceOf(juliet, "away")), true);
    presences.update("laptop", presenceOf(juliet, "chat"));
    assert.deepEqual(reported.map((presence) => presence.show), ["away", "chat"]);
  });

  it("ignores and keeps nothing of anyone not on the roster, which XMPP lets a server send from any number of JIDs", () => {
    for (let i = 0; i < 50; i++) {
      const stranger = makeAddress("xmpp", "u.alice", `u${i}@evil.example`);
      assert.equal(presences.update("r", presenceOf(stranger, "dnd")), false);
      assert.equal(presences.update("r", presenceOf(stranger, "offline")), false);
    }
    presences.forget();
    assert.deepEqual(reported, [], "nobody was reported, not even offline at the end");
  });

  it("follows the roster, and still takes the end of a presence reported before its contact left the roster", () => {
    assert.equal(presences.update("r", presenceOf(romeo, "chat")), false);
    roster.add(romeo.id);
    assert.equal(presences.update("r", presenceOf(romeo, "chat")), true);
    roster.delete(romeo.id);
    assert.equal(presences.update("r", presenceOf(romeo, "dnd")), false, "no new presence once off the roster");
    assert.equal(presences.update("r", presenceOf(romeo, "offline")), true, "but its end is taken");
    assert.deepEqual(reported.map((presence) => presence.show), ["chat", "offline"]);
  });

  it("reports everyone reported offline at the end of a connection, once", () => {
    presences.update("phone", presenceOf(juliet, "away"));
    presences.forget();
    presences.forget();
    assert.deepEqual(reported.map((presence) => `${presence.from.id} ${presence.show}`), ["juliet@example.org away", "juliet@example.org offline"]);
  });
});
