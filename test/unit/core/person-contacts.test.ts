import assert from "node:assert/strict";
import { parseAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { ContactView } from "../../../src/core/model/contact.js";
import type { Show } from "../../../src/core/model/presence.js";
import { mergePersons } from "../../../src/core/person-contacts.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const bobIrc = parseAddress("irc://libera/bobby");
const bobXmpp = parseAddress("xmpp:bob@example.org");
const carol = parseAddress("native:carol");
const personOf = (address: Address): Address | undefined => (sameAddress(address, bobIrc) || sameAddress(address, bobXmpp) ? bob : undefined);

function entry(address: Address, fields: Partial<ContactView> = {}, show?: Show): ContactView {
  return {
    owner: alice,
    address,
    name: address.id,
    subscription: "none",
    pendingOut: false,
    pendingIn: false,
    ...(show === undefined ? {} : { presence: { from: address, show, status: show, priority: 0, since: 1 } }),
    ...fields,
  };
}

describe("mergePersons (one buddy-list entry per person)", () => {
  it("merges a person's addresses into one entry at the person's address, with the most available presence she may see", () => {
    const merged = mergePersons(
      [entry(bob, { name: "Bob", subscription: "from" }), entry(carol, {}, undefined), entry(bobIrc, { subscription: "to" }, "away"), entry(bobXmpp, { subscription: "to", pendingOut: true }, "dnd")],
      personOf,
    );
    assert.deepEqual(merged.map((contact) => contact.address), [bob, carol]);
    const [person] = merged;
    assert.equal(person?.name, "Bob", "the person's own entry names it");
    assert.equal(person?.subscription, "both", "she sees some of bob's accounts and bob sees her");
    assert.equal(person?.pendingOut, true);
    assert.deepEqual([person?.presence?.from, person?.presence?.show], [bob, "dnd"], "dnd beats away");
    assert.deepEqual(person?.accounts, [bobIrc, bobXmpp]);
  });

  it("keeps a lone entry as it is, and an entry she may not see without presence", () => {
    const lone = entry(bobIrc, { subscription: "to" }, "away");
    assert.deepEqual(mergePersons([lone], personOf), [lone]);
    const [merged] = mergePersons([entry(bob), entry(bobIrc)], personOf);
    assert.equal(merged?.presence, undefined);
    assert.equal(merged?.subscription, "none");
  });
});
