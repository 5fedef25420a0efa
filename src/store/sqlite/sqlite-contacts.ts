/** ContactStore on SQLite: one row per (owner, address), both stored as canonical URIs. */
import type Database from "better-sqlite3";
import { addressKey, DEFAULT_ACCOUNT, parseAddress, type ProtocolId } from "../../core/model/address.js";
import type { Contact, Subscription } from "../../core/model/contact.js";
import type { ContactStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

interface ContactRow {
  readonly owner: string;
  readonly address: string;
  readonly name: string;
  readonly subscription: Subscription;
  readonly pending_out: number;
  readonly pending_in: number;
}

function toContact(row: ContactRow): Contact {
  return {
    owner: parseAddress(row.owner),
    address: parseAddress(row.address),
    name: row.name,
    subscription: row.subscription,
    pendingOut: row.pending_out === 1,
    pendingIn: row.pending_in === 1,
  };
}

/**
 * Addresses on one network share the prefix of their URI form: `xmpp:` for the default account (but not
 * `xmpp://`, which starts every other account), `xmpp://work/` for account work. A range keeps it indexable.
 * Gives [from, to (exclusive), LIKE pattern to leave out].
 */
export function networkRange(protocol: ProtocolId, account: string): [string, string, string] {
  const prefix = account === DEFAULT_ACCOUNT ? `${protocol}:` : `${protocol}://${account}/`;
  const excluded = account === DEFAULT_ACCOUNT ? `${protocol}://%` : "";
  return [prefix, `${prefix}\uffff`, excluded];
}

export function createSqliteContactStore(db: Database.Database): ContactStore {
  const list = db.prepare<[string], ContactRow>("SELECT * FROM contacts WHERE owner = ? ORDER BY address");
  const select = db.prepare<[string, string], ContactRow>("SELECT * FROM contacts WHERE owner = ? AND address = ?");
  const upsert = db.prepare<[string, string, string, Subscription, number, number]>(
    `INSERT INTO contacts (owner, address, name, subscription, pending_out, pending_in) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (owner, address) DO UPDATE SET
       name = excluded.name, subscription = excluded.subscription, pending_out = excluded.pending_out, pending_in = excluded.pending_in`,
  );
  const remove = db.prepare<[string, string]>("DELETE FROM contacts WHERE owner = ? AND address = ?");
  const removeOnNetwork = db.prepare<[string, string, string, string, string, string]>(
    `DELETE FROM contacts WHERE (address >= ? AND address < ? AND address NOT LIKE ?) OR (owner >= ? AND owner < ? AND owner NOT LIKE ?)`,
  );
  // The primary key's owner range: no other table or index is read.
  const countKept = db.prepare<[string], { count: number }>(
    "SELECT count(*) AS count FROM contacts WHERE owner = ? AND NOT (pending_in = 1 AND pending_out = 0 AND subscription = 'none')",
  );
  const byAddress = db.prepare<[string], ContactRow>("SELECT * FROM contacts WHERE address = ? ORDER BY owner");
  const onNetwork = db.prepare<[string, string, string], ContactRow>(
    "SELECT * FROM contacts WHERE address >= ? AND address < ? AND address NOT LIKE ? ORDER BY owner, address",
  );

  return {
    list: (owner) => guarded("list contacts", () => list.all(addressKey(owner)).map(toContact)),
    get: (owner, address) =>
      guarded("read a contact", () => {
        const row = select.get(addressKey(owner), addressKey(address));
        return row && toContact(row);
      }),
    put: (contact) =>
      guarded("store a contact", () => {
        // SQLite has no boolean type: flags are stored as 0/1.
        const { owner, address, name, subscription, pendingOut, pendingIn } = contact;
        upsert.run(addressKey(owner), addressKey(address), name, subscription, pendingOut ? 1 : 0, pendingIn ? 1 : 0);
      }),
    remove: (owner, address) => guarded("remove a contact", () => remove.run(addressKey(owner), addressKey(address)).changes > 0),
    listOnNetwork: (protocol, account) =>
      guarded("list contacts on a network", () => {
        const [from, to, excluded] = networkRange(protocol, account);
        return onNetwork.all(from, to, excluded).map(toContact);
      }),
    removeOnNetwork: (protocol, account) =>
      guarded("remove contacts on a network", () => {
        const range = networkRange(protocol, account);
        return removeOnNetwork.run(...range, ...range).changes;
      }),
    countKept: (owner) => guarded("count contacts", () => countKept.get(addressKey(owner))?.count ?? 0),
    listByAddress: (address) => guarded("list contacts by address", () => byAddress.all(addressKey(address)).map(toContact)),
  };
}
