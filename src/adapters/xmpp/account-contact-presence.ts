/**
 * The presence of a linked account's contacts as the core sees it: each contact's resources aggregated by priority
 * (resource-presence.ts), and every contact reported so far shown offline at once when the account stops hearing
 * their presence (its owner went offline, the connection ended): until it hears it again.
 */
import { addressKey, type Address } from "../../core/model/address.js";
import { offlinePresence, type Presence } from "../../core/model/presence.js";
import { ResourcePresence } from "./resource-presence.js";

export class AccountContactPresence {
  private readonly resources = new ResourcePresence();
  /** Contacts whose presence was reported since the login (to report them offline when it ends). */
  private readonly seen = new Map<string, Address>();

  constructor(private readonly report: (presence: Presence) => void) {}

  /** One resource of a contact changed (`presence.from` is the contact): the contact's aggregate is reported. */
  update(resource: string, presence: Presence): void {
    this.seen.set(addressKey(presence.from), presence.from);
    this.report(this.resources.update(presence.from, resource, presence));
  }

  /** The account no longer receives its contacts' presence: they are shown offline. */
  forget(): void {
    this.resources.clear();
    for (const contact of this.seen.values()) this.report(offlinePresence(contact));
    this.seen.clear();
  }
}
