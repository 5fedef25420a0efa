/**
 * XMPP users' avatars fetched for native askers (component-adapter.ts `avatar`: published with PEP, XEP-0084, else
 * their vCard's PHOTO), kept a while so that a native client asking for each contact's picture at every login does not
 * make the gateway ask each XMPP server again: by bare JID and asker (her server decides who may read a PEP avatar:
 * with the "presence" access model only those she shares her presence with, so one asker's picture is not another's),
 * for TTL_MS, at most MAX_BYTES of pictures and MAX_ENTRIES answers in all (an answer of no picture weighs no bytes,
 * and anyone may ask of any JID: the least recently used dropped first), one fetch at a time per JID and asker
 * (concurrent askers share it). A presence of the user with another XEP-0153 hash than the picture kept, or a PEP
 * notification of another XEP-0084 one, drops it for every asker (`heard`), so a changed avatar is fetched anew at
 * the next ask; a fetch under way then gives its asker what it got, but keeps it only if it is of the hash heard (her
 * server may have answered with the picture before the change).
 *
 * A server's "no vCard of them" (GW_ERR_NOT_FOUND: Prosody says so of a user who never set one) is an answer too, kept
 * as one by JID (the same TTL, counted in MAX_ENTRIES): a client polling a contact without a vCard, by avatar.get or
 * contact.info (`vcard`), would otherwise make the gateway ask her server each time. It spares only the vCard get: a
 * PEP avatar is still asked. A presence naming a hash drops it, and one heard while the vCard was asked keeps the answer
 * from being kept (her server may have answered before she set the picture that hash names), as for a picture fetched.
 * Other refusals (a timeout, the server down) are not kept.
 */
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { Avatar } from "../../core/model/avatar.js";

/** How long a fetched avatar (or "none") is kept. */
export const TTL_MS = 10 * 60_000;
/** The most bytes of pictures kept at once (about 64 pictures of the largest size). */
export const MAX_BYTES = 4 * 1024 * 1024;
/** The most answers kept at once, pictures or none. */
export const MAX_ENTRIES = 10_000;

interface Kept {
  readonly avatar: Avatar | undefined;
  /** The server's refusal when it keeps no vCard of them (then no avatar either). */
  readonly noVcard?: string;
  readonly at: number;
}

export class AvatarCache {
  private readonly kept = new Map<string, Kept>();
  private readonly fetching = new Map<string, Promise<Avatar | undefined>>();
  /** The hash last heard ("" none) of the JID of each fetch under way, where one was heard while it ran. */
  private readonly heardWhileFetching = new Map<string, string>();
  /** The vCard asks under way of each bare JID: each holds the hash last heard ("" none) while it ran, where one was. */
  private readonly vcardAsks = new Map<string, Set<{ heard?: string }>>();
  /** The keys kept of each bare JID (its no-vCard answer, and its picture for each asker). */
  private readonly keysOf = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The number of answers kept (for tests and metrics). */
  get size(): number {
    return this.kept.size;
  }

  /** The avatar of `jid` as `asker` may see it, kept or fetched by `fetch`. */
  async get(jid: string, asker: string, fetch: () => Promise<Avatar | undefined>): Promise<Avatar | undefined> {
    const key = `${jid.toLowerCase()}\n${asker.toLowerCase()}`;
    const kept = this.fresh(key);
    if (kept !== undefined) return kept.avatar;
    const pending = this.fetching.get(key);
    if (pending !== undefined) return pending;
    const fetched = fetch().then((avatar) => {
      const heard = this.heardWhileFetching.get(key);
      if (heard === undefined || heard === (avatar?.hash ?? "")) this.keep(key, { avatar, at: this.now() });
      return avatar;
    }).finally(() => {
      this.fetching.delete(key);
      this.heardWhileFetching.delete(key);
    });
    this.fetching.set(key, fetched);
    return fetched;
  }

  /**
   * Asks `jid`'s vCard by `ask` (contact.info's, or get's fetch), unless her server said less than TTL_MS ago that it
   * keeps none: then its GW_ERR_NOT_FOUND again, unasked. Such an answer of `ask` is kept.
   */
  async vcard<T>(jid: string, ask: () => Promise<T>): Promise<T> {
    const key = jid.toLowerCase();
    const noVcard = this.fresh(key)?.noVcard;
    if (noVcard !== undefined) throw new GatewayError("GW_ERR_NOT_FOUND", noVcard);
    const asking: { heard?: string } = {};
    const asks = this.vcardAsks.get(key) ?? new Set();
    this.vcardAsks.set(key, asks.add(asking));
    try {
      return await ask();
    } catch (error: unknown) {
      const refusal = toGatewayError(error);
      if (refusal.code === "GW_ERR_NOT_FOUND" && (asking.heard ?? "") === "") this.keep(key, { avatar: undefined, noVcard: refusal.message, at: this.now() });
      throw error;
    } finally {
      asks.delete(asking);
      if (asks.size === 0) this.vcardAsks.delete(key);
    }
  }

  /**
   * `jid` said its avatar's hash is `hash` ("" none): a picture of another hash kept for any asker is dropped, and one
   * being fetched is kept only if of that hash (a "no vCard" being asked only if none).
   */
  heard(jid: string, hash: string): void {
    const bare = jid.toLowerCase();
    for (const asking of this.vcardAsks.get(bare) ?? []) asking.heard = hash;
    for (const key of this.fetching.keys()) if (jidOfKey(key) === bare) this.heardWhileFetching.set(key, hash);
    for (const key of [...(this.keysOf.get(bare) ?? [])]) {
      const kept = this.kept.get(key);
      if (kept !== undefined && (kept.avatar?.hash ?? "") !== hash) this.drop(key);
    }
  }

  /** The answer kept for `key` if younger than TTL_MS, made the most recently used; an older one dropped. */
  private fresh(key: string): Kept | undefined {
    const kept = this.kept.get(key);
    if (kept === undefined || this.now() - kept.at >= TTL_MS) {
      this.drop(key);
      return undefined;
    }
    this.kept.delete(key); // re-inserted: most recently used last
    this.kept.set(key, kept);
    return kept;
  }

  private keep(key: string, kept: Kept): void {
    this.drop(key);
    this.kept.set(key, kept);
    const jid = jidOfKey(key);
    this.keysOf.set(jid, (this.keysOf.get(jid) ?? new Set()).add(key));
    this.bytes += kept.avatar?.data.length ?? 0;
    for (const oldest of this.kept.keys()) {
      if (this.bytes <= MAX_BYTES && this.kept.size <= MAX_ENTRIES) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (kept === undefined) return;
    this.kept.delete(key);
    this.bytes -= kept.avatar?.data.length ?? 0;
    const jid = jidOfKey(key);
    const keys = this.keysOf.get(jid);
    keys?.delete(key);
    if (keys?.size === 0) this.keysOf.delete(jid);
  }
}

/** The bare JID of a key: a JID alone (its no-vCard answer) or with its asker after a line break. */
function jidOfKey(key: string): string {
  const end = key.indexOf("\n");
  return end === -1 ? key : key.slice(0, end);
}
