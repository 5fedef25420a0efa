/**
 * A network's directory of rooms (an IRC network's channels, as LIST gives them) and its pages: pure, no I/O.
 *
 * Order: by name, compared case-insensitively (then as written), never by members: a page's cursor is the name of its
 * last room, and a name's place does not move when the listing is asked again and member counts have changed, so a
 * client paging through a listing that was refreshed meanwhile neither sees a room twice nor misses one that stayed.
 * Clients that want the busiest rooms first sort a page, or the whole listing, by `members` themselves.
 */
import type { Address } from "./address.js";

/** One room of a directory, as compact as a listing of 50,000 channels needs. */
export interface DirectoryRoom {
  /** The room's name on its network ("#dev"). */
  readonly name: string;
  /** The members its network shows (an IRC channel's visible users). */
  readonly members: number;
  /** Its topic, without formatting or control characters; "" for none. */
  readonly topic: string;
}

/** What a network answered: its rooms, in directory order (sortRooms), and whether it had more than were kept. */
export interface RoomListing {
  readonly rooms: readonly DirectoryRoom[];
  /** The network listed more rooms than the gateway keeps (the rooms kept are the first the network sent). */
  readonly truncated: boolean;
  /** The network applied the filter asked for (an IRC server's LIST mask): these are not all its rooms. */
  readonly filtered?: boolean;
}

export interface DirectoryQuery {
  /** Only rooms whose name contains this, compared case-insensitively; "" or absent: all. */
  readonly filter?: string;
  /** The cursor: rooms after this name in directory order (a page's `last`). */
  readonly after?: string;
  /** The most rooms in the page. */
  readonly max?: number;
}

export interface DirectoryPage {
  readonly rooms: readonly DirectoryRoom[];
  /** The index of the page's first room in the (filtered) listing (XEP-0059 `first@index`). */
  readonly index: number;
  /** Rooms in the (filtered) listing. */
  readonly count: number;
  /** No room follows this page's last. */
  readonly complete: boolean;
  /** The network had more rooms than the gateway keeps (RoomListing.truncated). */
  readonly truncated: boolean;
}

/** One room of a page as a client is shown it: its address too. */
export interface DirectoryEntry extends DirectoryRoom {
  readonly address: Address;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Directory order (see the header): negative when `a` comes first. */
export function compareRoomNames(a: string, b: string): number {
  const folded = a.toLowerCase().localeCompare(b.toLowerCase(), "en");
  if (folded !== 0) return folded;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rooms in directory order (a copy). */
export function sortRooms(rooms: readonly DirectoryRoom[]): DirectoryRoom[] {
  return [...rooms].sort((a, b) => compareRoomNames(a.name, b.name));
}

/** The rooms whose name contains `filter`, case-insensitively; all for "" or undefined. */
export function filterRooms(rooms: readonly DirectoryRoom[], filter: string | undefined): readonly DirectoryRoom[] {
  const wanted = (filter ?? "").trim().toLowerCase();
  if (wanted === "") return rooms;
  return rooms.filter((room) => room.name.toLowerCase().includes(wanted));
}

/** A page of a listing in directory order: the query's filter applied, then the rooms after its cursor, at most `max`. */
export function directoryPage(listing: RoomListing, query: DirectoryQuery): DirectoryPage {
  const rooms = filterRooms(listing.rooms, query.filter);
  const max = Math.min(Math.max(1, Math.floor(query.max ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  const after = query.after;
  // The first room after the cursor: a binary search, the rooms being in directory order.
  let low = 0;
  let high = rooms.length;
  if (after !== undefined && after !== "") {
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareRoomNames((rooms[middle] as DirectoryRoom).name, after) <= 0) low = middle + 1;
      else high = middle;
    }
  }
  const index = low;
  const page = rooms.slice(index, index + max);
  return { rooms: page, index, count: rooms.length, complete: index + page.length >= rooms.length, truncated: listing.truncated };
}
