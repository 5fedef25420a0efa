/**
 * account.password, account.delete and admin.user.delete. account.password: the session user changes their own password. The old password is checked as a login checks it,
 * and a wrong one counts as a failed login of that user (core/login-limits.ts), so that a session left open on
 * someone else's machine cannot be used to guess it. Once changed, the user's other sessions are closed (4001,
 * docs/protocol.md "Connection close codes"): whoever else held one, a stolen one included, must log in again with
 * the new password. The session that changed it stays. account.delete: an account deleted by its own user, who proves it
 * with the password (checked and counted the same way), or by an admin (config `admins`) of the gateway
 * (core/account-deletion.ts does the deleting; docs/protocol.md, "Deleting an account", says what everyone sees).
 */
import { changePassword, checkPassword } from "../../../core/accounts.js";
import { GatewayError } from "../../../core/errors.js";
import { formatAddress, sameAddress } from "../../../core/model/address.js";
import type { AccountDeleteFrame, AccountPasswordFrame, AdminUserDeleteFrame } from "../client-frames.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import { userAddress } from "../native-addresses.js";
import { self } from "./contact-handlers.js";
import type { NativeSession } from "../session.js";
import type { SessionDirectory } from "../session-directory.js";
import { passwordAttempt } from "../../../core/login-limits.js";

/** How a session is closed when its user's password was changed in another one. */
export const PASSWORD_CHANGED = { code: 4001, reason: "password changed" } as const;

/** The session user's own password, checked as a login checks it: GW_ERR_AUTH_FAILED (counted) or GW_ERR_RATE_LIMITED. */
async function provePassword(env: HandlerEnvironment, session: NativeSession, password: string): Promise<string> {
  const user = session.user;
  if (user === undefined) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED");
  const attempt = passwordAttempt(env.loginLimiter, session.remote, user);
  attempt.check();
  attempt.begin(); // before the check, as a login's: the user's sessions may ask at once
  if (!(await checkPassword(env.services.accounts, user, password))) throw new GatewayError("GW_ERR_AUTH_FAILED", "wrong password");
  attempt.passed();
  return user;
}

export const accountPassword: Handler<AccountPasswordFrame> = async (session, frame, env) => {
  const user = await provePassword(env, session, frame.old_password);
  await changePassword(env.services.accounts, user, frame.new_password);
  const closed = closeOtherSessions(env.sessions, user, session);
  env.context.log.info({ user, session: session.id, closedSessions: closed }, "password changed");
  return {};
};

/**
 * Closes every session of the user but `keep`. Nothing more they sent is handled (as for a connection closed for a
 * limit: frame-intake.ts), and a closing connection is sent nothing more; each leaves the directory, and the user's
 * presence is recomputed, when its "close" comes. Answers how many were closed.
 */
function closeOtherSessions(sessions: SessionDirectory, user: string, keep: NativeSession): number {
  let closed = 0;
  for (const other of [...sessions.of(user)]) {
    if (other === keep) continue;
    other.closedByGateway = true;
    other.socket.close(PASSWORD_CHANGED.code, PASSWORD_CHANGED.reason);
    closed += 1;
  }
  return closed;
}

/** The session's user deletes their own account: the answer comes once it is gone, then every session of theirs closes (4001). */
export const accountDelete: Handler<AccountDeleteFrame> = async (session, frame, env) => {
  // Asked again, as a server asks before anything irreversible: an open session alone (a borrowed device) is not enough.
  const user = await provePassword(env, session, frame.password);
  await env.services.deletion.delete(user, self(session));
  return {};
};

/** An admin deletes another user's account; anyone else is refused before anything of the frame is read. */
export const adminUserDelete: Handler<AdminUserDeleteFrame> = async (session, frame, env) => {
  const me = self(session);
  if (!env.context.bridges.isAdmin(me)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(me)} is not an admin of this gateway`);
  const target = userAddress(frame.name);
  if (sameAddress(target, me)) throw new GatewayError("GW_ERR_BAD_FRAME", "admin.user.delete is for other users' accounts; an admin's own is deleted with account.delete, once out of admins");
  await env.services.deletion.delete(target.id, me);
  return {};
};
