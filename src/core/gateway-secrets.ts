/**
 * Secrets of the gateway's own, by name: 32 random bytes made at a name's first use and kept in the store
 * (gateway_secrets) for good, so that what is derived from one stays the same across restarts: the XMPP rooms'
 * occupant ids (XEP-0421, adapters/xmpp/occupant-ids.ts). Never derived from a configured secret (the component's
 * password): an id made with a weak shared secret could be brute-forced offline from the ids anyone sees.
 *
 * When the operator set a credential key (credential-box.ts), a secret is kept sealed with it, as linked accounts'
 * passwords are: a copy of the database or of its backups alone does not give it (with it, anyone could tell whose
 * ids are whose in every room). One kept in clear (before a key was set) is read as it is and sealed at that read,
 * so the ids stay the same. A sealed one that does not open (the key changed or was taken away) refuses with
 * GW_ERR_CONFIG rather than making a new secret, which would change every id for good.
 */
import { randomBytes } from "node:crypto";
import type { GatewaySecretStore } from "../store/store.js";
import type { CredentialBox } from "./credential-box.js";
import { GatewayError } from "./errors.js";

const SECRET_BYTES = 32;
/** Begins a sealed secret; a secret in clear has exactly SECRET_BYTES bytes, a sealed one always more. */
const SEALED = Buffer.from("\u0001sealed:", "latin1");

function context(name: string): string {
  return `gateway-secret:${name}`;
}

function seal(secret: Buffer, name: string, box: CredentialBox): Buffer {
  return Buffer.concat([SEALED, box.seal(secret.toString("hex"), context(name))]);
}

function isSealed(stored: Buffer): boolean {
  return stored.length > SECRET_BYTES && stored.subarray(0, SEALED.length).equals(SEALED);
}

/** The secret named `name`, made (and kept) now if the store has none; kept sealed when `box` is given. */
export async function gatewaySecret(store: GatewaySecretStore, name: string, box?: CredentialBox): Promise<Buffer> {
  const fresh = randomBytes(SECRET_BYTES);
  const stored = await store.obtain(name, box ? seal(fresh, name, box) : fresh, Date.now());
  if (!isSealed(stored)) {
    if (box) await store.replace(name, stored, seal(stored, name, box));
    return stored;
  }
  if (!box) throw new GatewayError("GW_ERR_CONFIG", `the gateway secret ${name} is sealed, and no credential key is set (xmpp.user_accounts.credential_key)`);
  try {
    return Buffer.from(box.open(stored.subarray(SEALED.length), context(name)), "hex");
  } catch (error: unknown) {
    throw new GatewayError("GW_ERR_CONFIG", `the gateway secret ${name} does not open: the credential key is not the one it was sealed with`, { cause: error });
  }
}
