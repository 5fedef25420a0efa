/**
 * Opening a secret a person keeps for their puppet (their services account's password, their server password:
 * puppet-accounts.ts, puppet-server-passwords.ts). One that no longer opens (the credential key changed or was
 * removed) is logged and rejects with GW_ERR_AUTH_FAILED, naming the frame that sets it again: the puppet must not
 * connect without what its person asked for, and the person is told what to do.
 */
import type { CredentialBox } from "./credential-box.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";

export interface KeptPuppetSecret {
  readonly owner: Address;
  readonly network: string;
  readonly sealed: Buffer;
  /** The associated data it was sealed with. */
  readonly context: string;
  /** What it is, for the person ("your IRC account on libera") and the log ("puppet account"). */
  readonly described: string;
  readonly logged: string;
  /** The frame that sets it again. */
  readonly setFrame: string;
}

export function openKeptPuppetSecret(box: CredentialBox | undefined, log: Logger, kept: KeptPuppetSecret): string {
  const unreadable = (cause?: unknown): GatewayError => {
    log.warn({ err: cause, owner: addressKey(kept.owner), network: kept.network }, `${kept.logged} kept but the credential key does not open it: the puppet does not connect`);
    return new GatewayError("GW_ERR_AUTH_FAILED", `the gateway can no longer read ${kept.described} (its key changed): set it again with ${kept.setFrame}, or remove it`, { cause });
  };
  if (!box) throw unreadable();
  try {
    return box.open(kept.sealed, kept.context);
  } catch (error: unknown) {
    throw unreadable(error);
  }
}
