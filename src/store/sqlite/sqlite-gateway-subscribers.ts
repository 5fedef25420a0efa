/** GatewaySubscriberStore on SQLite: one row per subscriber of a gateway domain. */
import type Database from "better-sqlite3";
import type { GatewaySubscriberStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

export function createSqliteGatewaySubscribers(db: Database.Database): GatewaySubscriberStore {
  const insert = db.prepare<[string, string, string, number]>("INSERT OR IGNORE INTO gateway_subscribers (gateway, jid, server, subscribed_at) VALUES (?, ?, ?, ?)");
  const remove = db.prepare<[string, string]>("DELETE FROM gateway_subscribers WHERE gateway = ? AND jid = ?");
  const has = db.prepare<[string, string], { readonly one: number }>("SELECT 1 AS one FROM gateway_subscribers WHERE gateway = ? AND jid = ?");
  const list = db.prepare<[string], { readonly jid: string }>("SELECT jid FROM gateway_subscribers WHERE gateway = ? ORDER BY jid");
  const countOn = db.prepare<[string, string], { readonly n: number }>("SELECT count(*) AS n FROM gateway_subscribers WHERE gateway = ? AND server = ?");
  const count = db.prepare<[string], { readonly n: number }>("SELECT count(*) AS n FROM gateway_subscribers WHERE gateway = ?");
  return {
    add: (gateway, jid, server, at) => guarded("keep a subscriber of the gateway", () => insert.run(gateway, jid, server, at).changes > 0),
    remove: (gateway, jid) => guarded("forget a subscriber of the gateway", () => remove.run(gateway, jid).changes > 0),
    has: (gateway, jid) => guarded("read a subscriber of the gateway", () => has.get(gateway, jid) !== undefined),
    list: (gateway) => guarded("read the subscribers of the gateway", () => list.all(gateway).map((row) => row.jid)),
    countOn: (gateway, server) => guarded("count the subscribers of the gateway", () => countOn.get(gateway, server)?.n ?? 0),
    count: (gateway) => guarded("count the subscribers of the gateway", () => count.get(gateway)?.n ?? 0),
  };
}
