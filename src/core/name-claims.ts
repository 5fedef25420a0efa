/**
 * Names people go by on a network, one person per name, for good (an IRC puppet's nick). A puppet's nick is made
 * from a name anyone may also have (native user bob, xmpp:bob@elsewhere.org, a MUC occupant called bob all make
 * bob[sb]); were it given to whoever connects first, one of them would speak under the nick IRC users know as
 * another's, and get that person's private messages. So each person claims a name once, the first of the
 * candidates their adapter offers that nobody else has (compared in lower case), and keeps it across puppets'
 * reconnects and the gateway's restarts; nobody else ever gets it.
 */
import { GatewayError } from "./errors.js";
import { addressKey, type Address } from "./model/address.js";
import type { NameClaimStore } from "../store/store.js";

export class NameClaims {
  /** "protocol/account" -> person key -> name, and -> folded name -> person key. */
  private readonly byPerson = new Map<string, Map<string, string>>();
  private readonly byName = new Map<string, Map<string, string>>();

  constructor(private readonly store: NameClaimStore) {}

  /** Loads every claim; before the adapters start. */
  async load(): Promise<void> {
    for (const claim of await this.store.list()) this.remember(claim.protocol, claim.account, claim.person, claim.name);
  }

  /** The name `person` claimed on the network, if any. */
  claimed(protocol: string, account: string, person: Address): string | undefined {
    return this.byPerson.get(networkKey(protocol, account))?.get(addressKey(person));
  }

  /** Whether anybody claimed `name` on the network (compared in lower case). */
  isClaimed(protocol: string, account: string, name: string): boolean {
    return this.byName.get(networkKey(protocol, account))?.has(name.toLowerCase()) === true;
  }

  /** The name `person` has, or would get now (the first candidate nobody claimed), claiming nothing. */
  peek(protocol: string, account: string, person: Address, candidates: Iterable<string>): string | undefined {
    return this.claimed(protocol, account, person) ?? this.firstFree(protocol, account, person, candidates);
  }

  /** The name `person` has, else the first candidate nobody claimed, claimed for them now (GW_ERR_NICK_IN_USE when none is free). */
  async claim(protocol: string, account: string, person: Address, candidates: Iterable<string>): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const held = this.claimed(protocol, account, person);
      if (held !== undefined) return held;
      const name = this.firstFree(protocol, account, person, candidates);
      if (name === undefined) throw new GatewayError("GW_ERR_NICK_IN_USE", `no name is left for ${addressKey(person)} on ${protocol}/${account}`);
      // Claimed in the store first: two claims at once cannot both win (the store's uniqueness decides).
      if (await this.store.claim({ protocol, account, name, person, claimedAt: Date.now() })) {
        this.remember(protocol, account, person, name);
        return name;
      }
      // Lost a race: learn who has what, and try again.
      this.byPerson.clear();
      this.byName.clear();
      await this.load();
    }
    throw new GatewayError("GW_ERR_STORE", `no name could be claimed for ${addressKey(person)} on ${protocol}/${account}`);
  }

  private firstFree(protocol: string, account: string, person: Address, candidates: Iterable<string>): string | undefined {
    const names = this.byName.get(networkKey(protocol, account));
    const key = addressKey(person);
    for (const candidate of candidates) {
      const holder = names?.get(candidate.toLowerCase());
      if (holder === undefined || holder === key) return candidate;
    }
    return undefined;
  }

  private remember(protocol: string, account: string, person: Address, name: string): void {
    const network = networkKey(protocol, account);
    const byPerson = this.byPerson.get(network) ?? new Map<string, string>();
    const byName = this.byName.get(network) ?? new Map<string, string>();
    byPerson.set(addressKey(person), name);
    byName.set(name.toLowerCase(), addressKey(person));
    this.byPerson.set(network, byPerson);
    this.byName.set(network, byName);
  }
}

function networkKey(protocol: string, account: string): string {
  return `${protocol}/${account}`;
}
