/**
 * Networks' room directories (docs/protocol.md `room.directory`, docs/xmpp.md "Channel directory"): an IRC network's
 * channels as LIST gives them, asked by the network's adapter on the gateway's own connection (Adapter.roomDirectory),
 * paged by core/model/room-directory.ts.
 *
 * A LIST of a large network (Libera: 50,000 channels) is costly for the server and the gateway alike, so:
 *   - a listing is kept CACHE_MS per network and filter, and a client paging through it asks the network nothing more;
 *     a whole listing (one asked unfiltered, or for a filter the network did not apply) answers filtered queries too,
 *     unless the network cut it short. What is kept is bounded: MAX_KEPT listings, MAX_KEPT_ROOMS rooms in all;
 *   - askers of a listing that is under way share it (one LIST at a time per network and filter; the adapter runs a
 *     network's LISTs one after the other);
 *   - each person may cause FRESH_PER_HOUR listings an hour; what is kept or under way is free. A server on demand that
 *     is not connected yet is connected for the listing as at its first use (AdapterRegistry.network, with the same
 *     checks), counted before it is connected, reached or not, as core/puppet-nicks.ts counts nick changes.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError, hasErrorCode } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, makeAddress, type Address } from "./model/address.js";
import { directoryPage, filterRooms, sortRooms, type DirectoryEntry, type DirectoryPage, type DirectoryQuery, type RoomListing } from "./model/room-directory.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { askerOrigin, ORIGIN_FACTOR } from "./asker-origin.js";

export interface RoomDirectoryOptions {
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly now?: () => number;
}

/** A page of a network's directory, its rooms with their addresses. */
export interface DirectoryAnswer extends Omit<DirectoryPage, "rooms"> {
  /** The network's name as the gateway calls it. */
  readonly network: string;
  readonly rooms: readonly DirectoryEntry[];
}

/** How long a listing is kept. */
export const CACHE_MS = 60_000;
/** Listings one person may cause an hour (kept or shared ones are free). */
export const FRESH_PER_HOUR = 20;
/** Listings kept at once (networks times filters), and rooms in all of them; the oldest goes first. */
const MAX_KEPT = 64;
const MAX_KEPT_ROOMS = 100_000;
const HOUR_MS = 60 * 60 * 1000;
const MAX_COUNTED = 10_000;

type DirectoryAdapter = Adapter & Required<Pick<Adapter, "roomDirectory">>;

interface Kept {
  readonly at: number;
  readonly listing: Promise<RoomListing>;
  /** Its rooms, once listed. */
  rooms: number;
}

function hasDirectory(adapter: Adapter | undefined): adapter is DirectoryAdapter {
  return adapter !== undefined && adapter.owner === undefined && adapter.roomDirectory !== undefined;
}

function normalFilter(filter: string | undefined): string {
  return (filter ?? "").trim().toLowerCase();
}

export class RoomDirectory {
  private readonly kept = new Map<string, Kept>();
  private readonly fresh: AttemptLimiter;
  private readonly now: () => number;

  constructor(private readonly options: RoomDirectoryOptions) {
    this.now = options.now ?? Date.now;
    this.fresh = new AttemptLimiter(FRESH_PER_HOUR, HOUR_MS, this.now, MAX_COUNTED);
  }

  /** The configured networks that have a directory, by name (servers on demand are not listed: any host may be one). */
  networks(): string[] {
    return this.options.registry
      .all()
      .filter(hasDirectory)
      .map((adapter) => adapter.account);
  }

  /** Whether `network` names a network with a directory, configured or on demand (told without connecting). */
  offers(network: string): boolean {
    return hasDirectory(this.options.registry.findNetwork("irc", network)) || this.options.registry.isOnDemand("irc", network);
  }

