/**
 * Current presence of every address the gateway has heard from, and its fan-out: a presence goes to everyone
 * allowed to see it, by the subscription model of src/core/model/contact.ts:
 *   - owners whose buddy list has the address with subscription to|both (they asked and were approved), and
 *   - the contacts in the address's own list with subscription from|both (people it approved),
 * which are the same people seen from both sides; the union covers people whose list the store does not hold.
 * Each of them may have viewers (`viewers`, core/buddy-offers.ts): their linked accounts that are shown their
 * buddy list, which see what they see.
 *
 * The fan-outs of one address run one at a time, in the order their presences were recorded (`fanOuts`): a later
 * presence never reaches anyone before an earlier one, and a re-send (`resend`) sends what is current when its turn
 * comes, so it never shows a presence a later one replaced.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { BlockCheck } from "./blocklist.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import { receivesPresence, sendsPresence } from "./model/contact.js";
import { offlinePresence, type Presence } from "./model/presence.js";
import type { ContactStore } from "../store/store.js";
import { SerialByKey } from "../util/serial-by-key.js";

export class PresenceHub {
  private readonly current = new Map<string, Presence>();
  private readonly fanOuts = new SerialByKey();

  constructor(
    private readonly contacts: ContactStore,
    private readonly registry: AdapterRegistry,
    private readonly log: Logger,
    /** Who else sees what `recipient` sees of `subject` (a person's linked accounts, core/buddy-offers.ts). */
    private readonly viewers: (recipient: Address, subject: Address) => Promise<Address[]> = async () => [],
    /** Whether `subject` hides her presence from `recipient`: she blocked them (core/blocklist.ts). */
    private readonly hidden: BlockCheck = () => false,
  ) {}

  /** The last presence heard from the address; offline when none. */
  get(address: Address): Presence {
    return this.current.get(addressKey(address)) ?? offlinePresence(address, 0);
  }

  /**
   * Records a presence and sends it to everyone allowed to see it, if it changed (or `carriesMore`: what it carries
   * besides changed, an avatar's hash); true when it changed.
   */
  async update(presence: Presence, carriesMore = false): Promise<boolean> {
    const key = addressKey(presence.from);
    const previous = this.current.get(key);
    if (presence.show === "offline") this.current.delete(key);
    else this.current.set(key, presence);
    const unchanged =
      (previous === undefined && presence.show === "offline") ||
      (previous !== undefined && previous.show === presence.show && previous.status === presence.status && previous.priority === presence.priority);
    if (unchanged && !carriesMore) return false;
    await this.fanOuts.run(key, () => this.fanOut(presence));
    return !unchanged;
  }

  /** Sends the address's current presence again to everyone allowed to see it, when what it carries besides changed (an avatar's hash); nothing while offline. */
  async resend(address: Address): Promise<void> {
    const key = addressKey(address);
    await this.fanOuts.run(key, async () => {
      const presence = this.current.get(key);
      if (presence !== undefined) await this.fanOut(presence);
    });
  }

  private async fanOut(presence: Presence): Promise<void> {
    const recipients = new Map<string, Address>();
    for (const recipient of await this.audience(presence.from)) {
      for (const address of [recipient, ...(await this.viewers(recipient, presence.from))]) recipients.set(addressKey(address), address);
    }
    for (const recipient of recipients.values()) await this.deliver(presence, recipient);
  }

  /** Sends one presence to one recipient and its viewers (after an approval, or a lost subscription). */
  async sendTo(presence: Presence, recipient: Address): Promise<void> {
    await this.deliver(presence, recipient);
    for (const viewer of await this.viewers(recipient, presence.from)) await this.deliver(presence, viewer);
  }

  private async deliver(presence: Presence, recipient: Address): Promise<void> {
    const adapter = this.registry.for(recipient);
    if (!adapter || this.hidden(presence.from, recipient)) return;
    try {
      await adapter.sendPresence(presence, recipient);
    } catch (error: unknown) {
      this.log.warn({ err: error, to: addressKey(recipient) }, "presence not delivered");
    }
  }

  /** Everyone allowed to see the address's presence. */
  async audience(address: Address): Promise<Address[]> {
    const recipients = new Map<string, Address>();
    for (const entry of await this.contacts.listByAddress(address)) {
      if (receivesPresence(entry.subscription)) recipients.set(addressKey(entry.owner), entry.owner);
    }
    for (const entry of await this.contacts.list(address)) {
      if (sendsPresence(entry.subscription)) recipients.set(addressKey(entry.address), entry.address);
    }
    return [...recipients.values()];
  }
}
