/**
 * Rooms hosted by the gateway itself (native rooms): creation, membership and subject, kept in the store.
 * Rooms on other networks (IRC channels, MUCs) are their adapters' business; bridges join the two.
 */
import { GatewayError } from "./errors.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { RoomMember } from "./model/room.js";
import { nickKey, nickLookProblem } from "./model/nick.js";
import { hasUnsafeCharacters } from "./model/text.js";
import type { RoomRecord, RoomStore } from "../store/store.js";
import { SerialByKey } from "../util/serial-by-key.js";
import type { RoomCapacity } from "./room-capacity.js";
import { checkLimit } from "./user-limits.js";

export const MAX_SUBJECT_LENGTH = 1024;
export const MAX_NICK_LENGTH = 64;

/**
 * A person's nick in a room is shown to every network (an XMPP occupant's JID resource): 1 to MAX_NICK_LENGTH
 * characters, not only spaces, nothing a network cannot carry, and no "%", which marks someone of a bridged room
 * whose nick a member has (nick%network: RoomRouting.senderNameIn), so that no member can take that name
 * (GW_ERR_BAD_ADDRESS). Checked where people join and rename (core/room-joins.ts, the native handlers), not for
 * a bridged room made a member (an IRC channel's name may be longer, or hold a "%").
 */
export function checkNick(nick: string): void {
  if (nick.trim() === "" || [...nick].length > MAX_NICK_LENGTH || hasUnsafeCharacters(nick) || nick.includes("%")) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `a nick is 1 to ${MAX_NICK_LENGTH} characters, not only spaces, without control characters or "%"`);
  }
  const deceiving = nickLookProblem(nick);
  if (deceiving !== undefined) throw new GatewayError("GW_ERR_BAD_ADDRESS", `the nick ${deceiving}: it could pass for someone else's`);
}

export interface RoomSummary extends RoomRecord {
  readonly memberCount: number;
}

/**
 * Nicks kept for one person in every room: a Switchboard user's name is theirs (src/native-name-reservations.ts),
 * so that nobody else speaks under it, even in a room its owner is not in.
 */
export interface NickReservations {
  /**
   * Whose the nick is (compared as nickKey), if anyone's. `recent`: an answer of the last half minute will do (a
   * line relayed from a bridged room, asked about every line), else the store is asked (a join, a rename).
   */
  holderOf(nick: string, options?: { readonly recent?: boolean }): Promise<Address | undefined>;
  /** Whether `someone` may use the holder's name: the holder, or one of their linked accounts. */
  mayUse(someone: Address, holder: Address): boolean;
  /** Whether a member is a bridged room, which is a member of its hub by its own name. */
  isBridgedRoom(member: Address): boolean;
}

/**
 * Who may not come into a room: rejects with GW_ERR_FORBIDDEN someone banned from it (core/room-bans.ts), and whom its
 * settings keep out (core/room-settings.ts: members-only, a password missing or wrong, GW_ERR_KEY_NEEDED).
 */
export interface RoomAdmission {
  refuse(room: RoomRecord, member: Address, password?: string): Promise<void>;
  /** Whether `member` is the room's owner by another account than its creator's (core/room-owner.ts). */
  isOwner?(room: RoomRecord, member: Address): boolean;
}

export class RoomService {
  // Write-through caches: every change of a room goes through this service (one daemon per database), but a deleted
  // account's removal (forgetCached).
  private readonly records = new Map<string, RoomRecord>();
  private readonly memberLists = new Map<string, readonly RoomMember[]>();
  /** Joins of one room, one at a time: each counts the places the joins before it took (RoomCapacity). */
  private readonly joins = new SerialByKey();
  /** Rooms created by one creator, one at a time: each counts the rooms the ones before it made (create). */
  private readonly creations = new SerialByKey();

  constructor(
    private readonly rooms: RoomStore,
    private readonly reservations?: NickReservations,
    /** rooms.max_members; none: no limit. */
    private readonly capacity?: RoomCapacity,
    private readonly admission?: RoomAdmission,
  ) {}

