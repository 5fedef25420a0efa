/**
 * account.password: the session user changes their own password. The old password is checked as a login checks it,
 * and a wrong one counts as a failed login of that user (handlers/login-limits.ts), so that a session left open on
 * someone else's machine cannot be used to guess it. Once changed, the user's other sessions are closed (4001,
 * docs/protocol.md "Connection close codes"): whoever else held one, a stolen one included, must log in again with
 * the new password. The session that changed it stays.
 */
import { changePassword, checkPassword } from "../../../core/accounts.js";
import { GatewayError } from "../../../core/errors.js";
import type { AccountPasswordFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import type { NativeSession } from "../session.js";
import type { SessionDirectory } from "../session-directory.js";
import { passwordAttempt } from "./login-limits.js";

/** How a session is closed when its user's password was changed in another one. */
export const PASSWORD_CHANGED = { code: 4001, reason: "password changed" } as const;

export const accountPassword: Handler<AccountPasswordFrame> = async (session, frame, env) => {
  const user = session.user;
  if (user === undefined) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED");
  const attempt = passwordAttempt(env.loginLimiter, session.remote, user);
  attempt.check();
  if (!(await checkPassword(env.services.accounts, user, frame.old_password))) {
    attempt.failed();
    throw new GatewayError("GW_ERR_AUTH_FAILED", "wrong password");
  }
  attempt.succeeded();
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
