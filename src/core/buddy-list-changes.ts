/**
 * Buddy-list changes shown to their owner while they follow the list (a native user's sessions: the `contact` and
 * `contact.removed` pushes), so that a user's several clients stay in step without asking for the list again.
 *
 * Every write of a buddy list goes through the contact store (core/watched-contact-store.ts notes each one here,
 * whatever made it: a session, the contact's answer, a linked account's roster push, an account deletion, an
 * unlink). One change of the list is often several writes (contact.remove withdraws, refuses, then removes), so the
 * writes of one operation are gathered: the roster runs its operations in `batch`, and what is noted outside any
 * batch is gathered until the current turn of the event loop is over. Then the owner is shown each entry the writes
 * touched as `contact.list` would show it now (one entry per person, core/person-contacts.ts), or its removal: one
 * push per entry for one operation, never one per write.
 */
import { isDeepStrictEqual } from "node:util";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { ContactView } from "./model/contact.js";
import { mergePersons, type PersonContactView } from "./person-contacts.js";
import { SerialByKey } from "../util/serial-by-key.js";

/** An entry of a buddy list as its owner's contact list shows it now, or the address of an entry shown no more. */
export type BuddyListChange = { readonly entry: PersonContactView } | { readonly removed: Address };

/** An entry (owner's list, address) that a write changed, and whether it was in the list before the first such write. */
export interface ChangedEntry {
  readonly address: Address;
  readonly existedBefore: boolean;
}

/**
 * What the owner is to be shown, given their list now (`after`) and the entries written since they were last shown
 * it. An entry of a person is shown at the person's address when the list has several of theirs, else at its own
 * (mergePersons): a change may move it, which is told as the old place removed and the new entry. The list before
 * is the list now with the written entries as they were, which is all the other entries of a group need. Pure.
 */
