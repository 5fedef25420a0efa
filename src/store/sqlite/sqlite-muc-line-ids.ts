/** MucLineIdStore on SQLite: one row per line and MUC, found by gateway id (its key) and by the room's id (an index). */
import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import { MUC_LINES_KEPT, type MucLineIdRecord, type MucLineIdStore } from "../muc-line-id-store.js";
import { guarded } from "./sqlite-errors.js";

// Migration 28: the XEP-0421 occupant id the MUC gave each line's sender (NULL where it gives none), so that "who said
// it" survives a restart also when someone else has taken the nick since (adapters/xmpp/muc-line-ids.ts).
export const MUC_LINE_OCCUPANT_IDS = `
ALTER TABLE muc_line_ids ADD COLUMN occupant_id TEXT;
`;

/**
 * How many rows (in key order) one statement of a prune looks at: the table holds up to 1,000 rows for every MUC of
 * every bot and linked account (a million for a thousand MUCs, a scan of a quarter of a second, a deletion of seconds),
 * so a prune goes a range at a time, the event loop free between two (as the message log's, log-retention.ts).
 */
export const PRUNE_RANGE_ROWS = 5000;

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
  // No index by time: ranges of the key instead (PRUNE_RANGE_ROWS), each ending at the row found this many rows on.
  const rangeEnd = db.prepare<[string, string, number], { muc: string; gateway_id: string }>(
    "SELECT muc, gateway_id FROM muc_line_ids WHERE (muc, gateway_id) > (?, ?) ORDER BY muc, gateway_id LIMIT 1 OFFSET ?",
  );
  const pruneRange = db.prepare<[string, string, string, string, number]>("DELETE FROM muc_line_ids WHERE (muc, gateway_id) > (?, ?) AND (muc, gateway_id) <= (?, ?) AND at < ?");
  const pruneRest = db.prepare<[string, string, number]>("DELETE FROM muc_line_ids WHERE (muc, gateway_id) > (?, ?) AND at < ?");
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
    prune: async (cutoff) => {
      let after: readonly [string, string] = ["", ""];
      let deleted = 0;
      for (;;) {
        const end = await guarded("prune the MUCs' ids of lines", () => rangeEnd.get(after[0], after[1], PRUNE_RANGE_ROWS - 1));
        if (end === undefined) return deleted + (await guarded("prune the MUCs' ids of lines", () => pruneRest.run(after[0], after[1], cutoff).changes));
        const from = after;
        deleted += await guarded("prune the MUCs' ids of lines", () => pruneRange.run(from[0], from[1], end.muc, end.gateway_id, cutoff).changes);
        after = [end.muc, end.gateway_id];
        await nextTurn(); // the messages of the moment go between two ranges
      }
    },
  };
}
