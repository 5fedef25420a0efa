/**
 * The keys of bridges added at runtime (an IRC channel's +k, a MUC's password) sealed at rest, as linked accounts'
 * passwords are (credential-box.ts), whenever the operator set a credential key: a copy of the database or of its
 * backups does not give them away. A key is sealed for its remote room: copied to another row, it does not open.
 * Rows written in clear (before a key was set) are read as they are until sealClearBridgeKeys seals them at the
 * next start with a key; a sealed key that does not open (the credential key changed or was lost) is logged and
 * read as none, so the bridge is joined without it.
 */
import type { BridgeStore } from "../store/store.js";
import type { CredentialBox } from "./credential-box.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";

/** Begins a sealed key: a control character, which no key given by an admin can hold (core/bridges.ts). */
const SEALED = "\u0001sealed:";

function context(remote: Address): string {
  return `bridge:${addressKey(remote)}`;
}

/** The key as stored: sealed for its remote room when a credential key is set; "" (no key) stays "". */
function stored(remote: Address, key: string, box: CredentialBox | undefined): string {
  return key === "" || !box ? key : SEALED + box.seal(key, context(remote)).toString("base64");
}

export function sealedBridgeStore(store: BridgeStore, box: CredentialBox | undefined, log: Logger): BridgeStore {
  return {
    add: (record) => store.add({ ...record, key: stored(record.remote, record.key, box) }),
    remove: (remote) => store.remove(remote),
    setKey: (remote, key) => store.setKey(remote, stored(remote, key, box)),
    list: async () =>
      (await store.list()).map((record) => {
        if (!record.key.startsWith(SEALED)) return record;
        try {
          if (!box) throw new Error("no credential key is set (xmpp.user_accounts.credential_key)");
          return { ...record, key: box.open(Buffer.from(record.key.slice(SEALED.length), "base64"), context(record.remote)) };
        } catch (error: unknown) {
          log.error({ err: error, remote: addressKey(record.remote) }, "a runtime bridge's sealed key does not open: the room is joined without it");
          return { ...record, key: "" };
        }
      }),
  };
}

/**
 * Seals every key of `store` (the store itself, not a sealedBridgeStore) still kept in clear: those written before
 * the operator set a credential key would otherwise stay readable in the database until their bridge is added
 * again. Called at start, before the bridges are read; answers how many it sealed (and logs it when any).
 */
export async function sealClearBridgeKeys(store: BridgeStore, box: CredentialBox, log: Logger): Promise<number> {
  let sealed = 0;
  for (const record of await store.list()) {
    if (record.key === "" || record.key.startsWith(SEALED)) continue;
    if (await store.setKey(record.remote, stored(record.remote, record.key, box))) sealed += 1;
  }
  if (sealed > 0) log.info({ sealed }, "runtime bridges' keys kept in clear sealed with the credential key");
  return sealed;
}
