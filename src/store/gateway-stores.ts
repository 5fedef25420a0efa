/**
 * The store's interfaces for what belongs to the gateway itself rather than to a person: its secrets, the settings
 * admins change at runtime and the XMPP users subscribed to its domain. Part of store.ts, which re-exports them (split
 * to keep each file short).
 */

/**
 * Secrets the gateway makes for itself (core/gateway-secrets.ts), one per name, kept for good: what is derived from
 * one (XEP-0421 occupant ids) stays the same across restarts.
 */
export interface GatewaySecretStore {
  /** The secret kept under `name`; when there is none yet, `fresh` is kept and given (the first one kept wins). */
  obtain(name: string, fresh: Buffer, at: number): Promise<Buffer>;
  /** Keeps `next` under `name` if what is kept there is still `expected` (the same secret, sealed); true if so. */
  replace(name: string, expected: Buffer, next: Buffer): Promise<boolean>;
}

/**
 * Settings an admin changes while the gateway runs (the message of the day, core/message-of-the-day.ts), by name, each
 * a JSON text: kept across restarts.
 */
export interface GatewaySettingStore {
  /** The value kept under `name`, or undefined. */
  get(name: string): Promise<string | undefined>;
  /** Keeps `value` under `name`, in place of any before. */
  put(name: string, value: string, at: number): Promise<void>;
  /** Forgets `name`: whether there was a value. */
  remove(name: string): Promise<boolean>;
}

/**
 * XMPP users subscribed to the presence of the gateway's own domain (adapters/xmpp/gateway-contact.ts), per gateway
 * domain: `jid` a bare JID in lower case, `server` its domain.
 */
export interface GatewaySubscriberStore {
  /** Keeps `jid` as a subscriber of `gateway`; false when it was one already. */
  add(gateway: string, jid: string, server: string, at: number): Promise<boolean>;
  /** Forgets the subscriber: whether it was one. */
  remove(gateway: string, jid: string): Promise<boolean>;
  has(gateway: string, jid: string): Promise<boolean>;
  /** Every subscriber of `gateway`, by JID. */
  list(gateway: string): Promise<string[]>;
  /** How many subscribers of `gateway` are JIDs of the XMPP server `server`. */
  countOn(gateway: string, server: string): Promise<number>;
  /** How many subscribers `gateway` has. */
  count(gateway: string): Promise<number>;
}
