/**
 * The store of a gateway that is not running, for the `switchboard user` commands that change accounts only then
 * (`user delete`, `user disable`, `user enable`): a running gateway holds sessions, puppets and caches that a change
 * from another process would leave stale. The store's process lock (store/sqlite/process-lock.ts) refuses a second
 * process at once, and the operator is told which admin frame does the same while the gateway runs.
 */
import { existsSync } from "node:fs";
import type { SwitchboardConfig } from "../config/config-types.js";
import { GatewayError } from "../core/errors.js";
import { openSqliteStore } from "../store/sqlite/index.js";
import type { Store } from "../store/store.js";

/** Runs `work` on the store of `config`, closed afterwards; `verb` names the admin frame (admin.user.<verb>) to use instead. */
export async function withStoppedGatewayStore(config: SwitchboardConfig, user: string, verb: "delete" | "disable" | "enable", work: (store: Store) => Promise<string>): Promise<string> {
  const path = config.store.path;
  // Opening a missing database would create an empty one: an operator with a wrong --config must hear it.
  if (!existsSync(path)) throw new GatewayError("GW_ERR_NOT_FOUND", `no database at ${path} (store.path): no user ${user}`);
  let store;
  try {
    store = openSqliteStore(path, { messageLog: config.store.message_log });
  } catch (error: unknown) {
    if (error instanceof GatewayError && error.condition === "locked") {
      throw new GatewayError("GW_ERR_STORE", `a gateway is running on ${path}: ${verb} the account from an admin's session with admin.user.${verb} while it runs, or stop it first`, { cause: error });
    }
    throw error;
  }
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
