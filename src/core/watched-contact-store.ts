/**
 * The contact store, telling each change of an entry as it is written (core/buddy-list-changes.ts shows it to the
 * list's owner). Every write of a buddy list goes through here, whoever makes it; a write that leaves an entry as it
 * was (a roster push repeating what the list has) is no change. Reads go straight to the store below (the cache).
 */
import type { Address, ProtocolId } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import type { ContactStore } from "../store/store.js";

/** A write changed the entry (owner's list, address); `existedBefore`: the entry was in the list before it. */
export type ContactWritten = (owner: Address, address: Address, existedBefore: boolean) => void;

function sameEntry(a: Contact, b: Contact): boolean {
  return a.name === b.name && a.subscription === b.subscription && a.pendingOut === b.pendingOut && a.pendingIn === b.pendingIn;
}

export class WatchedContactStore implements ContactStore {
  constructor(
    private readonly store: ContactStore,
    private readonly written: ContactWritten,
  ) {}

  list(owner: Address): Promise<Contact[]> {
    return this.store.list(owner);
  }

  get(owner: Address, address: Address): Promise<Contact | undefined> {
    return this.store.get(owner, address);
  }

  async put(contact: Contact): Promise<void> {
    const before = await this.store.get(contact.owner, contact.address);
    await this.store.put(contact);
    if (before === undefined || !sameEntry(before, contact)) this.written(contact.owner, contact.address, before !== undefined);
  }

  async remove(owner: Address, address: Address): Promise<boolean> {
    const removed = await this.store.remove(owner, address);
    if (removed) this.written(owner, address, true);
    return removed;
  }

  listByAddress(address: Address): Promise<Contact[]> {
    return this.store.listByAddress(address);
  }

  listOnNetwork(protocol: ProtocolId, account: string): Promise<Contact[]> {
    return this.store.listOnNetwork(protocol, account);
  }

  /** The entries of the network's addresses are told removed (those its own addresses owned are nobody's to show). */
  async removeOnNetwork(protocol: ProtocolId, account: string): Promise<number> {
    const entries = await this.store.listOnNetwork(protocol, account);
    const removed = await this.store.removeOnNetwork(protocol, account);
    for (const entry of entries) this.written(entry.owner, entry.address, true);
    return removed;
  }

  countKept(owner: Address): Promise<number> {
    return this.store.countKept(owner);
  }
}
