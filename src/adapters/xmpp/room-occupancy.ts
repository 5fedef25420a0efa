/**
 * Who is in the gateway's rooms (gateway-rooms.ts): each hub's XMPP occupants, kept per session and the room JID
 * they joined by; the distinct people in each room, for leaving them all when the connection drops; who is behind
 * each nick, for private messages; and the hub each bridged room joined by its own JID stands for.
 */
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { RoomRole } from "../../core/model/room.js";
import type { Show } from "../../core/model/presence.js";
import { addressToJid } from "./addressing.js";
import { RoomNicks } from "./room-nicks.js";

export interface Occupant {
  readonly jid: string;
  readonly address: Address;
  readonly nick: string;
  /** The person's role in the room, as the core has it (shown through GatewayRooms.shownRole). */
  readonly role: RoomRole;
  /** The room's bare JID as this occupant joined it: the hub's own, or a bridged room's (#dev%libera@gateway). */
  readonly roomJid: string;
  /** The show and status of the session's last presence to the room, shown to the other occupants. */
  readonly show: Show;
  readonly status: string;
}

/** Occupants of one hub are keyed by session and the room JID they joined by (a session may be in both). */
export function occupantKey(jid: string, roomJid: string): string {
  return `${jid}\n${roomJid}`;
}

/** A room with occupants, and the distinct people in it. */
export interface OccupiedRoom {
  readonly room: Address;
  readonly people: Address[];
}

export class RoomOccupancy {
  private readonly occupants = new Map<string, Map<string, Occupant>>();
  /** Each room with occupants, and the distinct people in it, for leaving them all when the connection drops. */
  private readonly rooms = new Map<string, OccupiedRoom>();
  /** Who is behind each nick, for private messages. */
  readonly nicks = new RoomNicks();
  /** The hub each bridged room joined by its own JID stands for (that room's bare JID -> hub). */
  private readonly hubs = new Map<string, Address>();

  constructor(private readonly domain: string) {}

  roomJid(room: Address): string {
    return addressToJid(room, this.domain);
  }

  /** The room whose occupants a stanza to `room` concerns: the hub of a bridged room joined by its own JID. */
  hubOf(room: Address): Address {
    return this.hubs.get(this.roomJid(room)) ?? room;
  }

  /** `room` was joined by its own JID and answered with `hub` (another room when `room` is bridged). */
  joinedBy(room: Address, hub: Address): void {
    if (!sameAddress(hub, room)) this.hubs.set(this.roomJid(room), hub);
  }

  /** How many XMPP sessions are in the gateway's rooms, and in how many rooms. */
  counts(): { readonly occupants: number; readonly rooms_with_occupants: number } {
    let occupants = 0;
    for (const ofRoom of this.occupants.values()) occupants += ofRoom.size;
    return { occupants, rooms_with_occupants: this.occupants.size };
  }

  /** Looks only: a stanza to a room nobody joined keeps nothing. */
  occupant(room: Address, jid: string): Occupant | undefined {
    return this.occupants.get(addressKey(this.hubOf(room)))?.get(occupantKey(jid, this.roomJid(room)));
  }

  /** The hub's occupants, undefined while it has none; looks only. */
  occupantsIn(hub: Address): Map<string, Occupant> | undefined {
    return this.occupants.get(addressKey(hub));
  }

  occupantsOf(room: Address): Map<string, Occupant> {
    let occupants = this.occupants.get(addressKey(room));
    if (!occupants) {
      occupants = new Map();
      this.occupants.set(addressKey(room), occupants);
    }
    return occupants;
  }

  /** Every session in every room, with its hub; each map read as it is when reached (a write awaited between two may change it). */
  *everyone(): Generator<{ readonly hub: Address; readonly occupant: Occupant }> {
    for (const { room: hub } of [...this.rooms.values()]) {
      for (const occupant of this.occupants.get(addressKey(hub))?.values() ?? []) yield { hub, occupant };
    }
  }

  /** The session joined the hub (its nick seen already). */
  add(hub: Address, occupant: Occupant): void {
    this.occupantsOf(hub).set(occupantKey(occupant.jid, occupant.roomJid), occupant);
    const entry = this.rooms.get(addressKey(hub)) ?? { room: hub, people: [] };
    if (!entry.people.some((known) => sameAddress(known, occupant.address))) entry.people.push(occupant.address);
    this.rooms.set(addressKey(hub), entry);
  }

  /** The show and status an XMPP occupant last gave the room (one of their sessions'), for others to see. */
  showOf(hub: Address, member: Address): { show?: Show; status?: string } {
    for (const occupant of this.occupants.get(addressKey(hub))?.values() ?? []) {
      if (sameAddress(occupant.address, member)) return { show: occupant.show, status: occupant.status };
    }
    return {};
  }

  /** The session is out of the room; true while another session of the same person is still in. */
  forget(room: Address, occupant: Occupant): boolean {
    const occupants = this.occupantsOf(room);
    occupants.delete(occupantKey(occupant.jid, occupant.roomJid));
    // Nobody left in by that JID: its hub is asked again at the next join (the room's bridge may have changed).
    if (![...occupants.values()].some((other) => other.roomJid === occupant.roomJid)) this.hubs.delete(occupant.roomJid);
    if (occupants.size === 0) this.occupants.delete(addressKey(room));
    const stillIn = [...occupants.values()].some((other) => sameAddress(other.address, occupant.address));
    if (stillIn) return true;
    this.nicks.left(room, occupant.nick);
    const entry = this.rooms.get(addressKey(room));
    const index = entry?.people.findIndex((known) => sameAddress(known, occupant.address)) ?? -1;
    if (entry && index >= 0) entry.people.splice(index, 1);
    if (entry?.people.length === 0) this.rooms.delete(addressKey(room));
    return false;
  }

  /** The connection is gone: every occupant is forgotten; the rooms they were in, with their people, are returned. */
  clear(): OccupiedRoom[] {
    const rooms = [...this.rooms.values()];
    this.occupants.clear();
    this.rooms.clear();
    this.hubs.clear();
    return rooms;
  }
}
