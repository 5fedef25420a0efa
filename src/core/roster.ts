/**
 * Buddy lists and presence subscriptions by mutual consent (RFC 6121 section 3, seen protocol-neutrally).
 * The store keeps both sides of every relationship the gateway takes part in, so that either side's view can
 * be answered and presence fan-out (presence-hub.ts) finds everyone allowed.
 *
 *   request  A -> B: A's entry for B is pending-out, B's entry for A pending-in; B is asked. If B already lets
 *                    A see its presence, the request is approved at once (as RFC 6121 3.1.3 does).
 *   approve  B -> A: answers a pending request: B's entry gains "from", A's entry gains "to"; A gets B's presence.
 *   deny     B -> A: refuses a request or revokes an approval: B loses "from", A loses "to"; A sees B offline.
 *   remove   A -> B: A stops receiving B's presence: A loses "to", B loses "from".
 *
 * A request is made once: the contact's server keeps one its user has not answered and shows it again at their
 * next login (RFC 6121 section 3.1.3), so asking again at every reconnect or restart would only prompt them again,
 * and bring back a request they refused while the gateway could not hear it. A request written to the network is
 * recorded (SentRequestStore) until it is answered or withdrawn; `resync` makes only the pending requests with no
 * record (made while the network was down), and the owner asking again (`request`) always asks. An approval the
 * gateway could not hear (given while the network was away) is learnt from the contact's next presence to the
 * owner (`awaitsAnswer`, adapters/xmpp/unheard-approvals.ts).
 *
 * A person's own account on another network (an adapter with an `owner`, a linked XMPP account) keeps its
 * buddy list on that network: the network is the authority, the store holds a mirror (mirror, mirrorAll,
 * forget), kept as the network reports it. Its addresses are that person's contacts only: nobody else may
 * add them, subscribe to them or be subscribed by them (checkOwnership). Where the adapter edits that list
 * (Adapter.addContact, removeContact), add and remove change it on the network first, and the store only once the
 * network took the change: an account that is not connected refuses it (GW_ERR_UNAVAILABLE) rather than keeping it
 * for later, since the list fetched at the next login replaces the mirror anyway. An address written for the
 * network as a whole means the owner's own account there when they have one (routeFor: their own identity).
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { BlockCheck } from "./blocklist.js";
import type { Adapter, SubscriptionAction, SubscriptionEvent } from "./adapter.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import { receivesPresence, sendsPresence, withDirection, type Contact, type ContactView } from "./model/contact.js";
import { offlinePresence } from "./model/presence.js";
import type { PresenceHub } from "./presence-hub.js";
import type { ContactStore, SentRequestStore } from "../store/store.js";
import { SerialByKey } from "../util/serial-by-key.js";
import { checkLimit } from "./user-limits.js";

const MAX_CONTACT_NAME = 256;

/** Gathers the writes of one operation on some owners' lists, shown to them once it is over (core/buddy-list-changes.ts). */
export interface ListBatches {
  batch<T>(owners: readonly Address[], work: () => Promise<T>): Promise<T>;
}

const UNBATCHED: ListBatches = { batch: (_owners, work) => work() };

export class Roster {
  /** Additions to one owner's list, one at a time (add). */
  private readonly additions = new SerialByKey();

  constructor(
    private readonly contacts: ContactStore,
    /** The pending requests that reached the contact's network, so that none is made twice (see the header). */
    private readonly sentRequests: SentRequestStore,
    private readonly registry: AdapterRegistry,
    private readonly presence: PresenceHub,
    private readonly log: Logger,
    /** An entry was added to (present) or removed from a buddy list with add/remove (core/buddy-offers.ts). */
    private readonly listChanged: (contact: Contact, present: boolean) => void = () => undefined,
    private readonly batches: ListBatches = UNBATCHED,
    /** Whether the owner blocked the sender (core/blocklist.ts): her presence shown them offline, their requests dropped. */
    private readonly blocks: BlockCheck = () => false,
  ) {}

  /**
   * Runs `work`, one change of the lists of `owners` made of several operations (an entry added and its presence
   * asked for), so that their owners are shown the result once.
   */
  together<T>(owners: readonly Address[], work: () => Promise<T>): Promise<T> {
    return this.batches.batch(owners, work);
  }

  async list(owner: Address): Promise<ContactView[]> {
    const entries = await this.contacts.list(owner);
    return entries.map((entry) =>
      receivesPresence(entry.subscription) ? { ...entry, presence: this.blocks(entry.address, owner) ? offlinePresence(entry.address, 0) : this.presence.get(entry.address) } : entry,
    );
  }

