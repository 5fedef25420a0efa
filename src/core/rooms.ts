/**
 * Rooms hosted by the gateway itself (native rooms): creation, membership and subject, kept in the store.
 * Rooms on other networks (IRC channels, MUCs) are their adapters' business; bridges join the two.
 */
import { GatewayError } from "./errors.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { RoomMember } from "./model/room.js";
import type { RoomRecord, RoomStore } from "../store/store.js";

export const MAX_SUBJECT_LENGTH = 1024;

export interface RoomSummary extends RoomRecord {
  readonly memberCount: number;
}

export class RoomService {
  constructor(private readonly rooms: RoomStore) {}

  async create(address: Address, name: string, subject: string, creator: RoomMember): Promise<RoomRecord> {
    const record: RoomRecord = { address, name, subject: subject.slice(0, MAX_SUBJECT_LENGTH), createdBy: creator.address, createdAt: Date.now() };
    if (!(await this.rooms.create(record))) throw new GatewayError("GW_ERR_ROOM_EXISTS", `room ${name} already exists`);
    await this.rooms.addMember(address, { ...creator, role: "owner" });
    return record;
  }

  async get(address: Address): Promise<RoomRecord> {
    const room = await this.rooms.get(address);
    if (!room) throw new GatewayError("GW_ERR_NOT_FOUND", `no room ${addressKey(address)}`);
    return room;
  }

  async exists(address: Address): Promise<boolean> {
    return (await this.rooms.get(address)) !== undefined;
  }

  async list(): Promise<RoomSummary[]> {
    const records = await this.rooms.list();
    return Promise.all(records.map(async (record) => ({ ...record, memberCount: (await this.rooms.members(record.address)).length })));
  }

  /** Joins; true when the member was not in the room before. A nick is unique in a room (case-insensitive). */
  async join(room: Address, member: RoomMember): Promise<boolean> {
    await this.get(room);
    const nick = member.nick.toLowerCase();
    const holder = (await this.rooms.members(room)).find((entry) => entry.nick.toLowerCase() === nick && !sameAddress(entry.address, member.address));
    if (holder) throw new GatewayError("GW_ERR_NICK_IN_USE", `the nick ${member.nick} is taken in ${room.id}`);
    return this.rooms.addMember(room, member);
  }

  async leave(room: Address, member: Address): Promise<void> {
    await this.get(room);
    if (!(await this.rooms.removeMember(room, member))) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
  }

  async members(room: Address): Promise<RoomMember[]> {
    await this.get(room);
    return this.rooms.members(room);
  }

  async isMember(room: Address, member: Address): Promise<boolean> {
    return (await this.rooms.members(room)).some((entry) => sameAddress(entry.address, member));
  }

  async roomsOf(member: Address): Promise<Address[]> {
    return this.rooms.roomsOf(member);
  }

  async setSubject(room: Address, subject: string, by: Address): Promise<void> {
    await this.get(room);
    if (!(await this.isMember(room, by))) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${addressKey(room)}`);
    await this.rooms.setSubject(room, subject.slice(0, MAX_SUBJECT_LENGTH));
  }
}
