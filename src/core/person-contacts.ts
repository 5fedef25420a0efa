/**
 * A buddy list as its owner sees it, one entry per person (docs/bridging.md, "One buddy list on every network"):
 * entries that are addresses of the same person (a Switchboard user and the accounts linked to them) become one
 * entry at the person's address, listing the merged accounts, with the most available presence among the
 * entries whose presence the owner may see (core/presence.ts precedence), and the union of their subscriptions.
 * An entry alone stays as it is. Pure.
 */
import { addressKey, sameAddress, type Address } from "./model/address.js";
import { receivesPresence, sendsPresence, withDirection, type ContactView, type Subscription } from "./model/contact.js";
import type { Presence } from "./model/presence.js";
import { mostAvailable } from "./presence.js";

export interface PersonContactView extends ContactView {
  /** The person's linked accounts merged into this entry (the person's own address not included). */
  readonly accounts?: readonly Address[];
}

export function mergePersons(entries: readonly ContactView[], personOf: (address: Address) => Address | undefined): PersonContactView[] {
  const groups = new Map<string, { readonly person: Address; readonly entries: ContactView[] }>();
  for (const entry of entries) {
    const person = personOf(entry.address) ?? entry.address;
    const key = addressKey(person);
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { person, entries: [entry] });
  }
  return [...groups.values()].map(({ person, entries: group }) => (group.length === 1 ? (group[0] as ContactView) : merged(person, group)));
}

function merged(person: Address, group: readonly ContactView[]): PersonContactView {
  const base = group.find((entry) => sameAddress(entry.address, person)) ?? (group[0] as ContactView);
  let subscription: Subscription = "none";
  if (group.some((entry) => receivesPresence(entry.subscription))) subscription = withDirection(subscription, "to", true);
  if (group.some((entry) => sendsPresence(entry.subscription))) subscription = withDirection(subscription, "from", true);
  const best = mostAvailable(group.map((entry) => entry.presence).filter((presence): presence is Presence => presence !== undefined));
  return {
    owner: base.owner,
    address: person,
    name: base.name,
    subscription,
    pendingOut: group.some((entry) => entry.pendingOut),
    pendingIn: group.some((entry) => entry.pendingIn),
    ...(best === undefined ? {} : { presence: { ...best, from: person } }),
    accounts: group.map((entry) => entry.address).filter((address) => !sameAddress(address, person)),
  };
}
