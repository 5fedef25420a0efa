/**
 * Contacts through the router (core/router.ts): who may see whom (probes, AdapterContext.related and
 * awaitsAnswer), the answers of linked accounts to the gateway's requests to share their presence, and the buddy
 * lists that people's own accounts report from their networks.
 */
import type { SubscriptionEvent } from "./adapter.js";
import { shownTo } from "./buddy-offers.js";
import { GatewayError } from "./errors.js";
import { addressKey, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import { offlinePresence, type Presence } from "./model/presence.js";
import type { RouterDependencies } from "./router-dependencies.js";

export type ContactRoutingDependencies = Pick<RouterDependencies, "registry" | "roster" | "presence" | "identities" | "buddies" | "linkRequests" | "log" | "blocks">;

export class ContactRouting {
  constructor(private readonly deps: ContactRoutingDependencies) {}

  /** Only someone's own account reports entries of their buddy list, and only with its own addresses. */
  checkOwnContact(owner: Address, address: Address): void {
    const actual = this.deps.registry.ownerOf(address);
    if (!actual || !sameAddress(actual, owner)) throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(address)} is not served by ${addressKey(owner)}'s own account`);
  }

  /**
   * A person's linked account that is shown their buddy list (core/buddy-offers.ts) sees what the person sees:
   * the person's rights answer its probes too, unless it refused that contact.
   */
  async probe(subject: Address, viewer: Address): Promise<Presence | undefined> {
    const seen = await this.allowedPresence(subject, viewer);
    // Someone the subject blocked sees her offline where he may see her at all (core/blocklist.ts), as XEP-0191 has
    // it: no answer of "not allowed" (XMPP: unsubscribed), which would tell him and cancel his subscription for good.
    return seen !== undefined && this.deps.blocks?.blocks(subject, viewer) === true ? offlinePresence(subject, 0) : seen;
  }

  private async allowedPresence(subject: Address, viewer: Address): Promise<Presence | undefined> {
    if (await this.deps.roster.maySee(viewer, subject)) return this.deps.presence.get(subject);
    const person = this.deps.identities?.personOf(viewer);
    const shown = person !== undefined && shownTo(viewer, subject) && this.deps.registry.for(viewer)?.showContact !== undefined;
    const sees = shown && (await this.deps.roster.maySee(person, subject)) && !(await this.deps.buddies?.refused(viewer, subject));
    return sees ? this.deps.presence.get(subject) : undefined;
  }

  /**
   * A linked account answering the gateway's request to share its presence with its person (XMPP: the component's
   * askToShare): kept (core/link-requests.ts), and nothing for the roster, as the link is no contact; its presence
   * counts for the person as it comes. Unless the person asked for it as a contact: then the roster takes the
   * answer too.
   */
  async linkedAccountAnswered(subscription: SubscriptionEvent): Promise<boolean> {
    if (subscription.action !== "approve" && subscription.action !== "deny") return false;
    const person = this.deps.identities?.personOf(subscription.from);
    if (person === undefined || !sameAddress(person, subscription.to)) return false;
    await this.deps.linkRequests.answered(person, subscription.from, subscription.action === "approve");
    if (await this.deps.roster.asked(person, subscription.from)) return false;
    this.deps.log.info({ address: addressKey(subscription.from), person: addressKey(person), action: subscription.action }, "linked account answered the request to share its presence");
    return true;
  }

  /** AdapterContext.related: a subscription either way between the two, or between the persons of linked accounts. */
  async related(a: Address, b: Address): Promise<boolean> {
    // Asked for every stanza from XMPP: each side (the address, and its person when it is linked) is read once.
    const personA = this.deps.identities?.personOf(a);
    const personB = this.deps.identities?.personOf(b);
    const sidesA = personA === undefined ? [a] : [a, personA];
    const sidesB = personB === undefined ? [b] : [b, personB];
    // One person's own accounts (a linked JID and the person's gateway JID) know each other.
    if (sidesA.some((one) => sidesB.some((other) => sameAddress(one, other)))) return true;
    for (const one of sidesA) {
      for (const other of sidesB) {
        if ((await this.deps.roster.maySee(one, other)) || (await this.deps.roster.maySee(other, one))) return true;
      }
    }
    return false;
  }

  /**
   * AdapterContext.awaitsAnswer: `requester` asked `subject` for her presence and heard no answer, as a contact
   * (Roster), as the person of her linked account (LinkRequests) or by offering her a contact (BuddyOffers).
   */
  async awaitsAnswer(subject: Address, requester: Address): Promise<boolean> {
    if (await this.deps.roster.awaitsAnswer(requester, subject)) return true;
    const person = this.deps.identities?.personOf(subject);
    if (person !== undefined && sameAddress(person, requester)) return this.deps.linkRequests.awaitsAnswer(person, subject);
    return (await this.deps.buddies?.awaitsAnswer(subject, requester)) ?? false;
  }

  /** The whole buddy list that the owner's own account (protocol, account) keeps on its network. */
  async syncContacts(owner: Address, protocol: ProtocolId, account: string, contacts: readonly Contact[]): Promise<void> {
    const own = this.deps.registry.get(protocol, account)?.owner;
    if (!own || !sameAddress(own, owner)) throw new GatewayError("GW_ERR_FORBIDDEN", `${protocol}/${account} is not ${addressKey(owner)}'s own account`);
    const foreign = contacts.find((contact) => !sameAddress(contact.owner, owner) || contact.address.protocol !== protocol || contact.address.account !== account);
    if (foreign) throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(foreign.address)} is not ${addressKey(owner)}'s contact on ${protocol}/${account}`);
    await this.deps.roster.mirrorAll(owner, protocol, account, contacts);
  }
}
