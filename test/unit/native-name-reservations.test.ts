import assert from "node:assert/strict";
import { AdapterRegistry } from "../../src/core/adapter-registry.js";
import type { IdentityService } from "../../src/core/identities.js";
import { parseAddress, sameAddress, type Address } from "../../src/core/model/address.js";
import { nativeNameReservations } from "../../src/native-name-reservations.js";
import type { AccountStore } from "../../src/store/store.js";

describe("Switchboard users' names reserved as nicks", () => {
  const names = new Set(["alice"]);
  let asked = 0;
  let now = 0;
  const accounts = {
    get: async (name: string) => {
      asked += 1;
      return names.has(name) ? { name, passwordHash: "", displayName: name, createdAt: 0 } : undefined;
    },
  } as unknown as AccountStore;
  const julietLinkedToAlice = parseAddress("xmpp:juliet@example.org");
  const identities = { personOf: (address: Address) => (sameAddress(address, julietLinkedToAlice) ? parseAddress("native:alice") : undefined) } as unknown as IdentityService;
  const reservations = nativeNameReservations(accounts, identities, new AdapterRegistry(), () => now);

  it("finds the user a nick is the name of, however it is written, and only user names", async () => {
    for (const nick of ["alice", "ALICE", "ａｌｉｃｅ", "al ice"]) assert.equal((await reservations.holderOf(nick))?.id, "alice", nick);
    for (const nick of ["bob", "#alice", "alice%libera"]) assert.equal(await reservations.holderOf(nick), undefined, nick);
  });

  it("lets the user and their linked accounts use it, nobody else", () => {
    const alice = parseAddress("native:alice");
    assert.equal(reservations.mayUse(alice, alice), true);
    assert.equal(reservations.mayUse(julietLinkedToAlice, alice), true);
    assert.equal(reservations.mayUse(parseAddress("irc://libera/alice"), alice), false);
  });

  it("answers a relayed line's question from the last half minute, a join's from the store", async () => {
    names.delete("carol");
    await reservations.holderOf("carol", { recent: true });
    names.add("carol");
    const before = asked;
    assert.equal(await reservations.holderOf("carol", { recent: true }), undefined, "registered since: not yet seen");
    assert.equal(asked, before, "not asked again");
    assert.equal((await reservations.holderOf("carol"))?.id, "carol", "a join asks the store");
    names.delete("dave");
    await reservations.holderOf("dave", { recent: true });
    names.add("dave");
    now += 31_000;
    assert.equal((await reservations.holderOf("dave", { recent: true }))?.id, "dave", "half a minute later");
  });

  it("answers for a name registered at once, whatever it answered of it before", async () => {
    names.delete("erin");
    await reservations.holderOf("erin", { recent: true });
    names.add("erin");
    reservations.registered("erin");
    assert.equal((await reservations.holderOf("erin", { recent: true }))?.id, "erin");
  });
});
