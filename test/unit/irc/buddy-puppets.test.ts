import assert from "node:assert/strict";
import { BuddyPuppets } from "../../../src/adapters/irc/buddy-puppets.js";
import type { Puppet } from "../../../src/adapters/irc/puppet.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Presence, Show } from "../../../src/core/model/presence.js";

const bob = parseAddress("native:bob");
const aliceNick = parseAddress("irc://libera/AliceNick");
const mallory = parseAddress("irc://libera/mallory");

function presence(show: Show, status = ""): Presence {
  return { from: bob, show, status, priority: 0, since: 1 };
}

/** The part of the puppet pool BuddyPuppets drives, recording its calls. */
class FakePool {
  readonly calls: string[] = [];
  keep(person: Address, on: boolean): void {
    this.calls.push(`keep ${addressKey(person)} ${String(on)}`);
  }
  setPresence(presence: Presence): void {
    this.calls.push(`presence ${presence.show}`);
  }
  async puppetFor(person: Address): Promise<Puppet> {
    this.calls.push(`connect ${addressKey(person)}`);
    return new Promise(() => undefined);
  }
  of(): Puppet | undefined {
    return undefined;
  }
}

describe("BuddyPuppets (a person's buddy list as IRC puppets for their linked nick)", () => {
  let pool: FakePool;
  let buddies: BuddyPuppets;

  beforeEach(() => {
    pool = new FakePool();
    buddies = new BuddyPuppets({ pool, nickFor: (person) => `${person.id}[sb]`, log: createLogger("silent") });
  });

  it("keeps a shown contact's puppet connected while the nick is told they are online, and lets it go offline", () => {
    buddies.show(aliceNick, bob, "Bob", "offered");
    buddies.presence(presence("away", "lunch"), mallory);
    assert.deepEqual(pool.calls, [], "a presence for someone else's nick changes nothing");
    buddies.presence(presence("away", "lunch"), parseAddress("irc://libera/alicenick"));
    buddies.presence(presence("offline"), aliceNick);
    assert.deepEqual(pool.calls, ["keep native:bob true", "presence away", "connect native:bob", "keep native:bob false", "presence offline"]);
  });

  it("lists the contacts shown to a nick with their puppet and status, and stops at the withdrawal", () => {
    assert.equal(buddies.list("alicenick"), undefined);
    buddies.show(aliceNick, bob, "Bob", "offered");
    assert.deepEqual(buddies.list("ALICENICK"), ["bob[sb] (Bob, native:bob): not shared"]);
    buddies.presence(presence("dnd", "in a meeting"), aliceNick);
    assert.deepEqual(buddies.list("alicenick"), ["bob[sb] (Bob, native:bob): dnd: in a meeting"]);
    assert.equal(buddies.list("mallory"), undefined);
    buddies.show(aliceNick, bob, "Bob", "withdrawn");
    assert.equal(buddies.list("alicenick"), undefined);
    assert.equal(pool.calls.at(-1), "keep native:bob false");
  });
});
