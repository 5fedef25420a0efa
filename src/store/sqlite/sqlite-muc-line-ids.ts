/** MucLineIdStore on SQLite: one row per line and MUC, found by gateway id (its key) and by the room's id (an index). */
import type Database from "better-sqlite3";
import { MUC_LINES_KEPT, type MucLineIdRecord, type MucLineIdStore } from "../muc-line-id-store.js";
import { guarded } from "./sqlite-errors.js";

// Migration 28: the XEP-0421 occupant id the MUC gave each line's sender (NULL where it gives none), so that "who said
// it" survives a restart also when someone else has taken the nick since (adapters/xmpp/muc-line-ids.ts).
export const MUC_LINE_OCCUPANT_IDS = `
ALTER TABLE muc_line_ids ADD COLUMN occupant_id TEXT;
`;

export function createSqliteMucLineIds(db: Database.Database, kept = MUC_LINES_KEPT): MucLineIdStore {
  const insert = db.prepare<[string, string, string, string, string | null, number]>(
    "INSERT OR REPLACE INTO muc_line_ids (muc, gateway_id, room_id, nick, occupant_id, at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  // The MUC's oldest line kept, by gateway id (ids sort in acceptance order): one step down the key, then a range.
  const trim = db.prepare<{ muc: string; offset: number }>(
    `DELETE FROM muc_line_ids WHERE muc = @muc AND gateway_id <
       (SELECT gateway_id FROM muc_line_ids WHERE muc = @muc ORDER BY gateway_id DESC LIMIT 1 OFFSET @offset)`,
  );
  const byGatewayId = db.prepare<[string, string], { room_id: string; nick: string; occupant_id: string | null }>(
    "SELECT room_id, nick, occupant_id FROM muc_line_ids WHERE muc = ? AND gateway_id = ?",
  );
  const byRoomId = db.prepare<[string, string], { gateway_id: string }>("SELECT gateway_id FROM muc_line_ids WHERE muc = ? AND room_id = ? ORDER BY gateway_id DESC LIMIT 1");
  // No index by time: the table is bounded per MUC, and a pass of the retention is hourly.
  const prune = db.prepare<[number]>("DELETE FROM muc_line_ids WHERE at < ?");
  const keepAll = db.transaction((lines: readonly MucLineIdRecord[]) => {
    for (const line of lines) insert.run(line.muc, line.gatewayId, line.roomId, line.nick, line.occupantId ?? null, line.at);
    for (const muc of new Set(lines.map((line) => line.muc))) trim.run({ muc, offset: kept - 1 });
  });
  return {
    keep: (lines) =>
      guarded("keep the MUCs' ids of lines", () => {
        if (lines.length > 0) keepAll(lines);
      }),
    byGatewayId: (muc, gatewayId) =>
      guarded("read a MUC's id of a line", () => {
        const row = byGatewayId.get(muc, gatewayId);
        return row === undefined ? undefined : { roomId: row.room_id, nick: row.nick, ...(row.occupant_id === null ? {} : { occupantId: row.occupant_id }) };
      }),
    byRoomId: (muc, roomId) => guarded("read a line by a MUC's id", () => byRoomId.get(muc, roomId)?.gateway_id),
    prune: (cutoff) => guarded("prune the MUCs' ids of lines", () => prune.run(cutoff).changes),
  };
}
