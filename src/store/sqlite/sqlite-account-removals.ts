/**
 * AccountRemovalStore on SQLite (migration 17). A deletion begins with one statement that wipes the account's password
 * and sets deleted_at: from then on it cannot log in and is found no more, and its name stays taken. It ends with one
 * transaction that removes everything of the person but what is deliberately kept (docs/store.md, "Deleted accounts"),
 * the account's row last, so that a crash at any point leaves either a deletion to finish at the next start or none:
 * never an account that logs in half-deleted, nor a name registered again while traces of its last holder remain.
 */
import type Database from "better-sqlite3";
import { addressKey } from "../../core/model/address.js";
import type { AccountRemoval, AccountRemovalStore } from "../store.js";
import { networkRange } from "./sqlite-contacts.js";
import { guarded } from "./sqlite-errors.js";

interface EntryRow {
  readonly recipient: string;
  readonly message_id: string;
  readonly from_address: string;
}

type Range = readonly [from: string, to: string, excluded: string];

function within(key: string, [from, to, excluded]: Range): boolean {
  // `excluded` is the LIKE pattern "<protocol>://%" of a default account's range, or "" for none.
  return key >= from && key < to && (excluded === "" || !key.startsWith(excluded.slice(0, -1)));
}

/** `release` lets a message go with the log off once nothing refers to it (sqlite-message-log.ts). */
export function createSqliteAccountRemovals(db: Database.Database, release: (messageId: string) => void): AccountRemovalStore {
  const begin = db.prepare<[number, string]>("UPDATE accounts SET password_hash = '', deleted_at = ? WHERE name = ? AND deleted_at IS NULL");
  const unfinished = db.prepare<[], { name: string }>("SELECT name FROM accounts WHERE deleted_at IS NOT NULL ORDER BY deleted_at, name");
  const deleting = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM accounts WHERE name = ? AND deleted_at IS NOT NULL");
  const entries = "SELECT o.recipient, o.message_id, m.from_address FROM outbox o JOIN messages m ON m.id = o.message_id";
  // Waiting for the person: at their address, or a direct message to them queued for one of their linked accounts.
  const waitingFor = db.prepare<{ person: string }, EntryRow>(`${entries} WHERE o.recipient = :person OR (m.scope = 'direct' AND m.to_address = :person)`);
  const sentBy = db.prepare<[string], EntryRow>(`${entries} WHERE m.from_address = ?`);
  const removeEntry = db.prepare<[string, string]>("DELETE FROM outbox WHERE recipient = ? AND message_id = ?");
  const notify = db.prepare<[string, string, string, string, string, number]>(
    "INSERT INTO failure_notices (sender, message_id, recipient, code, reason, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const noticesOf = db.prepare<[string], { sender: string; message_id: string }>("SELECT sender, message_id FROM failure_notices WHERE sender = ?");
  const noticesOn = db.prepare<[string, string], { sender: string; message_id: string }>("SELECT sender, message_id FROM failure_notices WHERE sender >= ? AND sender < ?");
  const removeNotice = db.prepare<[string, string]>("DELETE FROM failure_notices WHERE sender = ? AND message_id = ?");
  // Their direct messages, but those another sender's failure notice still needs (the report reads the message).
  const removeDirect = db.prepare<{ person: string }>(
    `DELETE FROM messages WHERE scope = 'direct' AND (from_address = :person OR to_address = :person)
     AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = messages.id)
     AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = messages.id)`,
  );
  // The lines of the rooms they joined through their own accounts (xmpp://u.<name>/<MUC>): their view of those rooms
  // alone, which a stranger given the name later must not read (but those a failure notice still needs).
  const removeOwnRoomLines = db.prepare<[string, string]>(
    `DELETE FROM messages WHERE scope = 'room' AND to_address >= ? AND to_address < ?
     AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = messages.id)
     AND NOT EXISTS (SELECT 1 FROM failure_notices WHERE message_id = messages.id)`,
  );
  const statements = [
    "DELETE FROM contacts WHERE owner = :person OR address = :person",
    "DELETE FROM sent_requests WHERE owner = :person OR address = :person",
    "DELETE FROM buddy_offers WHERE viewer = :person OR contact = :person OR viewer IN (SELECT address FROM identity_links WHERE person = :person)",
    "DELETE FROM identity_links WHERE person = :person",
    "DELETE FROM link_proofs WHERE person = :person",
    "DELETE FROM link_requests WHERE person = :person",
    "DELETE FROM linked_accounts WHERE owner = :person",
    "DELETE FROM puppet_accounts WHERE owner = :person",
    "DELETE FROM puppet_server_passwords WHERE owner = :person",
    "DELETE FROM own_rooms WHERE owner = :person",
    "DELETE FROM avatars WHERE owner = :person",
    "DELETE FROM blocks WHERE owner = :person OR address = :person",
    "DELETE FROM room_members WHERE member = :person",
    "DELETE FROM room_bans WHERE person = :person",
    "DELETE FROM room_allowed WHERE person = :person",
    // Their rooms stay for the others, owned by nobody (the room itself): admins manage them.
    "UPDATE rooms SET created_by = address WHERE created_by = :person",
    // Their names elsewhere (IRC puppets' nicks) stay taken, by nobody: nobody else ever speaks under them.
    "UPDATE name_claims SET person = :heldBy, current = 0 WHERE person = :person",
  ].map((sql) => db.prepare<{ person: string; heldBy: string }>(sql));
  const removeAccount = db.prepare<[string]>("DELETE FROM accounts WHERE name = ? AND deleted_at IS NOT NULL");
  // The MUCs' ids of lines her linked account carried (keyed by its MUCs' addresses): a new account of the name would
  // link an account of the same name and find them.
  const removeMucLines = db.prepare<[string, string]>("DELETE FROM muc_line_ids WHERE muc >= ? AND muc < ?");

  const finish = db.transaction((name: string, removal: AccountRemoval): boolean => {
    if (deleting.get(name) === undefined) return false;
    const person = addressKey(removal.person);
    const own: Range[] = removal.ownNetworks.map(({ protocol, account }) => networkRange(protocol, account));
    const ownAddress = (key: string): boolean => key === person || own.some((range) => within(key, range));
    const released = new Set<string>();
    // Waiting for them: each sender hears it failed (but their own accounts' contacts, gone with them).
    for (const entry of waitingFor.all({ person })) {
      if (!ownAddress(entry.from_address)) notify.run(entry.from_address, entry.message_id, person, removal.failure.code, removal.failure.reason, removal.at);
      removeEntry.run(entry.recipient, entry.message_id);
      released.add(entry.message_id);
    }
    // Sent by them (to their own account's contacts too): withdrawn, never delivered, nobody told.
    for (const entry of sentBy.all(person)) {
      removeEntry.run(entry.recipient, entry.message_id);
      released.add(entry.message_id);
    }
    for (const notice of [...noticesOf.all(person), ...own.flatMap(([from, to]) => noticesOn.all(from, to))]) {
      removeNotice.run(notice.sender, notice.message_id);
      released.add(notice.message_id);
    }
    for (const messageId of released) release(messageId);
    removeDirect.run({ person });
    for (const [from, to] of own) removeOwnRoomLines.run(from, to);
    for (const statement of statements) statement.run({ person, heldBy: addressKey(removal.namesHeldBy) });
    for (const [from, to, excluded] of own) if (excluded === "") removeMucLines.run(from, to);
    return removeAccount.run(name).changes === 1;
  });

  return {
    begin: (name, at) => guarded("begin an account's deletion", () => begin.run(at, name).changes === 1),
    unfinished: () => guarded("list unfinished account deletions", () => unfinished.all().map((row) => row.name)),
    finish: (name, removal) => guarded("remove a deleted account", () => finish.immediate(name, removal)),
  };
}
