/**
 * The store's interfaces for the rooms the gateway hosts: the rooms with their members, their bans, and their
 * owners' settings with the people a members-only room lets in. Part of
 * store.ts, which re-exports them (split to keep each file short).
 */
import type { Address } from "../core/model/address.js";
import type { RoomMember } from "../core/model/room.js";

export interface RoomRecord {
  readonly address: Address;
  readonly name: string;
  readonly subject: string;
  readonly createdBy: Address;
  readonly createdAt: number;
}

export interface RoomStore {
  /** False when a room with that address exists. */
  create(room: RoomRecord): Promise<boolean>;
  /** Deletes a room and its members; false when there was none. */
  remove(address: Address): Promise<boolean>;
  /**
   * Deletes a room for good (its owner destroyed it), with its members, bans, settings and its messages in the log
   * (as Prosody deletes a destroyed room's archive: a room made again under the name starts empty). False when there
   * was none. Messages an outbox entry or a failure notice still refers to are kept until those are done with them.
   */
  destroy(address: Address): Promise<boolean>;
  get(address: Address): Promise<RoomRecord | undefined>;
  /** All rooms, ordered by address. */
  list(): Promise<RoomRecord[]>;
  setSubject(address: Address, subject: string): Promise<void>;
  /** False when already a member. */
  addMember(room: Address, member: RoomMember): Promise<boolean>;
  /** False when not a member. */
  removeMember(room: Address, member: Address): Promise<boolean>;
  /** A member's nick in the room; false when not a member. */
  renameMember(room: Address, member: Address, nick: string): Promise<boolean>;
  /** Members in the order they joined. */
  members(room: Address): Promise<RoomMember[]>;
  /** How many rooms that exist were created by `creator` (native.limits.rooms_created). */
  countCreatedBy(creator: Address): Promise<number>;
  /** Rooms the address is a member of, ordered by address. */
  roomsOf(member: Address): Promise<Address[]>;
}

/**
 * A person kept out of a room (core/room-bans.ts): `person` is whom the ban is of (a native user, or an account
 * linked to none), their linked accounts with them; `by` who banned them, `reason` why (may be empty), `at` when.
 */
export interface RoomBanRecord {
  readonly room: Address;
  readonly person: Address;
  readonly by: Address;
  readonly reason: string;
  readonly at: number;
}

export interface RoomBanStore {
  /** Inserts the ban, or replaces the room's ban of that person (another reason, by someone else). */
  put(ban: RoomBanRecord): Promise<void>;
  /** False when that person was not banned from the room. */
  remove(room: Address, person: Address): Promise<boolean>;
  /** The room's bans, oldest first. */
  list(room: Address): Promise<RoomBanRecord[]>;
}

/** A room's settings as its owner chose them (core/room-settings.ts); a room without any has the defaults. */
export interface RoomSettingsRecord {
  readonly room: Address;
  /** Only people allowed (RoomSettingsStore.allowed), its members, its owner and the admins may join. */
  readonly membersOnly: boolean;
  /** The room password's scrypt hash (core/passwords.ts); undefined: no password. */
  readonly passwordHash?: string;
  /** One line, at most 256 characters; "" for none. */
  readonly description: string;
  /** Listed (room.list, the XMPP domain's rooms); false: hidden from those not in it. */
  readonly public: boolean;
}

export interface RoomSettingsStore {
  get(room: Address): Promise<RoomSettingsRecord | undefined>;
  /** Inserts or replaces the room's settings; GW_ERR_NOT_FOUND when there is no such room. */
  put(settings: RoomSettingsRecord): Promise<void>;
  /** Lets a person into a members-only room (kept while the room is, also while it is open); GW_ERR_NOT_FOUND without the room. */
  allow(room: Address, person: Address): Promise<void>;
  /** False when the person was not allowed. */
  disallow(room: Address, person: Address): Promise<boolean>;
  /** The people allowed into the room, ordered by address. */
  allowed(room: Address): Promise<Address[]>;
}
