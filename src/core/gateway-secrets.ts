/**
 * Secrets of the gateway's own, by name: 32 random bytes made at a name's first use and kept in the store
 * (gateway_secrets) for good, so that what is derived from one stays the same across restarts: the XMPP rooms'
 * occupant ids (XEP-0421, adapters/xmpp/occupant-ids.ts). Never derived from a configured secret (the component's
 * password): an id made with a weak shared secret could be brute-forced offline from the ids anyone sees.
 */
import { randomBytes } from "node:crypto";
import type { GatewaySecretStore } from "../store/store.js";

const SECRET_BYTES = 32;

/** The secret named `name`, made (and kept) now if the store has none. */
export function gatewaySecret(store: GatewaySecretStore, name: string): Promise<Buffer> {
  return store.obtain(name, randomBytes(SECRET_BYTES), Date.now());
}
