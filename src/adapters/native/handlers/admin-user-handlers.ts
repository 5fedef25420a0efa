/**
 * admin.user.disable and admin.user.enable: an admin (config `admins`) disables another user's account, or enables it
 * again (core/account-suspension.ts does it; docs/protocol.md, "Disabling an account", says what everyone sees). By the
 * rules of admin.user.delete: anyone else is refused before anything of the frame is read, and the admin's own account
 * is refused as a mistake (an admin who locked themself out could not undo it). admin.user.list: the accounts a page
 * at a time (core/account-listing.ts), each with whether the user has a session now.
 */
import { GatewayError } from "../../../core/errors.js";
import { formatAddress, sameAddress, type Address } from "../../../core/model/address.js";
import { accountPage, type AccountSummary } from "../../../core/account-listing.js";
import type { AdminUserDisableFrame, AdminUserEnableFrame, AdminUserListFrame } from "../client-frames.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import { userAddress } from "../native-addresses.js";
import type { NativeSession } from "../session.js";
import { self } from "./contact-handlers.js";

/** The admin asking and the user they name; GW_ERR_FORBIDDEN for a non-admin, GW_ERR_BAD_FRAME for their own name. */
function adminAndTarget(session: NativeSession, name: string, env: HandlerEnvironment, frameType: string): { readonly me: Address; readonly target: Address } {
  const me = self(session);
  if (!env.context.bridges.isAdmin(me)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(me)} is not an admin of this gateway`);
  const target = userAddress(name);
  if (sameAddress(target, me)) throw new GatewayError("GW_ERR_BAD_FRAME", `${frameType} is for other users' accounts`);
  return { me, target };
}

export const adminUserDisable: Handler<AdminUserDisableFrame> = async (session, frame, env) => {
  const { me, target } = adminAndTarget(session, frame.name, env, "admin.user.disable");
  await env.services.suspensions.disable(target.id, me, frame.reason ?? "");
  return {};
};

export const adminUserEnable: Handler<AdminUserEnableFrame> = async (session, frame, env) => {
  const { me, target } = adminAndTarget(session, frame.name, env, "admin.user.enable");
  await env.services.suspensions.enable(target.id, me);
  return {};
};

export const adminUserList: Handler<AdminUserListFrame> = async (session, frame, env) => {
  const me = self(session);
  if (!env.context.bridges.isAdmin(me)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(me)} is not an admin of this gateway`);
  const { accounts, truncated } = await accountPage(env.services.accounts, frame.after === undefined ? {} : { after: frame.after.toLowerCase() });
  return { accounts: accounts.map((account) => accountView(account, env.sessions.isOnline(account.name))), truncated };
};

/** One account on the wire: snake_case, the disable's fields only while it is disabled. */
function accountView(account: AccountSummary, online: boolean): Record<string, unknown> {
  const { disabled } = account;
  return { name: account.name, created_at: account.createdAt, online, ...(disabled === undefined ? {} : { disabled_at: disabled.at, disabled_reason: disabled.reason }) };
}
