/** RoomBanStore on SQLite: one row per (room, person); a room's bans go with the room (ON DELETE CASCADE). */
import type Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import { addressKey, formatAddress, parseAddress } from "../../core/model/address.js";
import type { RoomBanRecord, RoomBanStore } from "../store.js";
import { guarded, sqliteCode } from "./sqlite-errors.js";

interface RoomBanRow {
  readonly room: string;
  readonly person: string;
  readonly banned_by: string;
  readonly reason: string;
  readonly banned_at: number;
}

function toRecord(row: RoomBanRow): RoomBanRecord {
  return { room: parseAddress(row.room), person: parseAddress(row.person), by: parseAddress(row.banned_by), reason: row.reason, at: row.banned_at };
}

export function createSqliteRoomBans(db: Database.Database): RoomBanStore {
  const upsert = db.prepare<[string, string, string, string, number]>(
    `INSERT INTO room_bans (room, person, banned_by, reason, banned_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (room, person) DO UPDATE SET banned_by = excluded.banned_by, reason = excluded.reason, banned_at = excluded.banned_at`,
  );
  const remove = db.prepare<[string, string]>("DELETE FROM room_bans WHERE room = ? AND person = ?");
  // rowid order would be insertion order, but the table has none: the time, then the person, is as stable.
  const ofRoom = db.prepare<[string], RoomBanRow>("SELECT * FROM room_bans WHERE room = ? ORDER BY banned_at, person");
  return {
    put: (ban) =>
      guarded("store a room ban", () => {
        try {
          upsert.run(addressKey(ban.room), addressKey(ban.person), addressKey(ban.by), ban.reason, ban.at);
        } catch (error: unknown) {
          if (sqliteCode(error) === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new GatewayError("GW_ERR_NOT_FOUND", `room ${formatAddress(ban.room)} does not exist`, { cause: error });
          throw error;
        }
      }),
    remove: (room, person) => guarded("remove a room ban", () => remove.run(addressKey(room), addressKey(person)).changes > 0),
    list: (room) => guarded("list room bans", () => ofRoom.all(addressKey(room)).map(toRecord)),
  };
}
