/**
 * The presence of a linked account's contacts as the core sees it: each contact's resources aggregated by priority
 * (resource-presence.ts), and every contact reported so far shown offline at once when the account stops hearing
 * their presence (its owner went offline, the connection ended): until it hears it again. Taken from the account's
 * roster contacts only: XMPP lets anyone send directed presence, from as many JIDs as a server mints, and kept per
 * sender it would fill the memory while showing the owner nothing. The end of a presence already reported is taken
 * from anyone, so that a contact removed from the roster meanwhile is not left shown online.
 */
import { addressKey, type Address } from "../../core/model/address.js";
import { offlinePresence, type Presence } from "../../core/model/presence.js";
import { ResourcePresence } from "./resource-presence.js";

export class AccountContactPresence {
  private readonly resources = new ResourcePresence();
  /** Contacts whose presence was reported since the login (to report them offline when it ends). */
  private readonly seen = new Map<string, Address>();

  constructor(
    /** `avatarChanged`: it carries a new avatar hash (AdapterEvents' presence event). */
    private readonly report: (presence: Presence, avatarChanged?: boolean) => void,
    /** Whether the address is on the account's roster now. */
    private readonly onRoster: (address: Address) => boolean,
  ) {}

  /**
   * One resource of a contact changed (`presence.from` is the contact): the contact's aggregate is reported. False
   * when it is not taken (someone not on the roster): nothing of it is kept. `avatarHeard`, called once it is taken,
   * keeps what it said of her avatar and says whether that changed: it is then reported as carrying a new hash.
   */
  update(resource: string, presence: Presence, avatarHeard: () => boolean = () => false): boolean {
    const key = addressKey(presence.from);
    if (!this.onRoster(presence.from) && !(presence.show === "offline" && this.seen.has(key))) return false;
    this.seen.set(key, presence.from);
    const avatarChanged = avatarHeard();
    this.report(this.resources.update(presence.from, resource, presence), avatarChanged);
    return true;
  }

  /** The account no longer receives its contacts' presence: they are shown offline. */
  forget(): void {
    this.resources.clear();
    for (const contact of this.seen.values()) this.report(offlinePresence(contact));
    this.seen.clear();
  }
}
