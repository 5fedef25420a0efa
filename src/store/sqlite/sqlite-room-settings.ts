/** RoomSettingsStore on SQLite: one row of settings per room, and the people a members-only room lets in; both go with their room. */
import type Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import { addressKey, formatAddress, parseAddress, type Address } from "../../core/model/address.js";
import type { RoomSettingsRecord, RoomSettingsStore } from "../store.js";
import { guarded, sqliteCode } from "./sqlite-errors.js";

interface RoomSettingsRow {
  readonly room: string;
  readonly members_only: number;
  readonly password_hash: string | null;
  readonly description: string;
  readonly public: number;
}

function toRecord(row: RoomSettingsRow): RoomSettingsRecord {
  return {
    room: parseAddress(row.room),
    membersOnly: row.members_only === 1,
    ...(row.password_hash === null ? {} : { passwordHash: row.password_hash }),
    description: row.description,
    public: row.public === 1,
  };
}

/** Runs a write that names a room; a room that does not exist fails its foreign key: GW_ERR_NOT_FOUND. */
function ofExistingRoom(room: Address, write: () => void): void {
  try {
    write();
  } catch (error: unknown) {
    if (sqliteCode(error) === "SQLITE_CONSTRAINT_FOREIGNKEY") throw new GatewayError("GW_ERR_NOT_FOUND", `room ${formatAddress(room)} does not exist`, { cause: error });
    throw error;
  }
}

export function createSqliteRoomSettings(db: Database.Database): RoomSettingsStore {
  const select = db.prepare<[string], RoomSettingsRow>("SELECT * FROM room_settings WHERE room = ?");
  const upsert = db.prepare<[string, number, string | null, string, number]>(
    `INSERT INTO room_settings (room, members_only, password_hash, description, public) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (room) DO UPDATE SET members_only = excluded.members_only, password_hash = excluded.password_hash,
       description = excluded.description, public = excluded.public`,
  );
  const allow = db.prepare<[string, string]>("INSERT INTO room_allowed (room, person) VALUES (?, ?) ON CONFLICT (room, person) DO NOTHING");
  const disallow = db.prepare<[string, string]>("DELETE FROM room_allowed WHERE room = ? AND person = ?");
  const allowed = db.prepare<[string], { person: string }>("SELECT person FROM room_allowed WHERE room = ? ORDER BY person");
  return {
    get: (room) =>
      guarded("read a room's settings", () => {
        const row = select.get(addressKey(room));
        return row && toRecord(row);
      }),
    put: (settings) =>
      guarded("store a room's settings", () =>
        ofExistingRoom(settings.room, () =>
          upsert.run(addressKey(settings.room), settings.membersOnly ? 1 : 0, settings.passwordHash ?? null, settings.description, settings.public ? 1 : 0),
        ),
      ),
    allow: (room, person) => guarded("allow someone into a room", () => ofExistingRoom(room, () => allow.run(addressKey(room), addressKey(person)))),
    disallow: (room, person) => guarded("disallow someone from a room", () => disallow.run(addressKey(room), addressKey(person)).changes > 0),
    allowed: (room) => guarded("list who may join a room", () => allowed.all(addressKey(room)).map((row) => parseAddress(row.person))),
  };
}