export function shownChanges(after: readonly ContactView[], changed: readonly ChangedEntry[], personOf: (address: Address) => Address | undefined): BuddyListChange[] {
  const personKey = (address: Address): string => addressKey(personOf(address) ?? address);
  const written = new Set(changed.map((entry) => addressKey(entry.address)));
  const groups = new Map<string, ContactView[]>();
  for (const entry of after) {
    const key = personKey(entry.address);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const persons = new Map<string, Address>();
  for (const entry of changed) persons.set(personKey(entry.address), personOf(entry.address) ?? entry.address);
  const changes: BuddyListChange[] = [];
  for (const [key, person] of persons) {
    const now = groups.get(key) ?? [];
    const before = [
      ...now.filter((entry) => !written.has(addressKey(entry.address))).map((entry) => entry.address),
      ...changed.filter((entry) => entry.existedBefore && personKey(entry.address) === key).map((entry) => entry.address),
    ];
    const shownBefore = before.length === 0 ? undefined : before.length === 1 ? before[0] : person;
    const shownNow = now.length === 0 ? undefined : mergePersons(now, personOf)[0];
    if (shownBefore !== undefined && (shownNow === undefined || !sameAddress(shownNow.address, shownBefore))) changes.push({ removed: shownBefore });
    if (shownNow !== undefined) changes.push({ entry: shownNow });
  }
  return changes;
}

/**
 * What an identity link or unlink changes in a list: `entries` are the list's entries that are addresses of the
 * person (their own, their linked accounts, the account linked or unlinked), shown by person before the change
 * (`personBefore`) and after it (`personAfter`). An entry shown before at an address shown no more is removed (the
 * accounts merged into the person's entry at a link, the person's entry split back at an unlink); each entry shown
 * now that was not shown so before comes as it is now. Pure.
 */
export function linkChanges(
  entries: readonly ContactView[],
  personBefore: (address: Address) => Address | undefined,
  personAfter: (address: Address) => Address | undefined,
): BuddyListChange[] {
  const before = mergePersons(entries, personBefore);
  const after = mergePersons(entries, personAfter);
  const shownAfter = new Set(after.map((entry) => addressKey(entry.address)));
  const changes: BuddyListChange[] = before.filter((entry) => !shownAfter.has(addressKey(entry.address))).map((entry) => ({ removed: entry.address }));
  for (const entry of after) {
    if (!before.some((old) => isDeepStrictEqual(old, entry))) changes.push({ entry });
  }
  return changes;
}

export interface BuddyListChangesOptions {
  readonly registry: AdapterRegistry;
  /** The owner's list with the presence they may see, as contact.list reads it (Roster.list). */
  readonly list: (owner: Address) => Promise<ContactView[]>;
  readonly personOf: (address: Address) => Address | undefined;
  /** The person's linked accounts that count now (IdentityService.linkedTo). */
  readonly linkedTo: (person: Address) => readonly Address[];
  /** Every entry, in any owner's list, at `address` (ContactStore.listByAddress: the store's index by address). */
  readonly entriesAt: (address: Address) => Promise<readonly ContactView[]>;
  readonly log: Logger;
}

interface Pending {
  readonly owner: Address;
  /** Operations of the owner's list under way (batch); the changes are shown once none is left. */
  open: number;
  scheduled: boolean;
  readonly entries: Map<string, ChangedEntry>;
}

export class BuddyListChanges {
  private readonly pending = new Map<string, Pending>();
  /** One owner's changes are worked out and shown one after the other, so that the last shown is the list now. */
  private readonly shown = new SerialByKey();

  constructor(private readonly options: BuddyListChangesOptions) {}

  /** Runs one operation on the lists of `owners`: what it writes to them is shown once it is over (with any other then open). */
  async batch<T>(owners: readonly Address[], work: () => Promise<T>): Promise<T> {
    const opened = owners.map((owner) => this.pendingOf(owner));
    for (const pending of opened) pending.open += 1;
    try {
      return await work();
    } finally {
      for (const pending of opened) {
        pending.open -= 1;
        this.schedule(pending);
      }
    }
  }

  /** A write changed the entry (owner's list, address); `existedBefore` whether it was there before this write. */
  noted(owner: Address, address: Address, existedBefore: boolean): void {
    const pending = this.pendingOf(owner);
    const key = addressKey(address);
    // The first write of the operation knows whether the entry was there before it.
    if (!pending.entries.has(key)) pending.entries.set(key, { address, existedBefore });
    this.schedule(pending);
  }

  /**
   * An identity link started (`linked`) or stopped counting (IdentityOptions.onChange): every user whose list holds
   * one of the person's addresses, found by address, is shown how it merges them now (linkChanges), not only at their
   * next contact.list.
   */
  async linkChanged(person: Address, address: Address, linked: boolean): Promise<void> {
    const accounts = [person, address, ...this.options.linkedTo(person).filter((account) => !sameAddress(account, address))];
    const keys = new Set(accounts.map(addressKey));
    const owners = new Map<string, Address>();
    for (const account of accounts) {
      for (const entry of await this.options.entriesAt(account)) owners.set(addressKey(entry.owner), entry.owner);
    }
    const personBefore = (candidate: Address): Address | undefined => (sameAddress(candidate, address) ? (linked ? undefined : person) : this.options.personOf(candidate));
    for (const [key, owner] of owners) {
      await this.shown.run(key, async () => {
        const adapter = this.options.registry.for(owner);
        if (adapter?.showBuddyListChanges === undefined || adapter.followsBuddyList?.(owner) !== true) return;
        const entries = (await this.options.list(owner)).filter((entry) => keys.has(addressKey(entry.address)));
        const changes = linkChanges(entries, personBefore, this.options.personOf);
        if (changes.length > 0) adapter.showBuddyListChanges(owner, changes);
      });
    }
  }

  private pendingOf(owner: Address): Pending {
    const key = addressKey(owner);
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = { owner, open: 0, scheduled: false, entries: new Map() };
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Once no operation on the list is open and this turn's writes are done, the owner is shown what changed. */
  private schedule(pending: Pending): void {
    if (pending.scheduled) return;
    pending.scheduled = true;
    setImmediate(() => {
      pending.scheduled = false;
      if (pending.open > 0) return; // the batch that closes last schedules it again
      const key = addressKey(pending.owner);
      this.pending.delete(key);
      if (pending.entries.size === 0) return;
      const changed = [...pending.entries.values()];
      void this.shown.run(key, () => this.show(pending.owner, changed)).catch((error: unknown) => this.options.log.error({ err: error, owner: key }, "buddy-list change not shown"));
    });
  }

  private async show(owner: Address, changed: readonly ChangedEntry[]): Promise<void> {
    const adapter = this.options.registry.for(owner);
    if (adapter?.showBuddyListChanges === undefined || adapter.followsBuddyList?.(owner) !== true) return;
    const changes = shownChanges(await this.options.list(owner), changed, this.options.personOf);
    if (changes.length > 0) adapter.showBuddyListChanges(owner, changes);
  }
}
