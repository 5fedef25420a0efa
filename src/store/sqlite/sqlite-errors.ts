/**
 * Error mapping for the SQLite backend: callers only ever see GatewayError GW_ERR_STORE (or a more precise
 * code where the store knows better, such as GW_ERR_NOT_FOUND), with the SQLite error kept as the cause.
 */
import Database from "better-sqlite3";
import { GatewayError } from "../../core/errors.js";

/** The SQLite result code name ("SQLITE_BUSY", ...) of an error, if it came from SQLite. */
export function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function reasonOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** A failed store operation; `action` completes "store failed to ...". */
export function storeError(action: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("GW_ERR_STORE", `store failed to ${action}: ${reasonOf(error)}`, { cause: error });
}

/**
 * Runs synchronous SQLite work behind the async store interface, so that a failure is always a rejected
 * promise carrying a GatewayError, never a synchronous throw.
 */
export async function guarded<T>(action: string, work: () => T): Promise<T> {
  try {
    return work();
  } catch (error: unknown) {
    throw storeError(action, error);
  }
}

/** A failure to open the database at `path`, as a one-line message naming the path. */
export function openError(path: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const options = { cause: error };
  switch (sqliteCode(error)) {
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
      return new GatewayError("GW_ERR_STORE", `database ${path} is locked by another process`, options);
    case "SQLITE_NOTADB":
      return new GatewayError("GW_ERR_STORE", `database ${path} is not a SQLite database`, options);
    case "SQLITE_READONLY":
      return new GatewayError("GW_ERR_STORE", `database ${path} is read-only`, options);
    case "SQLITE_CANTOPEN":
      return new GatewayError("GW_ERR_STORE", `cannot open database ${path}`, options);
    default:
      return new GatewayError("GW_ERR_STORE", `cannot open database ${path}: ${reasonOf(error)}`, options);
  }
}

/** LIMIT -1 means "no limit" in SQLite; the store contract means "none" for a limit below 1. */
export function rowLimit(limit: number): number {
  const rows = Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER);
  return rows >= 1 ? rows : 0;
}
