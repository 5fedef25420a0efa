/**
 * Native users' avatars (core/model/avatar.ts): set and cleared by their owner (native `account.avatar.set`,
 * `account.avatar.clear`), kept in the store (AvatarStore, migration 27), and announced. The type and hash of every
 * avatar are held in memory (read once at start), since every presence of a native user to XMPP carries the hash
 * (XEP-0153) and reading the store for each would cost a query per presence; the bytes are read from the store when
 * asked for (avatar.get, a vCard's PHOTO).
 *
 * Other networks' people's avatars are not kept here, but what the gateway last heard of them (their hash, from an
 * XMPP user's presence or PEP notification: heard-avatars.ts), told to native clients the same way.
 *
 * A change is announced by `announce` (gateway.ts): her presence sent again to everyone allowed to see it, which
 * carries the new hash (XMPP: a XEP-0153 <photo/>, native: `avatar` in the presence push), and her own sessions told.
 */
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import { avatarRef, checkedAvatar, isAvatarType, type Avatar, type AvatarRef, type HeardAvatar } from "./model/avatar.js";
import { HeardAvatars } from "./heard-avatars.js";
import type { AvatarStore } from "../store/store.js";

export interface AvatarsDependencies {
  readonly store: AvatarStore;
  readonly log: Logger;
  /** Tells the owner's sessions and contacts of her avatar now (undefined: none). */
  readonly announce: (owner: Address, avatar: AvatarRef | undefined) => Promise<void>;
  readonly now?: () => number;
}

export class Avatars {
  private readonly refs = new Map<string, AvatarRef>();
  /** Other networks' people's avatars' hashes as last heard (core/heard-avatars.ts), announced alike. */
  private readonly others = new HeardAvatars((owner) => this.tell(owner, undefined));

  constructor(private readonly deps: AvatarsDependencies) {}

  /** Reads the type and hash of every avatar kept (at start). */
  async load(): Promise<void> {
    for (const ref of await this.deps.store.refs()) {
      if (isAvatarType(ref.type)) this.refs.set(addressKey(ref.owner), { type: ref.type, hash: ref.hash });
    }
  }

  /** The owner's avatar's type and hash, or undefined when she has none. */
  refOf(owner: Address): AvatarRef | undefined {
    return this.refs.get(addressKey(owner));
  }

  /** What was last heard of another network's person's avatar (HeardAvatars `of`): null none, undefined nothing heard. */
  heardOf(owner: Address): HeardAvatar | null | undefined {
    return this.others.of(owner);
  }

  /** Another network's person said her avatar is `avatar` (null: none): kept, and a change announced. */
  heard(owner: Address, avatar: HeardAvatar | null): Promise<void> {
    return this.others.heard(owner, avatar);
  }

  /** Another network's person's presence said her avatar is `avatar` (HeardAvatars `heardInPresence`): kept, not announced; true when it changed. */
  heardInPresence(owner: Address, avatar: HeardAvatar | null): boolean {
    return this.others.heardInPresence(owner, avatar);
  }

  /** The owner's avatar with its bytes, or undefined. */
  async get(owner: Address): Promise<Avatar | undefined> {
    const record = await this.deps.store.get(owner);
    if (record === undefined || !isAvatarType(record.type)) return undefined;
    return { type: record.type, hash: record.hash, data: record.data };
  }

  /** Checks and keeps `data` (base64) as the owner's avatar (GW_ERR_BAD_FRAME when it is no picture of `type`), and announces it. */
  async set(owner: Address, type: string, data: string): Promise<AvatarRef> {
    const avatar = checkedAvatar(type, data);
    await this.deps.store.put({ owner, type: avatar.type, data: avatar.data, hash: avatar.hash, setAt: (this.deps.now ?? Date.now)() });
    const ref = avatarRef(avatar);
    const before = this.refOf(owner);
    this.refs.set(addressKey(owner), ref);
    if (before?.hash !== ref.hash || before.type !== ref.type) await this.tell(owner, ref);
    return ref;
  }

  /** Removes the owner's avatar, announced if she had one. */
  async clear(owner: Address): Promise<void> {
    await this.deps.store.remove(owner);
    if (this.refs.delete(addressKey(owner))) await this.tell(owner, undefined);
  }

  /** Forgets what memory holds of a deleted account (the store removed the avatar with it). */
  forget(owner: Address): void {
    this.refs.delete(addressKey(owner));
  }

  private async tell(owner: Address, avatar: AvatarRef | undefined): Promise<void> {
    try {
      await this.deps.announce(owner, avatar);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, owner: addressKey(owner) }, "avatar change not announced to everyone");
    }
  }
}
