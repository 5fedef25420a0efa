/**
 * Secrets at rest: the passwords of linked accounts are sealed with AES-256-GCM under a key the operator
 * gives through the configuration (xmpp.user_accounts.credential_key, from the environment), so that a copy of
 * the database alone reveals none of them.
 *
 * Sealed format, version 1 (byte offsets):
 *   0        the version, 0x01
 *   1..12    a random 96-bit IV (NIST SP 800-38D section 8.2.2: a fresh random IV for every seal)
 *   13..28   the 128-bit authentication tag
 *   29..     the ciphertext (as long as the UTF-8 plaintext)
 * The caller's `context` (who the secret belongs to, and for what) is authenticated as associated data but
 * not stored: a sealed secret copied to another owner's row does not open there. A wrong key, a changed
 * context or any changed byte makes open() fail; nothing decrypted is ever returned unauthenticated.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { GatewayError } from "./errors.js";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
export const CREDENTIAL_KEY_BYTES = 32;

/**
 * The 32-byte key written as 64 hexadecimal digits or as base64 (standard or URL-safe, padding optional);
 * undefined when the text is neither or does not give exactly 32 bytes.
 */
export function decodeCredentialKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  // Buffer.from ignores trailing bits it cannot use; re-encoding tells a clean encoding from a lucky one.
  const canonical = key.toString("base64").replace(/=+$/, "");
  if (canonical !== trimmed.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "")) return undefined;
  return key.length === CREDENTIAL_KEY_BYTES ? key : undefined;
}

export class CredentialBox {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== CREDENTIAL_KEY_BYTES) throw new GatewayError("GW_ERR_CONFIG", `a credential key has ${CREDENTIAL_KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
  }

  /** Seals `secret` for `context` (an owner and network, say): the result opens only with the same key and context. */
  seal(secret: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  }

  /** Opens what seal() gave for the same context; throws GW_ERR_CONFIG when the key, context or bytes differ. */
  open(sealed: Uint8Array, context: string): string {
    const bytes = Buffer.from(sealed);
    if (bytes.length < HEADER_BYTES) throw new GatewayError("GW_ERR_CONFIG", "a sealed credential is truncated");
    if (bytes[0] !== VERSION) throw new GatewayError("GW_ERR_CONFIG", `a sealed credential has format version ${String(bytes[0])}, not ${VERSION}`);
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]).toString("utf8");
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_CONFIG", "a sealed credential does not open: wrong credential key, or the stored bytes were changed", { cause: error });
    }
  }
}
