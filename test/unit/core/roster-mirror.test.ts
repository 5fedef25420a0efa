import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { Roster } from "../../../src/core/roster.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { FakeAccount } from "./fake-account.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const juliet = parseAddress("xmpp://u.alice/juliet@example.org");
const nurse = parseAddress("xmpp://u.alice/nurse@example.org");
const tybalt = parseAddress("xmpp://u.alice/tybalt@example.org");
const elsewhere = parseAddress("xmpp:romeo@example.org");

function entry(address: typeof juliet, fields: Partial<Contact> = {}): Contact {
  return { owner: alice, address, name: address.id, subscription: "none", pendingOut: false, pendingIn: false, ...fields };
}

describe("Roster with a person's own account (linked accounts)", () => {
  let store: Store;
  let roster: Roster;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    registry.register(new FakeAccount({ owner: alice, account: "u.alice", login: "alice@example.org", password: "x", service: "xmpps://example.org" }));
    const log = createLogger("silent");
    roster = new Roster(store.contacts, store.sentRequests, registry, new PresenceHub(store.contacts, registry, log), log);
  });

  afterEach(async () => {
    await store.close();
  });

  it("mirrors the network's list: adds and updates entries, removes those it no longer has, on that account only", async () => {
    await store.contacts.put(entry(tybalt, { subscription: "both" }));
    await store.contacts.put(entry(nurse, { pendingIn: true }));
    await store.contacts.put(entry(elsewhere, { subscription: "to" }));
    await store.contacts.put(entry(bob, { subscription: "both" }));
    await roster.mirrorAll(alice, "xmpp", "u.alice", [entry(juliet, { name: "Juliet", subscription: "both" }), entry(nurse, { subscription: "to", pendingOut: true })]);
    assert.deepEqual(await store.contacts.list(alice), [
      entry(bob, { subscription: "both" }),
      entry(juliet, { name: "Juliet", subscription: "both" }),
      entry(nurse, { subscription: "to", pendingOut: true, pendingIn: true }),
      entry(elsewhere, { subscription: "to" }),
    ]);
  });

  it("keeps a request the owner has not answered when a push updates the entry, and forgets a removed one", async () => {
    await store.contacts.put(entry(nurse, { pendingIn: true }));
    await roster.mirror(entry(nurse, { subscription: "from" }));
    assert.deepEqual(await store.contacts.get(alice, nurse), entry(nurse, { subscription: "from", pendingIn: true }));
    await roster.forget(alice, nurse);
    assert.equal(await store.contacts.get(alice, nurse), undefined);
  });

  it("lets nobody but the owner add, subscribe to or be subscribed by the account's contacts", async () => {
    await assert.rejects(roster.add(bob, juliet), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(roster.handle({ from: bob, to: juliet, action: "request" }), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(roster.handle({ from: juliet, to: bob, action: "request" }), { code: "GW_ERR_FORBIDDEN" });
    assert.deepEqual(await store.contacts.list(bob), []);
    await roster.add(alice, juliet, "Juliet");
    await roster.handle({ from: juliet, to: alice, action: "request" });
    assert.equal((await store.contacts.get(alice, juliet))?.pendingIn, true);
  });
});
