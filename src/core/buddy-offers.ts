/**
 * One buddy list offered on every network (docs/bridging.md, "One buddy list on every network"). A person's
 * linked account on a network that can show a buddy list (`Adapter.showContact`: the XMPP component offers each
 * contact to the linked JID with a subscription request from the contact's gateway JID; IRC keeps the contact's
 * puppet connected while they are online, for MONITOR) is shown every contact of the person's buddy list: when
 * the link is proven, when a contact is added or removed, and again when the network comes back.
 *
 * Once per (viewer, contact): an offer asks the viewer something (an XMPP subscription request is a prompt), and
 * the viewer's server keeps a request it has not answered (RFC 6121 section 3.1.3), so asking again at every
 * reconnect or restart only prompts again, and a refused offer would come back. What became of each offer is
 * stored (BuddyOfferStore: offered, approved, refused): when the network comes back, a recorded offer is only
 * `kept` (its presence sent again), and one with no record (never written: the network was down when the contact
 * was added, or the daemon stopped halfway) is made now. A record goes when the contact is removed or the link
 * undone, so a contact added again, or a link made again, is offered again, refused or not. The same store keeps
 * the link's own request, with the person as the contact (core/link-requests.ts): that record is left to it here.
 *
 * Rights: the linked account *is* the person, so it sees a contact's presence exactly when the person may, and
 * nothing else. The presence hub sends every presence the person receives to these *viewers* too
 * (`buddyViewers`), and a viewer's subscription request or probe for one of the person's contacts is answered
 * with the person's rights (`subscription`, Router.probe); the contact is never asked and never learns the
 * viewer's address. A contact the viewer refused is shown nothing at all, live, after a reconnect or to a probe,
 * until the viewer asks to see it (approved then) or it is offered again; a pending offer's contact is shown its
 * presence as an approved one's (the viewer may have approved while the network was away, unheard: her next
 * presence to the contact's address tells, `awaitsAnswer`). Contacts on the viewer's own network are skipped: an XMPP user is already in her XMPP
 * roster, an IRC user she can MONITOR herself.
 */
