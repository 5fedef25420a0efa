/** RoomStore on SQLite: rooms, and their members in join order. */
import type Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import { addressKey, formatAddress, parseAddress, type Address } from "../../core/model/address.js";
import type { RoomMember, RoomRole } from "../../core/model/room.js";
import type { RoomRecord, RoomStore } from "../store.js";
import { guarded, sqliteCode } from "./sqlite-errors.js";
import { conversationKey } from "./sqlite-message-log.js";

interface RoomRow {
  readonly address: string;
  readonly name: string;
  readonly subject: string;
  readonly created_by: string;
  readonly created_at: number;
}

interface MemberRow {
  readonly member: string;
  readonly nick: string;
  readonly role: RoomRole;
}

function toRoom(row: RoomRow): RoomRecord {
  return {
    address: parseAddress(row.address),
    name: row.name,
    subject: row.subject,
    createdBy: parseAddress(row.created_by),
    createdAt: row.created_at,
  };
}

function toMember(row: MemberRow): RoomMember {
  return { address: parseAddress(row.member), nick: row.nick, role: row.role };
}

function unknownRoom(room: Address, cause?: unknown): GatewayError {
  return new GatewayError("GW_ERR_NOT_FOUND", `room ${formatAddress(room)} does not exist`, { cause });
}

export function createSqliteRoomStore(db: Database.Database): RoomStore {
  const insert = db.prepare<[string, string, string, string, number]>(
    "INSERT INTO rooms (address, name, subject, created_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING",
  );
  const select = db.prepare<[string], RoomRow>("SELECT * FROM rooms WHERE address = ?");
  const remove = db.prepare<[string]>("DELETE FROM rooms WHERE address = ?"); // its members cascade
  // A destroyed room's log goes with it, but for messages an outbox entry or a failure notice still needs.
  const removeLog = db.prepare<[string]>(
    `DELETE FROM messages WHERE conversation = ?
     AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = messages.id)
     AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = messages.id)`,
  );
  // Those kept leave the room's conversation, or a room made again under its name would show them in its history
  // and archive: "destroyed room <room>" is a key no conversation has (LoggedConversation never names it).
  const setAsideLog = db.prepare<[string, string]>("UPDATE messages SET conversation = ? WHERE conversation = ?");
  const destroy = db.transaction((address: Address): boolean => {
    const conversation = conversationKey({ scope: "room", from: address, to: address });
    removeLog.run(conversation);
    setAsideLog.run(`destroyed ${conversation}`, conversation);
    return remove.run(addressKey(address)).changes > 0;
  });
  const list = db.prepare<[], RoomRow>("SELECT * FROM rooms ORDER BY address");
  const setSubject = db.prepare<[string, string]>("UPDATE rooms SET subject = ? WHERE address = ?");
  // ON CONFLICT covers only the (room, member) uniqueness: an unknown room still fails its foreign key.
  const addMember = db.prepare<[string, string, string, RoomRole]>(
    "INSERT INTO room_members (room, member, nick, role) VALUES (?, ?, ?, ?) ON CONFLICT (room, member) DO NOTHING",
  );
  const removeMember = db.prepare<[string, string]>("DELETE FROM room_members WHERE room = ? AND member = ?");
  const renameMember = db.prepare<[string, string, string]>("UPDATE room_members SET nick = ? WHERE room = ? AND member = ?");
  const members = db.prepare<[string], MemberRow>("SELECT member, nick, role FROM room_members WHERE room = ? ORDER BY seq");
  const countCreatedBy = db.prepare<[string], { count: number }>("SELECT count(*) AS count FROM rooms WHERE created_by = ?");
  const roomsOf = db.prepare<[string], { room: string }>("SELECT room FROM room_members WHERE member = ? ORDER BY room");

  return {
    create: (room) =>
      guarded(
        "create a room",
        () => insert.run(addressKey(room.address), room.name, room.subject, addressKey(room.createdBy), room.createdAt).changes === 1,
      ),
    remove: (address) => guarded("remove a room", () => remove.run(addressKey(address)).changes > 0),
    destroy: (address) => guarded("destroy a room", () => destroy.immediate(address)),
    get: (address) =>
      guarded("read a room", () => {
        const row = select.get(addressKey(address));
        return row && toRoom(row);
      }),
    list: () => guarded("list rooms", () => list.all().map(toRoom)),
    setSubject: (address, subject) =>
      guarded("set a room subject", () => {
        if (setSubject.run(subject, addressKey(address)).changes === 0) throw unknownRoom(address);
      }),
    addMember: (room, member) =>
      guarded("add a room member", () => {
        try {
          return addMember.run(addressKey(room), addressKey(member.address), member.nick, member.role).changes === 1;
        } catch (error: unknown) {
          if (sqliteCode(error) === "SQLITE_CONSTRAINT_FOREIGNKEY") throw unknownRoom(room, error);
          throw error;
        }
      }),
    removeMember: (room, member) => guarded("remove a room member", () => removeMember.run(addressKey(room), addressKey(member)).changes > 0),
    renameMember: (room, member, nick) => guarded("rename a room member", () => renameMember.run(nick, addressKey(room), addressKey(member)).changes > 0),
    members: (room) => guarded("list room members", () => members.all(addressKey(room)).map(toMember)),
    roomsOf: (member) => guarded("list rooms of a member", () => roomsOf.all(addressKey(member)).map((row) => parseAddress(row.room))),
    countCreatedBy: (creator) => guarded("count rooms of a creator", () => countCreatedBy.get(addressKey(creator))?.count ?? 0),
  };
}
