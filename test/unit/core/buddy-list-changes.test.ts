import assert from "node:assert/strict";
import type { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { BuddyListChanges, linkChanges, shownChanges, type BuddyListChange } from "../../../src/core/buddy-list-changes.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, formatAddress, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { ContactView } from "../../../src/core/model/contact.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const dave = makeAddress("native", "default", "dave");
const daveIrc = makeAddress("irc", "libera", "dave");

function entry(address: Address, subscription: ContactView["subscription"] = "none"): ContactView {
  return { owner: alice, address, name: address.id, subscription, pendingOut: false, pendingIn: false };
}

/** dave's IRC nick is linked to him. */
const personOf = (address: Address): Address | undefined => (addressKey(address) === addressKey(daveIrc) ? dave : undefined);

/** Each change as [kind, address shown, merged accounts]. */
function shown(changes: readonly BuddyListChange[]): unknown[][] {
  return changes.map((change) =>
    "removed" in change ? ["removed", formatAddress(change.removed)] : ["entry", formatAddress(change.entry.address), (change.entry.accounts ?? []).map(formatAddress)],
  );
}

describe("shownChanges: a buddy list's written entries as its owner's contact list shows them", () => {
  it("shows a new or changed entry as it is now, and a removed one as removed", () => {
    assert.deepEqual(shown(shownChanges([entry(bob, "to")], [{ address: bob, existedBefore: false }], personOf)), [["entry", "native:bob", []]]);
    assert.deepEqual(shown(shownChanges([], [{ address: bob, existedBefore: true }], personOf)), [["removed", "native:bob"]]);
  });

  it("shows nothing for an entry written and removed again within one change, which the list never showed", () => {
    assert.deepEqual(shownChanges([], [{ address: bob, existedBefore: false }], personOf), []);
  });

  it("shows a person's second account merged into the person's entry, the account alone before told removed", () => {
    const changes = shownChanges([entry(dave), entry(daveIrc, "to")], [{ address: dave, existedBefore: false }], personOf);
    assert.deepEqual(shown(changes), [
      ["removed", "irc://libera/dave"],
      ["entry", "native:dave", ["irc://libera/dave"]],
    ]);
  });

  it("shows an account left alone where it is, the person's entry before told removed", () => {
    const changes = shownChanges([entry(daveIrc)], [{ address: dave, existedBefore: true }], personOf);
    assert.deepEqual(shown(changes), [
      ["removed", "native:dave"],
      ["entry", "irc://libera/dave", []],
    ]);
  });

  it("shows a person's entry changed in one of its accounts as the one merged entry", () => {
    const changes = shownChanges([entry(dave), entry(daveIrc, "to"), entry(bob)], [{ address: daveIrc, existedBefore: true }], personOf);
    assert.deepEqual(shown(changes), [["entry", "native:dave", ["irc://libera/dave"]]]);
  });
});

describe("linkChanges: a buddy list's entries of a person as a link or unlink merges them anew", () => {
  const nobody = (): undefined => undefined;

  it("at a link, shows the accounts merged into the person's entry, each told removed", () => {
    const changes = linkChanges([entry(dave), entry(daveIrc, "to")], nobody, personOf);
    assert.deepEqual(shown(changes), [
      ["removed", "irc://libera/dave"],
      ["entry", "native:dave", ["irc://libera/dave"]],
    ]);
  });

  it("at an unlink, splits the person's entry back into the entries of its addresses", () => {
    assert.deepEqual(shown(linkChanges([entry(dave), entry(daveIrc, "to")], personOf, nobody)), [
      ["entry", "native:dave", []],
      ["entry", "irc://libera/dave", []],
    ]);
    // Without the person's own address, the merged entry was at it: told removed.
    const daveXmpp = makeAddress("xmpp", "component", "dave@example.org");
    const bothLinked = (address: Address): Address | undefined => (addressKey(address) === addressKey(dave) ? undefined : dave);
    assert.deepEqual(shown(linkChanges([entry(daveIrc), entry(daveXmpp)], bothLinked, personOf)), [
      ["removed", "native:dave"],
      ["entry", "irc://libera/dave", []],
      ["entry", "xmpp://component/dave@example.org", []],
    ]);
  });

  it("shows nothing when the list holds one address of the person, shown where it was", () => {
    assert.deepEqual(linkChanges([entry(daveIrc)], nobody, personOf), []);
    assert.deepEqual(linkChanges([entry(dave)], personOf, nobody), []);
  });
});

describe("BuddyListChanges", () => {
  /** Changes worked out over `list`, shown to alice while `following`; each show resolves the next `shown` waiter. */
  function harness(): { changes: BuddyListChanges; list: ContactView[]; following: { now: boolean }; shows: BuddyListChange[][]; nextShow: () => Promise<BuddyListChange[]> } {
    const list: ContactView[] = [];
    const following = { now: true };
    const shows: BuddyListChange[][] = [];
    const waiting: ((changes: BuddyListChange[]) => void)[] = [];
    const adapter = {
      followsBuddyList: (): boolean => following.now,
      showBuddyListChanges: (_owner: Address, changes: readonly BuddyListChange[]): void => {
        shows.push([...changes]);
        waiting.shift()?.([...changes]);
      },
    };
    const registry = { for: () => adapter } as unknown as AdapterRegistry;
    // The entries at an address: alice's only, as her list holds them.
    const entriesAt = async (address: Address): Promise<ContactView[]> => list.filter((kept) => addressKey(kept.address) === addressKey(address));
    const changes = new BuddyListChanges({ registry, list: async () => [...list], personOf, linkedTo: () => [daveIrc], entriesAt, log: createLogger("silent") });
    return { changes, list, following, shows, nextShow: () => new Promise((resolve) => waiting.push(resolve)) };
  }

  it("shows the writes of one operation once it is over, however long it waited between them", async () => {
    const { changes, list, shows, nextShow } = harness();
    const shown = nextShow();
    await changes.batch([alice, bob], async () => {
      list.push(entry(bob));
      changes.noted(alice, bob, false);
      // Turns of the event loop pass between the two writes, as while a network's answer is awaited.
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      list[0] = entry(bob, "to");
      changes.noted(alice, bob, true);
    });
    assert.deepEqual((await shown).map((change) => ("entry" in change ? change.entry.subscription : "removed")), ["to"]);
    // A later write alone is shown alone: nothing of the operation was left to show.
    const later = nextShow();
    list.length = 0;
    changes.noted(alice, bob, true);
    assert.deepEqual((await later).map((change) => ("removed" in change ? formatAddress(change.removed) : "entry")), ["native:bob"]);
    assert.equal(shows.length, 2);
  });

  it("works nothing out for an owner nobody follows now", async () => {
    const { changes, list, following, shows, nextShow } = harness();
    following.now = false;
    list.push(entry(bob));
    changes.noted(alice, bob, false);
    await new Promise((resolve) => setImmediate(resolve));
    following.now = true;
    const shown = nextShow();
    changes.noted(alice, dave, false);
    list.push(entry(dave));
    assert.deepEqual((await shown).map((change) => ("entry" in change ? formatAddress(change.entry.address) : "removed")), ["native:dave"]);
    assert.equal(shows.length, 1);
  });

  it("shows a link to an owner whose list holds the person's accounts, found by address", async () => {
    const { changes, list, shows } = harness();
    list.push(entry(dave), entry(daveIrc), entry(bob));
    await changes.linkChanged(dave, daveIrc, true);
    assert.deepEqual(shows.map(shown), [
      [
        ["removed", "irc://libera/dave"],
        ["entry", "native:dave", ["irc://libera/dave"]],
      ],
    ]);
  });
});
