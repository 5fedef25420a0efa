/** GatewaySettingStore on SQLite: one row per setting, replaced whole. */
import type Database from "better-sqlite3";
import type { GatewaySettingStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

export function createSqliteGatewaySettings(db: Database.Database): GatewaySettingStore {
  const select = db.prepare<[string], { readonly value: string }>("SELECT value FROM gateway_settings WHERE name = ?");
  const upsert = db.prepare<[string, string, number]>(
    "INSERT INTO gateway_settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
  );
  const remove = db.prepare<[string]>("DELETE FROM gateway_settings WHERE name = ?");
  return {
    get: (name) => guarded("read a gateway setting", () => select.get(name)?.value),
    put: (name, value, at) =>
      guarded("keep a gateway setting", () => {
        upsert.run(name, value, at);
      }),
    remove: (name) => guarded("forget a gateway setting", () => remove.run(name).changes > 0),
  };
}
