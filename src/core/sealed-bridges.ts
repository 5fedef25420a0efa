/**
 * The keys of bridges added at runtime (an IRC channel's +k, a MUC's password) sealed at rest, as linked accounts'
 * passwords are (credential-box.ts), whenever the operator set a credential key: a copy of the database or of its
 * backups does not give them away. A key is sealed for its remote room: copied to another row, it does not open.
 * Rows written in clear (before a key was set) are read as they are; a sealed key that does not open (the
 * credential key changed or was lost) is logged and read as none, so the bridge is joined without it.
 */
import type { BridgeRecord, BridgeStore } from "../store/store.js";
import type { CredentialBox } from "./credential-box.js";
import type { Logger } from "./logger.js";
import { addressKey } from "./model/address.js";

/** Begins a sealed key: a control character, which no key given by an admin can hold (core/bridges.ts). */
const SEALED = "\u0001sealed:";

function context(record: BridgeRecord): string {
  return `bridge:${addressKey(record.remote)}`;
}

export function sealedBridgeStore(store: BridgeStore, box: CredentialBox | undefined, log: Logger): BridgeStore {
  return {
    add: (record) => store.add(record.key === "" || !box ? record : { ...record, key: SEALED + box.seal(record.key, context(record)).toString("base64") }),
    remove: (remote) => store.remove(remote),
    list: async () =>
      (await store.list()).map((record) => {
        if (!record.key.startsWith(SEALED)) return record;
        try {
          if (!box) throw new Error("no credential key is set (xmpp.user_accounts.credential_key)");
          return { ...record, key: box.open(Buffer.from(record.key.slice(SEALED.length), "base64"), context(record)) };
        } catch (error: unknown) {
          log.error({ err: error, remote: addressKey(record.remote) }, "a runtime bridge's sealed key does not open: the room is joined without it");
          return { ...record, key: "" };
        }
      }),
  };
}
