/** The running adapters, found by the network part of an address (protocol and account). */
import type { Adapter } from "./adapter.js";
import { sameAddress, type Address, type ProtocolId } from "./model/address.js";

export class AdapterRegistry {
  private readonly adapters = new Map<string, Adapter>();

  private static key(protocol: ProtocolId, account: string): string {
    return `${protocol}/${account}`;
  }

  register(adapter: Adapter): void {
    const key = AdapterRegistry.key(adapter.protocol, adapter.account);
    if (this.adapters.has(key)) throw new Error(`an adapter for ${key} is already registered`);
    this.adapters.set(key, adapter);
  }

  /** Removes the adapter (a linked account that was unlinked); false when it was not registered. */
  unregister(adapter: Adapter): boolean {
    const key = AdapterRegistry.key(adapter.protocol, adapter.account);
    if (this.adapters.get(key) !== adapter) return false;
    return this.adapters.delete(key);
  }

  /** The adapter that serves this address, if any network is configured for it. */
  for(address: Address): Adapter | undefined {
    return this.get(address.protocol, address.account);
  }

  get(protocol: ProtocolId, account: string): Adapter | undefined {
    return this.adapters.get(AdapterRegistry.key(protocol, account));
  }

  /** The person whose own account serves this address (Adapter.owner), if it is one. */
  ownerOf(address: Address): Address | undefined {
    return this.for(address)?.owner;
  }

  /** The adapters that are this person's own accounts. */
  ownedBy(owner: Address): Adapter[] {
    return this.all().filter((adapter) => adapter.owner !== undefined && sameAddress(adapter.owner, owner));
  }

  all(): Adapter[] {
    return [...this.adapters.values()];
  }
}
