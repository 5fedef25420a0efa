/**
 * `switchboard user delete NAME [--config FILE]`: deletes a native account while the gateway is stopped, as
 * `admin.user.delete` does while it runs (docs/protocol.md, "Deleting an account").
 *
 * A running gateway holds the account's sessions, buddy lists, rooms and names in memory: a change of the store from
 * another process would leave it stale (a session still open, a cached contact, a name still taken). So the command
 * runs only when no gateway has the database: the store's process lock (store/sqlite/process-lock.ts, an OS lock a
 * daemon holds for as long as it lives, released even by kill -9) refuses a second process at once, and the command
 * says to use `admin.user.delete` instead. With the gateway stopped nobody is connected to be told: the store changes
 * as a deletion changes it (core/account-deletion.ts accountRemoval), the senders of waiting messages hear at their
 * next login, and an XMPP contact's server learns at its next probe.
 */
import type { SwitchboardConfig } from "../config/config-types.js";
import { accountRemoval, userOf } from "../core/account-deletion.js";
import { GatewayError } from "../core/errors.js";
import { canonicalUserName, userNameProblem } from "../core/model/account-rules.js";
import { addressKey, parseAddress } from "../core/model/address.js";
import { withStoppedGatewayStore } from "./stopped-gateway-store.js";

/** Deletes the account `name` from the store of `config`: resolves with what to tell the operator, rejects with why not. */
export async function deleteUser(config: SwitchboardConfig, name: string, now: () => number = Date.now): Promise<string> {
  const problem = userNameProblem(name);
  if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_ADDRESS", problem);
  const user = canonicalUserName(name);
  if (config.admins.some((admin) => addressKey(parseAddress(admin)) === addressKey(userOf(user)))) {
    throw new GatewayError("GW_ERR_FORBIDDEN", `${user} is named in admins: take it out of the configuration first (a name freed while admins names it would make its next owner an admin)`);
  }
  return withStoppedGatewayStore(config, user, "delete", async (store) => {
    const at = now();
    // A deletion a crash cut short is finished too (the gateway would at its next start).
    const begun = (await store.accountRemovals.begin(user, at)) || (await store.accountRemovals.unfinished()).includes(user);
    if (!begun) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${user} in ${config.store.path}`);
    await store.accountRemovals.finish(user, accountRemoval(user, at));
    return `user ${user} deleted`;
  });
}