  /** Whether `viewer` may see the presence of `subject`: the subject approved the viewer's subscription. */
  async maySee(viewer: Address, subject: Address): Promise<boolean> {
    const granted = await this.contacts.get(subject, viewer);
    if (granted && sendsPresence(granted.subscription)) return true;
    const asked = await this.contacts.get(viewer, subject);
    return asked !== undefined && receivesPresence(asked.subscription);
  }

  /** Whether `owner` asked for the presence of `address` (pending or approved). */
  async asked(owner: Address, address: Address): Promise<boolean> {
    const entry = await this.contacts.get(owner, address);
    return entry !== undefined && (entry.pendingOut || receivesPresence(entry.subscription));
  }

  /** Whether `owner` asked for the presence of `address` and has no answer yet (pending). */
  async awaitsAnswer(owner: Address, address: Address): Promise<boolean> {
    return (await this.contacts.get(owner, address))?.pendingOut === true;
  }

  /**
   * Adds an address to the owner's list, or renames it; no subscription is asked. With `maxContacts`
   * (native.limits.contacts), a new entry for an owner who keeps that many already is refused with
   * GW_ERR_LIMIT_REACHED; an entry there is renamed all the same. One owner's additions run one at a time, so that
   * several sessions cannot each find the last place free.
   */
  async add(owner: Address, address: Address, name?: string, maxContacts?: number): Promise<Contact> {
    if (sameAddress(owner, address)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you cannot add yourself as a contact");
    this.checkOwnership(owner, address);
    return this.additions.run(addressKey(owner), () => this.together([owner], () => this.addNow(owner, address, name, maxContacts)));
  }

  /**
   * The address `owner` means by `address` when adding it: through their own account on its network when they have
   * one that reaches it (Adapter.routeOf: a linked XMPP account, for `xmpp:juliet@example.org`), else as written.
   */
  routeFor(owner: Address, address: Address): Address {
    for (const own of this.registry.ownedBy(owner)) {
      const routed = own.protocol === address.protocol ? own.routeOf?.(address) : undefined;
      if (routed) return routed;
    }
    return address;
  }

  /** Whether the owner's own account keeps this entry on its network (Adapter.addContact): the network is the authority. */
  keptOnNetwork(owner: Address, address: Address): boolean {
    return this.networkList(owner, address) !== undefined;
  }

  /** The entry of `owner`'s list for `address`, if there is one. */
  entryOf(owner: Address, address: Address): Promise<Contact | undefined> {
    return this.contacts.get(owner, address);
  }

  private async addNow(owner: Address, address: Address, name: string | undefined, maxContacts: number | undefined): Promise<Contact> {
    const existing = await this.contacts.get(owner, address);
    if (!existing && maxContacts !== undefined) checkLimit(await this.contacts.countKept(owner), maxContacts, "contacts", "native.limits.contacts");
    // The network first: refused or unreachable, nothing changes here either (its list would take it back at the next login).
    await this.networkList(owner, address)?.addContact?.(owner, address, name);
    // Read again: the network's report of the entry (a roster push) may have been stored meanwhile.
    const current = (await this.contacts.get(owner, address)) ?? existing;
    const contact: Contact = {
      owner,
      address,
      name: (name ?? current?.name ?? address.id).slice(0, MAX_CONTACT_NAME),
      subscription: current?.subscription ?? "none",
      pendingOut: current?.pendingOut ?? false,
      pendingIn: current?.pendingIn ?? false,
    };
    await this.contacts.put(contact);
    if (!existing) this.listChanged(contact, true);
    return contact;
  }

  /** Removes the entry and every subscription between the two, telling the other side. */
  remove(owner: Address, address: Address): Promise<void> {
    return this.together([owner, address], () => this.removeNow(owner, address));
  }

  private async removeNow(owner: Address, address: Address): Promise<void> {
    const existing = await this.contacts.get(owner, address);
    if (!existing) throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(address)} is not in your contact list`);
    const network = this.networkList(owner, address);
    if (network?.removeContact) {
      // The network ends both subscriptions itself (RFC 6121 2.5.2); a request the owner never answered is no item of
      // its list (3.1.3 keeps it apart), so it is refused as such.
      await network.removeContact(owner, address);
      if (existing.pendingIn) await this.handle({ from: owner, to: address, action: "deny" });
      await this.forget(owner, address);
      this.listChanged(existing, false);
      return;
    }
    if (receivesPresence(existing.subscription) || existing.pendingOut) await this.handle({ from: owner, to: address, action: "remove" });
    if (sendsPresence(existing.subscription) || existing.pendingIn) await this.handle({ from: owner, to: address, action: "deny" });
    await this.contacts.remove(owner, address);
    this.listChanged(existing, false);
  }

  /** Applies a subscription action taken by event.from towards event.to, from any network. */
  handle(event: SubscriptionEvent): Promise<void> {
    return this.together([event.from, event.to], () => this.apply(event));
  }

  private async apply(event: SubscriptionEvent): Promise<void> {
    const { from, to } = event;
    if (sameAddress(from, to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "a subscription needs two different addresses");
    this.checkOwnership(from, to);
    const actor = await this.entry(from, to);
    const other = await this.entry(to, from);
    switch (event.action) {
      case "request":
        // Dropped unheard, as a server does for a blocked contact (XEP-0191 section 3.5): no answer tells them.
        if (this.blocks(to, from)) return this.log.debug({ from: addressKey(from), to: addressKey(to) }, "subscription request from a blocked address dropped");
        if (sendsPresence(other.subscription)) {
          // Already approved: answer for the other side, as a server does for a known subscriber.
          await this.save(actor, { subscription: withDirection(actor.subscription, "to", true), pendingOut: false });
          await this.sentRequests.remove(from, to);
          await this.notify({ from: to, to: from, action: "approve" });
          await this.presence.sendTo(this.presence.get(to), from);
          return;
        }
        await this.save(actor, { pendingOut: true });
        await this.save(other, { pendingIn: true });
        await this.ask(from, to);
        return;
      case "approve":
        if (!actor.pendingIn && !sendsPresence(actor.subscription)) {
          throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(to)} has not asked to see your presence`);
        }
        await this.save(actor, { subscription: withDirection(actor.subscription, "from", true), pendingIn: false });
        await this.save(other, { subscription: withDirection(other.subscription, "to", true), pendingOut: false });
        await this.sentRequests.remove(to, from);
        await this.notify(event);
        await this.presence.sendTo(this.presence.get(from), to);
        await this.watch(from, to);
        return;
      case "deny":
        // Nothing to refuse or revoke: nothing is written and nobody told (else anyone could put themselves in
        // anyone's list, and push them notices, by denying them).
        if (!actor.pendingIn && !sendsPresence(actor.subscription) && !other.pendingOut && !receivesPresence(other.subscription)) return;
        await this.save(actor, { subscription: withDirection(actor.subscription, "from", false), pendingIn: false });
        await this.save(other, { subscription: withDirection(other.subscription, "to", false), pendingOut: false });
        await this.sentRequests.remove(to, from);
        await this.presence.sendTo(offlinePresence(from), to);
        break;
      case "remove":
        if (!actor.pendingOut && !receivesPresence(actor.subscription) && !other.pendingIn && !sendsPresence(other.subscription)) return; // nothing to withdraw, as for deny
        await this.save(actor, { subscription: withDirection(actor.subscription, "to", false), pendingOut: false });
        await this.save(other, { subscription: withDirection(other.subscription, "from", false), pendingIn: false });
        await this.sentRequests.remove(from, to);
        break;
      default:
        return assertNever(event.action);
    }
    await this.notify(event);
  }

  /**
   * A network came back: restarts presence in both directions for every relationship with its people, since
   * the network forgot what it was told (or never heard it): makes the pending requests it never got (not those
   * it has, see the header), repeats approvals, watches what owners may see, and tells it the owners' presence.
   */
  async resync(protocol: ProtocolId, account: string): Promise<void> {
    const adapter = this.registry.all().find((candidate) => candidate.protocol === protocol && candidate.account === account);
    if (!adapter) return;
    for (const entry of await this.contacts.listOnNetwork(protocol, account)) {
      // A request made while the network was away never reached it: made now. Consent given meanwhile may not
      // have either: said again (an approval the network already has is ignored there, RFC 6121 section 3.1.5).
      if (entry.pendingOut && !(await this.sentRequests.has(entry.owner, entry.address))) await this.ask(entry.owner, entry.address);
      if (sendsPresence(entry.subscription)) await this.notify({ from: entry.owner, to: entry.address, action: "approve" });
      if (receivesPresence(entry.subscription)) await this.watch(entry.address, entry.owner);
      if (sendsPresence(entry.subscription)) await this.presence.sendTo(this.presence.get(entry.owner), entry.address);
    }
  }

  /**
   * Stores an entry of a buddy list that the owner's own account keeps on its network (a roster push): the
   * name and subscription as the network says; a request the owner has not answered yet (pendingIn, which
   * the network does not list) is kept.
   */
  mirror(contact: Contact): Promise<void> {
    return this.together([contact.owner], () => this.mirrorNow(contact));
  }

  private async mirrorNow(contact: Contact): Promise<void> {
    const existing = await this.contacts.get(contact.owner, contact.address);
    await this.contacts.put({ ...contact, name: contact.name.slice(0, MAX_CONTACT_NAME), pendingIn: contact.pendingIn || (existing?.pendingIn ?? false) });
    // An approval: the contact's presence may have come before this report of it was stored (an XMPP server sends
    // the roster push and the presence at once, RFC 6121 3.1.6), when the owner could not see it yet: told it now.
    const current = this.presence.get(contact.address);
    if (receivesPresence(contact.subscription) && !receivesPresence(existing?.subscription ?? "none") && current.show !== "offline") {
      await this.presence.sendTo(current, contact.owner);
    }
  }

  /** Makes the owner's entries on one network exactly `contacts` (the whole list the network keeps). */
  mirrorAll(owner: Address, protocol: ProtocolId, account: string, contacts: readonly Contact[]): Promise<void> {
    return this.together([owner], () => this.mirrorAllNow(owner, protocol, account, contacts));
  }

  private async mirrorAllNow(owner: Address, protocol: ProtocolId, account: string, contacts: readonly Contact[]): Promise<void> {
    const wanted = new Set(contacts.map((contact) => addressKey(contact.address)));
    for (const entry of await this.contacts.list(owner)) {
      const onNetwork = entry.address.protocol === protocol && entry.address.account === account;
      if (onNetwork && !wanted.has(addressKey(entry.address))) await this.contacts.remove(owner, entry.address);
    }
    for (const contact of contacts) await this.mirrorNow(contact);
  }

  /**
   * The owner's own account removed the address from its list on its network, which ended every subscription
   * between the two: the contact's side, as handle() kept it for requests made here, goes too.
   */
  forget(owner: Address, address: Address): Promise<void> {
    return this.together([owner, address], async () => {
      await this.contacts.remove(owner, address);
      await this.contacts.remove(address, owner);
      await this.sentRequests.remove(owner, address);
    });
  }

  /** The owner's own account serving `address` when it keeps its buddy list on its network (Adapter.addContact). */
  private networkList(owner: Address, address: Address): Adapter | undefined {
    const adapter = this.registry.for(address);
    return adapter?.owner !== undefined && sameAddress(adapter.owner, owner) && adapter.addContact !== undefined ? adapter : undefined;
  }

  /** An address served by someone's own account relates to that person only. */
  private checkOwnership(a: Address, b: Address): void {
    for (const [address, other] of [[a, b], [b, a]] as const) {
      const owner = this.registry.ownerOf(address);
      if (owner && !sameAddress(owner, other)) {
        throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(address)} is reached through ${addressKey(owner)}'s own account, for ${addressKey(owner)} only`);
      }
    }
  }

  private async watch(subject: Address, watcher: Address): Promise<void> {
    try {
      await this.registry.for(subject)?.watchPresence(subject, watcher);
    } catch (error: unknown) {
      this.log.warn({ err: error, subject: addressKey(subject) }, "presence watch not started");
    }
  }

  private async entry(owner: Address, address: Address): Promise<Contact> {
    return (
      (await this.contacts.get(owner, address)) ?? { owner, address, name: address.id, subscription: "none", pendingOut: false, pendingIn: false }
    );
  }

  /** Writes the entry with the change applied. */
  private async save(contact: Contact, change: Partial<Pick<Contact, "subscription" | "pendingOut" | "pendingIn">>): Promise<void> {
    await this.contacts.put({ ...contact, ...change });
  }

  /** Sends `from`'s request to `to`, recorded once written: one the network never got is made when it comes back. */
  private async ask(from: Address, to: Address): Promise<void> {
    if (await this.notify({ from, to, action: "request" })) await this.sentRequests.put(from, to);
    else await this.sentRequests.remove(from, to);
  }

  /** Whether the notice was written to the recipient's network. */
  private async notify(event: SubscriptionEvent): Promise<boolean> {
    const adapter = this.registry.for(event.to);
    if (!adapter) return false;
    try {
      await adapter.sendSubscription(event);
      return true;
    } catch (error: unknown) {
      this.log.warn({ err: error, to: addressKey(event.to), action: event.action }, "subscription notice not delivered");
      return false;
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected subscription action ${String(value as SubscriptionAction)}`);
}
