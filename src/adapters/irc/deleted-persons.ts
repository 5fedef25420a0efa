/**
 * The people whose account was deleted, for whom no puppet connects (puppet-pool.ts), each with when: held until the
 * name is someone's again. That is told (release) when the gateway itself registers the name, and found when a puppet
 * is wanted for a held name (`accountCreatedAt`, the store's word): an account of the name made after the deletion is
 * a new person's, also one made by `switchboard user add` while the gateway runs, which the gateway is not told of.
 */
import { addressKey, type Address } from "../../core/model/address.js";

export class DeletedPersons {
  private readonly held = new Map<string, number>();

  /** `accountCreatedAt`: when the account of a native user was made, undefined for none (one being deleted too). */
  constructor(private readonly accountCreatedAt: ((person: Address) => Promise<number | undefined>) | undefined) {}

  /** The person's account was deleted at `at`: held from now on. */
  hold(person: Address, at: number): void {
    this.held.set(addressKey(person), at);
  }

  /** The name was registered anew: not held any more. */
  release(person: Address): void {
    this.held.delete(addressKey(person));
  }

  /** Whether `person` is held now; asks the store only for a held address, and releases it for an account made since. */
  async isHeld(person: Address): Promise<boolean> {
    const key = addressKey(person);
    const deletedAt = this.held.get(key);
    if (deletedAt === undefined) return false;
    const createdAt = await this.accountCreatedAt?.(person);
    if (createdAt === undefined || createdAt < deletedAt) return true;
    const heldSince = this.held.get(key);
    // Deleted once more while the store was asked: that deletion holds.
    if (heldSince !== undefined && heldSince !== deletedAt) return true;
    this.held.delete(key);
    return false;
  }
}
