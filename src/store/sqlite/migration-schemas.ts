/**
 * The SQL of each schema migration after the first (migrations.ts lists them in order and applies them). Never edited
 * once released: a change to the schema is a new migration. Later tables keep their SQL beside their store
 * (sqlite-avatars.ts, sqlite-muc-line-ids.ts).
 */

// Reports of failed deliveries that could not reach their sender yet; kept until the sender's adapter takes them.
export const FAILURE_NOTICES = `
CREATE TABLE failure_notices (
  sender     TEXT NOT NULL,
  message_id TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  code       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  at         INTEGER NOT NULL,
  PRIMARY KEY (sender, message_id, recipient)
) WITHOUT ROWID;
`;

// People's own accounts on other networks (XMPP), one per owner and network; the password only sealed
// (core/credential-box.ts), never in clear.
export const LINKED_ACCOUNTS = `
CREATE TABLE linked_accounts (
  owner     TEXT NOT NULL,
  network   TEXT NOT NULL,
  login     TEXT NOT NULL,
  service   TEXT NOT NULL,
  secret    BLOB NOT NULL,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (owner, network)
) WITHOUT ROWID;
`;

// Accounts on other networks proven to belong to a person (core/identities.ts): an address is linked to one
// person only, hence its primary key. A link asked for and not yet proven keeps only the hash of its code.
// link_requests records every proof asked for, even once replaced, used or expired, for the hourly rate
// limit; removeExpiredProofs prunes its rows older than 24 h. It is a rowid table: one person may ask twice
// in the same millisecond.
export const IDENTITY_LINKS = `
CREATE TABLE identity_links (
  person    TEXT NOT NULL,
  address   TEXT NOT NULL PRIMARY KEY,
  linked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX identity_links_by_person ON identity_links (person, address);

CREATE TABLE link_proofs (
  person     TEXT NOT NULL,
  address    TEXT NOT NULL,
  code_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (person, address)
) WITHOUT ROWID;
CREATE INDEX link_proofs_by_address ON link_proofs (address, person);

CREATE TABLE link_requests (
  person TEXT NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX link_requests_by_person ON link_requests (person, at);
`;

// Bridges added by an admin at runtime (bridges: in the configuration are not stored). remote is an address key.
export const RUNTIME_BRIDGES = `
CREATE TABLE bridges (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  remote     TEXT NOT NULL UNIQUE,
  room       TEXT NOT NULL,
  nick       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;

// An IRC link bound to the services account the nick was logged in to when it was proven (docs/bridging.md,
// "Linking accounts"); NULL for a link to the address alone (networks without accounts, link_accounts: off).
export const LINK_ACCOUNTS = `
ALTER TABLE identity_links ADD COLUMN account TEXT;
`;

// With the message log off, a message is deleted once no outbox entry and no failure notice refers to it: the
// notices are looked up by message, which their primary key (sender first) cannot answer without a scan.
export const NOTICES_BY_MESSAGE = `
CREATE INDEX failure_notices_by_message ON failure_notices (message_id);
`;

// Runtime bridges gain their options (docs/bridging.md, "Bridges at runtime"): an IRC channel's key (+k), ""
// for none, and whether the remote room's joins and leaves are relayed (1) or not (0).
export const BRIDGE_OPTIONS = `
ALTER TABLE bridges ADD COLUMN channel_key TEXT NOT NULL DEFAULT '';
ALTER TABLE bridges ADD COLUMN membership INTEGER NOT NULL DEFAULT 1;
`;

// Names people go by on a network (core/name-claims.ts: IRC puppets' nicks), one person per name, for good: a
// name is compared in ASCII lower case, as IRC servers compare nicks.
export const NAME_CLAIMS = `
CREATE TABLE name_claims (
  protocol    TEXT NOT NULL,
  account     TEXT NOT NULL,
  person      TEXT NOT NULL,
  name        TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  claimed_at  INTEGER NOT NULL,
  PRIMARY KEY (protocol, account, person),
  UNIQUE (protocol, account, name_folded)
);
`;

// Rooms' archives queried by sender (XEP-0313 "with"): the name a room message was logged under, as a column with an
// index of its own, so such a query reads that sender's messages only. Direct messages have none (NULL: not indexed).
export const ARCHIVE_BY_SENDER = `
ALTER TABLE messages ADD COLUMN sender_name TEXT;
UPDATE messages SET sender_name = json_extract(json, '$.senderName') WHERE scope = 'room';
CREATE INDEX messages_by_sender ON messages (conversation, sender_name, id) WHERE sender_name IS NOT NULL;
`;

// What became of each contact offered to a person's linked account (core/buddy-offers.ts), so that an offer (an XMPP
// subscription request) is made once and not again at every reconnect or restart. Offers made before this
// migration were sent at the link or when the contact was added: every (linked account, contact of its person on
// another network) is recorded as offered, so that the upgrade asks nobody again. A protocol is an address key's
// text up to its first colon.
export const BUDDY_OFFERS = `
CREATE TABLE buddy_offers (
  viewer  TEXT NOT NULL,
  contact TEXT NOT NULL,
  state   TEXT NOT NULL CHECK (state IN ('offered', 'approved', 'refused')),
  PRIMARY KEY (viewer, contact)
) WITHOUT ROWID;
INSERT INTO buddy_offers (viewer, contact, state)
  SELECT link.address, entry.address, 'offered'
  FROM identity_links AS link JOIN contacts AS entry ON entry.owner = link.person
  WHERE substr(link.address, 1, instr(link.address, ':')) <> substr(entry.address, 1, instr(entry.address, ':'));
