/**
 * XMPP users' avatars fetched from their vCards (component-adapter.ts `avatar`), kept a while so that a native client
 * asking for each contact's picture at every login does not make the gateway ask each XMPP server again: by bare JID,
 * for TTL_MS, at most MAX_BYTES of pictures and MAX_ENTRIES answers in all (an answer of no picture weighs no bytes, and
 * anyone may ask of any JID: the least recently used dropped first), one fetch at a time per JID
 * (concurrent askers share it). A presence of the user with another XEP-0153 hash than the picture kept drops it
 * (`heard`), so a changed avatar is fetched anew at the next ask. Refusals are not kept.
 */
import type { Avatar } from "../../core/model/avatar.js";

/** How long a fetched avatar (or "none") is kept. */
export const TTL_MS = 10 * 60_000;
/** The most bytes of pictures kept at once (about 64 pictures of the largest size). */
export const MAX_BYTES = 4 * 1024 * 1024;
/** The most answers kept at once, pictures or none. */
export const MAX_ENTRIES = 10_000;

interface Kept {
  readonly avatar: Avatar | undefined;
  readonly at: number;
}

export class AvatarCache {
  private readonly kept = new Map<string, Kept>();
  private readonly fetching = new Map<string, Promise<Avatar | undefined>>();
  private bytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The number of answers kept (for tests and metrics). */
  get size(): number {
    return this.kept.size;
  }

  /** The avatar of `jid`, kept or fetched by `fetch`. */
  async get(jid: string, fetch: () => Promise<Avatar | undefined>): Promise<Avatar | undefined> {
    const key = jid.toLowerCase();
    const kept = this.kept.get(key);
    if (kept !== undefined && this.now() - kept.at < TTL_MS) {
      this.kept.delete(key); // re-inserted: most recently used last
      this.kept.set(key, kept);
      return kept.avatar;
    }
    this.drop(key);
    const pending = this.fetching.get(key);
    if (pending !== undefined) return pending;
    const fetched = fetch().then(
      (avatar) => {
        this.keep(key, avatar);
        return avatar;
      },
    ).finally(() => this.fetching.delete(key));
    this.fetching.set(key, fetched);
    return fetched;
  }

  /** `jid` said its avatar's hash is `hash` ("" none): a kept picture of another hash is dropped. */
  heard(jid: string, hash: string): void {
    const key = jid.toLowerCase();
    const kept = this.kept.get(key);
    if (kept !== undefined && (kept.avatar?.hash ?? "") !== hash) this.drop(key);
  }

  private keep(key: string, avatar: Avatar | undefined): void {
    this.drop(key);
    this.kept.set(key, { avatar, at: this.now() });
    this.bytes += avatar?.data.length ?? 0;
    for (const [oldest, kept] of this.kept) {
      if (this.bytes <= MAX_BYTES && this.kept.size <= MAX_ENTRIES) break;
      this.kept.delete(oldest);
      this.bytes -= kept.avatar?.data.length ?? 0;
    }
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (kept === undefined) return;
    this.kept.delete(key);
    this.bytes -= kept.avatar?.data.length ?? 0;
  }
}
