/**
 * The proven links in memory (core/identities.ts), by address and by person, and whether each counts now.
 *
 * Accounts (docs/bridging.md): where the other network has accounts of its own (IRC services), the link is
 * bound to the account the address is logged in to when the code comes back (`Adapter.linkAccount`, which
 * may also refuse an address that is not logged in). A bound link counts only while the adapter reports the
 * address logged in to that account (`account` events, asked for with `Adapter.watchAccount`): otherwise the
 * address is a stranger who uses the same name, so personOf and linkedTo leave it out (its messages carry no
 * person, its presence is not the person's, messages to the person never go there). A bound link starts
 * uncounted after a restart until the adapter has seen the account again.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";

/** A proven link as kept in memory; `account`: the network account it is bound to, if any. */
export interface KnownLink {
  readonly person: Address;
  readonly address: Address;
  readonly account?: string;
}

/** Services account names compare as IRC services compare them: case-insensitively. */
export function sameAccount(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export interface KnownLinksOptions {
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  /** A bound link that starts or stops counting (IdentityOptions.onChange). */
  readonly onChange?: (person: Address, address: Address, linked: boolean) => void;
}

export class KnownLinks {
  /** address key -> the link, for every proven link (loaded by start()). */
  private readonly byAddress = new Map<string, KnownLink>();
  /** person key -> their linked accounts: asked on every direct message and presence, so kept, not searched. */
  private readonly byPerson = new Map<string, Address[]>();
  /** Address keys of bound links whose address is logged in to the link's account now (accountSeen). */
  private readonly verified = new Set<string>();

  constructor(private readonly options: KnownLinksOptions) {}

  /**
   * The person an account is linked to, if the link counts now (synchronous: used on every presence and
   * message). A bound link whose address is not logged in to its account does not.
   */
  personOf(address: Address): Address | undefined {
    const link = this.byAddress.get(addressKey(address));
    return link && this.counts(link) ? link.person : undefined;
  }

  /** The person `address` is linked to, counting or not: the address is taken. */
  holder(address: Address): Address | undefined {
    return this.byAddress.get(addressKey(address))?.person;
  }

  /** Every proven link that counts now. */
  allLinks(): KnownLink[] {
    return [...this.byAddress.values()].filter((link) => this.counts(link));
  }

  /** Every proven link, counting or not: the addresses to watch (presence, accounts). */
  storedLinks(): KnownLink[] {
    return [...this.byAddress.values()];
  }

  /** The person's linked accounts that count now (not the person's own address). */
  linkedTo(person: Address): Address[] {
    return (this.byPerson.get(addressKey(person)) ?? []).filter((address) => this.personOf(address) !== undefined);
  }

  /**
   * The adapter's report that `address` is logged in to `account` now (undefined: not logged in, or gone). A
   * bound link starts or stops counting when that changes; other addresses are not concerned.
   */
  accountSeen(address: Address, account: string | undefined): void {
    const key = addressKey(address);
    const link = this.byAddress.get(key);
    if (link?.account === undefined) return;
    const now = account !== undefined && sameAccount(account, link.account);
    if (now === this.verified.has(key)) return;
    if (now) this.verified.add(key);
    else this.verified.delete(key);
    const fields = { person: addressKey(link.person), address: key, account: link.account, seen: account ?? null };
    if (now) this.options.log.info(fields, "linked account logged in to its account: it counts as its person");
    else this.options.log.warn(fields, "linked account not logged in to its account: it does not count as its person");
    this.options.onChange?.(link.person, link.address, now);
  }

  counts(link: KnownLink): boolean {
    if (link.account === undefined) return this.options.registry.for(link.address)?.boundLinksOnly !== true;
    return this.verified.has(addressKey(link.address));
  }

  remember(link: KnownLink): void {
    this.byAddress.set(addressKey(link.address), link);
    this.byPerson.set(addressKey(link.person), [...(this.byPerson.get(addressKey(link.person)) ?? []), link.address]);
  }

  /** A bound link's address is logged in to its account now (a link just proven with its account). */
  verify(address: Address): void {
    this.verified.add(addressKey(address));
  }

  forget(person: Address, address: Address): void {
    this.byAddress.delete(addressKey(address));
    this.verified.delete(addressKey(address));
    const rest = (this.byPerson.get(addressKey(person)) ?? []).filter((linked) => !sameAddress(linked, address));
    if (rest.length > 0) this.byPerson.set(addressKey(person), rest);
    else this.byPerson.delete(addressKey(person));
  }
}
