/** BridgeStore on SQLite: the bridges an admin added at runtime, in the order they were added. */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { BridgeRecord, BridgeStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface BridgeRow {
  readonly remote: string;
  readonly room: string;
  readonly nick: string;
  readonly channel_key: string;
  readonly membership: number;
  readonly created_by: string;
  readonly created_at: number;
}

function toRecord(row: BridgeRow): BridgeRecord {
  return {
    remote: parseAddress(row.remote),
    room: row.room,
    nick: row.nick,
    key: row.channel_key,
    membership: row.membership !== 0,
    createdBy: parseAddress(row.created_by),
    createdAt: row.created_at,
  };
}

export function createSqliteBridges(db: Database.Database): BridgeStore {
  const insert = db.prepare<[string, string, string, string, number, string, number]>(
    "INSERT INTO bridges (remote, room, nick, channel_key, membership, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (remote) DO NOTHING",
  );
  const remove = db.prepare<[string]>("DELETE FROM bridges WHERE remote = ?");
  const setKey = db.prepare<[string, string]>("UPDATE bridges SET channel_key = ? WHERE remote = ?");
  const list = db.prepare<[], BridgeRow>("SELECT remote, room, nick, channel_key, membership, created_by, created_at FROM bridges ORDER BY seq");
  return {
    add: (record) =>
      guarded("add bridge", () =>
        insert.run(addressKey(record.remote), record.room, record.nick, record.key, record.membership ? 1 : 0, addressKey(record.createdBy), record.createdAt).changes === 1,
      ),
    remove: (remote) => guarded("remove bridge", () => remove.run(addressKey(remote)).changes === 1),
    setKey: (remote, key) => guarded("set bridge key", () => setKey.run(key, addressKey(remote)).changes === 1),
    list: () => guarded("list bridges", () => list.all().map(toRecord)),
  };
}
