/**
 * `switchboard user disable NAME [--reason TEXT] [--config FILE]` and `switchboard user enable NAME [--config FILE]`:
 * an account disabled or enabled again while the gateway is stopped, as admin.user.disable and admin.user.enable do
 * while it runs (docs/protocol.md, "Disabling an account").
 *
 * Refused while a gateway runs on the database, as `user delete` is (the store's process lock tells): a running
 * gateway would learn of a disabled account only at its next login, while the sessions it holds, its IRC puppets and
 * the user's linked XMPP account went on; "disabled" must mean stopped at once, so the command says to use the admin
 * frames or XEP-0133 instead. Enabling is refused the same way, since a running gateway keeps the puppets and linked
 * account of a user it disabled out until it is told. With the gateway stopped nobody is connected: the store is
 * marked, and the next start keeps the user's linked XMPP account logged out and their logins refused.
 */
import type { SwitchboardConfig } from "../config/config-types.js";
import { userOf } from "../core/account-deletion.js";
import { disableRefusal } from "../core/account-suspension.js";
import { GatewayError } from "../core/errors.js";
import { canonicalUserName, userNameProblem } from "../core/model/account-rules.js";
import { addressKey, parseAddress, type Address } from "../core/model/address.js";
import { UsageError } from "./command-line.js";
import { withStoppedGatewayStore } from "./stopped-gateway-store.js";

/** `--reason TEXT` (or `--reason=TEXT`) taken out of `args`: the rest is for commandArguments. */
export function reasonOption(args: readonly string[]): { readonly reason: string; readonly rest: readonly string[] } {
  let reason = "";
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? "";
    if (arg === "--reason") {
      const value = args[(index += 1)];
      if (value === undefined) throw new UsageError("--reason needs a TEXT");
      reason = value;
    } else if (arg.startsWith("--reason=")) reason = arg.slice("--reason=".length);
    else rest.push(arg);
  }
  return { reason, rest };
}

/** Disables the account `name` in the store of `config`: resolves with what to tell the operator, rejects with why not. */
export async function disableUser(config: SwitchboardConfig, name: string, reason: string, now: () => number = Date.now): Promise<string> {
  const user = userNamed(name);
  const refusal = disableRefusal(userOf(user), reason, isAdminIn(config));
  if (refusal !== undefined) throw refusal.code === "GW_ERR_FORBIDDEN" ? new GatewayError("GW_ERR_FORBIDDEN", `${user} is named in admins: take it out of the configuration first`) : refusal;
  return withStoppedGatewayStore(config, user, "disable", async (store) => {
    if (!(await store.accounts.setDisabled(user, { at: now(), reason }))) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${user} in ${config.store.path}`);
    return `user ${user} disabled`;
  });
}

/** Enables the account `name` again in the store of `config`. */
export async function enableUser(config: SwitchboardConfig, name: string): Promise<string> {
  const user = userNamed(name);
  return withStoppedGatewayStore(config, user, "enable", async (store) => {
    const account = await store.accounts.get(user);
    if (account === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${user} in ${config.store.path}`);
    if (account.disabled === undefined) return `user ${user} is not disabled`;
    await store.accounts.setDisabled(user, undefined);
    return `user ${user} enabled`;
  });
}

function userNamed(name: string): string {
  const problem = userNameProblem(name);
  if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_ADDRESS", problem);
  return canonicalUserName(name);
}

function isAdminIn(config: SwitchboardConfig): (address: Address) => boolean {
  return (address) => config.admins.some((admin) => addressKey(parseAddress(admin)) === addressKey(address));
}
