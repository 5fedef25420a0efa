/**
 * `switchboard backup DEST [--config FILE]`: a consistent copy of the store, taken while the daemon runs. SQLite's
 * online backup API copies the database as one transaction sees it (the WAL's committed pages included), so the copy
 * never holds half a commit; copying the file with cp while the daemon writes can. The copy holds password hashes and
 * sealed secrets: it is made readable by its owner only, and an existing file is never overwritten.
 */
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import type { SwitchboardConfig } from "../config/config-types.js";
import { GatewayError } from "../core/errors.js";
import { IN_MEMORY } from "../store/sqlite/open-sqlite-store.js";

/** Pages per backup step: all of them. In small steps SQLite starts the copy over whenever the daemon writes in between, which on a busy gateway can be for ever. */
const ALL_PAGES = 0x7fffffff;

/** Makes `path` as a new empty file, readable by its owner only; GW_ERR_STORE when something is there already. */
function createNew(path: string): void {
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new GatewayError("GW_ERR_STORE", `${path} exists already: back up to a new file`);
    throw new GatewayError("GW_ERR_STORE", `cannot create ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export interface BackupResult {
  readonly source: string;
  readonly pages: number;
}

/** Copies the store of `config` to `destination`; GW_ERR_STORE (with why) when it cannot. */
export async function backupStore(config: SwitchboardConfig, destination: string): Promise<BackupResult> {
  const source = config.store.path;
  if (source === IN_MEMORY) throw new GatewayError("GW_ERR_STORE", "the store is in memory (store.path is :memory:): there is nothing on disk to back up");
  // Opening a missing database would create an empty one, and back up nothing: an operator with a wrong --config must hear it.
  if (!existsSync(source)) throw new GatewayError("GW_ERR_STORE", `no database at ${source} (store.path): nothing to back up`);
  // Exclusively: a file that appeared since is never overwritten, nor removed below.
  createNew(destination);
  let db: Database.Database | undefined;
  try {
    // Read-only: the copy never writes to the daemon's database, whose writes go on while it copies.
    db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
    const { totalPages } = await db.backup(destination, { progress: () => ALL_PAGES });
    return { source, pages: totalPages };
  } catch (error: unknown) {
    // Half a copy must not pass for a backup.
    rmSync(destination, { force: true });
    throw new GatewayError("GW_ERR_STORE", `backup of ${source} to ${destination} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    db?.close();
  }
}
