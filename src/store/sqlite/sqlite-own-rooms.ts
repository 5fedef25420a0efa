/** OwnRoomStore on SQLite (migration 19, its archive mark 25): one row per (owner, room); the room's password, if any, sealed (a BLOB). */
import type Database from "better-sqlite3";
import { addressKey, parseAddress, type Address, type ProtocolId } from "../../core/model/address.js";
import type { OwnRoomRecord, OwnRoomStore } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { networkRange } from "./sqlite-contacts.js";
import { guarded } from "./sqlite-errors.js";

interface OwnRoomRow {
  readonly owner: string;
  readonly room: string;
  readonly nick: string;
  readonly secret: Buffer | null;
  readonly joined_at: number;
  readonly archive_mark: string | null;
}

function toRecord(row: OwnRoomRow): OwnRoomRecord {
  return { owner: parseAddress(row.owner), room: parseAddress(row.room), nick: row.nick, ...(row.secret === null ? {} : { secret: Buffer.from(row.secret) }), joinedAt: row.joined_at, ...(row.archive_mark === null ? {} : { archiveMark: row.archive_mark }) };
}

export function createSqliteOwnRooms(db: Database.Database): OwnRoomStore {
  const upsert = db.prepare<[string, string, string, Buffer | null, number, string | null, string | null]>(
    `INSERT INTO own_rooms (owner, room, nick, secret, joined_at) SELECT ?, ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT}
     ON CONFLICT (owner, room) DO UPDATE SET nick = excluded.nick, secret = excluded.secret, joined_at = excluded.joined_at`,
  );
  const mark = db.prepare<[string, string, string]>("UPDATE own_rooms SET archive_mark = ? WHERE owner = ? AND room = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM own_rooms WHERE owner = ? AND room = ?");
  // A network's range of addresses (sqlite-contacts.ts): `excluded` leaves out named accounts from a default account's range.
  const onNetwork = db.prepare<[string, string, string, string, string], OwnRoomRow>(
    "SELECT * FROM own_rooms WHERE owner = ? AND room >= ? AND room < ? AND (? = '' OR room NOT LIKE ?) ORDER BY room",
  );
  const removeOnNetwork = db.prepare<[string, string, string, string, string]>("DELETE FROM own_rooms WHERE owner = ? AND room >= ? AND room < ? AND (? = '' OR room NOT LIKE ?)");
  const range = (protocol: ProtocolId, account: string): [string, string, string, string] => {
    const [from, to, excluded] = networkRange(protocol, account);
    return [from, to, excluded, excluded];
  };
  return {
    put: (record) =>
      guarded("store a room joined through a linked account", () => {
        const name = nativeName(record.owner);
        if (upsert.run(addressKey(record.owner), addressKey(record.room), record.nick, record.secret ?? null, record.joinedAt, name, name).changes === 0) throw noAccount(record.owner);
      }),
    mark: (owner: Address, room: Address, archiveMark: string) =>
      guarded("keep where a room joined through a linked account was read", () => mark.run(archiveMark, addressKey(owner), addressKey(room)).changes > 0),
    remove: (owner: Address, room: Address) => guarded("remove a room joined through a linked account", () => remove.run(addressKey(owner), addressKey(room)).changes > 0),
    listOn: (owner, protocol, account) => guarded("list rooms joined through a linked account", () => onNetwork.all(addressKey(owner), ...range(protocol, account)).map(toRecord)),
    removeOn: (owner, protocol, account) => guarded("remove rooms joined through a linked account", () => removeOnNetwork.run(addressKey(owner), ...range(protocol, account)).changes),
  };
}