`;

// Subscription requests written to the contact's network (core/roster.ts, resync): a request is made once, and
// made again at a reconnect only when it never got there. The requests pending when the upgrade runs were made
// (every earlier version repeated them at each reconnect), so they count as sent and nobody is asked again.
export const SENT_REQUESTS = `
CREATE TABLE sent_requests (
  owner   TEXT NOT NULL,
  address TEXT NOT NULL,
  PRIMARY KEY (owner, address)
) WITHOUT ROWID;
INSERT INTO sent_requests (owner, address) SELECT owner, address FROM contacts WHERE pending_out = 1;
`;

// People's own services accounts on IRC networks, which their puppets log in to (core/puppet-accounts.ts); the
// password only sealed, as in linked_accounts.
export const PUPPET_ACCOUNTS = `
CREATE TABLE puppet_accounts (
  owner   TEXT NOT NULL,
  network TEXT NOT NULL,
  account TEXT NOT NULL,
  secret  BLOB NOT NULL,
  set_at  INTEGER NOT NULL,
  PRIMARY KEY (owner, network)
) WITHOUT ROWID;
`;

// A person may hold several names on a network (the IRC nicks they chose, docs/irc.md "Your puppet's nick"), one of
// them current: a name once someone's stays theirs. The key becomes the name (one person per name, as before), and a
// partial unique index keeps one current name per person. Every existing claim is its person's current name, folded
// now as IRC's rfc1459 case mapping folds nicks (core/model/name-fold.ts: "al|ce" and "AL\ce" are one name); of two
// older claims that fold alike, the first made is kept, and the other person is given a name anew at their next connect.
export const HELD_NAMES = `
CREATE TABLE held_names (
  protocol    TEXT NOT NULL,
  account     TEXT NOT NULL,
  person      TEXT NOT NULL,
  name        TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  claimed_at  INTEGER NOT NULL,
  current     INTEGER NOT NULL CHECK (current IN (0, 1)),
  PRIMARY KEY (protocol, account, name_folded)
);
INSERT OR IGNORE INTO held_names (protocol, account, person, name, name_folded, claimed_at, current)
  SELECT protocol, account, person, name,
         replace(replace(replace(replace(name_folded, '[', '{'), ']', '}'), '\\', '|'), '~', '^'),
         claimed_at, 1
  FROM name_claims ORDER BY claimed_at, rowid;
