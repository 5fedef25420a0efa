/**
 * A person with linked accounts (docs/bridging.md, "Linking accounts") as the router sees them: the latest
 * presence of each of their addresses (the person's own included), from which the router publishes their one
 * presence, and who gets a direct message to them (identities.deliver_to).
 */
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { Presence } from "./model/presence.js";
import type { LinkedRecipientVerdict } from "./outbox.js";
import { aggregatePresence, availabilityRank, mostAvailable } from "./presence.js";

/**
 * What is needed to know about links. personOf, linkedTo and allLinks give the links that count now (a link
 * bound to a network account counts only while its address is logged in to it).
 */
export interface PersonDirectory {
  personOf(address: Address): Address | undefined;
  linkedTo(person: Address): Address[];
  /** Every proven link that counts now. */
  allLinks(): ReadonlyArray<{ readonly person: Address; readonly address: Address }>;
  /** Every proven link, counting or not, with the account it is bound to: what to watch after a reconnect. */
  storedLinks?(): ReadonlyArray<{ readonly person: Address; readonly address: Address; readonly account?: string }>;
  /** An adapter's `account` event: a bound link may start or stop counting (then linksChanged follows). */
  accountSeen?(address: Address, account: string | undefined): void;
}

/**
 * Whether the gateway can bring `message` to a linked account: not to one on the very network (protocol and
 * account) the sender wrote from, unless the sender is a person too. The gateway has nobody to speak for an
 * IRC user on their own IRC network, or for an XMPP user to another JID (a puppet of bob next to bob, a JID on
 * the gateway domain for a JID), and the sender can reach that account there themselves.
 */
function speakableOn(address: Address, message: Message): boolean {
  return message.person !== undefined || address.protocol !== message.from.protocol || address.account !== message.from.account;
}

export type DeliverToLinked = "most_available" | "all" | "native";

export class LinkedPersons {
  /** For each person with linked accounts: the latest presence of each of their addresses, the person's own included. */
  private readonly parts = new Map<string, Map<string, Presence>>();
  /**
   * When this process began: a message accepted since was routed under the `deliverTo` of now; an older one maybe
   * under another (the file changed between restarts), so whether the person has it too is not known.
   */
  private readonly since = Date.now();

  constructor(
    private readonly identities: PersonDirectory | undefined,
    private readonly deliverTo: DeliverToLinked,
    /** Whether the network of an address takes direct messages (not an IRC network in relay mode). */
    private readonly takesDirect: (address: Address) => boolean = () => true,
  ) {}

  /** The person whose presence `address`'s presence is part of: its linked person, or itself when it has links. */
  personFor(address: Address): Address | undefined {
    const identities = this.identities;
    if (!identities) return undefined;
    return identities.personOf(address) ?? (this.parts.has(addressKey(address)) || identities.linkedTo(address).length > 0 ? address : undefined);
  }

  /** Records the latest presence of one of the person's addresses. */
  record(person: Address, presence: Presence): void {
    this.partsOf(person).set(addressKey(presence.from), presence);
  }

  /** A link was proven (with what is known of the address now) or removed. */
  linkChanged(person: Address, ownNow: Presence, address: Address, addressNow: Presence | undefined): void {
    const parts = this.partsOf(person);
    if (!parts.has(addressKey(person))) parts.set(addressKey(person), ownNow);
    if (addressNow !== undefined) parts.set(addressKey(address), addressNow);
    else parts.delete(addressKey(address));
  }

  /** The person's one presence: the aggregate of their addresses' (core/presence.ts). */
  aggregate(person: Address): Presence {
    return aggregatePresence(person, [...this.partsOf(person).values()]);
  }

  /** Forgets a person who has no links left. */
  forgetIfUnlinked(person: Address): void {
    if (this.identities?.linkedTo(person).length === 0) this.parts.delete(addressKey(person));
  }

  /**
   * Who gets a direct message: its recipient, or for a person with linked accounts the address of theirs whose
   * presence wins (most_available: their Switchboard sessions unless another account is more available), or
   * all of them.
   */
  directRecipients(message: Message): Address[] {
    const identities = this.identities;
    if (!identities || this.deliverTo === "native") return [message.to];
    const linked = identities
      .linkedTo(message.to)
      .filter((address) => !sameAddress(address, message.from) && speakableOn(address, message) && this.takesDirect(address));
    if (linked.length === 0) return [message.to];
    if (this.deliverTo === "all") return [message.to, ...linked];
    const parts = this.parts.get(addressKey(message.to));
    const own = parts?.get(addressKey(message.to));
    const best = mostAvailable(linked.map((address) => parts?.get(addressKey(address))).filter((presence): presence is Presence => presence !== undefined));
    if (best === undefined || best.show === "offline") return [message.to];
    // A tie goes to the person's Switchboard sessions, where the message also stays in their history.
    if (own !== undefined && own.show !== "offline" && availabilityRank(own.show) >= availabilityRank(best.show)) return [message.to];
    return [best.from];
  }

  /**
   * Before each attempt at a direct message queued for one of its recipient's linked accounts (Outbox): that
   * account still counts as the recipient, or the message goes to the person instead (with deliver_to: all,
   * the person has it already).
   */
  linkedRecipientNow(message: Message, recipient: Address): LinkedRecipientVerdict {
    const person = this.identities?.personOf(recipient);
    if (person !== undefined && sameAddress(person, message.to)) return { action: "send" };
    return this.handedToPerson(message);
  }

  /**
   * A direct message to a person that one of their linked accounts refused for good (an IRC nick gone from the
   * network, an XMPP server's refusal): the person's sessions get it instead, where it waits for them, unless they
   * have it already (deliver_to: all).
   */
  linkedRecipientFailed(message: Message): LinkedRecipientVerdict {
    return this.handedToPerson(message);
  }

  /**
   * A message for one of the person's accounts that will not take it goes to the person's sessions, unless they
   * surely have it already (deliver_to: all, when it was accepted under that setting): the outbox moves it to
   * them, and a copy they may have had before a restart is a duplicate at worst, never a loss.
   */
  private handedToPerson(message: Message): LinkedRecipientVerdict {
    return this.deliverTo === "all" && message.timestamp >= this.since ? { action: "drop" } : { action: "redirect", to: message.to };
  }

  private partsOf(person: Address): Map<string, Presence> {
    let parts = this.parts.get(addressKey(person));
    if (!parts) {
      parts = new Map();
      this.parts.set(addressKey(person), parts);
    }
    return parts;
  }
}