  /** GW_ERR_NICK_IN_USE when the nick is someone else's name (NickReservations). */
  private async refuseReserved(nick: string, member: Address): Promise<void> {
    // A bridged room (an IRC channel, a bot's MUC) is a member by its own name: "#dev", "dev".
    if (this.reservations?.isBridgedRoom(member)) return;
    const holder = await this.reservedAgainst(nick, member);
    if (holder !== undefined) throw new GatewayError("GW_ERR_NICK_IN_USE", `the nick ${nick} is the name of ${addressKey(holder)} on this gateway: choose another`);
  }

  /** Whose name the nick is when it is someone's other than the member's (NickReservations), else undefined. */
  async reservedAgainst(nick: string, member: Address, options: { readonly recent?: boolean } = {}): Promise<Address | undefined> {
    const holder = await this.reservations?.holderOf(nick, options);
    return holder !== undefined && !this.reservations?.mayUse(member, holder) ? holder : undefined;
  }

  private async record(address: Address): Promise<RoomRecord | undefined> {
    const key = addressKey(address);
    const cached = this.records.get(key);
    if (cached) return cached;
    const record = await this.rooms.get(address);
    if (record) this.records.set(key, record);
    return record;
  }

  private async memberList(address: Address): Promise<readonly RoomMember[]> {
    const key = addressKey(address);
    const cached = this.memberLists.get(key);
    if (cached) return cached;
    // Frozen: handed out as it is, so no caller can change what the next one reads.
    const members = Object.freeze(await this.rooms.members(address));
    if (this.records.has(key)) this.memberLists.set(key, members);
    return members;
  }

  private forget(address: Address): void {
    this.records.delete(addressKey(address));
    this.memberLists.delete(addressKey(address));
  }

  /**
   * Creates a room with its creator as owner. With `maxCreated` (native.limits.rooms_created), refused with
   * GW_ERR_LIMIT_REACHED when the creator has that many rooms already; one creator's rooms are created one at a time,
   * so that several sessions cannot each find the last one free.
   */
  create(address: Address, name: string, subject: string, creator: RoomMember, maxCreated?: number): Promise<RoomRecord> {
    return this.creations.run(addressKey(creator.address), async () => {
      if (maxCreated !== undefined) checkLimit(await this.rooms.countCreatedBy(creator.address), maxCreated, "rooms created", "native.limits.rooms_created");
      return this.createNow(address, name, subject, creator);
    });
  }

  private async createNow(address: Address, name: string, subject: string, creator: RoomMember): Promise<RoomRecord> {
    const record: RoomRecord = { address, name, subject: subject.slice(0, MAX_SUBJECT_LENGTH), createdBy: creator.address, createdAt: Date.now() };
    this.forget(address);
    if (!(await this.rooms.create(record))) throw new GatewayError("GW_ERR_ROOM_EXISTS", `room ${name} already exists`);
    await this.rooms.addMember(address, { ...creator, role: "owner" });
    this.forget(address);
    return record;
  }

  /** The store changed underneath (a deleted account's memberships and rooms' owner removed with the rest of it): read again. */
  forgetCached(): void {
    this.records.clear();
    this.memberLists.clear();
  }

  /** Deletes a room for good, with its members, bans, settings and log (its owner destroyed it: core/room-destruction.ts). */
  /** Runs `work` with no join of the room before it ends (a destruction: nobody slips in after its members were read). */
  exclusive<T>(room: Address, work: () => Promise<T>): Promise<T> {
    return this.joins.run(addressKey(room), work);
  }

  async destroy(address: Address): Promise<void> {
    this.forget(address);
    await this.rooms.destroy(address);
    this.forget(address);
  }

  /** Deletes a room with its members (a bridge's hub made for a bridge that then failed). */
  async remove(address: Address): Promise<void> {
    this.forget(address);
    await this.rooms.remove(address);
    this.forget(address);
  }

  async get(address: Address): Promise<RoomRecord> {
    const room = await this.record(address);
    if (!room) throw new GatewayError("GW_ERR_NOT_FOUND", `no room ${addressKey(address)}`);
    return room;
  }

  async exists(address: Address): Promise<boolean> {
    return (await this.record(address)) !== undefined;
  }

  async list(): Promise<RoomSummary[]> {
    const records = await this.rooms.list();
    return Promise.all(records.map(async (record) => ({ ...record, memberCount: (await this.rooms.members(record.address)).length })));
  }

