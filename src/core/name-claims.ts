/**
 * Names people go by on a network, one person per name, for good (an IRC puppet's nick). A puppet's nick is made
 * from a name anyone may also have (native user bob, xmpp:bob@elsewhere.org, a MUC occupant called bob all make
 * bob[sb]); were it given to whoever connects first, one of them would speak under the nick IRC users know as
 * another's, and get that person's private messages. So each person claims a name once, the first of the
 * candidates their adapter offers that nobody else has (compared folded: core/model/name-fold.ts), and keeps it across puppets'
 * reconnects and the gateway's restarts; nobody else ever gets it.
 *
 * A person may choose another name (`choose`: an IRC nick of their choice). IRC users know the old one as theirs,
 * so it stays theirs too: a person holds every name they went by, one of them current (the one `claim` and `peek`
 * give), and may go back to any of them; nobody else gets any. A choice the network then refused is undone
 * (`undo`): the earlier name is current again, and a name that was new is forgotten, never having been theirs.
 * Since none is ever given up, a person holds MAX_NAMES_HELD names on a network at most: anyone reaching the XMPP
 * component is a person, and without a bound one could take a new name every few minutes for good, each kept in
 * the store and in memory, and each kept from everyone else.
 */
import { GatewayError } from "./errors.js";
import { foldName } from "./model/name-fold.js";
import { addressKey, type Address } from "./model/address.js";
import type { NameClaimStore } from "../store/store.js";

/** A name made current by `choose`, and what it replaced: enough to undo it. */
export interface NameChoice {
  readonly name: string;
  /** The person's current name before, if they had one. */
  readonly previous: string | undefined;
  /** Whether the name was new to the person (claimed by this choice). */
  readonly added: boolean;
}

const ATTEMPTS = 5;
/** The names one person may hold on a network (chosen over time, the first included); past it, only theirs again. */
export const MAX_NAMES_HELD = 20;

export class NameClaims {
  /** "protocol/account" -> person key -> current name, and -> folded name -> person key (every name held). */
  private current = new Map<string, Map<string, string>>();
  private holders = new Map<string, Map<string, string>>();

  constructor(private readonly store: NameClaimStore) {}

  /** Loads every claim (before the adapters start; again after a lost race), replacing what was known at once. */
  async load(): Promise<void> {
    const current = new Map<string, Map<string, string>>();
    const holders = new Map<string, Map<string, string>>();
    for (const claim of await this.store.list()) {
      const network = networkKey(claim.protocol, claim.account);
      mapOf(holders, network).set(foldName(claim.name), addressKey(claim.person));
      if (claim.current) mapOf(current, network).set(addressKey(claim.person), claim.name);
    }
    this.current = current;
    this.holders = holders;
  }

  /** The name `person` goes by on the network now, if any. */
  claimed(protocol: string, account: string, person: Address): string | undefined {
    return this.current.get(networkKey(protocol, account))?.get(addressKey(person));
  }

  /** The name `person` goes by on each network of `protocol` where they have one: account -> name. */
  claimedOn(protocol: string, person: Address): Map<string, string> {
    const key = addressKey(person);
    const prefix = networkKey(protocol, "");
    const names = new Map<string, string>();
    for (const [network, current] of this.current) {
      const name = network.startsWith(prefix) ? current.get(key) : undefined;
      if (name !== undefined) names.set(network.slice(prefix.length), name);
    }
    return names;
  }

  /** Whether anybody holds `name` on the network, current or not (compared folded: core/model/name-fold.ts). */
  isClaimed(protocol: string, account: string, name: string): boolean {
    return this.holders.get(networkKey(protocol, account))?.has(foldName(name)) === true;
  }

  /** The name `person` has, or would get now (the first candidate nobody else holds), claiming nothing. */
  peek(protocol: string, account: string, person: Address, candidates: Iterable<string>): string | undefined {
    return this.claimed(protocol, account, person) ?? this.firstFree(protocol, account, person, candidates);
  }

