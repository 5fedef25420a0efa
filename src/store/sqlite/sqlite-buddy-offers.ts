/** BuddyOfferStore on SQLite: one row per (viewer, contact) offered (core/buddy-offers.ts). */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { BuddyOfferState, BuddyOfferStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface BuddyOfferRow {
  readonly viewer: string;
  readonly contact: string;
  readonly state: BuddyOfferState;
}

export function createSqliteBuddyOffers(db: Database.Database): BuddyOfferStore {
  const upsert = db.prepare<[string, string, BuddyOfferState]>(
    "INSERT INTO buddy_offers (viewer, contact, state) VALUES (?, ?, ?) ON CONFLICT (viewer, contact) DO UPDATE SET state = excluded.state",
  );
  const list = db.prepare<[string], BuddyOfferRow>("SELECT viewer, contact, state FROM buddy_offers WHERE viewer = ? ORDER BY contact");
  const get = db.prepare<[string, string], BuddyOfferRow>("SELECT viewer, contact, state FROM buddy_offers WHERE viewer = ? AND contact = ?");
  const remove = db.prepare<[string, string]>("DELETE FROM buddy_offers WHERE viewer = ? AND contact = ?");
  const removeAll = db.prepare<[string]>("DELETE FROM buddy_offers WHERE viewer = ?");
  return {
    listFor: (viewer) =>
      guarded("list buddy offers", () => list.all(addressKey(viewer)).map((row) => ({ viewer: parseAddress(row.viewer), contact: parseAddress(row.contact), state: row.state }))),
    get: (viewer, contact) =>
      guarded("read a buddy offer", () => {
        const row = get.get(addressKey(viewer), addressKey(contact));
        return row && { viewer: parseAddress(row.viewer), contact: parseAddress(row.contact), state: row.state };
      }),
    put: (record) =>
      guarded("record a buddy offer", () => {
        upsert.run(addressKey(record.viewer), addressKey(record.contact), record.state);
      }),
    remove: (viewer, contact) => guarded("remove a buddy offer", () => remove.run(addressKey(viewer), addressKey(contact)).changes > 0),
    removeAll: (viewer) => guarded("remove buddy offers", () => removeAll.run(addressKey(viewer)).changes),
  };
}