  /**
   * Joins; true when the member was not in the room before. A nick is unique in a room (case-insensitive).
   * GW_ERR_ROOM_FULL when the room has no place left for a newcomer (RoomCapacity), GW_ERR_FORBIDDEN for someone
   * banned from it or not allowed into a members-only room, GW_ERR_KEY_NEEDED without its `password` (RoomAdmission).
   * Joins of a room run one at a time, or a burst of them would each find the same last place free.
   */
  join(room: Address, member: RoomMember, options: { readonly password?: string } = {}): Promise<boolean> {
    return this.joins.run(addressKey(room), () => this.joinNow(room, member, options.password));
  }

  private async joinNow(room: Address, member: RoomMember, password: string | undefined): Promise<boolean> {
    const record = await this.get(room);
    await this.admission?.refuse(record, member.address, password);
    // The owner is the room's creator (docs/protocol.md): back after leaving or a kick, still its owner.
    if (sameAddress(record.createdBy, member.address) || this.admission?.isOwner?.(record, member.address) === true) member = { ...member, role: "owner" };
    const nick = nickKey(member.nick);
    const members = await this.memberList(room);
    // A member keeps the nick they are in the room with (joining again), even if someone took it as a name since.
    if (!members.some((entry) => sameAddress(entry.address, member.address) && nickKey(entry.nick) === nick)) await this.refuseReserved(member.nick, member.address);
    const holder = members.find((entry) => nickKey(entry.nick) === nick && !sameAddress(entry.address, member.address));
    if (holder) throw new GatewayError("GW_ERR_NICK_IN_USE", `the nick ${member.nick} is taken in ${room.id}`);
    this.capacity?.check(room, members, member);
    this.memberLists.delete(addressKey(room));
    try {
      return await this.rooms.addMember(room, member);
    } finally {
      this.memberLists.delete(addressKey(room));
    }
  }

  async leave(room: Address, member: Address): Promise<void> {
    await this.get(room);
    this.memberLists.delete(addressKey(room));
    const removed = await this.rooms.removeMember(room, member);
    this.memberLists.delete(addressKey(room));
    if (!removed) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
  }

  /**
   * A member takes another nick, unique in the room as at a join: resolves with the member before and after.
   * GW_ERR_NOT_MEMBER when not in the room, GW_ERR_NICK_IN_USE when someone else has the nick.
   */
  async rename(room: Address, member: Address, nick: string): Promise<{ readonly before: RoomMember; readonly after: RoomMember }> {
    checkNick(nick);
    await this.get(room);
    const members = await this.memberList(room);
    const before = members.find((entry) => sameAddress(entry.address, member));
    if (!before) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
    const folded = nickKey(nick);
    if (nickKey(before.nick) !== folded) await this.refuseReserved(nick, member); // a change of case is no new nick
    if (members.some((entry) => nickKey(entry.nick) === folded && !sameAddress(entry.address, member))) {
      throw new GatewayError("GW_ERR_NICK_IN_USE", `the nick ${nick} is taken in ${room.id}`);
    }
    this.memberLists.delete(addressKey(room));
    try {
      if (!(await this.rooms.renameMember(room, member, nick))) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
    } finally {
      this.memberLists.delete(addressKey(room));
    }
    return { before, after: { ...before, nick } };
  }

  /**
   * The room's members, as cached: read-only, never copied (this runs several times for every room message). The
   * cache is replaced on every change, never changed in place, so a list once read stays as it was read.
   */
  async members(room: Address): Promise<readonly RoomMember[]> {
    await this.get(room);
    return this.memberList(room);
  }

  async isMember(room: Address, member: Address): Promise<boolean> {
    return (await this.memberList(room)).some((entry) => sameAddress(entry.address, member));
  }

  /** The most members a room takes (rooms.max_members, reloadable); undefined when rooms are not capped. */
  get maxMembers(): number | undefined {
    return this.capacity?.maxMembers;
  }

  async roomsOf(member: Address): Promise<Address[]> {
    return this.rooms.roomsOf(member);
  }

  async setSubject(room: Address, subject: string, by: Address): Promise<void> {
    await this.get(room);
    if (!(await this.isMember(room, by))) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
    this.records.delete(addressKey(room));
    await this.rooms.setSubject(room, subject.slice(0, MAX_SUBJECT_LENGTH));
    this.records.delete(addressKey(room));
  }
}
