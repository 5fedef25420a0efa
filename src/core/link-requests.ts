/**
 * The request a linked account is sent to share its presence with its person (docs/bridging.md, "Linking
 * accounts", step 4), made once per link. Where presence needs its user's consent (`Adapter.askToShare`: the
 * XMPP component sends a subscription request from the person's gateway JID), the request is a prompt in her
 * client, and her server keeps one she has not answered and shows it again at her next login (RFC 6121 section
 * 3.1.3): asking again at every reconnect or restart would only prompt again, and bring back a request she
 * refused. So what became of it is stored with the buddy list's offers (BuddyOfferStore, the person standing as
 * the contact offered to the account): `offered` once written to the network, `approved` or `refused` by her
 * answer (`answered`). When the network comes back or the daemon restarts (`watch`):
 *   - no record: the request never reached the network (made while it was down): it is made now;
 *   - `offered`: nothing; her server has it, and she answers when she will (an answer given while the gateway
 *     could not hear it is learnt from her next presence, `awaitsAnswer`; a probe would cancel a pending request,
 *     adapters/xmpp/unheard-approvals.ts);
 *   - `approved`: watched (an XMPP probe, which her server answers with her presence);
 *   - `refused`: nothing, until the link is undone and made again (unlinking forgets the record).
 * An account the person may see as a contact of theirs is watched as contacts are, whatever the record; one on a
 * network that needs no consent (IRC: MONITOR) is watched every time.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import type { BuddyOfferStore } from "../store/store.js";

export interface LinkRequestsOptions {
  readonly registry: AdapterRegistry;
  /** Where the request's fate is kept: one record per link, (linked account, person). */
  readonly records: Pick<BuddyOfferStore, "get" | "put" | "remove">;
  /** Whether `viewer` may see the presence of `subject` (Roster.maySee). */
  readonly maySee: (viewer: Address, subject: Address) => Promise<boolean>;
  readonly log: Logger;
}

export class LinkRequests {
  constructor(private readonly options: LinkRequestsOptions) {}

  /** A link was proven: its account is asked, whatever an earlier link of it was answered. Rejects when the network is down. */
  async linked(person: Address, address: Address): Promise<void> {
    await this.options.records.remove(address, person);
    await this.watch(person, address);
  }

  /** A link was undone: its request is forgotten, so that a link made again asks again. */
  async unlinked(person: Address, address: Address): Promise<void> {
    await this.options.records.remove(address, person);
  }

  /**
   * The account's network is (back) online, or the daemon started: the account is watched, or asked where it never
   * was (see the header). Rejects when the network is down; the request then has no record, and is made next time.
   */
  async watch(person: Address, address: Address): Promise<void> {
    const adapter = this.options.registry.for(address);
    if (!adapter) return;
    if (!adapter.askToShare || (await this.options.maySee(person, address))) {
      await adapter.watchPresence(address, person);
      return;
    }
    const state = (await this.options.records.get(address, person))?.state;
    switch (state) {
      case undefined:
        await adapter.askToShare(address, person);
        // Recorded once written: a request the network never got has no record, and is made when it comes back.
        await this.options.records.put({ viewer: address, contact: person, state: "offered" });
        this.options.log.info({ address: addressKey(address), person: addressKey(person) }, "linked account asked to share its presence");
        return;
      case "approved":
        await adapter.watchPresence(address, person);
        return;
      case "offered":
      case "refused":
        return;
      default:
        return assertNever(state);
    }
  }

  /** Whether the request to `address` reached its network and no answer was heard (`offered`). */
  async awaitsAnswer(person: Address, address: Address): Promise<boolean> {
    return (await this.options.records.get(address, person))?.state === "offered";
  }

  /**
   * A linked account answered a request to share its presence with its person (an approval or a refusal): kept,
   * so that a refusal is not asked again and an approval is watched after a restart. On XMPP the person's one
   * subscription to the account answers both the link's request and the person's own, if they asked too.
   */
  async answered(person: Address, address: Address, approved: boolean): Promise<void> {
    await this.options.records.put({ viewer: address, contact: person, state: approved ? "approved" : "refused" });
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected link request state ${String(value)}`);
}
