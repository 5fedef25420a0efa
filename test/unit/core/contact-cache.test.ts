import assert from "node:assert/strict";
import { CachedContactStore } from "../../../src/core/contact-cache.js";
import { addressKey, makeAddress, type Address, type ProtocolId } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import type { ContactStore } from "../../../src/store/store.js";

/** A map-backed store that counts reads and can hold a read back until released. */
class CountingStore implements ContactStore {
  readonly rows = new Map<string, Contact>();
  reads = 0;
  held: (() => void) | undefined;
  hold = false;

  private key(owner: Address, address: Address): string {
    return `${addressKey(owner)} ${addressKey(address)}`;
  }
  async list(owner: Address): Promise<Contact[]> {
    return [...this.rows.values()].filter((row) => addressKey(row.owner) === addressKey(owner));
  }
  async get(owner: Address, address: Address): Promise<Contact | undefined> {
    this.reads++;
    const row = this.rows.get(this.key(owner, address));
    if (this.hold) await new Promise<void>((resolve) => (this.held = resolve));
    return row;
  }
  async countKept(owner: Address): Promise<number> {
    return (await this.list(owner)).length;
  }
  async put(contact: Contact): Promise<void> {
    this.rows.set(this.key(contact.owner, contact.address), contact);
  }
  async remove(owner: Address, address: Address): Promise<boolean> {
    return this.rows.delete(this.key(owner, address));
  }
  async listByAddress(address: Address): Promise<Contact[]> {
    return [...this.rows.values()].filter((row) => addressKey(row.address) === addressKey(address));
  }
  async listOnNetwork(protocol: ProtocolId, account: string): Promise<Contact[]> {
    return [...this.rows.values()].filter((row) => row.address.protocol === protocol && row.address.account === account);
  }
  async removeOnNetwork(protocol: ProtocolId, account: string): Promise<number> {
    const doomed = await this.listOnNetwork(protocol, account);
    for (const row of doomed) this.rows.delete(this.key(row.owner, row.address));
    return doomed.length;
  }
}

const alice = makeAddress("native", "default", "alice");
const juliet = makeAddress("xmpp", "default", "juliet@localhost");

function contact(subscription: Contact["subscription"]): Contact {
  return { owner: alice, address: juliet, name: "juliet", subscription, pendingOut: false, pendingIn: false };
}

describe("the contact cache", () => {
  it("answers a repeated read, present or absent, without asking the store again", async () => {
    const store = new CountingStore();
    const cache = new CachedContactStore(store);
    assert.equal(await cache.get(alice, juliet), undefined);
    assert.equal(await cache.get(alice, juliet), undefined);
    await store.put(contact("both"));
    await cache.get(juliet, alice);
    assert.equal(store.reads, 2, "one read per entry");
  });

  it("sees its own writes: put, remove and removal of a whole network", async () => {
    const store = new CountingStore();
    const cache = new CachedContactStore(store);
    assert.equal(await cache.get(alice, juliet), undefined);
    await cache.put(contact("to"));
    assert.equal((await cache.get(alice, juliet))?.subscription, "to");
    await cache.put(contact("both"));
    assert.equal((await cache.get(alice, juliet))?.subscription, "both");
    assert.equal(await cache.remove(alice, juliet), true);
    assert.equal(await cache.get(alice, juliet), undefined);
    await cache.put(contact("both"));
    assert.equal(await cache.removeOnNetwork("xmpp", "default"), 1);
    assert.equal(await cache.get(alice, juliet), undefined);
  });

  it("does not cache a read that a write overtook", async () => {
    const store = new CountingStore();
    const cache = new CachedContactStore(store);
    store.hold = true;
    const staleRead = cache.get(alice, juliet);
    store.hold = false;
    await cache.put(contact("both"));
    store.held?.();
    assert.equal(await staleRead, undefined, "the read saw the store before the write");
    assert.equal((await cache.get(alice, juliet))?.subscription, "both");
  });
});
