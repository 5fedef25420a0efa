/**
 * Identity: one person, and the accounts on other networks linked to them with proof of ownership.
 * Linking itself arrives with the cross-network issue; the shape is here so the core speaks of people,
 * not only of addresses.
 */
import type { Address } from "./address.js";

export interface LinkedAccount {
  readonly address: Address;
  /** When ownership was proven, in milliseconds since the epoch. */
  readonly linkedAt: number;
}

export interface Identity {
  /** The person's Switchboard (native) address. */
  readonly primary: Address;
  readonly displayName: string;
  readonly linked: readonly LinkedAccount[];
}

export function addressesOf(identity: Identity): Address[] {
  return [identity.primary, ...identity.linked.map((link) => link.address)];
}
