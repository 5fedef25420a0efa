/**
 * Schema migrations, numbered from 1 and applied in order. A migration is never edited once released: a
 * change to the schema is a new migration appended to the list. `schema_version` records every applied
 * version, so a database written by a newer Switchboard is recognised and refused rather than misread.
 */
import type Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";
import { AVATARS_SCHEMA } from "./sqlite-avatars.js";
import { INITIAL_SCHEMA } from "./initial-schema.js";
import {
  FAILURE_NOTICES,
  LINKED_ACCOUNTS,
  IDENTITY_LINKS,
  RUNTIME_BRIDGES,
  LINK_ACCOUNTS,
  NOTICES_BY_MESSAGE,
  BRIDGE_OPTIONS,
  NAME_CLAIMS,
  ARCHIVE_BY_SENDER,
  BUDDY_OFFERS,
  SENT_REQUESTS,
  PUPPET_ACCOUNTS,
  HELD_NAMES,
  ROOM_BANS,
  ROOMS_BY_CREATOR,
  ACCOUNT_DELETIONS,
  ACCOUNT_SUSPENSIONS,
  OWN_ROOMS,
  PUPPET_SERVER_PASSWORDS,
  GATEWAY_SECRETS,
  GATEWAY_SETTINGS,
  GATEWAY_SUBSCRIBERS,
  OWN_ROOM_ARCHIVE_MARKS,
  ROOM_SETTINGS,
  MUC_LINE_IDS,
} from "./migration-schemas.js";
import { MUC_LINE_OCCUPANT_IDS } from "./sqlite-muc-line-ids.js";
import { BLOCKS_SCHEMA } from "./sqlite-blocks.js";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial schema", sql: INITIAL_SCHEMA },
  { version: 2, name: "failure notices", sql: FAILURE_NOTICES },
  { version: 3, name: "linked accounts", sql: LINKED_ACCOUNTS },
  { version: 4, name: "identity links", sql: IDENTITY_LINKS },
  { version: 5, name: "runtime bridges", sql: RUNTIME_BRIDGES },
  { version: 6, name: "link accounts", sql: LINK_ACCOUNTS },
  { version: 7, name: "failure notices by message", sql: NOTICES_BY_MESSAGE },
  { version: 8, name: "bridge options", sql: BRIDGE_OPTIONS },
  { version: 9, name: "name claims", sql: NAME_CLAIMS },
  { version: 10, name: "archive by sender", sql: ARCHIVE_BY_SENDER },
  { version: 11, name: "buddy offers", sql: BUDDY_OFFERS },
  { version: 12, name: "sent requests", sql: SENT_REQUESTS },
  { version: 13, name: "puppet accounts", sql: PUPPET_ACCOUNTS },
  { version: 14, name: "held names", sql: HELD_NAMES },
  { version: 15, name: "room bans", sql: ROOM_BANS },
  { version: 16, name: "rooms by creator", sql: ROOMS_BY_CREATOR },
  { version: 17, name: "account deletions", sql: ACCOUNT_DELETIONS },
  { version: 18, name: "account suspensions", sql: ACCOUNT_SUSPENSIONS },
  { version: 19, name: "own rooms", sql: OWN_ROOMS },
  { version: 20, name: "puppet server passwords", sql: PUPPET_SERVER_PASSWORDS },
  { version: 21, name: "gateway secrets", sql: GATEWAY_SECRETS },
  { version: 22, name: "gateway settings", sql: GATEWAY_SETTINGS },
  { version: 23, name: "gateway subscribers", sql: GATEWAY_SUBSCRIBERS },
  { version: 24, name: "own room archive marks", sql: OWN_ROOM_ARCHIVE_MARKS },
  { version: 25, name: "room settings", sql: ROOM_SETTINGS },
  { version: 26, name: "muc line ids", sql: MUC_LINE_IDS },
  { version: 27, name: "avatars", sql: AVATARS_SCHEMA },
  { version: 28, name: "muc line occupant ids", sql: MUC_LINE_OCCUPANT_IDS },
  { version: 29, name: "blocks", sql: BLOCKS_SCHEMA },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

export interface MigrationResult {
  /** The schema version found at open (0 for a new database). */
  readonly from: number;
  readonly to: number;
}

/**
 * Brings the schema up to date in ONE immediate transaction: either every pending migration is applied or
 * none is. Being a write transaction, it also takes the database lock at once (see open-sqlite-store.ts).
 */
export function migrate(db: Database.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  const latest = migrations.at(-1)?.version ?? 0;
  const run = db.transaction((): MigrationResult => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    const row = db.prepare<[], { version: number | null }>("SELECT max(version) AS version FROM schema_version").get();
    const current = row?.version ?? 0;
    if (current > latest) {
      throw new GatewayError(
        "GW_ERR_STORE",
        `database ${path} has schema version ${current}, newer than the ${latest} this Switchboard knows; upgrade Switchboard`,
      );
    }
    const record = db.prepare<[number, string, number]>("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)");
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
    return { from: current, to: Math.max(current, latest) };
  });
  return run.immediate();
}
