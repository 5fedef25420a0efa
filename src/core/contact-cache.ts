/**
 * A write-through cache of single buddy-list entries in front of the contact store. The router asks "is A in
 * B's list, with which subscription?" for every presence fan-out, probe and (with the XMPP component's default
 * policy) every message from XMPP; each answer was a SQLite query. Every change of a buddy list goes through
 * this object (one daemon per database, enforced by the store's lock), so the cache cannot go stale: puts and
 * removes update it, and a bulk removal empties it, as does the removal of a deleted account (invalidate). Absent entries are cached too; past MAX_ENTRIES the cache is
 * emptied and fills again from the store. A read that was overtaken by a write is not cached (`writes`).
 */
import { addressKey, type Address, type ProtocolId } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import type { ContactStore } from "../store/store.js";

const MAX_ENTRIES = 100_000;

function entryKey(owner: Address, address: Address): string {
  return `${addressKey(owner)} ${addressKey(address)}`;
}

export class CachedContactStore implements ContactStore {
  private readonly entries = new Map<string, Contact | null>();
  /** Counts writes, so that a read which a write overtook does not cache what it read before the write. */
  private writes = 0;

  constructor(private readonly store: ContactStore) {}

  list(owner: Address): Promise<Contact[]> {
    return this.store.list(owner);
  }

  async get(owner: Address, address: Address): Promise<Contact | undefined> {
    const key = entryKey(owner, address);
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const writesBefore = this.writes;
    const contact = await this.store.get(owner, address);
    if (this.writes === writesBefore) this.remember(key, contact ?? null);
    return contact;
  }

  async put(contact: Contact): Promise<void> {
    const key = entryKey(contact.owner, contact.address);
    this.writes++;
    this.entries.delete(key);
    await this.store.put(contact);
    this.remember(key, contact);
  }

  async remove(owner: Address, address: Address): Promise<boolean> {
    const key = entryKey(owner, address);
    this.writes++;
    this.entries.delete(key);
    const removed = await this.store.remove(owner, address);
    this.remember(key, null);
    return removed;
  }

  listByAddress(address: Address): Promise<Contact[]> {
    return this.store.listByAddress(address);
  }

  countKept(owner: Address): Promise<number> {
    return this.store.countKept(owner);
  }

  listOnNetwork(protocol: ProtocolId, account: string): Promise<Contact[]> {
    return this.store.listOnNetwork(protocol, account);
  }

  async removeOnNetwork(protocol: ProtocolId, account: string): Promise<number> {
    this.writes++;
    this.entries.clear();
    const removed = await this.store.removeOnNetwork(protocol, account);
    this.entries.clear();
    return removed;
  }

  /** The store changed underneath (a deleted account's entries removed with the rest of it): everything is read again. */
  invalidate(): void {
    this.writes++;
    this.entries.clear();
  }

  private remember(key: string, contact: Contact | null): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, contact);
  }
}
