/**
 * The schema's first version (migration 1, migrations.ts), as released: never edited, as no migration is. The
 * tables and columns added since are the later migrations'.
 */

// Addresses are stored as their canonical URI (addressKey). Tables keyed by short text use WITHOUT ROWID;
// messages stay a rowid table because their JSON can be large (up to a 64 KiB body).
export const INITIAL_SCHEMA = `
CREATE TABLE accounts (
  name          TEXT NOT NULL PRIMARY KEY,
  password_hash TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE contacts (
  owner        TEXT NOT NULL,
  address      TEXT NOT NULL,
  name         TEXT NOT NULL,
  subscription TEXT NOT NULL CHECK (subscription IN ('none', 'to', 'from', 'both')),
  pending_out  INTEGER NOT NULL,
  pending_in   INTEGER NOT NULL,
  PRIMARY KEY (owner, address)
) WITHOUT ROWID;
CREATE INDEX contacts_by_address ON contacts (address, owner);

CREATE TABLE rooms (
  address    TEXT NOT NULL PRIMARY KEY,
  name       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- seq is AUTOINCREMENT so that it never goes back: members() orders by it to give the join order.
CREATE TABLE room_members (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  room   TEXT NOT NULL REFERENCES rooms (address) ON DELETE CASCADE,
  member TEXT NOT NULL,
  nick   TEXT NOT NULL,
  role   TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  UNIQUE (room, member)
);
CREATE INDEX room_members_by_member ON room_members (member, room);

-- conversation is derived from scope, from and to (see conversationKey) so that history() is one index range.
CREATE TABLE messages (
  id           TEXT NOT NULL PRIMARY KEY,
  scope        TEXT NOT NULL CHECK (scope IN ('direct', 'room')),
  from_address TEXT NOT NULL,
  to_address   TEXT NOT NULL,
  conversation TEXT NOT NULL,
  timestamp    INTEGER NOT NULL,
  json         TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation, id);

CREATE TABLE outbox (
  recipient  TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  PRIMARY KEY (recipient, message_id)
) WITHOUT ROWID;
CREATE INDEX outbox_by_message ON outbox (message_id);
`;