  /** The name `person` has, else the first candidate nobody claimed, claimed for them now (GW_ERR_NICK_IN_USE when none is free). */
  async claim(protocol: string, account: string, person: Address, candidates: Iterable<string>): Promise<string> {
    const list = replayable(candidates);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const held = this.claimed(protocol, account, person);
      if (held !== undefined) return held;
      const name = this.firstFree(protocol, account, person, list);
      if (name === undefined) throw new GatewayError("GW_ERR_NICK_IN_USE", `no name is left for ${addressKey(person)} on ${protocol}/${account}`);
      // Claimed in the store first: two claims at once cannot both win (the store's uniqueness decides).
      if (await this.store.claim({ protocol, account, name, person, claimedAt: Date.now() })) {
        this.remember(protocol, account, person, name);
        return name;
      }
      // Lost a race: learn who has what, and try again.
      await this.load();
    }
    throw new GatewayError("GW_ERR_STORE", `no name could be claimed for ${addressKey(person)} on ${protocol}/${account}`);
  }

  /**
   * Makes the first of `candidates` that nobody else holds (one of the person's own, or a new one, claimed now) the
   * name `person` goes by on the network. GW_ERR_NICK_IN_USE when every candidate is someone else's.
   */
  async choose(protocol: string, account: string, person: Address, candidates: Iterable<string>): Promise<NameChoice> {
    const list = replayable(candidates);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const name = this.firstFree(protocol, account, person, list);
      if (name === undefined) throw new GatewayError("GW_ERR_NICK_IN_USE", `no name of those asked for is free on ${protocol}/${account}`);
      const previous = this.claimed(protocol, account, person);
      const added = !this.isClaimed(protocol, account, name);
      if (added && this.heldBy(protocol, account, person) >= MAX_NAMES_HELD) {
        throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(person)} holds ${MAX_NAMES_HELD} names on ${protocol}/${account}, the most a person may: choose one of them again`);
      }
      if (await this.store.choose({ protocol, account, name, person, claimedAt: Date.now() })) {
        this.remember(protocol, account, person, name);
        return { name, previous, added };
      }
      await this.load();
    }
    throw new GatewayError("GW_ERR_STORE", `no name could be chosen for ${addressKey(person)} on ${protocol}/${account}`);
  }

  /** Undoes `choice` (the network refused the name): the previous name is current again, and a new one is forgotten. */
  async undo(protocol: string, account: string, person: Address, choice: NameChoice): Promise<void> {
    if (choice.previous !== undefined && foldName(choice.previous) !== foldName(choice.name)) {
      await this.store.choose({ protocol, account, name: choice.previous, person, claimedAt: Date.now() });
    }
    if (choice.added) await this.store.release(protocol, account, person, choice.name);
    await this.load();
  }

  /** How many names `person` holds on the network, current or not: a walk over the network's names, at choices only (rate-limited). */
  private heldBy(protocol: string, account: string, person: Address): number {
    const key = addressKey(person);
    let held = 0;
    for (const holder of this.holders.get(networkKey(protocol, account))?.values() ?? []) if (holder === key) held++;
    return held;
  }

  private firstFree(protocol: string, account: string, person: Address, candidates: Iterable<string>): string | undefined {
    const names = this.holders.get(networkKey(protocol, account));
    const key = addressKey(person);
    for (const candidate of candidates) {
      const holder = names?.get(foldName(candidate));
      if (holder === undefined || holder === key) return candidate;
    }
    return undefined;
  }

  private remember(protocol: string, account: string, person: Address, name: string): void {
    const network = networkKey(protocol, account);
    mapOf(this.current, network).set(addressKey(person), name);
    mapOf(this.holders, network).set(foldName(name), addressKey(person));
  }
}

function networkKey(protocol: string, account: string): string {
  return `${protocol}/${account}`;
}

function mapOf(maps: Map<string, Map<string, string>>, network: string): Map<string, string> {
  const map = maps.get(network) ?? new Map<string, string>();
  maps.set(network, map);
  return map;
}

/**
 * Candidates may be a generator of many (bob2[sb] ... bob999[sb]), read only as far as needed: kept as read, so that
 * a retry after a lost race reads them again from the start.
 */
function replayable(candidates: Iterable<string>): Iterable<string> {
  const read: string[] = [];
  const source = candidates[Symbol.iterator]();
  return {
    *[Symbol.iterator]() {
      yield* read;
      for (let next = source.next(); next.done !== true; next = source.next()) {
        read.push(next.value);
        yield next.value;
      }
    },
  };
}
