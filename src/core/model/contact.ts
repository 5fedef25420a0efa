/**
 * Contact: one entry of a buddy list. A contact is any Address on any network.
 * Subscription follows RFC 6121's model of mutual consent, seen from the owner of the list:
 *   to   - the owner receives the contact's presence
 *   from - the contact receives the owner's presence
 *   both - both; none - neither
 * `pendingOut` is a request the owner sent and the contact has not answered; `pendingIn` a request the
 * contact sent that the owner has not answered.
 */
import type { Address } from "./address.js";
import type { Presence } from "./presence.js";

export type Subscription = "none" | "to" | "from" | "both";

export interface Contact {
  readonly owner: Address;
  readonly address: Address;
  readonly name: string;
  readonly subscription: Subscription;
  readonly pendingOut: boolean;
  readonly pendingIn: boolean;
}

export interface ContactView extends Contact {
  /** Last known presence, only when the owner may see it (subscription to or both). */
  readonly presence?: Presence;
}

export function receivesPresence(subscription: Subscription): boolean {
  return subscription === "to" || subscription === "both";
}

export function sendsPresence(subscription: Subscription): boolean {
  return subscription === "from" || subscription === "both";
}

/** Adds or removes one direction of a subscription. */
export function withDirection(current: Subscription, direction: "to" | "from", on: boolean): Subscription {
  const to = direction === "to" ? on : receivesPresence(current);
  const from = direction === "from" ? on : sendsPresence(current);
  if (to && from) return "both";
  if (to) return "to";
  if (from) return "from";
  return "none";
}
