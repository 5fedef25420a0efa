/**
 * The avatars of other networks' people as the gateway last heard of them (an XMPP user's XEP-0153 hash in her
 * presence, or the XEP-0084 metadata of a PEP notification): only the SHA-1, and the type where it was said (XEP-0153
 * says none), never the bytes (avatar.get fetches those). Native clients are told it in the presence pushes of that
 * person and in her contact.list entry, as a native user's avatar is told, without anything being fetched.
 *
 * Kept in memory only (a restart forgets it until her next presence or notification), at most MAX_HEARD people, the
 * least recently heard dropped first. A change (another hash, or none where there was one) heard alone (a PEP
 * notification) is announced by `announce` (gateway.ts: her current presence sent again to those who see it, carrying
 * the new hash); one heard in a presence (`heardInPresence`) is not: that presence itself carries it, sent once, in turn.
 */
import { addressKey, type Address } from "./model/address.js";
import type { HeardAvatar } from "./model/avatar.js";

/** The most people whose avatar's hash is kept. */
export const MAX_HEARD = 100_000;

export class HeardAvatars {
  private readonly heardOf = new Map<string, HeardAvatar | null>();

  constructor(private readonly announce: (owner: Address) => Promise<void>) {}

  /** What was last heard of `owner`'s avatar: its hash (and type), null for "none", undefined when nothing was. */
  of(owner: Address): HeardAvatar | null | undefined {
    return this.heardOf.get(addressKey(owner));
  }

  /** `owner` said her avatar is `avatar` (null: none); a change is announced. A hash said again without its type keeps the type heard before. */
  async heard(owner: Address, avatar: HeardAvatar | null): Promise<void> {
    if (this.heardInPresence(owner, avatar)) await this.announce(owner);
  }

  /** `owner`'s presence said her avatar is `avatar` (null: none): kept, not announced; true when it changed (her presence must then be sent even if otherwise the same). */
  heardInPresence(owner: Address, avatar: HeardAvatar | null): boolean {
    const key = addressKey(owner);
    const before = this.heardOf.get(key);
    const now = avatar !== null && avatar.type === undefined && before?.hash === avatar.hash ? before : avatar;
    this.heardOf.delete(key); // re-inserted: the most recently heard last
    this.heardOf.set(key, now);
    for (const oldest of this.heardOf.keys()) {
      if (this.heardOf.size <= MAX_HEARD) break;
      this.heardOf.delete(oldest);
    }
    return before === undefined ? now !== null : before?.hash !== now?.hash || before?.type !== now?.type;
  }
}