import type { BlockCheck } from "./blocklist.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Adapter, ContactShowChange, SubscriptionEvent } from "./adapter.js";
import type { Logger } from "./logger.js";
import { addressKey, parseAddress, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import type { PresenceHub } from "./presence-hub.js";
import type { PersonDirectory } from "./linked-persons.js";
import type { BuddyOfferState, BuddyOfferStore, ContactStore } from "../store/store.js";

/** What a viewer's answer to an offered contact makes of the offer. */
const ANSWERS: Readonly<Record<SubscriptionEvent["action"], BuddyOfferState>> = { request: "approved", approve: "approved", deny: "refused", remove: "refused" };

export type ViewerLookup = (recipient: Address, subject: Address) => Promise<Address[]>;

/** Whether a contact of a person is shown to the person's linked account `viewer` (not one of the viewer's own network). */
export function shownTo(viewer: Address, contact: Address): boolean {
  return viewer.protocol !== contact.protocol;
}

/**
 * The linked accounts of `recipient` that see what `recipient` sees of `subject`: those on a network that shows
 * a buddy list, other than the subject's own network, that did not refuse the subject.
 */
export function buddyViewers(identities: Pick<PersonDirectory, "linkedTo">, registry: AdapterRegistry, offers: Pick<BuddyOfferStore, "get">): ViewerLookup {
  return async (recipient, subject) => {
    const viewers: Address[] = [];
    for (const viewer of identities.linkedTo(recipient)) {
      if (!shownTo(viewer, subject) || sameAddress(viewer, subject) || registry.for(viewer)?.showContact === undefined) continue;
      if (!(await isRefused(offers, viewer, subject))) viewers.push(viewer);
    }
    return viewers;
  };
}

/** Whether `viewer` refused the offer of `contact` (declined it, or removed it from its roster). */
async function isRefused(offers: Pick<BuddyOfferStore, "get">, viewer: Address, contact: Address): Promise<boolean> {
  return (await offers.get(viewer, contact))?.state === "refused";
}

export interface BuddyOffersOptions {
  readonly contacts: Pick<ContactStore, "list" | "get">;
  /** What became of each offer, so that none is made twice (see the header). */
  readonly offers: BuddyOfferStore;
  readonly registry: AdapterRegistry;
  readonly identities: PersonDirectory;
  readonly presence: PresenceHub;
  /** Whether `viewer` may see the presence of `subject` (Roster.maySee). */
  readonly maySee: (viewer: Address, subject: Address) => Promise<boolean>;
  /** Whether the contact blocked the person (core/blocklist.ts): her presence then reaches none of his accounts. */
  readonly blocks?: BlockCheck;
  readonly log: Logger;
}

export class BuddyOffers {
  constructor(private readonly options: BuddyOffersOptions) {}

  /** Whether the person's linked accounts may be sent `contact`'s presence: the person's rights, unless she blocked him. */
  private async mayShow(person: Address, contact: Address): Promise<boolean> {
    return this.options.blocks?.(contact, person) !== true && (await this.options.maySee(person, contact));
  }

  /**
   * A link was proven (every contact is offered to the account, whatever an earlier link of it was offered or
   * refused) or undone (every contact is withdrawn, and the offers forgotten, the link's own request with them).
   */
  async linkChanged(person: Address, viewer: Address, linked: boolean): Promise<void> {
    const adapter = this.options.registry.for(viewer);
    if (!linked) await this.options.offers.removeAll(viewer);
    else if (adapter?.showContact) await this.forgetOffers(person, viewer);
    if (!adapter?.showContact) return;
    for (const contact of await this.options.contacts.list(person)) await this.show(adapter, person, viewer, contact, linked ? "offered" : "withdrawn");
  }

  /** A contact was added to (present: offered, even if refused before its removal) or removed from a person's buddy list. */
  async contactChanged(contact: Contact, present: boolean): Promise<void> {
    for (const viewer of this.options.identities.linkedTo(contact.owner)) {
      const adapter = this.options.registry.for(viewer);
      if (adapter?.showContact) await this.show(adapter, contact.owner, viewer, contact, present ? "offered" : "withdrawn");
    }
  }

  /**
   * A network is (back) online: the linked accounts there are shown their person's contacts again, `kept` where
   * the offer is recorded (its server has it: no new prompt), `offered` where it is not (it never got there).
   * Records of contacts no longer on the list (removed without a word to the buddy list, as the contacts of an
   * unlinked own account are, or while the daemon stopped) are forgotten.
   */
  async networkReachable(protocol: ProtocolId, account: string): Promise<void> {
    const adapter = this.options.registry.get(protocol, account);
    if (!adapter?.showContact) return;
    for (const link of this.options.identities.allLinks()) {
      if (link.address.protocol !== protocol || link.address.account !== account) continue;
      const offers = (await this.options.offers.listFor(link.address)).filter((offer) => !sameAddress(offer.contact, link.person));
      const recorded = new Map(offers.map((offer) => [addressKey(offer.contact), offer.state]));
      for (const contact of await this.options.contacts.list(link.person)) {
        const key = addressKey(contact.address);
        const state = recorded.get(key);
        await this.show(adapter, link.person, link.address, contact, state === undefined ? "offered" : "kept", state === "refused");
        recorded.delete(key);
      }
      for (const stale of recorded.keys()) await this.options.offers.remove(link.address, parseAddress(stale));
    }
  }

  /**
   * A subscription stanza from a person's linked account to one of the person's contacts offered to it: the
   * person's rights answer it (a request is approved when the person may see the contact); nothing is stored
   * and the contact is not asked. False when the event is not about an offered contact, or when the account
   * and the contact have a relationship of their own (the contact asked to see the account: its approval is
   * theirs), which the roster handles.
   */
  async subscription(event: SubscriptionEvent): Promise<boolean> {
    const person = this.options.identities.personOf(event.from);
    const adapter = this.options.registry.for(event.from);
    if (!person || !adapter?.showContact || !shownTo(event.from, event.to)) return false;
    if (!(await this.options.contacts.get(person, event.to))) return false;
    const own = await this.options.contacts.get(event.from, event.to);
    if (own && (own.pendingIn || own.pendingOut || own.subscription !== "none")) return false;
    await this.options.offers.put({ viewer: event.from, contact: event.to, state: ANSWERS[event.action] });
    this.options.log.info({ viewer: addressKey(event.from), contact: addressKey(event.to), state: ANSWERS[event.action] }, "linked account answered an offered contact");
    if (event.action !== "request" && event.action !== "approve") return true;
    if (!(await this.mayShow(person, event.to))) return true;
    if (event.action === "request") await adapter.sendSubscription({ from: event.to, to: event.from, action: "approve" });
    await adapter.sendPresence(this.options.presence.get(event.to), event.from);
    return true;
  }

  /** Every contact's offer to `viewer` is forgotten; not the link's own request (core/link-requests.ts), made meanwhile. */
  private async forgetOffers(person: Address, viewer: Address): Promise<void> {
    for (const offer of await this.options.offers.listFor(viewer)) {
      if (!sameAddress(offer.contact, person)) await this.options.offers.remove(viewer, offer.contact);
    }
  }

  /** Whether the offer of `contact` reached `viewer`'s network and no answer was heard (`offered`). */
  async awaitsAnswer(viewer: Address, contact: Address): Promise<boolean> {
    return (await this.options.offers.get(viewer, contact))?.state === "offered";
  }

  /** Whether `viewer` refused the offer of `contact`: it is shown nothing of it (Router.probe asks too). */
  refused(viewer: Address, contact: Address): Promise<boolean> {
    return isRefused(this.options.offers, viewer, contact);
  }

  /** `declined`: the viewer refused the offer, so the contact's presence is not sent. */
  private async show(adapter: Adapter, person: Address, viewer: Address, contact: Contact, change: ContactShowChange, declined = false): Promise<void> {
    if (!shownTo(viewer, contact.address)) return;
    try {
      // Forgotten before the withdrawal is tried: the contact is off the list whether or not the network hears of it.
      if (change === "withdrawn") await this.options.offers.remove(viewer, contact.address);
      await adapter.showContact?.(viewer, contact.address, contact.name, change);
      // Recorded once written: an offer the network never got has no record, and is made when it comes back.
      if (change === "offered") await this.options.offers.put({ viewer, contact: contact.address, state: "offered" });
      if (change !== "withdrawn" && !declined && (await this.mayShow(person, contact.address))) {
        await adapter.sendPresence(this.options.presence.get(contact.address), viewer);
      }
    } catch (error: unknown) {
      this.options.log.warn({ err: error, viewer: addressKey(viewer), contact: addressKey(contact.address), change }, "contact not shown to a linked account");
    }
  }
}