DROP TABLE name_claims;
ALTER TABLE held_names RENAME TO name_claims;
CREATE INDEX name_claims_by_person ON name_claims (protocol, account, person);
CREATE UNIQUE INDEX name_claims_current ON name_claims (protocol, account, person) WHERE current = 1;
`;

// People kept out of a gateway room (core/room-bans.ts), one row per room and person; they go with their room.
export const ROOM_BANS = `
CREATE TABLE room_bans (
  room      TEXT NOT NULL REFERENCES rooms (address) ON DELETE CASCADE,
  person    TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  reason    TEXT NOT NULL,
  banned_at INTEGER NOT NULL,
  PRIMARY KEY (room, person)
) WITHOUT ROWID;
`;

// Rooms are counted by creator at each room.create (native.limits.rooms_created): an index, not a scan of every room.
export const ROOMS_BY_CREATOR = `
CREATE INDEX rooms_by_creator ON rooms (created_by);
`;

// Accounts being deleted (core/account-deletion.ts): deleting one wipes its password and sets deleted_at in one statement,
// so that it can no longer log in and is found no more, while its name stays taken until everything else of it is removed,
// in one transaction that deletes the row last (sqlite-account-removals.ts). A deletion a crash cut short is finished at
// the next start.
export const ACCOUNT_DELETIONS = `
ALTER TABLE accounts ADD COLUMN deleted_at INTEGER;
`;

// Accounts disabled by an admin or the operator (core/account-suspension.ts): kept whole, but refused at login while
// disabled_at is set. The reason is the operator's note, shown by `switchboard user list`; never told to the user.
export const ACCOUNT_SUSPENSIONS = `
ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;
ALTER TABLE accounts ADD COLUMN disabled_reason TEXT;
`;

// The MUCs people joined through their linked XMPP account (core/kept-own-rooms.ts), joined again after a restart: one
// row per person and room (the room's address, xmpp://u.alice/room@conference.example.org), with the nick asked for and
// the room's password sealed as linked accounts' passwords are (NULL: none).
export const OWN_ROOMS = `
CREATE TABLE own_rooms (
  owner     TEXT NOT NULL,
  room      TEXT NOT NULL,
  nick      TEXT NOT NULL,
  secret    BLOB,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (owner, room)
) WITHOUT ROWID;
`;

// People's own server passwords for IRC servers on demand, which their puppets send as PASS
// (core/puppet-server-passwords.ts); only sealed, as in puppet_accounts.
export const PUPPET_SERVER_PASSWORDS = `
CREATE TABLE puppet_server_passwords (
  owner   TEXT NOT NULL,
  network TEXT NOT NULL,
  secret  BLOB NOT NULL,
  set_at  INTEGER NOT NULL,
  PRIMARY KEY (owner, network)
) WITHOUT ROWID;
`;

// Secrets the gateway makes for itself, by name (core/gateway-secrets.ts): random, made at first use and kept for good,
// so that what is derived from them (XEP-0421 occupant ids) stays the same across restarts.
export const GATEWAY_SECRETS = `
CREATE TABLE gateway_secrets (
  name       TEXT NOT NULL PRIMARY KEY,
  secret     BLOB NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

// Settings an admin changes while the gateway runs, by name, each a JSON value: the message of the day
// (core/message-of-the-day.ts), shown to every native user at each login until an admin clears it.
export const GATEWAY_SETTINGS = `
CREATE TABLE gateway_settings (
  name       TEXT NOT NULL PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

// XMPP users subscribed to the presence of the gateway's own domain (adapters/xmpp/gateway-contact.ts): sent its
// available presence when the component comes online and unavailable when it stops, also after a restart. `server`,
// the subscriber's own domain, bounds how many one XMPP server may keep.
export const GATEWAY_SUBSCRIBERS = `
CREATE TABLE gateway_subscribers (
  gateway       TEXT NOT NULL,
  jid           TEXT NOT NULL,
  server        TEXT NOT NULL,
  subscribed_at INTEGER NOT NULL,
  PRIMARY KEY (gateway, jid)
) WITHOUT ROWID;
CREATE INDEX gateway_subscribers_by_server ON gateway_subscribers (gateway, server);
`;

// Where each room joined through a linked XMPP account was when she was last given a line of it: the room's XEP-0359
// stanza id (adapters/xmpp/account-muc-catch-up.ts), from which its archive is read after a restart ("" for an empty
// archive; NULL: none yet). In the room's own row, so it goes with it and is bounded as the rooms are.
export const OWN_ROOM_ARCHIVE_MARKS = `
ALTER TABLE own_rooms ADD COLUMN archive_mark TEXT;
`;

// Rooms' settings chosen by their owners (core/room-settings.ts), and the people a members-only room lets in; both go
// with their room. A room without a settings row has the defaults (open, public, no password).
export const ROOM_SETTINGS = `
CREATE TABLE room_settings (
  room          TEXT NOT NULL PRIMARY KEY REFERENCES rooms (address) ON DELETE CASCADE,
  members_only  INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT,
  description   TEXT NOT NULL DEFAULT '',
  public        INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE TABLE room_allowed (
  room   TEXT NOT NULL REFERENCES rooms (address) ON DELETE CASCADE,
  person TEXT NOT NULL,
  PRIMARY KEY (room, person)
) WITHOUT ROWID;
CREATE INDEX room_allowed_by_person ON room_allowed (person);
`;

// The MUCs' own ids (XEP-0359) of the lines bridge bots and linked accounts carried, by gateway id and back, so that a
// retraction or a reply of a line from before a restart still names it (store/muc-line-id-store.ts). `muc` is the MUC's
// address (the adapter's account in it). Bounded: the newest 1,000 per MUC, and pruned with the message log.
export const MUC_LINE_IDS = `
CREATE TABLE muc_line_ids (
  muc        TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  room_id    TEXT NOT NULL,
  nick       TEXT NOT NULL,
  at         INTEGER NOT NULL,
  PRIMARY KEY (muc, gateway_id)
) WITHOUT ROWID;
CREATE INDEX muc_line_ids_by_room_id ON muc_line_ids (muc, room_id);
`;
