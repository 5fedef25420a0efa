/** The running adapters, found by the network part of an address (protocol and account). */
import type { Adapter } from "./adapter.js";
import type { Address, ProtocolId } from "./model/address.js";

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

  /** The adapter that serves this address, if any network is configured for it. */
  for(address: Address): Adapter | undefined {
    return this.adapters.get(AdapterRegistry.key(address.protocol, address.account));
  }

  all(): Adapter[] {
    return [...this.adapters.values()];
  }
}