  /** A page of `network`'s directory for `person`; rejects with GW_ERR_NO_ROUTE, GW_ERR_RATE_LIMITED, the network's refusal. */
  async page(person: Address, network: string, query: DirectoryQuery): Promise<DirectoryAnswer> {
    const { registry } = this.options;
    const known = registry.findNetwork("irc", network);
    if (known !== undefined && !hasDirectory(known)) throw new GatewayError("GW_ERR_UNSUPPORTED", `network ${network} has no room directory`);
    if (known === undefined && !registry.isOnDemand("irc", network)) throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC network is called ${network}`);
    // Host names are case-insensitive: a server on demand's adapter is named by its host in lower case.
    const account = known?.account ?? network.toLowerCase();
    const filter = normalFilter(query.filter);
    const listing = await (this.keptListing(person, network, account, filter) ?? this.list(person, network, account, filter));
    const page = directoryPage(listing, { ...query, filter });
    return {
      network: account,
      rooms: page.rooms.map((room) => ({ ...room, address: makeAddress("irc", account, room.name) })),
      index: page.index,
      count: page.count,
      complete: page.complete,
      truncated: page.truncated,
    };
  }

  /**
   * A listing kept or under way for the filter, or the whole listing kept that answers it (one the network cut short
   * does not: then the filter is listed apart, counted as any fresh listing).
   */
  private keptListing(person: Address, network: string, account: string, filter: string): Promise<RoomListing> | undefined {
    this.forgetOld();
    const exact = this.kept.get(`${account}\n${filter}`);
    if (exact !== undefined) return exact.listing;
    const whole = this.kept.get(`${account}\n`);
    if (whole === undefined || filter === "") return undefined;
    return whole.listing.then((listing) => (listing.truncated ? this.list(person, network, account, filter) : { rooms: filterRooms(listing.rooms, filter), truncated: false }));
  }

  /** A fresh listing, counted for `person`, kept for the others. */
  private list(person: Address, network: string, account: string, filter: string): Promise<RoomListing> {
    const key = `${account}\n${filter}`;
    const under = this.kept.get(key);
    if (under !== undefined) return under.listing;
    const counted = addressKey(person);
    // An XMPP server's JIDs are counted together too (core/asker-origin.ts): it can make new ones at will.
    const origin = askerOrigin(person);
    const retryAfter = Math.max(this.fresh.retryAfter(counted), origin === undefined ? 0 : this.fresh.retryAfter(origin, FRESH_PER_HOUR * ORIGIN_FACTOR));
    if (retryAfter > 0) {
      return Promise.reject(new GatewayError("GW_ERR_RATE_LIMITED", `${FRESH_PER_HOUR} fresh room listings an hour at most; try again in ${Math.ceil(retryAfter / 1000)} s`, { retryable: true }));
    }
    this.fresh.fail(counted);
    if (origin !== undefined) this.fresh.fail(origin);
    const listing = this.fetch(network, filter, person).then((got) => {
      const rooms = sortRooms(got.rooms);
      if (filter === "" || got.filtered === true) return { rooms, truncated: got.truncated };
      // The network gave all its rooms for the filter: kept as its whole listing too, for the other filters.
      const whole = `${account}\n`;
      if (!this.kept.has(whole)) this.keep(whole, Promise.resolve({ rooms, truncated: got.truncated }), rooms.length);
      return { rooms: filterRooms(rooms, filter), truncated: got.truncated };
    });
    const kept = this.keep(key, listing, 0);
    listing.then(
      (got) => (kept.rooms = got.rooms.length),
      // A failure is not kept: the next asker tries again (and is counted).
      () => {
        if (this.kept.get(key) === kept) this.kept.delete(key);
      },
    );
    return listing;
  }

  private keep(key: string, listing: Promise<RoomListing>, rooms: number): Kept {
    const kept = { at: this.now(), listing, rooms };
    this.kept.set(key, kept);
    return kept;
  }

  private async fetch(network: string, filter: string, person: Address): Promise<RoomListing> {
    const adapter = await this.options.registry.network("irc", network, person);
    if (!hasDirectory(adapter)) throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC network is called ${network}`);
    const started = this.now();
    try {
      const listing = await adapter.roomDirectory(filter);
      this.options.log.info({ network: adapter.account, rooms: listing.rooms.length, truncated: listing.truncated, ms: this.now() - started }, "room directory listed");
      return listing;
    } catch (error: unknown) {
      if (!hasErrorCode(error, "GW_ERR_RATE_LIMITED")) this.options.log.warn({ err: error, network: adapter.account }, "room directory not listed");
      throw error;
    }
  }

  private forgetOld(): void {
    const oldest = this.now() - CACHE_MS;
    let rooms = 0;
    for (const [key, kept] of this.kept) {
      if (kept.at <= oldest) this.kept.delete(key);
      else rooms += kept.rooms;
    }
    // Map order is the order kept in: the first is the oldest.
    for (const [key, kept] of this.kept) {
      if (this.kept.size < MAX_KEPT && rooms <= MAX_KEPT_ROOMS) break;
      this.kept.delete(key);
      rooms -= kept.rooms;
    }
  }
}
